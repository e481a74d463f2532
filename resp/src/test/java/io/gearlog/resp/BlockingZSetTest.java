package io.gearlog.resp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.gearlog.resp.SortedSetCommandsTest.call;
import static io.gearlog.resp.SortedSetCommandsTest.check;
import static io.gearlog.resp.SortedSetCommandsTest.fmt;
import static io.gearlog.resp.SortedSetCommandsTest.readReply;
import static io.gearlog.resp.SortedSetCommandsTest.send;
import static io.gearlog.resp.SortedSetCommandsTest.split;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BZPOPMIN, BZPOPMAX and BZMPOP: blocking, wake-ups, timeouts, transactions and recovery of served pops. */
class BlockingZSetTest extends JedisTestBase {
    final List<Jedis> clients = new ArrayList<>();
    /** Blocked calls each need a thread of their own (the common pool may have just one). */
    static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void disconnect() {
        clients.forEach(Jedis::close);
        clients.clear();
    }

    static int blockedClients(Jedis j) {
        Matcher m = Pattern.compile("blocked_clients:(\\d+)").matcher(j.info("clients"));
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    /** Runs a blocking command on its own connection; the future completes with the formatted reply. */
    private CompletableFuture<String> block(String line) {
        Jedis c = server.jedis();
        clients.add(c);
        String[] argv = split(line);
        byte[] name = argv[0].getBytes(StandardCharsets.UTF_8);
        byte[][] args = new byte[argv.length - 1][];
        for (int i = 1; i < argv.length; i++) {
            args[i - 1] = argv[i].getBytes(StandardCharsets.UTF_8);
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return fmt(c.sendBlockingCommand(() -> name, args));
            } catch (JedisDataException e) {
                return "!" + e.getMessage();
            }
        }, THREADS);
    }

    /** Blocks a client and waits until the server counts it as blocked, so arrival order is known. */
    private CompletableFuture<String> blocked(String line) {
        int before = blockedClients(j);
        CompletableFuture<String> f = block(line);
        await().atMost(Duration.ofSeconds(10)).until(() -> blockedClients(j) == before + 1);
        return f;
    }

    private static String result(CompletableFuture<String> f) {
        return f.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    @Test
    void waitersAreServedOldestFirstOneElementEach() {
        CompletableFuture<String> c1 = blocked("bzpopmin k 0");
        CompletableFuture<String> c2 = blocked("bzpopmin k 0");
        CompletableFuture<String> c3 = blocked("bzpopmin k 0");
        check(j, "zadd k 2 b 1 a", "2");
        assertEquals("[k, a, 1]", result(c1));
        assertEquals("[k, b, 2]", result(c2));
        await().until(() -> blockedClients(j) == 1);
        assertFalse(c3.isDone());
        check(j, "exists k", "0");
        check(j, "zadd k 3.5 c", "1");
        assertEquals("[k, c, 3.5]", result(c3));
        assertEquals(0, blockedClients(j));
    }

    @Test
    void bzpopmaxWaitsOnSeveralKeysAndAnswersWithTheKey() {
        CompletableFuture<String> c = blocked("bzpopmax k1 k2 k3 0");
        check(j, "zadd k2 1 a 9 z", "2");
        assertEquals("[k2, z, 9]", result(c));
        check(j, "zrange k2 0 -1", "[a]");
    }

    @Test
    void nonEmptyKeysAreServedAtOnceInKeyOrder() {
        check(j, "zadd b 1 x", "1");
        check(j, "zadd c 2 y", "1");
        check(j, "bzpopmin a b c 0", "[b, x, 1]");
        check(j, "bzpopmax a c 0", "[c, y, 2]");
        check(j, "set s v", "OK");
        check(j, "zadd c 2 y", "1");
        check(j, "bzpopmin s c 0", "!WRONGTYPE Operation against a key holding the wrong kind of value");
        check(j, "bzpopmin c s 0", "[c, y, 2]");
        check(j, "bzmpop 0 2 s c min", "!WRONGTYPE Operation against a key holding the wrong kind of value");
    }

    @Test
    void timeoutRepliesNull() {
        long t0 = System.nanoTime();
        CompletableFuture<String> c = block("bzpopmin k 0.3");
        CompletableFuture<String> m = block("bzmpop 0.2 1 k max count 2");
        assertEquals("nil", result(c));
        assertEquals("nil", result(m));
        assertTrue(System.nanoTime() - t0 >= 200_000_000L, "waited for the timeout");
        assertEquals(0, blockedClients(j));
        check(j, "zadd k 1 a", "1");
        check(j, "zcard k", "1");
    }

    @Test
    void timeoutArgumentErrors() {
        check(j, "bzpopmin k x", "!ERR timeout is not a float or out of range");
        check(j, "bzpopmin k -1", "!ERR timeout is negative");
        check(j, "bzpopmin k inf", "!ERR timeout is negative");
        check(j, "bzpopmin k 1e16", "!ERR timeout is negative");
        check(j, "bzpopmin k \" 1\"", "!ERR timeout is not a float or out of range");
        check(j, "bzpopmin k \"1 \"", "!ERR timeout is not a float or out of range");
        check(j, "bzpopmin k \"\"", "!ERR timeout is not a float or out of range");
        check(j, "bzpopmin k nan", "!ERR timeout is not a float or out of range");
        check(j, "bzpopmin k 1e5000", "!ERR timeout is not a float or out of range");
        check(j, "bzpopmax k 1e", "!ERR timeout is not a float or out of range");
        check(j, "bzmpop -1 1 k min", "!ERR timeout is negative");
        check(j, "bzmpop x 1 k min", "!ERR timeout is not a float or out of range");
        check(j, "bzmpop 0 0 k min", "!ERR numkeys should be greater than 0");
        check(j, "bzmpop 0 2 k min", "!ERR syntax error");
        check(j, "bzmpop 0 1 k min count 0", "!ERR count should be greater than 0");
        check(j, "bzmpop 0 1 k", "!ERR wrong number of arguments for 'bzmpop' command");
        check(j, "bzpopmin k", "!ERR wrong number of arguments for 'bzpopmin' command");
        assertEquals(0, blockedClients(j));
    }

    @Test
    void fractionalAndHexTimeoutsBlock() {
        CompletableFuture<String> a = blocked("bzpopmin k 0x1p3");
        CompletableFuture<String> b = blocked("bzpopmin k .5e1");
        CompletableFuture<String> c = blocked("bzpopmin k -0.0001");
        check(j, "zadd k 1 a 2 b 3 c", "3");
        assertEquals("[k, a, 1]", result(a));
        assertEquals("[k, b, 2]", result(b));
        assertEquals("[k, c, 3]", result(c));
    }

    @Test
    void bzmpopPopsUpToCount() {
        CompletableFuture<String> c = blocked("bzmpop 0 2 k1 k2 max count 3");
        check(j, "zadd k2 1 a 2 b 3 c 4 d 5 e", "5");
        assertEquals("[k2, [[e, 5], [d, 4], [c, 3]]]", result(c));
        CompletableFuture<String> d = blocked("bzmpop 0 1 k3 min count 10");
        check(j, "zadd k3 1 a 2 b", "2");
        assertEquals("[k3, [[a, 1], [b, 2]]]", result(d));
        check(j, "exists k3", "0");
    }

    @Test
    void aTransactionWakesTheWaiterAfterItCompletes() {
        CompletableFuture<String> c = blocked("bzpopmin k 0");
        check(j, "multi", "OK");
        check(j, "zadd k 5 e", "QUEUED");
        check(j, "zadd k 1 a", "QUEUED");
        check(j, "zrem k e", "QUEUED");
        check(j, "exec", "[1, 1, 1]");
        assertEquals("[k, a, 1]", result(c));
        check(j, "exists k", "0");
    }

    @Test
    void insideMultiBlockingPopsDoNotBlock() {
        check(j, "zadd full 1 a", "1");
        check(j, "multi", "OK");
        check(j, "bzpopmin none 0", "QUEUED");
        check(j, "bzpopmax full 0", "QUEUED");
        check(j, "bzmpop 0 1 none min", "QUEUED");
        check(j, "exec", "[nil, [full, a, 1], nil]");
        assertEquals(0, blockedClients(j));
    }

    @Test
    void aWrongTypeValueDoesNotServeTheWaiter() {
        CompletableFuture<String> c = blocked("bzpopmin k 0");
        check(j, "set k str", "OK");
        check(j, "del k", "1");
        check(j, "zadd other 1 x", "1");
        assertEquals(1, blockedClients(j));
        assertFalse(c.isDone());
        check(j, "zadd k 7 m", "1");
        assertEquals("[k, m, 7]", result(c));
    }

    @Test
    void commandsSentWhileBlockedRunAfterTheServe() throws Exception {
        try (RawConnection raw = new RawConnection(server.port())) {
            send(raw, "BZPOPMIN", "k", "0");
            send(raw, "ZCARD", "k");
            await().until(() -> blockedClients(j) == 1);
            check(j, "zadd k 1 a 2 b", "2");
            assertEquals("*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n", readReply(raw));
            assertEquals(":1\r\n", readReply(raw));
        }
    }

    @Test
    void resp3ServedReplyUsesADouble() throws Exception {
        try (RawConnection raw = new RawConnection(server.port())) {
            send(raw, "HELLO", "3");
            readReply(raw);
            send(raw, "BZPOPMAX", "k", "0");
            await().until(() -> blockedClients(j) == 1);
            check(j, "zadd k 1.5 a", "1");
            assertEquals("*3\r\n$1\r\nk\r\n$1\r\na\r\n,1.5\r\n", readReply(raw));
            send(raw, "BZPOPMIN", "k", "0.05");
            assertEquals("_\r\n", readReply(raw));
        }
    }

    @Test
    void aDisconnectedWaiterIsForgotten() {
        Jedis c = server.jedis();
        CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
            try {
                c.sendBlockingCommand(() -> "BZPOPMIN".getBytes(), "k".getBytes(), "0".getBytes());
            } catch (RuntimeException expected) {
                // the connection is closed under it
            }
        }, THREADS);
        await().until(() -> blockedClients(j) == 1);
        c.disconnect();
        await().until(() -> blockedClients(j) == 0);
        check(j, "zadd k 1 a", "1");
        check(j, "zcard k", "1");
        f.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    @Test
    void servedPopsAreJournaledAndRecovered() throws Exception {
        Path dir = Files.createTempDirectory("gearlog-zset-restart");
        String digest;
        List<String> values = new ArrayList<>();
        String[] keys = {"q", "m", "big", "u", "s"};
        try (TestServer s = TestServer.start(dir); Jedis a = s.jedis()) {
            Jedis waiter1 = s.jedis();
            Jedis waiter2 = s.jedis();
            clients.add(waiter1);
            clients.add(waiter2);
            CompletableFuture<Object> w1 = CompletableFuture.supplyAsync(() ->
                    waiter1.sendBlockingCommand(() -> "BZPOPMIN".getBytes(), "q".getBytes(), "0".getBytes()), THREADS);
            await().until(() -> blockedClients(a) == 1);
            CompletableFuture<Object> w2 = CompletableFuture.supplyAsync(() ->
                    waiter2.sendBlockingCommand(() -> "BZMPOP".getBytes(), "0".getBytes(), "1".getBytes(),
                            "m".getBytes(), "MAX".getBytes(), "COUNT".getBytes(), "2".getBytes()), THREADS);
            await().until(() -> blockedClients(a) == 2);
            check(a, "zadd q 3 c 1 a 2 b", "3");
            assertEquals("[q, a, 1]", fmt(w1.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join()));
            check(a, "multi", "OK");
            check(a, "zadd m 1 x 2 y 3 z", "QUEUED");
            check(a, "exec", "[3]");
            assertEquals("[m, [[z, 3], [y, 2]]]", fmt(w2.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join()));
            for (int i = 0; i < 300; i++) {
                call(a, "ZADD", "big", String.valueOf(i * 0.1), "e" + i);
            }
            check(a, "zincrby big 1.1 e7", "1.8000000000000003");
            check(a, "zremrangebyrank big 10 20", "11");
            check(a, "zunionstore u 2 big q weights 2 3", "291");
            check(a, "zadd s 1.1 a -0 b inf c", "3");
            check(a, "zpopmax s", "[c, inf]");
            digest = fmt(call(a, "DEBUG", "DIGEST"));
            for (String k : keys) {
                values.add(fmt(call(a, "ZRANGE", k, "0", "-1", "WITHSCORES")) + " "
                        + fmt(call(a, "OBJECT", "ENCODING", k)));
            }
        }
        try (TestServer s = TestServer.start(dir); Jedis a = s.jedis()) {
            assertEquals(digest, fmt(call(a, "DEBUG", "DIGEST")));
            List<String> after = new ArrayList<>();
            for (String k : keys) {
                after.add(fmt(call(a, "ZRANGE", k, "0", "-1", "WITHSCORES")) + " "
                        + fmt(call(a, "OBJECT", "ENCODING", k)));
            }
            assertEquals(values, after);
            check(a, "zrange q 0 -1", "[b, c]");
            check(a, "zrange m 0 -1", "[x]");
        }
    }
}
