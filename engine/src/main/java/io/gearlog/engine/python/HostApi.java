package io.gearlog.engine.python;

import io.gearlog.engine.ServerLog;
import io.gearlog.engine.gears.Execution;
import io.gearlog.engine.gears.GearsService;
import io.gearlog.engine.gears.Registrations;
import io.gearlog.engine.gears.Replies;
import io.gearlog.engine.gears.Session;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Java functions gears.py calls as {@code _host.<name>(...)}: everything Python needs from the server (execute,
 * reader batches, execution bookkeeping, configuration, clocks). Each runs on the worker thread inside the
 * context; keyspace work is handed to the engine thread. Worker thread only.
 */
final class HostApi {
    private static final int BATCH = 1000;
    /** Wakes a worker when a timer of its parked coroutines is due (asyncio.sleep in a parked record). */
    private static final java.util.Timer TIMERS = new java.util.Timer("gearlog-gears-timers", true);

    private final Worker w;
    private final GearsService gears;
    /** Executions created by the code running now, by number. */
    final Map<Long, Execution> created = new HashMap<>();
    private final ArrayDeque<Long> origins = new ArrayDeque<>();
    /** Time spent in Java-side reader batches of the current execution. */
    long readNanos;

    HostApi(Worker w) {
        this.w = w;
        this.gears = w.rt.gears;
    }

