package io.gearlog.engine.python;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

/**
 * Stops Python code that grows the heap without bound before the JVM runs out of memory (GraalPy has no
 * per-context heap limit): when the old generation holds more than the limit, the running code that has allocated
 * most since it started, and at least {@link #MIN_ALLOCATED} bytes, is interrupted. Owned by the engine thread
 * (it runs from the engine's watchdog timer).
 */
final class MemoryWatchdog {
    /** Code that allocated less than this since it started is never taken for the cause. */
    static final long MIN_ALLOCATED = 64L * 1024 * 1024;

    private final MemoryPoolMXBean oldGeneration = oldGeneration();
    private final com.sun.management.ThreadMXBean threads =
            ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t ? t : null;
    private final Object[] tokens;
    private final long[] allocatedAtStart;
    /** Collections counted when the last interrupt was sent: the next waits for a collection after it. */
    private long collectionsAtInterrupt = -1;

    MemoryWatchdog(int workers) {
        tokens = new Object[workers];
        allocatedAtStart = new long[workers];
    }

    /** The limit in effect: {@code configured}, or 85% of the maximum heap when it is 0. */
    static long effectiveLimit(long configured) {
        return configured > 0 ? configured : Runtime.getRuntime().maxMemory() / 100 * 85;
    }

    /** The worker to interrupt now, or null. */
    Worker check(List<Worker> workers, long limit) {
        if (threads == null) {
            return null;
        }
        Worker heaviest = null;
        long most = MIN_ALLOCATED - 1;
        for (Worker w : workers) {
            Thread t = w.thread();
            Object token = w.running;
            int i = w.index();
            if (t == null || token == null) {
                tokens[i] = null;
                continue;
            }
            long allocated = threads.getThreadAllocatedBytes(t.threadId());
            if (tokens[i] != token) {
                // first seen within one timer period of its start: close enough for a runaway
                tokens[i] = token;
                allocatedAtStart[i] = allocated;
            }
            if (allocated - allocatedAtStart[i] > most) {
                most = allocated - allocatedAtStart[i];
                heaviest = w;
            }
        }
        if (heaviest == null || used() <= limit) {
            return null;
        }
        long collections = collections();
        if (collections == collectionsAtInterrupt) {
            // the heap still holds what the last interrupted code left; a collection must free it first
            return null;
        }
        collectionsAtInterrupt = collections;
        tokens[heaviest.index()] = null;
        return heaviest;
    }

    private long used() {
        return oldGeneration != null ? oldGeneration.getUsage().getUsed()
                : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /** The heap pool long-lived objects end up in (G1, Parallel, Serial and generational ZGC name it so). */
    private static MemoryPoolMXBean oldGeneration() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            String n = p.getName();
            if (p.getType() == MemoryType.HEAP && (n.contains("Old") || n.contains("Tenured"))) {
                return p;
            }
        }
        return null;
    }
}
