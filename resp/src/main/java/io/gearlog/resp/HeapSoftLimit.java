package io.gearlog.resp;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import io.gearlog.engine.ServerLog;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Keeps ZGC's soft heap limit ({@code SoftMaxHeapSize}) at twice the heap that survived the last collection plus
 * {@link #HEADROOM}, never below {@link #FLOOR} nor above the maximum heap. Left alone, ZGC lets a server with a
 * small live set allocate through its whole maximum heap (a quarter of the machine's memory) before collecting, and
 * every 4 KB page it reaches for the first time costs the allocating thread, the event loop, a page fault: about a
 * third of a pipelined GET's CPU. Under the limit the collector recycles pages that are already mapped. Following
 * the live heap keeps a large keyspace from collecting back to back. Only for ZGC, and only when the operator has not
 * set {@code SoftMaxHeapSize} themselves; a process-wide setting, so {@link Main} installs it, not each node.
 */
final class HeapSoftLimit {
    static final long FLOOR = 1L << 30;
    static final long HEADROOM = 512L << 20;
    private static final String OPTION = "SoftMaxHeapSize";

    private final HotSpotDiagnosticMXBean hotspot;
    private final long maxHeap;
    private final Set<String> heapPools = new HashSet<>();
    private long current;

    private HeapSoftLimit(HotSpotDiagnosticMXBean hotspot, long maxHeap) {
        this.hotspot = hotspot;
        this.maxHeap = maxHeap;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
    }

    /** The limit for a heap of which {@code liveBytes} survived the last collection. */
    static long limitFor(long liveBytes, long maxHeap) {
        long wanted = 2 * Math.max(0, liveBytes) + HEADROOM;
        return Math.min(maxHeap, Math.max(FLOOR, wanted));
    }

    /** Starts following the live heap when this JVM runs ZGC with the default soft limit; says so in the log. */
    static void installIfZgc() {
        boolean zgc = false;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            zgc |= gc.getName().startsWith("ZGC");
        }
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        if (!zgc || hotspot == null) {
            return;
        }
        VMOption option;
        try {
            option = hotspot.getVMOption(OPTION);
        } catch (IllegalArgumentException e) {
            return;
        }
        // the JVM sets it to the maximum heap itself (ERGONOMIC) when -Xmx is given
        if (option.getOrigin() != VMOption.Origin.DEFAULT && option.getOrigin() != VMOption.Origin.ERGONOMIC) {
            ServerLog.verbose("Heap soft limit " + option.getValue() + " bytes, as given on the command line");
            return;
        }
        HeapSoftLimit limit = new HeapSoftLimit(hotspot, Runtime.getRuntime().maxMemory());
        limit.apply(limitFor(0, limit.maxHeap));
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            // the pause beans report the same cycles a second time, with usage taken mid-cycle
            if (gc.getName().endsWith("Cycles") && gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        limit.afterCollection(GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()));
                    }
                }, null, null);
            }
        }
        ServerLog.verbose(String.format("Heap soft limit %d MB, following twice the live heap plus %d MB (max heap %d MB)",
                limit.current >> 20, HEADROOM >> 20, limit.maxHeap >> 20));
    }

    private void afterCollection(GarbageCollectionNotificationInfo info) {
        long live = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                live += e.getValue().getUsed();
            }
        }
        apply(limitFor(live, maxHeap));
    }

    // notifications arrive on one JMX thread, but the first call comes from main
    private synchronized void apply(long bytes) {
        if (bytes != current) {
            hotspot.setVMOption(OPTION, Long.toString(bytes));
            current = bytes;
        }
    }
}
