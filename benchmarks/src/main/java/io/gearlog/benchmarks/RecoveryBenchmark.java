package io.gearlog.benchmarks;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineClock;
import io.gearlog.engine.Recovery;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalAppender;
import io.gearlog.journal.RecordType;
import io.gearlog.snapshots.SnapshotCatalog;
import io.gearlog.snapshots.SnapshotInfo;
import io.gearlog.snapshots.SnapshotLoader;
import io.gearlog.snapshots.SnapshotWriter;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Journal recovery alone, in one JVM: writes N SET records once, then replays them into a fresh engine (no
 * network; extensions only with -Dext) several times. The first round is the cold figure a restart sees; later rounds show
 * the steady rate. Reports records per second of wall time and of the replaying thread's CPU time (the latter
 * barely moves when other processes share the cores), and the CPU time of the whole process. Then the same state is written as a snapshot, which is
 * verified and loaded as many times.
 * {@code -Dext=SHADOW} (or {@code LIVE}) installs the engine extensions first, as a server does.
 * {@code -Dgearlog.bench.journal=DIR} keeps the journal in DIR and reuses it when DIR already holds one, so that
 * round 0 runs in a JVM that has not written it (as a restart does); {@code -Dgearlog.bench.journalOnly=true}
 * skips the snapshot rounds. {@code -Dgearlog.bench.group=16} writes the records in groups of 16 per journal
 * document, as a server under 16-deep pipelines does.
 * {@code java ... io.gearlog.benchmarks.RecoveryBenchmark [records] [rounds]}
 */
public final class RecoveryBenchmark {
    private RecoveryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String keep = System.getProperty("gearlog.bench.journal");
        Path dir = keep != null ? Path.of(keep) : Files.createTempDirectory("gearlog-recovery-bench");
        boolean written = false;
        if (keep != null && Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                written = files.findAny().isPresent();
            }
        }
        try {
            if (!written) {
                write(dir, n);
            }
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            // all threads: recovery may read ahead on a second one, and the JIT compiles meanwhile
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Engine last = null;
            for (int round = 0; round < rounds; round++) {
                try (Journal journal = Journal.open(dir)) {
                    Engine engine = new Engine(new ServerConfig(), EngineClock.SYSTEM);
                    if (System.getProperty("ext") != null) {
                        Class<?> x = Class.forName("io.gearlog.engine.EngineExtension");
                        Class<?> role = Class.forName("io.gearlog.engine.EngineExtension$Role");
                        var m = x.getDeclaredMethod("installAll", Engine.class, role);
                        m.setAccessible(true);
                        m.invoke(null, engine, role.getField(System.getProperty("ext")).get(null));
                    }
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long process0 = os.getProcessCpuTime();
                    long alloc0 = ((com.sun.management.ThreadMXBean) mx).getCurrentThreadAllocatedBytes();
                    long t0 = System.nanoTime();
                    Recovery.Result r = Recovery.run(engine, journal, -1, false);
                    double wall = (System.nanoTime() - t0) / 1e9;
                    double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
                    double process = (os.getProcessCpuTime() - process0) / 1e9;
                    long alloc = ((com.sun.management.ThreadMXBean) mx).getCurrentThreadAllocatedBytes() - alloc0;
                    if (r.records() != n || engine.keyspace().totalKeys() != n) {
                        throw new IllegalStateException("recovered " + r.records() + " records, "
                                + engine.keyspace().totalKeys() + " keys");
                    }
                    last = engine;
                    System.out.printf(Locale.ROOT, "round %d: %,d records in %.2f s = %,.0f records/s (%,.0f per cpu-s), "
                            + "%d bytes allocated per record; the process used %.2f cpu-s%n",
                            round, n, wall, n / wall, n / cpu, alloc / n, process);
                }
            }
            if (Boolean.getBoolean("gearlog.bench.journalOnly")) {
                return;
            }
            // the same state as a snapshot: verifying and loading it, as a restart does
            SnapshotCatalog catalog = new SnapshotCatalog(dir);
            SnapshotInfo saved = new SnapshotWriter(() -> false).write(last, last.lastAppliedIndex(), last.engineTime(),
                    catalog.next());
            for (int round = 0; round < rounds; round++) {
                Engine engine = new Engine(new ServerConfig(), EngineClock.SYSTEM);
                long cpu0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                SnapshotLoader.Verified v = SnapshotLoader.verify(saved.path());
                double verify = (System.nanoTime() - t0) / 1e9;
                SnapshotLoader.load(catalog.newestFirst().get(0), engine, () -> false, v);
                double wall = (System.nanoTime() - t0) / 1e9;
                double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
                if (engine.keyspace().totalKeys() != n) {
                    throw new IllegalStateException("loaded " + engine.keyspace().totalKeys() + " keys");
                }
                System.out.printf(Locale.ROOT, "snapshot round %d: %,d keys (%,d bytes) verified in %.2f s, loaded in %.2f s; "
                        + "%,.0f keys/s (%,.0f per cpu-s)%n", round, n, saved.bytes(), verify, wall - verify, n / wall, n / cpu);
            }
        } finally {
            if (keep == null) {
                JournalAppendBenchmark.deleteTree(dir);
            }
        }
    }

    /** N SET records with distinct keys, as clients would have journaled them. */
    private static void write(Path dir, int n) {
        try (Journal journal = Journal.open(dir)) {
            JournalAppender a = journal.appender();
            byte[] set = "SET".getBytes(StandardCharsets.US_ASCII);
            long time = System.currentTimeMillis() - 60_000;
            int group = Integer.getInteger("gearlog.bench.group", 1);
            for (int i = 0; i < n; i++) {
                if (group > 1 && i % group == 0) {
                    a.endGroup();
                    a.beginGroup();
                }
                a.appendArgv(RecordType.COMMAND, time + i / 1000, 1 + i % 50, 0, new byte[][]{set,
                        ("key:" + i).getBytes(StandardCharsets.US_ASCII),
                        ("value-" + i).getBytes(StandardCharsets.US_ASCII)});
            }
            a.endGroup();
        }
    }
}
