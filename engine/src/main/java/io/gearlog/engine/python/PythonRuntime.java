package io.gearlog.engine.python;

import io.gearlog.engine.ServerLog;
import io.gearlog.engine.gears.GearsService;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
    private final Set<Worker> idle = new LinkedHashSet<>();
    private final ExecutorService control;
    private final MemoryWatchdog memoryWatchdog;
    volatile boolean stopped;

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
        this.control = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gearlog-python-control");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < threads; i++) {
            workers.add(new Worker(this, i));
        }
        memoryWatchdog = new MemoryWatchdog(threads);
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

    /** Queued jobs not yet taken by a worker. */
    public synchronized int queued() {
        return queue.size();
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
            notifyAll();
        }
        for (Job j : left) {
            j.cancelled();
        }
        for (Worker w : workers) {
            w.stopNow();
        }
        for (Worker w : workers) {
            w.join(5_000);
        }
        control.shutdownNow();
        ServerLog.verbose("Python workers stopped");
    }
}
