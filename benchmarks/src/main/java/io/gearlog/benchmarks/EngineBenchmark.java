package io.gearlog.benchmarks;

import io.gearlog.engine.Client;
import io.gearlog.engine.ClientOutbound;
import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineClock;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.journal.FsyncPolicy;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalSyncer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine thread alone, without the network: the commands redis-benchmark sends (same keys and values) are
 * handed to the engine already decoded, as pipelined batches of 16 from 50 clients, with the journal and its
 * everysec fsync thread attached. Reports commands per second of the engine thread's own CPU time, which a busy
 * machine disturbs far less than wall-clock rates, so it shows what a change to the command path is worth.
 * {@code java ... io.gearlog.benchmarks.EngineBenchmark [commands] [rounds] [tests]}
 */
public final class EngineBenchmark {
    private static final int CLIENTS = 50;
    private static final int PIPELINE = 16;
    private static final int KEYSPACE = Integer.getInteger("keyspace", 100_000);

    private EngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String[] tests = (args.length > 2 ? args[2] : "set,get,incr,mset,lpush,lpop,sadd,hset,zadd,xadd").split(",");
        Path dir = Files.createTempDirectory("gearlog-engine-bench");
        ServerConfig cfg = new ServerConfig();
        try (Journal journal = Journal.open(dir)) {
            JournalSyncer syncer = new JournalSyncer(journal.appender(), FsyncPolicy.EVERYSEC, 0);
            Engine engine = new Engine(cfg, EngineClock.SYSTEM);
            engine.journal(journal.appender(), syncer);
            engine.start();
            long tid = engine.call(e -> Thread.currentThread().threadId()).get();
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            AtomicLong done = new AtomicLong();
            AtomicLong replyBytes = new AtomicLong();
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Client c = new Client(1000 + i, new ClientOutbound() {
                    @Override
                    public void send(byte[] bytes) {
                        replyBytes.addAndGet(bytes.length);
                    }

                    @Override
                    public void sendAndClose(byte[] bytes) {
                    }

                    @Override
                    public void processed(int commands) {
                        done.addAndGet(commands);
                    }
                });
                engine.connect(c);
                clients.add(c);
            }
            for (int round = 0; round < rounds; round++) {
                StringBuilder line = new StringBuilder(round == 0 ? "warm-up " : "round " + round + " ");
                for (String t : tests) {
                    List<List<byte[][]>> batches = batches(t, n, new SplittableRandom(round * 31L + t.hashCode()));
                    done.set(0);
                    long cpu0 = mx.getThreadCpuTime(tid);
                    long t0 = System.nanoTime();
                    for (int b = 0; b < batches.size(); b++) {
                        engine.commands(clients.get(b % CLIENTS), batches.get(b), null);
                        // keep about what 50 clients with 16 requests in flight would have queued
                        while ((long) (b + 1) * PIPELINE - done.get() > CLIENTS * PIPELINE * 4L) {
                            Thread.onSpinWait();
                        }
                    }
                    while (done.get() < n) {
                        Thread.onSpinWait();
                    }
                    awaitFlush(engine);
                    double wall = (System.nanoTime() - t0) / 1e9;
                    double cpu = (mx.getThreadCpuTime(tid) - cpu0) / 1e9;
                    line.append(String.format(Locale.ROOT, " %s %,.0f/cpu-s (%,.0f/s)", t, n / cpu, n / wall));
                    engine.call(e -> {
                        e.keyspace().flushAll();
                        return null;
                    }).get();
                }
                System.out.println(line);
            }
            engine.stop();
            syncer.close();
        } finally {
            JournalAppendBenchmark.deleteTree(dir);
        }
    }

    private static void awaitFlush(Engine engine) throws Exception {
        CountDownLatch l = new CountDownLatch(1);
        engine.execute(l::countDown);
        l.await();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** redis-benchmark's key for -r: "key:" and a random number as 12 digits. */
    private static byte[] rand(String prefix, SplittableRandom r) {
        return b(prefix + String.format(Locale.ROOT, "%012d", r.nextInt(KEYSPACE)));
    }

    private static List<List<byte[][]>> batches(String test, int n, SplittableRandom r) {
        byte[] xxx = b("xxx");
        List<List<byte[][]>> out = new ArrayList<>();
        List<byte[][]> cur = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[][] argv = switch (test) {
                case "set" -> new byte[][]{b("SET"), rand("key:", r), xxx};
                case "get" -> new byte[][]{b("GET"), rand("key:", r)};
                case "incr" -> new byte[][]{b("INCR"), rand("counter:", r)};
                case "mset" -> {
                    byte[][] a = new byte[21][];
                    a[0] = b("MSET");
                    for (int k = 0; k < 10; k++) {
                        a[1 + 2 * k] = rand("key:", r);
                        a[2 + 2 * k] = xxx;
                    }
                    yield a;
                }
                case "lpush" -> new byte[][]{b("LPUSH"), b("mylist"), xxx};
                case "lpop" -> new byte[][]{b("LPOP"), b("mylist")};
                case "sadd" -> new byte[][]{b("SADD"), b("myset"), rand("element:", r)};
                case "hset" -> new byte[][]{b("HSET"), b("myhash"), rand("element:", r), xxx};
                case "zadd" -> new byte[][]{b("ZADD"), b("myzset"), b(Integer.toString(r.nextInt(KEYSPACE))),
                        rand("element:", r)};
                case "xadd" -> new byte[][]{b("XADD"), b("bench:stream"), b("*"), b("field"), rand("", r)};
                default -> throw new IllegalArgumentException("unknown test " + test);
            };
            cur.add(argv);
            if (cur.size() == PIPELINE) {
                out.add(cur);
                cur = new ArrayList<>();
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }
}
