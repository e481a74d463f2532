package io.gearlog.benchmarks;

import io.gearlog.journal.FsyncPolicy;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalAppender;
import io.gearlog.journal.JournalSyncer;
import io.gearlog.journal.RecordType;
import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Latency of one journal append (a SET record, encoded and written to Chronicle Queue), as the engine thread pays
 * it, with the fsync thread running as under appendfsync everysec and always.
 * {@code java ... io.gearlog.benchmarks.JournalAppendBenchmark [records] [value-bytes]}
 */
public final class JournalAppendBenchmark {
    private JournalAppendBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int valueSize = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        for (FsyncPolicy policy : new FsyncPolicy[]{FsyncPolicy.EVERYSEC, FsyncPolicy.ALWAYS}) {
            Path dir = Files.createTempDirectory("gearlog-append-bench");
            try (Journal journal = Journal.open(dir)) {
                JournalAppender a = journal.appender();
                try (JournalSyncer syncer = new JournalSyncer(a, policy, 0)) {
                    byte[] value = "v".repeat(valueSize).getBytes(StandardCharsets.US_ASCII);
                    byte[] set = "SET".getBytes(StandardCharsets.US_ASCII);
                    Histogram h = new Histogram(3_600_000_000L, 3);
                    int warmup = Math.min(records / 4, 500_000);
                    long started = 0;
                    for (int i = -warmup; i < records; i++) {
                        if (i == 0) {
                            started = System.nanoTime();
                        }
                        byte[][] argv = {set, ("key:" + i).getBytes(StandardCharsets.US_ASCII), value};
                        long t0 = System.nanoTime();
                        long idx = a.appendArgv(RecordType.COMMAND, 1_700_000_000_000L + i, 1, 0, argv);
                        long t1 = System.nanoTime();
                        if (policy == FsyncPolicy.ALWAYS && (i & 63) == 0) {
                            // group commit: the engine hands a batch to the syncer now and then, never waits for it
                            syncer.afterSync(idx, () -> { });
                        }
                        if (i >= 0) {
                            h.recordValue(t1 - t0);
                        }
                    }
                    double secs = (System.nanoTime() - started) / 1e9;
                    System.out.printf(Locale.ROOT, "append %s, %d-byte values: p50 %.2f us, p99 %.2f us, p99.9 %.2f us, "
                                    + "max %.1f us; %,.0f records/s; %d fsyncs%n", policy.configName(), valueSize,
                            h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                            h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, records / secs, syncer.syncCount());
                }
            } finally {
                deleteTree(dir);
            }
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
