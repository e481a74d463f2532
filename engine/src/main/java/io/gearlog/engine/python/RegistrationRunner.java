package io.gearlog.engine.python;

import io.gearlog.engine.ServerLog;
import io.gearlog.engine.gears.Execution;
import io.gearlog.engine.gears.GearsService;
import io.gearlog.engine.gears.Registrations;
import io.gearlog.engine.gears.Session;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs registrations' Python in a context: loading a session's callables (re-evaluating its script, unpickling
 * plans of registrations made inside executions) and running one execution. Called on the thread that owns the
 * context: a worker for background executions, the engine thread for sync ones. Stateless.
 */
final class RegistrationRunner {
    private RegistrationRunner() {
    }

    /**
     * Gives {@code w}'s context the session's current callables if it lacks them, then calls onRegistered of
     * {@code onRegistered} there ({@code always}: even if nothing had to be loaded).
     */
    static void load(Worker w, Session.Image img, List<Long> onRegistered, boolean always) {
        boolean loadedNow = ensureSession(w, img);
        if (!loadedNow && !always) {
            return;
        }
        for (long n : onRegistered) {
            try {
                w.begin(img.scriptTime(), img.scriptSeed());
                w.fnOnRegistered.execute(img.id(), n);
            } catch (PolyglotException e) {
                ServerLog.warning("GEARS: onRegistered of " + n + " failed: " + w.failure(e, w.interruptReason()));
            }
        }
    }

    /** True when the session had to be (re)loaded into {@code w}'s context. */
    static boolean ensureSession(Worker w, Session.Image img) {
        long[] have = w.loaded.get(img.id());
        if (have != null && have[0] == img.serial() && have[1] >= img.version()) {
            return false;
        }
        Object[] numbers = new Object[img.byOrdinal().length];
        for (int i = 0; i < numbers.length; i++) {
            numbers[i] = img.byOrdinal()[i];
        }
        Object[] plans = new Object[img.pickledNumbers().length];
        for (int i = 0; i < plans.length; i++) {
            plans[i] = ProxyArray.fromArray(img.pickledNumbers()[i],
                    new String(img.pickledPlans().get(i), StandardCharsets.ISO_8859_1));
        }
        long saved = w.origin;
        w.origin = -1;
        try {
            w.begin(img.scriptTime(), img.scriptSeed());
            Value err = w.fnLoadSession.execute(img.code(), img.id(), ProxyArray.fromArray(numbers),
                    ProxyArray.fromArray(plans));
            if (!err.isNull()) {
                ServerLog.warning("GEARS: loading session " + img.id() + " into a Python context: " + err.asString());
            }
        } catch (PolyglotException e) {
            ServerLog.warning("GEARS: loading session " + img.id() + " failed: " + w.failure(e, w.interruptReason()));
        } finally {
            w.origin = saved;
        }
        w.loaded.put(img.id(), new long[]{img.serial(), img.version()});
        return true;
    }

    /** Runs one execution of a registration on {@code w} and hands its outcome to the engine thread. */
    static void run(Worker w, GearsService gears, Registrations.Run run) {
        Execution ex = run.execution();
        Object token = ex;
        boolean go = w.onEngine(e -> gears.markRunning(ex, interrupter(w, gears, ex)));
        if (!go) {
            return;
        }
        boolean outermost = !w.engineBound || w.depth == 0;
        ensureSession(w, run.session());
        long savedOrigin = w.origin;
        if (w.engineBound) {
            w.depth++;
        }
        String fatal = null;
        Value o = null;
        long t0 = System.nanoTime();
        if (outermost) {
            w.runningNow(token);
        }
        PolyglotException rethrow = null;
        try {
            w.origin = ex.number;
            if (outermost) {
                w.begin(ex.createdAt, ex.seed);
            }
            o = w.fnRunRegistration.execute(run.session().id(), run.registration(), ex.number,
                    kindName(run.kind()), input(w, gears, run), run.allowAsync());
        } catch (PolyglotException e) {
            fatal = w.failure(e, w.interruptReason());
            if (!outermost && (e.isInterrupted() || e.isCancelled())) {
                // the outer sync execution on this thread is being stopped too
                rethrow = e;
            }
        } catch (Throwable t) {
            fatal = w.failure(t, w.interruptReason());
        } finally {
            if (outermost) {
                w.runningDone();
            }
            w.origin = savedOrigin;
            if (w.engineBound) {
                w.depth--;
                if (outermost) {
                    w.closeAtomic();
                    // an interrupt of the engine context may leave the engine thread's interrupt flag set
                    Thread.interrupted();
                }
            }
        }
        long totalNanos = System.nanoTime() - t0;
        if (o != null && o.isBoolean() && o.asBoolean() && fatal == null && !w.isCancelled()) {
            // a record suspended on a gearsFuture: the execution stays running, the worker goes on
            w.parked.put(ex.number, new Worker.Parked(ex, totalNanos));
            if (w.engineBound) {
                gears.suspendedInline(ex);
            }
            return;
        }
        complete(w, gears, ex, o, fatal, totalNanos);
        if (rethrow != null) {
            throw rethrow;
        }
    }

