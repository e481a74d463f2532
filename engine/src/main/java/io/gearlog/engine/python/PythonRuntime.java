package io.gearlog.engine.python;

import io.gearlog.engine.ServerLog;
import io.gearlog.engine.gears.GearsService;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The GraalPy side of a server: {@code ExecutionThreads} workers, each with its own Context on one polyglot Engine
 * shared by the whole JVM (so test servers in one JVM pay the engine's start-up once), a FIFO of jobs and a
 * control thread that interrupts running Python (RG.ABORTEXECUTION, time limits). Worker 0 warms its context as
 * soon as the runtime starts; the others build theirs when they first take a job. The queue and worker set are
 * guarded by this object's monitor; everything else belongs to the individual workers.
 */
public final class PythonRuntime {
    private static org.graalvm.polyglot.Engine shared;

    final GearsService gears;
    final boolean allowFiles;
    private final List<Worker> workers = new ArrayList<>();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    /** Jobs for one worker (executions of the sessions it is home to), by worker index. */
    private final List<ArrayDeque<Job>> pinned = new ArrayList<>();
    private final Set<Worker> idle = new LinkedHashSet<>();
    private final ScheduledExecutorService control;
    private final MemoryWatchdog memoryWatchdog;
    volatile boolean stopped;
    /** The engine thread's own context, for sync executions; built on first need. */
    final Worker engineContext;
    private CompletableFuture<Void> engineContextReady;
    /** Loads asked for before the engine context was ready (engine thread only). */
    private final List<Runnable> engineContextPending = new ArrayList<>();
    /** How long a sync execution may hold the engine thread when python-time-limit is 0. */
    static final long SYNC_LIMIT_MILLIS = 5_000;

    /** Work for a worker thread; runs with the worker's context entered as needed. */
    public interface Job {
        void run(Worker w);

        /** Called instead of run() when the runtime shuts down with the job still queued. */
        default void cancelled() {
        }
    }

    public PythonRuntime(GearsService gears, int threads, boolean allowFiles) {
        this.gears = gears;
        this.allowFiles = allowFiles;
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gearlog-python-control");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < threads; i++) {
            workers.add(new Worker(this, i));
            pinned.add(new ArrayDeque<>());
        }
        memoryWatchdog = new MemoryWatchdog(threads);
        this.engineContext = new Worker(this, -1, true);
        control.scheduleWithFixedDelay(this::watchEngineContext, 20, 20, TimeUnit.MILLISECONDS);
    }

    /** The polyglot engine every context of this JVM shares (built on first use, never closed). */
    static synchronized org.graalvm.polyglot.Engine sharedEngine() {
        if (shared == null) {
            shared = org.graalvm.polyglot.Engine.newBuilder("python")
                    .option("engine.WarnInterpreterOnly", "false")
                    .build();
        }
        return shared;
    }

    public void start() {
        for (Worker w : workers) {
            w.start(w.index == 0);
        }
    }

    public List<Worker> workers() {
        return workers;
    }

    public synchronized void submit(Job j) {
        if (stopped) {
            j.cancelled();
            return;
        }
        queue.add(j);
        notifyAll();
    }

    /** Queues a job for one worker (the home of a session: its context holds the session's globals). */
    public synchronized void submitTo(int worker, Job j) {
        if (stopped) {
            j.cancelled();
            return;
        }
        if (worker < 0 || worker >= pinned.size()) {
            queue.add(j);
        } else {
            pinned.get(worker).add(j);
        }
        notifyAll();
    }

    /** Queued jobs not yet taken by a worker. */
    public synchronized int queued() {
        int n = queue.size();
        for (ArrayDeque<Job> q : pinned) {
            n += q.size();
        }
        return n;
    }

    /**
     * The next job for {@code w}, or null when stopping. A worker without a context leaves jobs to an idle warm
     * one, so a job never waits for a context build that is not needed.
     */
    synchronized Job take(Worker w) throws InterruptedException {
        idle.add(w);
        try {
            while (true) {
                if (stopped) {
                    return null;
                }
                ArrayDeque<Job> mine = pinned.get(w.index);
                if (!mine.isEmpty()) {
                    return mine.poll();
                }
                if (!queue.isEmpty() && (w.warm || !warmIdleBesides(w))) {
                    return queue.poll();
                }
                wait();
            }
        } finally {
            idle.remove(w);
            // a cold worker may have left a job to this one; now that it is busy, they look again
            notifyAll();
        }
    }

    private boolean warmIdleBesides(Worker w) {
        for (Worker o : idle) {
            if (o != w && o.warm) {
                return true;
            }
        }
        return false;
    }

    synchronized void warmChanged() {
        notifyAll();
    }

    /** Interrupts what {@code w} runs if it is still {@code token}; done off the caller's thread. */
    void interrupt(Worker w, Object token, String reason) {
        if (stopped) {
            return;
        }
        control.execute(() -> w.interruptIf(token, reason));
    }

    /** Engine timer: interrupts Python code that has run longer than {@code limitMillis}. */
    public void enforceTimeLimit(long limitMillis) {
        long now = System.nanoTime();
        for (Worker w : workers) {
            Object token = w.running;
            if (token != null && token != w.limitSignalled && now - w.runningSince > limitMillis * 1_000_000L) {
                w.limitSignalled = token;
                interrupt(w, token, "Execution time limit of " + limitMillis + " ms exceeded");
            }
        }
    }

    /**
     * Engine timer: interrupts the Python code that is filling the heap once the old generation holds more than
     * {@code limitBytes} (0: 85% of the maximum heap).
     */
    public void enforceMemoryLimit(long limitBytes) {
        long limit = MemoryWatchdog.effectiveLimit(limitBytes);
        Worker w = memoryWatchdog.check(workers, limit);
        if (w != null) {
            Object token = w.running;
            if (token != null) {
                interrupt(w, token, "Execution exceeded python-memory-limit (" + limit + " bytes of heap in use)");
            }
        }
    }

    // ---- the engine's context (sync executions)

    /** Starts building the engine context in the background (once); the future completes when it is ready. */
    public synchronized CompletableFuture<Void> engineContextReady() {
        if (engineContextReady == null) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            engineContextReady = f;
            Thread t = new Thread(() -> {
                try {
                    engineContext.ensureContext();
                    try {
                        engineContext.gears.getMember("warm_async").execute();
                    } catch (RuntimeException e) {
                        ServerLog.warning("preparing asyncio in the engine's Python context failed: " + e);
                    }
                    f.complete(null);
                } catch (Throwable e) {
                    ServerLog.warning("building the engine's Python context failed: " + e);
                    f.completeExceptionally(e);
                }
                gears.engine().execute(this::runEngineContextPending);
            }, "gearlog-python-engine-init");
            t.setDaemon(true);
            t.start();
        }
        return engineContextReady;
    }

    private void runEngineContextPending() {
        List<Runnable> l = new ArrayList<>(engineContextPending);
        engineContextPending.clear();
        for (Runnable r : l) {
            r.run();
        }
    }

    /** Engine thread: the engine context, waiting for it to be built if needed. */
    Worker engineContextNow() {
        CompletableFuture<Void> f = engineContextReady();
        if (!f.isDone()) {
            long t0 = System.nanoTime();
            try {
                f.get();
            } catch (Exception e) {
                throw new IllegalStateException("the engine's Python context is not available: " + e);
            }
            ServerLog.verbose(String.format("engine waited %.1f s for its Python context", (System.nanoTime() - t0) / 1e9));
        }
        if (engineContext.ctx == null || engineContext.isCancelled()) {
            engineContext.ensureContext();
        }
        if (!engineContextPending.isEmpty()) {
            // loads (and onRegistered callbacks) asked for earlier come before the execution that needs the context
            runEngineContextPending();
        }
        return engineContext;
    }

    /** Engine thread: makes the engine context hold a session's callables and runs onRegistered there. */
    public void loadOnEngine(io.gearlog.engine.gears.Session.Image image, List<Long> onRegistered) {
        Runnable load = () -> RegistrationRunner.load(engineContextNow(), image, onRegistered, true);
        if (engineContextReady().isDone()) {
            load.run();
        } else {
            engineContextPending.add(load);
        }
    }

    /** Engine thread: true while the engine context runs Python (a sync execution, or one resumed there). */
    public boolean engineContextBusy() {
        return engineContext.depth > 0;
    }

    /** Engine thread: runs a sync execution inline in the engine context. */
    public void runOnEngine(io.gearlog.engine.gears.Registrations.Run run) {
        RegistrationRunner.run(engineContextNow(), gears, run);
    }

    /** Makes worker {@code home} hold a session's callables and run onRegistered. */
    public void loadOnWorker(int home, io.gearlog.engine.gears.Session.Image image, List<Long> onRegistered) {
        submitTo(home, w -> RegistrationRunner.load(w, image, onRegistered, true));
    }

    /** Queues a background execution of a registration on its session's home worker. */
    public void runOnWorker(int home, io.gearlog.engine.gears.Registrations.Run run) {
        submitTo(home, new Job() {
            @Override
            public void run(Worker w) {
                RegistrationRunner.run(w, gears, run);
            }

            @Override
            public void cancelled() {
                gears.engine().execute(() -> {
                    if (!run.execution().finished()) {
                        gears.abortNotStarted(run.execution());
                    }
                });
            }
        });
    }

    /**
     * RG.PYPROFILE STATS: renders the tables the contexts published for a session with pstats, on whichever worker
     * is free; {@code done} gets the report, or null and the Python error, on that worker's thread.
     */
    public void profileReport(List<String> tables, java.util.function.BiConsumer<String, String> done) {
        submit(new Job() {
            @Override
            public void run(Worker w) {
                String text;
                try {
                    text = w.gears.getMember("profile_report").execute(tables.toArray()).asString();
                } catch (RuntimeException e) {
                    done.accept(null, String.valueOf(e.getMessage()));
                    return;
                }
                done.accept(text, null);
            }

            @Override
            public void cancelled() {
                done.accept(null, "the server is shutting down");
            }
        });
    }

    // ---- registerTE time events: the context that registered one calls it back; one stored in a key (keyName)
    // fires while the key holds it, after a restart too (in its session's home worker, or worker 0)

    private record TimeEvent(int worker, long id, long periodMillis, io.gearlog.engine.keyspace.Key key,
                             io.gearlog.engine.gears.TimeEventValue value) {
    }

    /** Time events and when each is due next (engine thread). */
    private final java.util.Map<TimeEvent, Long> timeEvents = new java.util.LinkedHashMap<>();

    /** Engine thread: a callback of context {@code worker} (-1: the engine's) called every period. */
    public void addTimeEvent(int worker, long id, long periodMillis) {
        timeEvents.put(new TimeEvent(worker, id, periodMillis, null, null), gears.engine().clock().currentTimeMillis() + periodMillis);
    }

    /** Engine thread: the time event stored under {@code key}, fired by context {@code worker} while it stays there. */
    public void addKeyedTimeEvent(int worker, io.gearlog.engine.keyspace.Key key, io.gearlog.engine.gears.TimeEventValue v) {
        long period = Math.max(1, v.seconds()) * 1000;
        timeEvents.put(new TimeEvent(worker, -1, period, key, v), gears.engine().clock().currentTimeMillis() + period);
    }

    /** Engine timer: calls the time events that are due. */
    public void fireTimeEvents() {
        if (timeEvents.isEmpty()) {
            return;
        }
        long now = gears.engine().clock().currentTimeMillis();
        for (java.util.Map.Entry<TimeEvent, Long> e : new ArrayList<>(timeEvents.entrySet())) {
            if (e.getValue() > now) {
                continue;
            }
            TimeEvent te = e.getKey();
            if (te.key() != null && !gears.timeEventInPlace(te.key(), te.value())) {
                // its key was deleted (or now holds something else): the time event is cancelled
                timeEvents.remove(te);
                continue;
            }
            timeEvents.put(te, now + te.periodMillis());
            if (te.worker() < 0) {
                if (!fireTimeEvent(engineContextNow(), te, now)) {
                    timeEvents.remove(te);
                }
            } else {
                submitTo(te.worker(), w -> {
                    if (!fireTimeEvent(w, te, now)) {
                        gears.engine().execute(() -> timeEvents.remove(te));
                    }
                });
            }
        }
    }

    private static boolean fireTimeEvent(Worker w, TimeEvent te, long now) {
        long saved = w.origin;
        w.origin = -1;
        w.runningNow(w);
        try {
            w.begin(now, now ^ te.id());
            if (te.value() == null) {
                return w.gears.getMember("fire_time_event").execute(te.id()).asBoolean();
            }
            io.gearlog.engine.gears.TimeEventValue v = te.value();
            return w.gears.getMember("fire_keyed_time_event").execute(
                    new String(v.callback(), java.nio.charset.StandardCharsets.ISO_8859_1), v.session()).asBoolean();
        } catch (RuntimeException e) {
            ServerLog.warning("GEARS: time event failed: " + w.failure(e, w.interruptReason()));
            return false;
        } finally {
            w.runningDone();
            w.origin = saved;
            if (w.engineBound) {
                w.closeAtomic();
                Thread.interrupted();
            }
        }
    }

    /** Control thread: a sync execution may hold the engine thread only so long. */
    private void watchEngineContext() {
        Worker w = engineContext;
        Object token = w.running;
        if (token == null || token == w.limitSignalled) {
            return;
        }
        long limit = gears.engine().config().pythonTimeLimit;
        String reason = limit > 0 ? "Execution time limit of " + limit + " ms exceeded"
                : "sync execution held the server for more than " + SYNC_LIMIT_MILLIS + " ms";
        if (limit <= 0) {
            limit = SYNC_LIMIT_MILLIS;
        }
        if (System.nanoTime() - w.runningSince > limit * 1_000_000L) {
            w.limitSignalled = token;
            w.interruptIf(token, reason);
        }
    }

    /** Workers whose thread runs (for INFO). */
    public int workersAlive() {
        int n = 0;
        for (Worker w : workers) {
            if (w.alive()) {
                n++;
            }
        }
        return n;
    }

    /** Bytes allocated so far by the worker threads (RG.PYSTATS TotalAllocated). */
    public long allocatedBytes() {
        long total = 0;
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx) {
            for (Worker w : workers) {
                Thread t = w.thread();
                if (t != null) {
                    total += Math.max(0, mx.getThreadAllocatedBytes(t.threadId()));
                }
            }
        }
        return total;
    }

    public void shutdown() {
        List<Job> left;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            left = new ArrayList<>(queue);
            queue.clear();
            for (ArrayDeque<Job> q : pinned) {
                left.addAll(q);
                q.clear();
            }
            notifyAll();
        }
        for (Job j : left) {
            j.cancelled();
        }
        for (Worker w : workers) {
            w.stopNow();
        }
        for (Worker w : workers) {
            // a warm-up holds no job and no state; it ends by itself, seeing the stop once its context is built
            w.join(w.warming ? 100 : 5_000);
        }
        engineContext.dropContext();
        control.shutdownNow();
        ServerLog.verbose("Python workers stopped");
    }
}
