package io.gearlog.benchmarks;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineClock;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalAppender;
import io.gearlog.journal.RecordType;
import io.gearlog.resp.GearlogNode;
import io.gearlog.resp.Options;
import io.gearlog.snapshots.SnapshotCatalog;
import io.gearlog.snapshots.SnapshotInfo;
import io.gearlog.snapshots.SnapshotWriter;
import redis.clients.jedis.Jedis;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Restart time for a keyspace of N keys: from the journal alone (recovery speed in records/s) and from a snapshot;
 * also the time SAVE takes. The journal is written directly (N SET records), as a server would have written it.
 * With {@code -Dgearlog.bench.snapshotOnly=true} only the restart from a snapshot is measured (see
 * {@link #snapshotOnly}). {@code java ... io.gearlog.benchmarks.RestartBenchmark [keys]}
 */
public final class RestartBenchmark {
    private RestartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("gearlog-restart-bench");
        if (Boolean.getBoolean("gearlog.bench.snapshotOnly")) {
            try {
                snapshotOnly(dir, keys);
            } finally {
                JournalAppendBenchmark.deleteTree(dir);
            }
            return;
        }
        try {
            long t0 = System.nanoTime();
            try (Journal journal = Journal.open(dir)) {
                JournalAppender a = journal.appender();
                byte[] set = "SET".getBytes(StandardCharsets.US_ASCII);
                long time = System.currentTimeMillis() - 60_000;
                for (int i = 0; i < keys; i++) {
                    a.appendArgv(RecordType.COMMAND, time + i / 1000, 1 + i % 50, 0, new byte[][]{set,
                            ("key:" + i).getBytes(StandardCharsets.US_ASCII),
                            ("value-" + i).getBytes(StandardCharsets.US_ASCII)});
                }
            }
            System.out.printf(Locale.ROOT, "wrote %,d SET records in %.1f s%n", keys, (System.nanoTime() - t0) / 1e9);
            String digest;
            if (Boolean.getBoolean("gearlog.bench.warmup")) {
                try (GearlogNode n = start(dir)) {
                    System.out.printf(Locale.ROOT, "warm-up restart from the journal alone: %s%n", figures(n));
                }
            }
            try (GearlogNode n = start(dir)) {
                System.out.printf(Locale.ROOT, "restart from the journal alone: %s%n", figures(n));
                try (Jedis j = new Jedis("127.0.0.1", n.port(), 600_000)) {
                    digest = SafeDigest.of(j);
                    long s0 = System.nanoTime();
                    j.save();
                    System.out.printf(Locale.ROOT, "SAVE of %,d keys: %.2f s, %,d bytes%n", keys, (System.nanoTime() - s0) / 1e9,
                            Long.parseLong(info(j, "last_snapshot_bytes")));
                }
            }
            try (GearlogNode n = start(dir)) {
                System.out.printf(Locale.ROOT, "restart from the snapshot: %s%n", figures(n));
                try (Jedis j = new Jedis("127.0.0.1", n.port(), 600_000)) {
                    if (!digest.equals(SafeDigest.of(j))) {
                        throw new IllegalStateException("digest differs after restart from the snapshot");
                    }
                }
            }
        } finally {
            JournalAppendBenchmark.deleteTree(dir);
        }
    }

    /**
     * Restart from a snapshot alone, without first writing and replaying a journal of N records (which takes
     * minutes at 10M keys): the keys are built in an engine in this JVM, written as a snapshot that precedes an
     * empty journal, and the engine dropped before the server starts from that directory.
     */
    private static void snapshotOnly(Path dir, int keys) throws Exception {
        long t0 = System.nanoTime();
        long time = System.currentTimeMillis() - 60_000;
        Engine built = new Engine(new ServerConfig(), EngineClock.SYSTEM);
        byte[] set = "SET".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < keys; i++) {
            built.applyArgv(new byte[][]{set, ("key:" + i).getBytes(StandardCharsets.US_ASCII),
                    ("value-" + i).getBytes(StandardCharsets.US_ASCII)}, 0, time, i);
        }
        SnapshotInfo info = new SnapshotWriter(() -> false).write(built, -1, time, new SnapshotCatalog(dir).next());
        built = null;
        System.gc();
        System.out.printf(Locale.ROOT, "wrote a snapshot of %,d keys (%,d bytes) in %.1f s%n", keys, info.bytes(),
                (System.nanoTime() - t0) / 1e9);
        try (GearlogNode n = start(dir)) {
            try (Jedis j = new Jedis("127.0.0.1", n.port(), 600_000)) {
                double total = Double.parseDouble(info(j, "recovery_total_seconds"));
                double load = Double.parseDouble(info(j, "recovery_snapshot_seconds"));
                System.out.printf(Locale.ROOT, "restart from the snapshot: %s; verifying about %.1f s%n", figures(n),
                        total - load - Double.parseDouble(info(j, "recovery_seconds")));
                if (j.dbSize() != keys) {
                    throw new IllegalStateException("restarted with " + j.dbSize() + " keys");
                }
            }
        }
    }

    /** CPU time the last {@link #start} took on this thread, which recovers: far steadier than wall time on a busy machine. */
    private static double startCpuSeconds;

    static GearlogNode start(Path dir) throws Exception {
        ServerConfig cfg = new ServerConfig();
        Options.apply(cfg, new String[]{"--port", "0", "--dir", dir.toString(), "--save", "", "--loglevel", "warning"});
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        GearlogNode n = GearlogNode.start(cfg);
        startCpuSeconds = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        return n;
    }

    private static String figures(GearlogNode n) {
        try (Jedis j = new Jedis("127.0.0.1", n.port(), 600_000)) {
            return String.format(Locale.ROOT, "total %s s (snapshot %s: %s s; %s journal records in %s s = %,.0f records/s), "
                            + "%s keys; the starting thread used %.2f s of CPU",
                    info(j, "recovery_total_seconds"), info(j, "recovery_snapshot"), info(j, "recovery_snapshot_seconds"),
                    info(j, "recovery_records"), info(j, "recovery_seconds"),
                    Long.parseLong(info(j, "recovery_records")) / Math.max(0.001, Double.parseDouble(info(j, "recovery_seconds"))),
                    info(j, "recovery_keys"), startCpuSeconds);
        }
    }

    static String info(Jedis j, String field) {
        for (String line : j.info("persistence").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new IllegalStateException("no " + field + " in INFO persistence");
    }

    /** DEBUG DIGEST through Jedis. */
    static final class SafeDigest {
        private SafeDigest() {
        }

        static String of(Jedis j) {
            Object r = j.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "DIGEST");
            return new String((byte[]) r, StandardCharsets.US_ASCII);
        }
    }
}
