package io.gearlog.engine.python;

import io.gearlog.engine.Client;
import io.gearlog.engine.Engine;
import io.gearlog.engine.ServerLog;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One Python execution thread with its own GraalPy context. Everything here is owned by the worker's thread,
 * except {@link #running}/{@link #runningSince} (read by the engine's watchdog) and the interrupt entry point,
 * which the runtime's control thread calls under {@link #guard}. The engine's own context ({@link #engineBound})
 * has no thread: the engine thread runs sync executions in it, and owns it.
 */
public final class Worker {
    private static final String GEARS_SOURCE = loadGearsSource();

    final PythonRuntime rt;
    final int index;
    private Thread thread;
    volatile boolean warm;
    /** Building its first context before any job asked for it: a shutdown need not wait for that to finish. */
    volatile boolean warming;
    private volatile boolean stopping;

    volatile Context ctx;
    /** Functions of the gears module in this context. */
    Value gears;
    Value fnBegin;
    Value fnRunScript;
    Value fnRunPipeline;
    Value fnOutcome;
    Value fnFormatFlat;
    Value fnCommitScript;
    Value fnLoadSession;
    Value fnOnRegistered;
    Value fnRunRegistration;
    Value fnResume;
    Value fnParkedReady;
    Value fnAbandon;
    Value errorClass;
    Value flatErrorClass;
    Convert convert;
    HostApi host;

    /** What runs now (a script job or an Execution), for interrupts and the time limit. */
    private final Object guard = new Object();
    volatile Object running;
    volatile long runningSince;
    /** The token the time limit already interrupted (so the watchdog asks once). */
    volatile Object limitSignalled;
    private String interruptReason;
    private volatile boolean cancelled;

    /** The virtual clock Python's time functions read: the record's time, plus 1 microsecond per read. */
    private long clockBaseNanos;
    private long clockReads;

    /** Origin of EFFECT records written by execute(): the execution number, -1 in a script body. */
    long origin = -1;
    /** Set while the current script was sent with UNBLOCKING. */
    boolean scriptUnblocking;
    /** Open atomic() block, or null. */
    AtomicBlock atomic;

    /** The client execute() runs commands as (engine thread state; this worker only hands it over). */
    final Client client;
    /** The engine's context: used by the engine thread itself, so engine work runs directly (re-entrantly). */
    final boolean engineBound;
    /** Engine context: one client per nesting level of sync executions (a sync execution can fire another). */
    private final java.util.List<Client> nestedClients = new java.util.ArrayList<>();
    int depth;
    /** An execution whose record waits for a gearsFuture: its Python state is parked in this context. */
    record Parked(io.gearlog.engine.gears.Execution execution, long nanos) {
    }

    /** Executions parked in this context, by number. */
    final java.util.Map<Long, Parked> parked = new java.util.HashMap<>();
    /** Sessions this context has loaded: id -> {serial, version}. */
    final java.util.Map<String, long[]> loaded = new java.util.HashMap<>();

    Worker(PythonRuntime rt, int index) {
        this(rt, index, false);
    }

    Worker(PythonRuntime rt, int index, boolean engineBound) {
        this.rt = rt;
        this.index = index;
        this.engineBound = engineBound;
        this.client = rt.gears.newInternalClient(engineBound ? -900 : -(index + 1));
    }

    /** The client execute() uses now (engine context: the one of the current nesting level). */
    Client executeClient() {
        if (!engineBound) {
            return client;
        }
        while (nestedClients.size() <= depth) {
            nestedClients.add(rt.gears.newInternalClient(-901 - nestedClients.size()));
        }
        return nestedClients.get(depth);
    }

    public int index() {
        return index;
    }

    Thread thread() {
        return thread;
    }

    void start(boolean warmNow) {
        thread = new Thread(() -> loop(warmNow), "gearlog-python-" + index);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(boolean warmNow) {
        try {
            if (warmNow) {
                warming = true;
                try {
                    ensureContext();
                } finally {
                    warming = false;
                }
            }
            while (!stopping) {
                PythonRuntime.Job job;
                try {
                    job = rt.take(this);
                } catch (InterruptedException e) {
                    // Context.interrupt also interrupts the thread; only a shutdown ends the worker
                    continue;
                }
                if (job == null) {
                    break;
                }
                try {
                    ensureContext();
                    job.run(this);
                } catch (Throwable t) {
                    ServerLog.warning("Python worker " + index + ": job failed: " + t);
                    if (t instanceof OutOfMemoryError || ctxDead()) {
                        dropContext();
                    }
                } finally {
                    closeAtomic();
                    running = null;
                    // an interrupt aimed at the job must not leak into the next one
                    Thread.interrupted();
                }
            }
        } catch (Throwable t) {
            // a shutdown interrupts a warm-up in progress; only a failure while serving deserves a warning
            if (stopping) {
                ServerLog.debug("Python worker " + index + " stopped during shutdown: " + t);
            } else {
                ServerLog.warning("Python worker " + index + " stopped: " + t);
            }
        } finally {
            dropContext();
        }
    }

    // ---- context

    void ensureContext() {
        if (ctx != null && !cancelled) {
            return;
        }
        if (ctx != null) {
            dropContext();
        }
        long t0 = System.nanoTime();
        LogStream out = new LogStream();
        Context c = Context.newBuilder("python")
                .engine(PythonRuntime.sharedEngine())
                .allowHostAccess(HostAccess.NONE)
                .allowHostClassLookup(name -> false)
                .allowHostClassLoading(false)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowIO(rt.allowFiles ? IOAccess.newBuilder().allowHostFileAccess(true).build() : IOAccess.NONE)
                .out(out)
                .err(out)
                .in(InputStream.nullInputStream())
                .build();
        try {
            host = new HostApi(this);
            Value bindings = c.getBindings("python");
            bindings.putMember("_gl_host", host.proxy());
            bindings.putMember("_gl_src", GEARS_SOURCE);
            gears = c.eval(Source.create("python", """
                    import sys, types
                    _gl_m = types.ModuleType('gears')
                    _gl_m._host = _gl_host
                    exec(compile(_gl_src, '<gearlog>', 'exec'), _gl_m.__dict__)
                    sys.modules['gears'] = _gl_m
                    _gl_m"""));
            bindings.removeMember("_gl_host");
            bindings.removeMember("_gl_src");
            bindings.removeMember("_gl_m");
            fnBegin = gears.getMember("begin");
            fnRunScript = gears.getMember("run_script");
            fnRunPipeline = gears.getMember("run_pipeline");
            fnOutcome = gears.getMember("outcome");
            fnCommitScript = gears.getMember("commit_script");
            fnLoadSession = gears.getMember("load_session");
            fnOnRegistered = gears.getMember("on_registered");
            fnRunRegistration = gears.getMember("run_registration");
            fnResume = gears.getMember("resume");
            fnParkedReady = gears.getMember("parked_ready");
            fnAbandon = gears.getMember("abandon");
            fnFormatFlat = gears.getMember("format_flat");
            errorClass = gears.getMember("error");
            flatErrorClass = gears.getMember("_FlatError");
            convert = new Convert(gears);
        } catch (RuntimeException e) {
            c.close(true);
            throw e;
        }
        ctx = c;
        cancelled = false;
        loaded.clear();
        warm = true;
        rt.warmChanged();
        ServerLog.verbose(String.format("Python worker %d ready in %.1f s", index, (System.nanoTime() - t0) / 1e9));
    }

    private boolean ctxDead() {
        return cancelled;
    }

    /** Closes the context (cancelling anything in it); the next job builds a fresh one. */
    void dropContext() {
        Context c = ctx;
        ctx = null;
        warm = false;
        loaded.clear();
        if (!parked.isEmpty() && !stopping && !rt.stopped) {
            // their Python state goes with the context
            for (Parked p : parked.values()) {
                io.gearlog.engine.gears.Execution ex = p.execution();
                java.util.List<String> err = java.util.List.of(formatFlat("gears.forcestopped",
                        "Execution was aborted: its Python context was rebuilt"));
                rt.gears.engine().execute(() -> rt.gears.finish(ex, new java.util.ArrayList<>(), err,
                        p.nanos() / 1_000_000, 0, new long[0]));
            }
        }
        parked.clear();
        if (c != null) {
            try {
                c.close(true);
            } catch (RuntimeException e) {
                ServerLog.debug("closing a Python context: " + e);
            }
        }
    }

    // ---- what runs, interrupts

    void runningNow(Object token) {
        Thread.interrupted();
        synchronized (guard) {
            running = token;
            runningSince = System.nanoTime();
            interruptReason = null;
        }
    }

    /** Clears the running token; returns why it was interrupted, or null. */
    String runningDone() {
        synchronized (guard) {
            Thread.interrupted();
            running = null;
            String r = interruptReason;
            interruptReason = null;
            return r;
        }
    }

    String interruptReason() {
        synchronized (guard) {
            return interruptReason;
        }
    }

    /** On the control thread: stops the Python code of {@code token} if it still runs here. */
    void interruptIf(Object token, String reason) {
        synchronized (guard) {
            if (running != token || ctx == null) {
                return;
            }
            interruptReason = reason;
            Context c = ctx;
            try {
                c.interrupt(Duration.ofSeconds(10));
            } catch (TimeoutException e) {
                // one long builtin call ignores interrupts: cancel the context, the worker builds a new one
                ServerLog.warning("Python worker " + index + " did not stop within 10 s; cancelling its context");
                cancelled = true;
                try {
                    c.close(true);
                } catch (RuntimeException ignored) {
                    // the cancellation itself is what matters
                }
            } catch (RuntimeException e) {
                ServerLog.debug("interrupt: " + e);
            }
        }
    }

    void stopNow() {
        stopping = true;
        Object token = running;
        if (token != null) {
            synchronized (guard) {
                Context c = ctx;
                cancelled = true;
                if (c != null) {
                    try {
                        c.close(true);
                    } catch (RuntimeException ignored) {
                        // stopping anyway
                    }
                }
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    void join(long millis) {
        if (thread != null) {
            try {
                thread.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean alive() {
        return thread != null && thread.isAlive();
    }

    boolean isCancelled() {
        return cancelled;
    }

    // ---- determinism

    /** Starts the virtual clock at {@code timeMillis} and seeds Python's randomness. */
    void begin(long timeMillis, long seed) {
        clockBaseNanos = timeMillis * 1_000_000L;
        clockReads = 0;
        fnBegin.execute(seed);
    }

    long clockNanos() {
        return clockBaseNanos + (++clockReads) * 1_000L;
    }

    // ---- the engine thread

    Engine engine() {
        return rt.gears.engine();
    }

    /** Runs {@code f} on the engine thread (inside the open atomic block, if any) and waits for it. */
    <T> T onEngine(Function<Engine, T> f) {
        if (engineBound) {
            return f.apply(engine());
        }
        if (atomic != null) {
            return atomic.call(f);
        }
        CompletableFuture<T> cf = engine().call(f);
        return await(cf);
    }

    <T> T await(CompletableFuture<T> cf) {
        while (true) {
            try {
                return cf.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (rt.stopped) {
                    throw new IllegalStateException("server shutting down");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(c);
            }
        }
    }

    /** Engine context: atomic() only checks nesting, the engine thread is already exclusive. */
    private int atomicDepth;

    boolean inAtomic() {
        return engineBound ? atomicDepth > 0 : atomic != null;
    }

    void openAtomic() {
        if (engineBound) {
            atomicDepth++;
            return;
        }
        AtomicBlock b = new AtomicBlock(this);
        b.enter();
        atomic = b;
    }

    void closeAtomic() {
        if (engineBound) {
            atomicDepth = 0;
            return;
        }
        AtomicBlock b = atomic;
        atomic = null;
        if (b != null) {
            b.exit();
        }
    }

    // ---- error strings for failures Python could not format itself

    /**
     * A failure of the whole evaluation (interrupt, sandbox denial, exit, memory) as an execution error string;
     * {@code reason} is set when the worker was interrupted on purpose (abort, time limit).
     */
    String failure(Throwable t, String reason) {
        if (reason != null) {
            return formatFlat("gears.forcestopped", reason);
        }
        if (t instanceof PolyglotException pe) {
            if (pe.isInterrupted() || pe.isCancelled()) {
                return formatFlat("gears.forcestopped", "Execution was aborted");
            }
            if (pe.isExit()) {
                return formatFlat("SystemExit", String.valueOf(pe.getExitStatus()));
            }
            if (pe.isResourceExhausted()) {
                return formatFlat("MemoryError", "out of memory");
            }
            if (pe.isInternalError()) {
                String m = String.valueOf(pe.getMessage());
                String denied = Sandbox.describe(m);
                if (denied != null) {
                    return formatFlat("PermissionError", denied);
                }
                ServerLog.warning("Python worker " + index + ": internal error: " + m);
                return formatFlat("SystemError", "internal error in the Python runtime");
            }
            if (pe.isGuestException()) {
                return String.valueOf(pe.getMessage());
            }
        }
        if (t instanceof OutOfMemoryError) {
            return formatFlat("MemoryError", "out of memory");
        }
        ServerLog.warning("Python worker " + index + ": " + t);
        return formatFlat("SystemError", "internal error in the Python runtime");
    }

    String formatFlat(String type, String msg) {
        if (rt.gears.config().traceback()) {
            return "[" + Convert.pyRepr(type + ": " + msg + "\n") + "]";
        }
        return "Error type: <class '" + type + "'>, Value: " + msg;
    }

    /** Python's print() output goes to the server log, one line per entry. */
    private final class LogStream extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else if (line.size() < 16 * 1024) {
                line.write(b);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            if (line.size() > 0) {
                flushLine();
            }
        }

        private void flushLine() {
            ServerLog.verbose("GEARS (python " + index + "): " + line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
    }

    private static String loadGearsSource() {
        try (InputStream in = Worker.class.getResourceAsStream("/gearlog/gears.py")) {
            if (in == null) {
                throw new IllegalStateException("gearlog/gears.py is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Step durations as RG.GETEXECUTION reports them: whole milliseconds. */
    static long[] millis(long[] nanos) {
        long[] ms = new long[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            ms[i] = nanos[i] / 1_000_000;
        }
        return ms;
    }
}