    ProxyObject proxy() {
        Map<String, Object> m = new HashMap<>();
        m.put("next_plan", fn(a -> {
            gears.takePlanNumber();
            return null;
        }));
        m.put("create_execution", fn(this::createExecution));
        m.put("execution_started", fn(this::executionStarted));
        m.put("nested_finished", fn(this::nestedFinished));
        m.put("execute", fn(this::execute));
        m.put("keys", fn(this::keys));
        m.put("stream", fn(this::stream));
        m.put("log", fn(this::log));
        m.put("config_get", fn(a -> gears.config().extra(a[0].asString())));
        m.put("nanos", fn(a -> System.nanoTime()));
        m.put("stopping", fn(a -> w.interruptReason() != null));
        m.put("clock_ns", fn(a -> w.clockNanos()));
        m.put("traceback_mode", fn(a -> gears.config().traceback()));
        m.put("profiling", fn(a -> gears.config().profiling()));
        m.put("profile_generation", fn(a -> gears.config().profiling() ? gears.profiles().generation(a[0].asString()) : -1L));
        m.put("profile_publish", fn(a -> {
            gears.profiles().publish(a[0].asString(), a[1].asLong(), w.engineBound ? -1 : w.index, a[2].asString());
            return null;
        }));
        m.put("atomic_enter", fn(a -> {
            if (w.inAtomic()) {
                throw error("Already inside an atomic block");
            }
            w.openAtomic();
            return null;
        }));
        m.put("atomic_exit", fn(a -> {
            if (!w.inAtomic()) {
                throw error("Not inside an atomic block");
            }
            w.closeAtomic();
            return null;
        }));
        m.put("in_atomic", fn(a -> w.inAtomic()));
        // a coroutine step of an execution, run by the Gears loop: its writes are that execution's EFFECT records
        m.put("swap_origin", fn(a -> {
            long prev = w.origin;
            w.origin = a[0].asLong();
            return prev;
        }));
        m.put("take_plan", fn(a -> gears.takePlanNumber()));
        m.put("check_register", fn(a -> {
            String kind = a[0].asString();
            String name = a[1].asString();
            String replacing = a[2].isNull() ? null : a[2].asString();
            boolean byPrefix = a[3].asBoolean();
            return w.onEngine(eng -> gears.registrations().check(kind, name, replacing, byPrefix));
        }));
        m.put("register_now", fn(this::registerNow));
        // the engine context parks only its outermost sync execution (a nested one may not block its caller)
        m.put("can_park", fn(a -> !w.engineBound || w.depth == 1));
        m.put("wake_after", fn(a -> {
            long millis = a[0].asLong();
            TIMERS.schedule(new java.util.TimerTask() {
                @Override
                public void run() {
                    wakeUp();
                }
            }, millis);
            return null;
        }));
        // the engine context never sweeps: a collection there would stall the engine thread
        m.put("sweep_after", fn(a -> {
            if (w.engineBound) {
                return false;
            }
            long millis = a[0].asLong();
            TIMERS.schedule(new java.util.TimerTask() {
                @Override
                public void run() {
                    w.rt.submitTo(w.index, w2 -> RegistrationRunner.sweepLost(w2));
                }
            }, millis);
            return true;
        }));
        m.put("wake", fn(a -> {
            wakeUp();
            return null;
        }));
        m.put("call_next", fn(this::callNext));
        m.put("register_te", fn(a -> {
            long seconds = a[0].asLong();
            long tid = a[1].asLong();
            int worker = w.engineBound ? -1 : w.index;
            return w.onEngine(eng -> {
                gears.python().addTimeEvent(worker, tid, Math.max(1, seconds) * 1000);
                return null;
            });
        }));
        m.put("register_te_key", fn(a -> {
            long seconds = a[0].asLong();
            byte[] key = a[1].asString().getBytes(StandardCharsets.UTF_8);
            String sid = a[2].asString();
            byte[] blob = a[3].asString().getBytes(StandardCharsets.ISO_8859_1);
            int worker = w.engineBound ? -1 : w.index;
            long origin = w.origin;
            var client = w.executeClient();
            return w.onEngine(eng -> {
                byte[][] argv = {io.gearlog.engine.gears.TimeEventValue.COMMAND.getBytes(StandardCharsets.US_ASCII), key,
                        Long.toString(seconds).getBytes(StandardCharsets.US_ASCII), sid.getBytes(StandardCharsets.UTF_8), blob};
                Object r = gears.executeCommand(client, argv, origin);
                if (!(r instanceof Long n) || n != 1) {
                    return false;
                }
                io.gearlog.engine.keyspace.Key k = new io.gearlog.engine.keyspace.Key(key);
                var v = (io.gearlog.engine.gears.TimeEventValue) eng.keyspace().db(0).peek(k);
                gears.python().addKeyedTimeEvent(worker, k, v);
                return true;
            });
        }));
        m.put("override_reply", fn(a -> {
            byte[] resp = a[0].asString().getBytes(StandardCharsets.ISO_8859_1);
            long exec = w.origin;
            return w.onEngine(eng -> gears.registrations().overrideReply(exec, resp));
        }));
        m.put("get_command", fn(a -> {
            long exec = w.origin;
            byte[][] argv = w.onEngine(eng -> gears.registrations().linkedCommand(exec));
            if (argv == null) {
                throw error("Can not get command ctx");
            }
            Object[] strs = new Object[argv.length];
            for (int i = 0; i < strs.length; i++) {
                strs[i] = w.convert.str(argv[i]);
            }
            return w.convert.list(strs);
        }));
        return ProxyObject.fromMap(m);
    }

    /** Queues the resumption of this context's parked executions whose futures completed, on its own thread. */
    private void wakeUp() {
        if (w.engineBound) {
            gears.engine().execute(() -> RegistrationRunner.resumeReady(w, gears));
        } else {
            w.rt.submitTo(w.index, w2 -> RegistrationRunner.resumeReady(w2, gears));
        }
    }

    private ProxyExecutable fn(Function<Value[], Object> f) {
        return args -> {
            try {
                return f.apply(args);
            } catch (PolyglotException e) {
                throw e;
            } catch (IllegalStateException e) {
                throw error(String.valueOf(e.getMessage()));
            } catch (RuntimeException e) {
                ServerLog.warning("Python host call failed: " + e);
                throw error("internal error: " + e.getClass().getSimpleName());
            }
        };
    }

    /** A gears.error for Python to raise. */
    PolyglotException error(String msg) {
        return raise(w.errorClass, msg);
    }

    private PolyglotException raise(Value cls, String msg) {
        try {
            cls.newInstance(msg).throwException();
        } catch (PolyglotException e) {
            return e;
        }
        throw new IllegalStateException("not an exception class");
    }

    // ---- executions

