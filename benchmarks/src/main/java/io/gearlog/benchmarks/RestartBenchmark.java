package io.gearlog.benchmarks;

import io.gearlog.engine.config.ServerConfig;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalAppender;
import io.gearlog.journal.RecordType;
import io.gearlog.resp.GearlogNode;
import io.gearlog.resp.Options;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Restart time for a keyspace of N keys: from the journal alone (recovery speed in records/s) and from a snapshot;
 * also the time SAVE takes. The journal is written directly (N SET records), as a server would have written it.
 * {@code java ... io.gearlog.benchmarks.RestartBenchmark [keys]}
 */
public final class RestartBenchmark {
    private RestartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("gearlog-restart-bench");
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

    static GearlogNode start(Path dir) throws Exception {
        ServerConfig cfg = new ServerConfig();
        Options.apply(cfg, new String[]{"--port", "0", "--dir", dir.toString(), "--save", "", "--loglevel", "warning"});
        return GearlogNode.start(cfg);
    }

    private static String figures(GearlogNode n) {
        try (Jedis j = new Jedis("127.0.0.1", n.port(), 600_000)) {
            return String.format(Locale.ROOT, "total %s s (snapshot %s: %s s; %s journal records in %s s = %,.0f records/s), %s keys",
                    info(j, "recovery_total_seconds"), info(j, "recovery_snapshot"), info(j, "recovery_snapshot_seconds"),
                    info(j, "recovery_records"), info(j, "recovery_seconds"),
                    Long.parseLong(info(j, "recovery_records")) / Math.max(0.001, Double.parseDouble(info(j, "recovery_seconds"))),
                    info(j, "recovery_keys"));
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
