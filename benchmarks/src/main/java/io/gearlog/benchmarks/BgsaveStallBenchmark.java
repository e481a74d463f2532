package io.gearlog.benchmarks;

import io.gearlog.resp.GearlogNode;
import org.HdrHistogram.Histogram;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How long the engine stalls while a BGSAVE of N keys runs: a client measures PING round trips (every one goes
 * through the engine thread) before and during the background snapshot.
 * {@code java ... io.gearlog.benchmarks.BgsaveStallBenchmark [keys]}
 */
public final class BgsaveStallBenchmark {
    private BgsaveStallBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("gearlog-bgsave-bench");
        try (GearlogNode n = RestartBenchmark.start(dir); Jedis j = new Jedis("127.0.0.1", n.port(), 600_000)) {
            for (int base = 0; base < keys; base += 10_000) {
                Pipeline p = j.pipelined();
                for (int i = base; i < Math.min(keys, base + 10_000); i++) {
                    p.set("key:" + i, "value-" + i);
                }
                p.sync();
            }
            Histogram idle = pings(j, 20_000);
            long t0 = System.nanoTime();
            j.bgsave();
            long reply = System.nanoTime() - t0;
            Histogram during = new Histogram(60_000_000_000L, 3);
            int pings = 0;
            while (!"0".equals(RestartBenchmark.info(j, "rdb_bgsave_in_progress"))) {
                during.add(pings(j, 200));
                pings += 200;
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%,d keys: BGSAVE replied in %.2f ms, snapshot took %.1f s (%s); "
                            + "PING idle p50 %.0f us p99.9 %.0f us max %.2f ms; during BGSAVE (%,d pings) p50 %.0f us "
                            + "p99 %.0f us p99.9 %.0f us max %.2f ms%n", keys, reply / 1e6, secs,
                    RestartBenchmark.info(j, "last_snapshot_status"),
                    idle.getValueAtPercentile(50) / 1e3, idle.getValueAtPercentile(99.9) / 1e3, idle.getMaxValue() / 1e6,
                    pings, during.getValueAtPercentile(50) / 1e3, during.getValueAtPercentile(99) / 1e3,
                    during.getValueAtPercentile(99.9) / 1e3, during.getMaxValue() / 1e6);
        } finally {
            JournalAppendBenchmark.deleteTree(dir);
        }
    }

    private static Histogram pings(Jedis j, int n) {
        Histogram h = new Histogram(60_000_000_000L, 3);
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            j.ping();
            h.recordValue(System.nanoTime() - t0);
        }
        return h;
    }
}
