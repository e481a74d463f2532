package io.gearlog.engine.gears;

import java.util.ArrayList;
import java.util.List;

/**
 * One run of a plan (spec README section 5): id, status, results, errors, durations and who waits for it.
 * Owned by the engine thread; a worker only reads the immutable fields and sets {@link #abortRequested}'s
 * consequences through tasks it submits to the engine.
 */
public final class Execution {
    /** The exact status strings of RedisGears. */
    public enum Status {
        CREATED("created"), RUNNING("running"), DONE("done"), ABORTED("aborted");

        private final String text;

        Status(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** A plan step as RG.GETEXECUTION shows it. */
    public record Step(String type, String name, String arg) {
    }

    public final long number;
    public final String id;
    /** Created by a registration (event/trigger) rather than by run(). */
    public final boolean registered;
    /** Engine time of the record that created it: the clock its Python code sees. */
    public final long createdAt;
    /** Seed of the randomness its Python code sees (the creating record's index). */
    public final long seed;
    public final List<Step> steps;

    Status status = Status.CREATED;
    /** Results as encoded RESP values, in order. */
    List<byte[]> results = List.of();
    List<String> errors = List.of();
    long totalMillis;
    long readMillis;
    long[] stepMillis;
    /** In the MaxExecutions FIFO; an unlisted unfinished execution is freed when it finishes. */
    boolean listed = true;
    /** Freed as soon as it finishes (blocking RG.PYEXECUTE, run() from inside an execution). */
    boolean dropWhenDone;
    boolean abortRequested;
    /** Why the abort was requested ("aborted" or the time limit), for the error string. */
    String abortReason;
    /** Set while a worker runs it: asks that worker to interrupt it, with the reason. */
    java.util.function.Consumer<String> interrupter;
    /** Run on the engine thread when the execution finishes or is aborted (waiting clients). */
    final List<Runnable> onDone = new ArrayList<>();
    /** The registration that created it (null for run()). */
    Registration registration;
    /** What fired it (see {@link Registrations}: KIND_KEYS key + event, KIND_ARGS the record's strings...). */
    int inputKind;
    List<byte[]> input = List.of();

    Execution(long number, boolean registered, long createdAt, long seed, List<Step> steps) {
        this.number = number;
        this.id = ExecutionIds.format(number);
        this.registered = registered;
        this.createdAt = createdAt;
        this.seed = seed;
        this.steps = steps;
        this.stepMillis = new long[steps.size()];
    }

    public Status status() {
        return status;
    }

    /** Not started yet (a sync execution that suspended shows created too, but it has started). */
    public boolean notStarted() {
        return status == Status.CREATED && interrupter == null;
    }

    public boolean finished() {
        return status == Status.DONE || status == Status.ABORTED;
    }

    public List<byte[]> results() {
        return results;
    }

    public List<String> errors() {
        return errors;
    }

    public boolean abortRequested() {
        return abortRequested;
    }

    public String abortReason() {
        return abortReason;
    }

    public Registration registration() {
        return registration;
    }

    public int inputKind() {
        return inputKind;
    }

    public List<byte[]> input() {
        return input;
    }
}
