package io.gearlog.engine.python;

import io.gearlog.engine.Client;
import io.gearlog.engine.Engine;
import io.gearlog.engine.gears.Execution;
import io.gearlog.engine.gears.GearsService;
import io.gearlog.engine.gears.Registrations;
import io.gearlog.engine.gears.Session;
import io.gearlog.engine.reply.ReplyBuffer;
import org.graalvm.polyglot.Value;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * RG.PYEXECUTE on a worker: evaluates the script body in fresh session globals, replies (error, +OK, the
 * execution id with UNBLOCKING, or the results), and runs the execution the script's run() created. The client
 * stays parked until the reply is written on the engine thread. Immutable; runs on one worker.
 */
public final class ScriptJob implements PythonRuntime.Job {
    private final GearsService gears;
    private final Client client;
    private final GearsService.Wait wait;
    private final String code;
    private final String sessionId;
    private final String description;
    private final boolean unblocking;
    private final long time;
    private final long seed;
    private final byte[] rawCode;
    /** The listed session this script replaces if it registers (UPGRADE of its own id, or REPLACE_WITH). */
    private final String replacing;

    public ScriptJob(GearsService gears, Client client, GearsService.Wait wait, byte[] code, String sessionId,
                     String description, boolean unblocking, long time, long seed, String replacing) {
        this.gears = gears;
        this.client = client;
        this.wait = wait;
        this.code = new String(code, StandardCharsets.UTF_8);
        this.sessionId = sessionId;
        this.description = description;
        this.unblocking = unblocking;
        this.time = time;
        this.seed = seed;
        this.rawCode = code;
        this.replacing = replacing;
    }

    private void reply(Consumer<ReplyBuffer> writer) {
        gears.engine().execute(() -> {
            gears.journalCounters();
            gears.reply(client, wait, writer);
        });
    }

    @Override
    public void cancelled() {
        reply(r -> r.error("ERR server is shutting down"));
    }

    @Override
    public void run(Worker w) {
        w.host.created.clear();
        w.scriptUnblocking = unblocking;
        w.origin = -1;
        String err = null;
        Value pending = null;
        List<Registrations.Spec> specs = new ArrayList<>();
        w.runningNow(this);
        try {
            w.begin(time, seed);
            Value r = w.fnRunScript.execute(code, sessionId, description, replacing);
            Value e = r.getArrayElement(0);
            err = e.isNull() ? null : e.asString();
            Value p = r.getArrayElement(1);
            pending = p.isNull() ? null : p;
            Value regs = r.getArrayElement(2);
            for (long i = 0; i < regs.getArraySize(); i++) {
                specs.add(HostApi.specOf(regs.getArrayElement(i), null));
            }
        } catch (Throwable t) {
            err = w.failure(t, w.interruptReason());
        } finally {
            w.runningDone();
            w.closeAtomic();
            if (w.isCancelled()) {
                w.dropContext();
            }
        }
        Execution ex = pending == null ? null : w.host.created.get(pending.getMember("number").asLong());
        Engine engine = gears.engine();
        if (err != null) {
            String message = err;
            engine.execute(() -> {
                // an execution started by a failing script is aborted and dropped
                if (ex != null && !ex.finished()) {
                    gears.abortNotStarted(ex);
                }
                if (ex != null && gears.executions().get(ex.number) == ex) {
                    gears.drop(ex);
                }
            });
            reply(r -> r.error(message));
            return;
        }
        if (!specs.isEmpty()) {
            applyRegistrations(w, specs, ex);
            if (ex != null) {
                // a script that registers gets +OK; its run() goes on in the background and is kept
                run(w, gears, pending, ex);
            }
            return;
        }
        w.fnCommitScript.execute(false);
        if (ex == null) {
            reply(ReplyBuffer::ok);
            return;
        }
        if (unblocking) {
            reply(r -> r.bulk(ex.id));
        } else {
            engine.execute(() -> {
                gears.journalCounters();
                gears.whenDone(ex, () -> gears.reply(client, wait, r -> GearsService.writeResults(r, ex)));
            });
        }
        run(w, gears, pending, ex);
    }

