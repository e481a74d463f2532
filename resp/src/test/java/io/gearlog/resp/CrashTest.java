package io.gearlog.resp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.gearlog.resp.RecoveryFiles.info;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills a server process with SIGKILL in the middle of a write load and checks what the restarted server holds:
 * under appendfsync always every acknowledged write; under everysec at most about the last second of them (in
 * practice none, as the killed process's writes are already in the page cache; the policy matters for a machine
 * that loses power). Automatic snapshots run during the load, so some kills land during a background snapshot.
 * A second client writes in pipelines of 16, whose records share journal documents, so kills also land inside
 * a group of records.
 * 20 kills by default; {@code -Dgearlog.crash.iterations=N} runs more.
 */
class CrashTest {

    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesSurviveSigkill() throws Exception {
        int iterations = Integer.getInteger("gearlog.crash.iterations", 20);
        Random random = new Random(42);
        // per iteration: {keys acknowledged, policy always ? 1 : 0, pipelined keys acknowledged}
        List<long[]> acked = new ArrayList<>();
        long totalLost = 0;
        int cutOffs = 0;
        for (int it = 0; it < iterations; it++) {
            boolean always = it % 2 == 0;
            Path log = dir.resolve("server-" + it + ".log");
            Process server = startServer(always ? "always" : "everysec", log);
            long writes;
            long pipelinedWrites;
            double perSecond;
            try {
                int port = awaitPort(server, log);
                AtomicLong count = new AtomicLong();
                AtomicLong pipelined = new AtomicLong();
                long started = System.nanoTime();
                Thread load = new Thread(() -> writeUntilKilled(port, "it" + acked.size() + ":", count));
                Thread pipelinedLoad = new Thread(() -> writeInPipelinesUntilKilled(port, "pit" + acked.size() + ":", pipelined));
                load.start();
                pipelinedLoad.start();
                long killAfter = 300 + random.nextInt(700);
                await().pollDelay(Duration.ofMillis(killAfter)).atMost(Duration.ofSeconds(30)).until(() -> count.get() > 0 && pipelined.get() > 0);
                server.destroyForcibly();
                assertTrue(server.waitFor(30, TimeUnit.SECONDS));
                load.join(30_000);
                pipelinedLoad.join(30_000);
                writes = count.get();
                pipelinedWrites = pipelined.get();
                perSecond = (writes + pipelinedWrites) / ((System.nanoTime() - started) / 1e9);
            } finally {
                server.destroyForcibly();
            }
            acked.add(new long[]{writes, always ? 1 : 0, pipelinedWrites});
            long t0 = System.nanoTime();
            try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
                long startupMillis = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(startupMillis < 15_000, "restart took " + startupMillis + " ms");
                for (int k = 0; k < acked.size(); k++) {
                    long lost = missing(j, "it" + k + ":", acked.get(k)[0]) + missing(j, "pit" + k + ":", acked.get(k)[2]);
                    if (acked.get(k)[1] == 1) {
                        assertEquals(0, lost, "appendfsync always lost acknowledged writes in iteration " + k);
                    } else {
                        // everysec: at most about one second of writes (plus one fsync's worth of slack)
                        assertTrue(lost <= perSecond * 1.5 + 100, "everysec lost " + lost + " writes in iteration " + k);
                    }
                    if (k == acked.size() - 1) {
                        totalLost += lost;
                    }
                }
                // a kill can leave the record being written unfinished; recovery cuts it off (it was never
                // acknowledged) and the checks above prove every acknowledged write is still there
                if (!"-1".equals(info(j, "persistence").get("recovery_cut_off_index"))) {
                    cutOffs++;
                }
            }
        }
        long pipelinedAcked = acked.stream().mapToLong(a -> a[2]).sum();
        System.out.println("CrashTest: " + iterations + " kills, " + pipelinedAcked + " pipelined writes acknowledged, "
                + "acknowledged writes lost in total: " + totalLost
                + ", unfinished tail records cut off: " + cutOffs);
    }

    /** Sets key0, key1, ... one at a time, counting the acknowledged ones, until the connection dies. */
    private static void writeUntilKilled(int port, String prefix, AtomicLong count) {
        try (Jedis j = new Jedis("127.0.0.1", port, 5_000)) {
            while (true) {
                long i = count.get();
                j.set(prefix + i, Long.toString(i));
                count.incrementAndGet();
            }
        } catch (RuntimeException killed) {
            // the server died: the keys counted so far were acknowledged
        }
    }

    /** Sets key0, key1, ... in pipelines of 16, counting a pipeline once all its replies are in. */
    private static void writeInPipelinesUntilKilled(int port, String prefix, AtomicLong count) {
        try (Jedis j = new Jedis("127.0.0.1", port, 5_000)) {
            while (true) {
                long i = count.get();
                Pipeline p = j.pipelined();
                for (int k = 0; k < 16; k++) {
                    p.set(prefix + (i + k), Long.toString(i + k));
                }
                p.sync();
                count.addAndGet(16);
            }
        } catch (RuntimeException killed) {
            // the server died: the pipelines counted so far were acknowledged
        }
    }

    /**
     * Checks that the acknowledged keys {@code prefix0..prefix(n-1)} hold their values; returns how many are
     * missing, which must all be at the end (a lost write is never followed by a kept one).
     */
    private static long missing(Jedis j, String prefix, long n) {
        Pipeline p = j.pipelined();
        List<Response<String>> values = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            values.add(p.get(prefix + i));
        }
        p.sync();
        long firstMissing = -1;
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i).get();
            if (v == null) {
                if (firstMissing < 0) {
                    firstMissing = i;
                }
            } else {
                if (firstMissing >= 0) {
                    fail(prefix + i + " survived although " + prefix + firstMissing + " was lost");
                }
                assertEquals(Long.toString(i), v);
            }
        }
        return firstMissing < 0 ? 0 : n - firstMissing;
    }

    private Process startServer(String policy, Path log) throws IOException {
        return ServerSubprocess.start(log, List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"),
                "--port", "0", "--dir", dir.toString(), "--appendfsync", policy, "--save", "1 3000");
    }

    private static int awaitPort(Process server, Path log) {
        return ServerSubprocess.awaitPort(server, log, Duration.ofSeconds(60));
    }
}