    private Object createExecution(Value[] a) {
        Value run = a[0];
        boolean nested = a[1].asBoolean();
        Value descs = run.getMember("descs");
        List<Execution.Step> steps = new ArrayList<>((int) descs.getArraySize());
        for (long i = 0; i < descs.getArraySize(); i++) {
            Value d = descs.getArrayElement(i);
            steps.add(new Execution.Step(d.getArrayElement(0).asString(), d.getArrayElement(1).asString(),
                    d.getArrayElement(2).asString()));
        }
        // run() in a blocking script is dropped once its results were replied; nested runs when done
        boolean drop = nested || !w.scriptUnblocking;
        Execution e = w.onEngine(eng -> gears.createExecution(steps, drop));
        run.putMember("number", e.number);
        run.putMember("id", e.id);
        created.put(e.number, e);
        return null;
    }

    private Object executionStarted(Value[] a) {
        long number = a[0].asLong();
        Execution e = created.get(number);
        Object token = w.running;
        w.onEngine(eng -> gears.markRunning(e, reason -> w.rt.interrupt(w, token, reason)));
        origins.push(w.origin);
        w.origin = number;
        return null;
    }

    private Object nestedFinished(Value[] a) {
        long number = a[0].asLong();
        Value errs = a[1];
        List<String> errors = new ArrayList<>();
        for (long i = 0; i < errs.getArraySize(); i++) {
            errors.add(errs.getArrayElement(i).asString());
        }
        w.origin = origins.isEmpty() ? -1 : origins.pop();
        Execution e = created.remove(number);
        if (e != null) {
            w.engine().execute(() -> gears.finish(e, List.of(), errors, 0, 0, new long[0]));
        }
        return null;
    }

    /** Sets the EFFECT origin for a top-level execution; -1 again afterwards. */
    void origin(long number) {
        origins.clear();
        w.origin = number;
    }

    // ---- execute()

    private Object execute(Value[] a) {
        byte[][] args = argv(a[0], a[1].asString());
        long origin = w.origin;
        var client = w.executeClient();
        boolean readOnly = a.length > 2 && a[2].asBoolean();
        Object r = w.onEngine(eng -> readOnly && gears.isWrite(args) ? null : gears.executeCommand(client, args, origin));
        if (r instanceof Replies.Error err) {
            throw error(err.message());
        }
        return w.convert.reply(r);
    }

    /** Python's argument strings as bytes: '1' in {@code raw} marks one that came from bytes (latin-1 carried). */
    private static byte[][] argv(Value argv, String raw) {
        int n = (int) argv.getArraySize();
        byte[][] args = new byte[n][];
        for (int i = 0; i < n; i++) {
            String s = argv.getArrayElement(i).asString();
            args[i] = raw.charAt(i) == '1' ? s.getBytes(StandardCharsets.ISO_8859_1) : s.getBytes(StandardCharsets.UTF_8);
        }
        return args;
    }

    /** call_next() of a hook execution: the next hook or the real command, its reply converted like execute(). */
    private Object callNext(Value[] a) {
        byte[][] args = argv(a[0], a[1].asString());
        long origin = w.origin;
        var client = w.executeClient();
        Object r = w.onEngine(eng -> gears.registrations().callNext(origin, args, client, origin));
        if (r instanceof Replies.Error err) {
            throw error(err.message());
        }
        return w.convert.reply(r);
    }

    // ---- registrations

    /** register() inside an execution: the registration is applied at once (null) or refused (the error). */
    private Object registerNow(Value[] a) {
        String sid = a[0].asString();
        Registrations.Spec spec = specOf(a[1], a[2].asString().getBytes(StandardCharsets.ISO_8859_1));
        int home = w.engineBound ? -1 : w.index;
        Object r = w.onEngine(eng -> {
            String err = gears.registrations().registerFromExecution(sid, spec, home);
            if (err != null) {
                return err;
            }
            Session s = gears.registrations().session(sid);
            return new long[]{s.serial(), s.version()};
        });
        if (r instanceof String err) {
            return err;
        }
        // this context holds the new plan already
        long[] sv = (long[]) r;
        long[] have = w.loaded.get(sid);
        if (have == null || have[0] == sv[0]) {
            w.loaded.put(sid, sv);
        }
        return null;
    }