    /**
     * What RG.ABORTEXECUTION (or the time limit) does to execution {@code ex} run by {@code w}: interrupts its code
     * if it runs; a parked execution runs no code, so the thread owning its context ends it.
     */
    static java.util.function.Consumer<String> interrupter(Worker w, GearsService gears, Execution ex) {
        return reason -> {
            w.rt.interrupt(w, ex, reason);
            if (w.engineBound) {
                // called on the engine thread, which owns the engine context: nothing of it runs now
                if (w.parked.containsKey(ex.number)) {
                    abortIfParked(w, gears, ex, reason);
                }
            } else {
                w.rt.submitTo(w.index, w2 -> abortIfParked(w2, gears, ex, reason));
            }
        };
    }

    /** Collects the lost futures of this context's parked executions (gears.py sweep_lost); on its thread. */
    static void sweepLost(Worker w) {
        if (w.ctx == null) {
            return;
        }
        w.runningNow(w);
        try {
            w.gears.getMember("sweep_lost").execute();
        } catch (PolyglotException e) {
            ServerLog.warning("GEARS: collecting lost futures failed: " + w.failure(e, w.interruptReason()));
        } finally {
            w.runningDone();
        }
    }

    /**
     * The thread of {@code w}'s context (a worker, or the engine thread for the engine context): resumes the parked
     * executions whose futures completed (queued by continueRun, setFutureResults or a due timer).
     */
    static void resumeReady(Worker w, GearsService gears) {
        if (w.ctx == null) {
            return;
        }
        Value ready;
        w.runningNow(w);
        try {
            ready = w.fnParkedReady.execute();
        } catch (PolyglotException e) {
            ServerLog.warning("GEARS: listing resumable executions failed: " + w.failure(e, w.interruptReason()));
            return;
        } finally {
            w.runningDone();
            if (w.engineBound) {
                w.closeAtomic();
                Thread.interrupted();
            }
        }
        for (long i = 0; i < ready.getArraySize(); i++) {
            long number = ready.getArrayElement(i).asLong();
            Worker.Parked p = w.parked.get(number);
            if (p == null) {
                continue;
            }
            resume(w, gears, p);
        }
    }

    private static void resume(Worker w, GearsService gears, Worker.Parked p) {
        Execution ex = p.execution();
        w.parked.remove(ex.number);
        String fatal = null;
        Value o = null;
        long t0 = System.nanoTime();
        long savedOrigin = w.origin;
        if (w.engineBound) {
            // a sync execution going on in the background: it is the engine context's outermost execution now
            w.depth++;
            gears.resumedInBackground(ex);
        }
        w.runningNow(ex);
        try {
            w.origin = ex.number;
            w.begin(ex.createdAt, ex.seed);
            o = w.fnResume.execute(ex.number);
        } catch (PolyglotException e) {
            fatal = w.failure(e, w.interruptReason());
        } catch (Throwable t) {
            fatal = w.failure(t, w.interruptReason());
        } finally {
            w.runningDone();
            w.origin = savedOrigin;
            if (w.engineBound) {
                w.depth--;
                w.closeAtomic();
                Thread.interrupted();
            }
        }
        long totalNanos = p.nanos() + System.nanoTime() - t0;
        if (o != null && o.isBoolean() && o.asBoolean() && fatal == null && !w.isCancelled()) {
            w.parked.put(ex.number, new Worker.Parked(ex, totalNanos));
            if (w.engineBound) {
                gears.suspendedInline(ex);
            }
            return;
        }
        complete(w, gears, ex, o, fatal, totalNanos);
    }

    /** Worker thread: RG.ABORTEXECUTION of an execution parked here ends it with the forcestopped error. */
    private static void abortIfParked(Worker w, GearsService gears, Execution ex, String reason) {
        Worker.Parked p = w.parked.remove(ex.number);
        if (p == null) {
            return;
        }
        try {
            w.fnAbandon.execute(ex.number);
        } catch (PolyglotException e) {
            ServerLog.debug("abandoning a parked execution: " + e);
        }
        complete(w, gears, ex, null, w.formatFlat("gears.forcestopped", reason), p.nanos());
    }