    /**
     * Applies the script's registrations on the engine thread (an internal job in RedisGears), makes this worker's
     * context the session's home and replies +OK.
     */
    private void applyRegistrations(Worker w, List<Registrations.Spec> specs, Execution ex) {
        boolean anySync = false;
        for (Registrations.Spec s : specs) {
            anySync |= s.mode().equals("sync");
        }
        if (anySync) {
            // the engine thread must not wait seconds for its context while it applies them
            w.await(w.rt.engineContextReady());
        }
        Session s = w.onEngine(eng -> {
            if (ex != null) {
                gears.keepExecution(ex);
            }
            return gears.registrations().applyScript(sessionId, description, rawCode, time, seed, replacing, specs,
                    w.index);
        });
        w.fnCommitScript.execute(true);
        w.loaded.put(sessionId, new long[]{s.serial(), s.version()});
        for (Registrations.Spec spec : specs) {
            if (!spec.mode().equals("sync") && spec.hasOnRegistered()) {
                RegistrationRunner.load(w, s.image(), List.of(spec.number()), true);
            }
        }
        reply(ReplyBuffer::ok);
    }

    /** Runs an execution on {@code w} to its end and hands the outcome to the engine thread. */
    static void run(Worker w, GearsService gears, Value pyRun, Execution ex) {
        Object token = ex;
        boolean go = w.onEngine(e -> gears.markRunning(ex, RegistrationRunner.interrupter(w, gears, ex)));
        if (!go) {
            return;
        }
        w.host.readNanos = 0;
        w.host.origin(ex.number);
        String fatal = null;
        long t0 = System.nanoTime();
        w.runningNow(token);
        boolean parked = false;
        try {
            w.begin(ex.createdAt, ex.seed);
            parked = w.fnRunPipeline.execute(pyRun, null, true).asBoolean();
        } catch (Throwable t) {
            fatal = w.failure(t, w.interruptReason());
        } finally {
            w.runningDone();
            w.closeAtomic();
            w.origin = -1;
        }
        long totalNanos = System.nanoTime() - t0;
        if (parked && fatal == null && !w.isCancelled()) {
            // a record waits for a future: the worker goes on, continueRun (or the Gears loop) resumes it here
            w.parked.put(ex.number, new Worker.Parked(ex, totalNanos));
            return;
        }
        List<byte[]> results = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        long readNanos = w.host.readNanos;
        long[] stepNanos = new long[0];
        if (!w.isCancelled()) {
            try {
                Value o = w.fnOutcome.execute(pyRun);
                Value res = o.getArrayElement(0);
                for (long i = 0; i < res.getArraySize(); i++) {
                    results.add(res.getArrayElement(i).asString().getBytes(StandardCharsets.ISO_8859_1));
                }
                Value errs = o.getArrayElement(1);
                for (long i = 0; i < errs.getArraySize(); i++) {
                    errors.add(errs.getArrayElement(i).asString());
                }
                readNanos += o.getArrayElement(2).asLong();
                Value steps = o.getArrayElement(3);
                stepNanos = new long[(int) steps.getArraySize()];
                for (int i = 0; i < stepNanos.length; i++) {
                    stepNanos[i] = steps.getArrayElement(i).asLong();
                }
            } catch (RuntimeException e) {
                errors.add(w.failure(e, null));
            }
        } else {
            w.dropContext();
        }
        if (fatal != null) {
            errors.add(fatal);
        }
        long[] stepMillis = Worker.millis(stepNanos);
        long total = totalNanos / 1_000_000;
        long read = readNanos / 1_000_000;
        gears.engine().execute(() -> gears.finish(ex, results, errors, total, read, stepMillis));
    }
}
