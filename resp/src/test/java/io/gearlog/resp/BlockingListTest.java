package io.gearlog.resp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.KeyValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.gearlog.resp.ListCommandsTest.call;
import static io.gearlog.resp.ListCommandsTest.error;
import static io.gearlog.resp.ListCommandsTest.event;
import static io.gearlog.resp.ListCommandsTest.subscribeToKeyevents;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP with several real clients, timeouts and a restart. */
class BlockingListTest {
    static TestServer server;
    static Jedis j;
    static ExecutorService pool;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        j = server.jedis();
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        j.close();
        server.close();
        pool.shutdownNow();
    }

    @BeforeEach
    void clean() {
        j.flushAll();
        j.configSet("notify-keyspace-events", "");
        await().atMost(Duration.ofSeconds(10)).until(() -> blockedClients(j) == 0);
    }

    static long blockedClients(Jedis jedis) {
        for (String line : jedis.info("clients").split("\r\n")) {
            if (line.startsWith("blocked_clients:")) {
                return Long.parseLong(line.substring("blocked_clients:".length()));
            }
        }
        throw new AssertionError("no blocked_clients in INFO");
    }

    static void awaitBlocked(Jedis jedis, long n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> blockedClients(jedis) == n);
    }

    /** Runs a command on its own connection in the background. */
    static <T> CompletableFuture<T> async(TestServer s, Function<Jedis, T> f) {
        return CompletableFuture.supplyAsync(() -> {
            try (Jedis c = s.jedis()) {
                return f.apply(c);
            }
        }, pool);
    }

    static <T> CompletableFuture<T> async(Function<Jedis, T> f) {
        return async(server, f);
    }

    /** Starts a blocking command and waits until the server reports it blocked. */
    static <T> CompletableFuture<T> blocked(Function<Jedis, T> f) {
        long before = blockedClients(j);
        CompletableFuture<T> fut = async(f);
        awaitBlocked(j, before + 1);
        return fut;
    }

    static <T> T result(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void servesAtOnceWhenAListHasData() {
        j.rpush("b", "1", "2", "3");
        j.rpush("c", "x");
        assertEquals(List.of("b", "1"), j.blpop(0, "a", "b", "c"));
        assertEquals(List.of("b", "3"), j.brpop(0, "a", "b", "c"));
        assertEquals("2", j.blmove("b", "d", ListDirection.LEFT, ListDirection.RIGHT, 0));
        assertFalse(j.exists("b"));
        assertEquals("2", j.brpoplpush("d", "e", 0));
        KeyValue<String, List<String>> kv = j.blmpop(0, ListDirection.LEFT, 5, "a", "e", "c");
        assertEquals("e", kv.getKey());
        assertEquals(List.of("2"), kv.getValue());
        assertEquals(0L, blockedClients(j));
    }

    @Test
    void timeoutRepliesNullAfterTheDeadline() throws Exception {
        long t0 = System.nanoTime();
        assertNull(j.blpop(0.3, "none"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 290, "returned after " + ms + " ms");
        assertNull(j.brpop(0.1, "none"));
        assertNull(j.blmpop(0.1, ListDirection.LEFT, "none", "other"));
        try (RawConnection c = new RawConnection(server.port())) {
            // BLMOVE and BRPOPLPUSH time out with a null array in RESP2, as Redis 7.0 does
            c.send("BLMOVE none x LEFT LEFT 0.05\r\nBRPOPLPUSH none x 0.05\r\nBLMPOP 0.05 1 none RIGHT\r\n");
            assertEquals("*-1", c.line());
            assertEquals("*-1", c.line());
            assertEquals("*-1", c.line());
            c.send("HELLO 3\r\nBLMOVE none x LEFT LEFT 0.05\r\nPING\r\n");
            List<String> lines = new ArrayList<>();
            String line;
            while (!(line = c.line()).equals("+PONG")) {
                lines.add(line);
            }
            assertEquals("_", lines.getLast());
        }
        assertEquals(0L, blockedClients(j));
        assertFalse(j.exists("x"));
    }

    @Test
    void timeoutArgumentsAreCheckedLikeRedis() {
        for (String t : new String[]{"x", "", " 1", "1 ", "nan"}) {
            assertEquals("ERR timeout is not a float or out of range", error(j, "BLPOP", "l", t), t);
        }
        for (String t : new String[]{"-1", "-0.5", "inf", "-inf", "1e20", "1e400"}) {
            assertEquals("ERR timeout is negative", error(j, "BRPOP", "l", t), t);
        }
        assertEquals("ERR timeout is not a float or out of range", error(j, "BLMOVE", "a", "b", "LEFT", "LEFT", "x"));
        assertEquals("ERR syntax error", error(j, "BLMOVE", "a", "b", "UP", "LEFT", "x"));
        assertEquals("ERR timeout is negative", error(j, "BRPOPLPUSH", "a", "b", "-1"));
        assertEquals("ERR timeout is not a float or out of range", error(j, "BLMPOP", "x", "1", "l", "LEFT"));
        assertEquals("ERR numkeys should be greater than 0", error(j, "BLMPOP", "x", "0", "l", "LEFT"));
        assertEquals("ERR syntax error", error(j, "BLMPOP", "x", "1", "l", "UP"));
        assertEquals("ERR count should be greater than 0", error(j, "BLMPOP", "0", "1", "l", "LEFT", "COUNT", "0"));
        assertEquals("ERR wrong number of arguments for 'blmpop' command", error(j, "BLMPOP", "0", "1", "l"));
        assertEquals(0L, blockedClients(j));
    }

    @Test
    void aPushFromAnotherClientWakesTheWaiter() throws Exception {
        CompletableFuture<List<String>> waiter = blocked(c -> c.blpop(0, "q"));
        assertFalse(waiter.isDone());
        // the push replies with the length it made; the waiter is served after it, as in Redis
        assertEquals(2L, j.rpush("q", "v1", "v2"));
        assertEquals(List.of("q", "v1"), result(waiter));
        assertEquals(List.of("v2"), j.lrange("q", 0, -1));
        // a tiny negative timeout rounds to 0: wait forever
        CompletableFuture<Object> forever = blocked(c -> call(c, "BRPOP", "q2", "-0.0001"));
        j.lpush("q2", "z");
        assertEquals(List.of("q2", "z"), result(forever));
        assertFalse(j.exists("q2"));
    }

    @Test
    void aKeyNamedTwiceServesTheWaiterOnce() throws Exception {
        CompletableFuture<List<String>> w = blocked(c -> c.blpop(0, "dup", "dup"));
        CompletableFuture<List<String>> next = blocked(c -> c.blpop(0, "dup"));
        j.rpush("dup", "1", "2", "3");
        assertEquals(List.of("dup", "1"), result(w));
        assertEquals(List.of("dup", "2"), result(next));
        assertEquals(List.of("3"), j.lrange("dup", 0, -1));
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        List<CompletableFuture<List<String>>> ws = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ws.add(blocked(c -> c.blpop(0, "fifo")));
        }
        assertEquals(4L, j.rpush("fifo", "a", "b", "c", "d"));
        assertEquals(List.of("fifo", "a"), result(ws.get(0)));
        assertEquals(List.of("fifo", "b"), result(ws.get(1)));
        assertEquals(List.of("fifo", "c"), result(ws.get(2)));
        assertEquals(List.of("d"), j.lrange("fifo", 0, -1));
        j.del("fifo");

        ws.clear();
        for (int i = 0; i < 3; i++) {
            ws.add(blocked(c -> c.brpop(0, "fifo", "other")));
        }
        for (int i = 0; i < 3; i++) {
            j.rpush(i == 1 ? "other" : "fifo", "v" + i);
            assertEquals(List.of(i == 1 ? "other" : "fifo", "v" + i), result(ws.get(i)));
            for (int k = i + 1; k < 3; k++) {
                assertFalse(ws.get(k).isDone());
            }
        }
        assertEquals(0L, blockedClients(j));
    }

    @Test
    void execWakesWaitersAfterTheTransactionFromTheKeyPushedFirst() throws Exception {
        CompletableFuture<List<String>> waiter = blocked(c -> c.blpop(0, "k1", "k2"));
        Transaction tx = j.multi();
        tx.rpush("k2", "a", "b");
        tx.rpush("k1", "c");
        tx.lrange("k2", 0, -1);
        List<Object> replies = tx.exec();
        // inside EXEC nothing was taken yet; the waiter is served after it, from the key that became ready first
        assertEquals(List.of(2L, 1L, List.of("a", "b")), replies);
        assertEquals(List.of("k2", "a"), result(waiter));
        assertEquals(List.of("c"), j.lrange("k1", 0, -1));
        assertEquals(List.of("b"), j.lrange("k2", 0, -1));
    }

    @Test
    void blockingCommandsInsideMultiDoNotBlock() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            c.send("MULTI\r\nBLPOP none 0\r\nBLMOVE none x LEFT LEFT 0\r\nBRPOPLPUSH none x 0\r\n"
                    + "BLMPOP 0 1 none LEFT\r\nEXEC\r\n");
            for (int i = 0; i < 5; i++) {
                c.line();
            }
            assertEquals("*4", c.line());
            assertEquals("*-1", c.line());
            assertEquals("$-1", c.line());
            assertEquals("$-1", c.line());
            assertEquals("*-1", c.line());
        }
        assertEquals(0L, blockedClients(j));
    }

    @Test
    void blmoveChainsWakeTheNextWaiter() throws Exception {
        CompletableFuture<String> first = blocked(c -> c.blmove("a", "b", ListDirection.RIGHT, ListDirection.LEFT, 0));
        CompletableFuture<String> second = blocked(c -> c.brpoplpush("b", "c", 0));
        CompletableFuture<KeyValue<String, List<String>>> third =
                blocked(c -> c.blmpop(0, ListDirection.LEFT, 3, "z", "c"));
        j.lpush("a", "v");
        assertEquals("v", result(first));
        assertEquals("v", result(second));
        assertEquals("c", result(third).getKey());
        assertEquals(List.of("v"), result(third).getValue());
        assertEquals(0L, j.exists("a", "b", "c"));
    }

    @Test
    void aClientThatDisconnectsWhileBlockedIsForgotten() throws Exception {
        try (RawConnection gone = new RawConnection(server.port())) {
            gone.send("BLPOP jobs 0\r\n");
            awaitBlocked(j, 1);
        }
        awaitBlocked(j, 0);
        CompletableFuture<List<String>> next = blocked(c -> c.blpop(0, "jobs"));
        j.rpush("jobs", "j1", "j2");
        assertEquals(List.of("jobs", "j1"), result(next));
        assertEquals(List.of("j2"), j.lrange("jobs", 0, -1));

        try (RawConnection gone = new RawConnection(server.port())) {
            gone.send("BLPOP idle 0\r\n");
            awaitBlocked(j, 1);
        }
        awaitBlocked(j, 0);
        j.rpush("idle", "kept");
        assertEquals(List.of("kept"), j.lrange("idle", 0, -1));
    }

    @Test
    void renameAndSwapdbIntoAWaitedKeyWake() throws Exception {
        CompletableFuture<List<String>> onRename = blocked(c -> c.blpop(0, "target"));
        j.rpush("other", "o1", "o2");
        assertEquals("OK", j.rename("other", "target"));
        assertEquals(List.of("target", "o1"), result(onRename));
        assertEquals(List.of("o2"), j.lrange("target", 0, -1));

        CompletableFuture<List<String>> onSwap = blocked(c -> c.blpop(0, "sw"));
        try (Jedis db1 = server.jedis()) {
            db1.select(1);
            db1.rpush("sw", "in1");
            assertEquals("OK", db1.swapDB(0, 1));
        }
        assertEquals(List.of("sw", "in1"), result(onSwap));
        assertFalse(j.exists("sw"));
    }

    @Test
    void blmpopTakesUpToCountFromTheReadyKey() throws Exception {
        CompletableFuture<KeyValue<String, List<String>>> w =
                blocked(c -> c.blmpop(0, ListDirection.RIGHT, 2, "a", "b"));
        j.rpush("b", "1", "2", "3");
        assertEquals("b", result(w).getKey());
        assertEquals(List.of("3", "2"), result(w).getValue());
        assertEquals(List.of("1"), j.lrange("b", 0, -1));
    }

    @Test
    void aDestinationOfTheWrongTypeFailsTheWaiter() throws Exception {
        CompletableFuture<String> w = blocked(c -> c.blmove("ws", "wd", ListDirection.LEFT, ListDirection.LEFT, 0));
        j.set("wd", "string");
        j.rpush("ws", "e");
        ExecutionException e = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
        assertInstanceOf(JedisDataException.class, e.getCause());
        assertEquals(ListCommandsTest.WRONGTYPE, e.getCause().getMessage());
        assertEquals(List.of("e"), j.lrange("ws", 0, -1));
        assertEquals(0L, blockedClients(j));
    }

    @Test
    void commandsPipelinedBehindABlockedOneWaitTheirTurn() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            c.send("BLPOP pp 0\r\nPING\r\nLPUSH after x\r\n");
            awaitBlocked(j, 1);
            assertFalse(j.exists("after"));
            j.rpush("pp", "q");
            assertEquals("*2", c.line());
            assertEquals("$2", c.line());
            assertEquals("pp", c.line());
            assertEquals("$1", c.line());
            assertEquals("q", c.line());
            assertEquals("+PONG", c.line());
            assertEquals(":1", c.line());
        }
    }

    @Test
    void servingEmitsTheEventsOfThePop() throws Exception {
        try (RawConnection sub = subscribeToKeyevents(j, server.port())) {
            CompletableFuture<List<String>> w = blocked(c -> c.blpop(0, "k"));
            j.rpush("k", "v");
            result(w);
            CompletableFuture<String> m =
                    blocked(c -> c.blmove("src", "dst", ListDirection.LEFT, ListDirection.RIGHT, 0));
            j.rpush("src", "x", "y");
            result(m);
            j.set("marker", "1");
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                got.add(event(sub));
            }
            assertEquals(List.of("rpush k", "lpop k", "del k", "rpush src", "rpush dst", "lpop src", "set marker"),
                    got);
        }
    }

    @Test
    void servedWaitersAreReplayedAfterARestart() throws Exception {
        Path dir = Files.createTempDirectory("gearlog-lists");
        String digest;
        List<List<String>> before = new ArrayList<>();
        List<String> keys = List.of("jobs", "src", "dst", "m", "t", "edited", "big");
        try (TestServer s = TestServer.start(dir); Jedis c = s.jedis()) {
            c.rpush("edited", "a", "b", "c", "d", "e", "b");
            c.lpush("edited", "0");
            call(c, "LINSERT", "edited", "AFTER", "c", "c2");
            c.lset("edited", -1, "last");
            c.lrem("edited", 1, "b");
            c.ltrim("edited", 0, -2);
            c.lmove("edited", "edited", ListDirection.LEFT, ListDirection.RIGHT);
            for (int i = 0; i < 2000; i++) {
                c.rpush("big", "element-" + i, Integer.toString(i));
            }
            c.lpop("big", 7);

            CompletableFuture<List<String>> w1 = async(s, x -> x.blpop(0, "jobs"));
            awaitBlocked(c, 1);
            c.rpush("jobs", "a", "b");
            assertEquals(List.of("jobs", "a"), result(w1));

            CompletableFuture<String> w2 =
                    async(s, x -> x.blmove("src", "dst", ListDirection.LEFT, ListDirection.RIGHT, 0));
            awaitBlocked(c, 1);
            c.rpush("src", "s1");
            assertEquals("s1", result(w2));

            CompletableFuture<KeyValue<String, List<String>>> w3 =
                    async(s, x -> x.blmpop(0, ListDirection.LEFT, 2, "m"));
            awaitBlocked(c, 1);
            c.rpush("m", "1", "2", "3");
            assertEquals(List.of("1", "2"), result(w3).getValue());

            CompletableFuture<List<String>> w4 = async(s, x -> x.brpop(0, "t"));
            awaitBlocked(c, 1);
            Transaction tx = c.multi();
            tx.rpush("t", "x", "y");
            tx.exec();
            assertEquals(List.of("t", "y"), result(w4));

            digest = (String) call(c, "DEBUG", "DIGEST");
            for (String k : keys) {
                before.add(c.lrange(k, 0, -1));
            }
        }
        assertEquals(List.of("b"), before.get(0));
        assertEquals(List.of(), before.get(1));
        assertEquals(List.of("s1"), before.get(2));
        assertEquals(List.of("3"), before.get(3));
        assertEquals(List.of("x"), before.get(4));
        assertEquals(List.of("a", "c", "c2", "d", "e", "0"), before.get(5));

        try (TestServer s = TestServer.start(dir); Jedis c = s.jedis()) {
            assertEquals(digest, call(c, "DEBUG", "DIGEST"));
            List<List<String>> after = new ArrayList<>();
            for (String k : keys) {
                after.add(c.lrange(k, 0, -1));
            }
            assertEquals(before, after);
        }
    }
}