    /** Hands a finished execution's outcome ({@code o}: run_registration's result) to the engine thread. */
    private static void complete(Worker w, GearsService gears, Execution ex, Value o, String fatal, long totalNanos) {
        List<byte[]> results = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        long readNanos = 0;
        long[] stepNanos = new long[0];
        if (o != null && o.isString()) {
            errors.add(o.asString());
        } else if (o != null && o.isNull()) {
            // run_registration's "no results, no errors"
        } else if (o != null && !w.isCancelled() && o.getArraySize() > 0 && o.getArrayElement(0).isString()) {
            // run_registration's "results only": their RESP strings
            for (long i = 0, n = o.getArraySize(); i < n; i++) {
                results.add(o.getArrayElement(i).asString().getBytes(StandardCharsets.ISO_8859_1));
            }
        } else if (o != null && !w.isCancelled()) {
            try {
                Value res = o.getArrayElement(0);
                for (long i = 0; i < res.getArraySize(); i++) {
                    results.add(res.getArrayElement(i).asString().getBytes(StandardCharsets.ISO_8859_1));
                }
                Value errs = o.getArrayElement(1);
                for (long i = 0; i < errs.getArraySize(); i++) {
                    errors.add(errs.getArrayElement(i).asString());
                }
                readNanos = o.getArrayElement(2).asLong();
                Value steps = o.getArrayElement(3);
                stepNanos = new long[(int) steps.getArraySize()];
                for (int i = 0; i < stepNanos.length; i++) {
                    stepNanos[i] = steps.getArrayElement(i).asLong();
                }
            } catch (RuntimeException e) {
                errors.add(w.failure(e, null));
            }
        }
        if (w.isCancelled() && !w.engineBound) {
            w.dropContext();
        }
        if (fatal != null) {
            errors.add(fatal);
        }
        long[] stepMillis = Worker.millis(stepNanos);
        long total = totalNanos / 1_000_000;
        long read = readNanos / 1_000_000;
        if (w.engineBound) {
            gears.finish(ex, results, errors, total, read, stepMillis);
        } else {
            gears.engine().execute(() -> gears.finish(ex, results, errors, total, read, stepMillis));
        }
    }

    private static String kindName(int kind) {
        return switch (kind) {
            case Registrations.KIND_KEYS -> "keys";
            case Registrations.KIND_KEYS_LINKED -> "keys-linked";
            case Registrations.KIND_HOOK -> "hook";
            case Registrations.KIND_ARGS -> "args";
            default -> "records";
        };
    }

    /**
     * The execution's input as Python values: [key, event, readValue] (on the engine thread also the key's
     * record batch, read now instead of by a call back from Python), stream entries, or the record's strings.
     */
    private static Object input(Worker w, GearsService gears, Registrations.Run run) {
        List<byte[]> in = run.input();
        if (run.kind() == Registrations.KIND_KEYS || run.kind() == Registrations.KIND_KEYS_LINKED) {
            String key = new String(in.get(0), StandardCharsets.UTF_8);
            String event = new String(in.get(1), StandardCharsets.UTF_8);
            if (!w.engineBound) {
                return ProxyArray.fromArray(key, event, run.readValue());
            }
            // the same key bytes Python's _host.keys(key) would ask for
            GearsService.KeysBatch b = gears.readKeys(key.getBytes(StandardCharsets.UTF_8), 0, run.readValue(), true, 1);
            return ProxyArray.fromArray(key, event, run.readValue(), w.convert.keysBatch(b.records(), run.readValue()));
        }
        if (run.kind() == Registrations.KIND_STREAM) {
            // key, then per entry: id, field count, fields and values
            byte[] key = in.get(0);
            List<Object> recs = new ArrayList<>();
            int i = 1;
            while (i < in.size()) {
                byte[] id = in.get(i);
                int n = Integer.parseInt(new String(in.get(i + 1), StandardCharsets.US_ASCII));
                recs.add(w.convert.streamRecord(key, id, in.subList(i + 2, i + 2 + n)));
                i += 2 + n;
            }
            return ProxyArray.fromList(recs);
        }
        // KIND_ARGS, KIND_HOOK: run_registration makes the list record of these strings
        Object[] strs = new Object[in.size()];
        for (int i = 0; i < strs.length; i++) {
            strs[i] = w.convert.str(in.get(i));
        }
        return ProxyArray.fromArray(strs);
    }
}