    /** A registration descriptor from register(): [number, ordinal, reader, mode, desc, onReg, descs, args]. */
    static Registrations.Spec specOf(Value d, byte[] pickled) {
        long number = d.getArrayElement(0).asLong();
        int ordinal = d.getArrayElement(1).asInt();
        String reader = d.getArrayElement(2).asString();
        String mode = d.getArrayElement(3).asString();
        Value descV = d.getArrayElement(4);
        String desc = descV.isNull() ? null : descV.asString();
        boolean onReg = d.getArrayElement(5).asBoolean();
        Value descs = d.getArrayElement(6);
        List<Execution.Step> steps = new ArrayList<>((int) descs.getArraySize());
        for (long i = 0; i < descs.getArraySize(); i++) {
            Value s = descs.getArrayElement(i);
            steps.add(new Execution.Step(s.getArrayElement(0).asString(), s.getArrayElement(1).asString(),
                    s.getArrayElement(2).asString()));
        }
        Value args = d.getArrayElement(7);
        List<Object> list = new ArrayList<>();
        for (long i = 0; i < args.getArraySize(); i++) {
            list.add(javaValue(args.getArrayElement(i)));
        }
        return new Registrations.Spec(number, ordinal, reader, mode, desc, onReg, steps, list, pickled);
    }

    private static Object javaValue(Value v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isNumber()) {
            return v.asLong();
        }
        if (v.isString()) {
            return v.asString();
        }
        if (v.hasArrayElements()) {
            List<String> l = new ArrayList<>();
            for (long i = 0; i < v.getArraySize(); i++) {
                l.add(v.getArrayElement(i).asString());
            }
            return l;
        }
        return v.toString();
    }

    // ---- readers

    private Object keys(Value[] a) {
        byte[] pattern = utf8(a[0]);
        long cursor = a[1].asLong();
        boolean readValue = a[2].asBoolean();
        boolean exact = a[3].asBoolean();
        long t0 = System.nanoTime();
        GearsService.KeysBatch b = w.onEngine(eng -> gears.readKeys(pattern, cursor, readValue, exact, BATCH));
        ProxyArray flat = w.convert.keysBatch(b.records(), readValue);
        readNanos += System.nanoTime() - t0;
        return ProxyArray.fromArray(flat, b.cursor());
    }

    @SuppressWarnings("unchecked")
    private Object stream(Value[] a) {
        byte[] key = utf8(a[0]);
        byte[] after = utf8(a[1]);
        long t0 = System.nanoTime();
        Object r = w.onEngine(eng -> gears.readStream(key, after, BATCH));
        try {
            if (r instanceof Replies.Error err) {
                throw raise(w.flatErrorClass, err.message());
            }
            if (!(r instanceof List<?> streams) || streams.isEmpty()) {
                return ProxyArray.fromArray(ProxyArray.fromArray(), null);
            }
            List<Object> entries = (List<Object>) ((List<Object>) streams.get(0)).get(1);
            Object[] recs = new Object[entries.size()];
            byte[] last = null;
            for (int i = 0; i < recs.length; i++) {
                List<Object> entry = (List<Object>) entries.get(i);
                last = (byte[]) entry.get(0);
                recs[i] = w.convert.streamRecord(key, last, (List<byte[]>) entry.get(1));
            }
            Object next = entries.size() < BATCH || last == null ? null : new String(last, StandardCharsets.UTF_8);
            return ProxyArray.fromArray(ProxyArray.fromArray(recs), next);
        } finally {
            readNanos += System.nanoTime() - t0;
        }
    }

    private Object log(Value[] a) {
        String level = a[0].asString();
        String msg = a[1].asString();
        switch (level) {
            case "debug" -> ServerLog.debug(msg);
            case "verbose" -> ServerLog.verbose(msg);
            case "warning" -> ServerLog.warning(msg);
            default -> ServerLog.notice(msg);
        }
        return null;
    }

    private static byte[] utf8(Value v) {
        return v.asString().getBytes(StandardCharsets.UTF_8);
    }
}
