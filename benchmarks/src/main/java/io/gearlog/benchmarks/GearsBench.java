package io.gearlog.benchmarks;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.commands.ProtocolCommand;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Gears load driver against a running server: a run() of map/filter/countby over N keys (records per second)
 * and RG.PYEXECUTE "GB('ShardsIDReader').run()" round trips per second. Usage:
 * {@code GearsBench <host> <port> [keys] [roundTrips] [clients] [server pid]}; {@code benchmarks/gears-bench}
 * starts a server and runs it. With the server's pid it also reports the server's CPU time, which stays
 * meaningful on a machine shared with other work (wall-clock rates then mostly measure the contention).
 */
public final class GearsBench {
    private static final ProtocolCommand PYEXECUTE = () -> "RG.PYEXECUTE".getBytes(StandardCharsets.UTF_8);
    private static final String SCAN_JOB = "GB().map(lambda x: int(x['value']))"
            + ".filter(lambda x: x % 2 == 0).countby(lambda x: x % 10).run()";
    private static final String SHARDS_JOB = "GB('ShardsIDReader').run()";

    private GearsBench() {
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 6379;
        int keys = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        int roundTrips = args.length > 3 ? Integer.parseInt(args[3]) : 2_000;
        int clients = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        long pid = args.length > 5 ? Long.parseLong(args[5]) : -1;
        try (Jedis j = new Jedis(host, port, 600_000)) {
            load(j, keys);
            for (int round = 1; round <= 5; round++) {
                long t0 = System.nanoTime();
                double cpu0 = cpuSeconds(pid);
                Object reply = j.sendCommand(PYEXECUTE, SCAN_JOB);
                double secs = (System.nanoTime() - t0) / 1e9;
                double cpu = cpuSeconds(pid) - cpu0;
                check(reply, 5);
                System.out.printf(Locale.ROOT, "run() map/filter/countby over %,d keys, round %d: %.2f s wall, %,.0f records/s%s%n",
                        keys, round, secs, keys / secs, cpu > 0 ? String.format(Locale.ROOT,
                                "; server CPU %.2f s, %,.0f records per CPU second", cpu, keys / cpu) : "");
            }
            // GraalPy's JIT needs a few thousand calls before the per-call cost settles
            parallel(host, port, clients, 1_000);
            long t0 = System.nanoTime();
            double cpu0 = cpuSeconds(pid);
            for (int i = 0; i < roundTrips; i++) {
                j.sendCommand(PYEXECUTE, SHARDS_JOB);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = cpuSeconds(pid) - cpu0;
            System.out.printf(Locale.ROOT, "RG.PYEXECUTE \"%s\", 1 client: %,.0f round trips/s (%.2f ms each)%s%n",
                    SHARDS_JOB, roundTrips / secs, secs * 1000 / roundTrips, cpu > 0 ? String.format(Locale.ROOT,
                            "; server CPU %.2f ms per call", cpu * 1000 / roundTrips) : "");
        }
        long t0 = System.nanoTime();
        double cpu0 = cpuSeconds(pid);
        parallel(host, port, clients, roundTrips);
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpu = cpuSeconds(pid) - cpu0;
        long calls = (long) clients * roundTrips;
        System.out.printf(Locale.ROOT, "RG.PYEXECUTE \"%s\", %d clients: %,.0f round trips/s%s%n",
                SHARDS_JOB, clients, calls / secs, cpu > 0 ? String.format(Locale.ROOT,
                        "; server CPU %.2f ms per call", cpu * 1000 / calls) : "");
    }

    /** {@code clients} connections each sending {@code calls} PYEXECUTEs one after the other. */
    private static void parallel(String host, int port, int clients, int calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            fs.add(pool.submit(() -> {
                try (Jedis j = new Jedis(host, port, 600_000)) {
                    for (int i = 0; i < calls; i++) {
                        j.sendCommand(PYEXECUTE, SHARDS_JOB);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
    }

    /** User plus system CPU time of process {@code pid} from /proc, or 0 when unknown. */
    private static double cpuSeconds(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    private static void load(Jedis j, int keys) {
        j.flushAll();
        long t0 = System.nanoTime();
        Pipeline p = j.pipelined();
        for (int i = 0; i < keys; i++) {
            p.set("k:" + i, Integer.toString(i));
            if (i % 10_000 == 9_999) {
                p.sync();
            }
        }
        p.sync();
        System.out.printf(Locale.ROOT, "loaded %,d keys in %.1f s%n", keys, (System.nanoTime() - t0) / 1e9);
    }

    private static void check(Object reply, int expectedResults) {
        if (!(reply instanceof List<?> l) || l.size() != 2 || ((List<?>) l.get(0)).size() != expectedResults
                || !((List<?>) l.get(1)).isEmpty()) {
            throw new IllegalStateException("unexpected reply: " + reply);
        }
    }
}
