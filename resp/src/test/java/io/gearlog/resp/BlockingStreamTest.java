package io.gearlog.resp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.gearlog.resp.StreamCommandsTest.command;
import static io.gearlog.resp.StreamCommandsTest.raw;
import static io.gearlog.resp.StreamCommandsTest.read;
import static io.gearlog.resp.StreamCommandsTest.send;
import static io.gearlog.resp.StreamCommandsTest.show;
import static io.gearlog.resp.StreamCommandsTest.x;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XREAD BLOCK and XREADGROUP BLOCK with several clients, timeouts, and a restart that replays served reads. */
class BlockingStreamTest extends JedisTestBase {
    static ExecutorService pool;
    final List<Jedis> readers = new ArrayList<>();

    @BeforeAll
    static void startPool() {
        pool = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    @AfterEach
    void disconnect() {
        readers.forEach(Jedis::close);
        readers.clear();
        await().atMost(Duration.ofSeconds(10)).until(() -> blockedClients(server) == 0);
    }

    /** Sends a blocking command from a fresh connection; the future completes with the rendered reply. */
    private CompletableFuture<String> blocking(String... argv) {
        Jedis c = server.jedis();
        readers.add(c);
        return CompletableFuture.supplyAsync(() -> {
            try {
                return show(c.sendBlockingCommand(command(argv[0]), Arrays.copyOfRange(argv, 1, argv.length)));
            } catch (JedisDataException e) {
                return "!" + e.getMessage();
            }
        }, pool);
    }

    static long blockedClients(TestServer s) {
        try (Jedis c = s.jedis()) {
            String info = c.info("clients");
            return Long.parseLong(info.replaceAll("(?s).*blocked_clients:(\\d+).*", "$1"));
        }
    }

    private static void awaitBlocked(TestServer s, long n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> blockedClients(s) == n);
    }

    private static String get(CompletableFuture<String> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void xreadBlockIsServedByAnotherClientsXadd() throws Exception {
        x(j, "XADD", "s", "1-0", "old", "x");
        CompletableFuture<String> r = blocking("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
        awaitBlocked(server, 1);
        assertFalse(r.isDone());
        assertEquals("5-0", x(j, "XADD", "s", "5-0", "f", "v"));
        assertEquals("[[s, [[5-0, [f, v]]]]]", get(r));
        // a stream that does not exist yet: '$' means 0-0
        CompletableFuture<String> r2 = blocking("XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "fresh", "$");
        awaitBlocked(server, 1);
        x(j, "XADD", "fresh", "1-1", "a", "b");
        assertEquals("[[fresh, [[1-1, [a, b]]]]]", get(r2));
    }

    @Test
    void xreadBlockTimesOutWithANullArray() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            long t0 = System.nanoTime();
            assertEquals("*-1", raw(c, "XREAD", "BLOCK", "300", "STREAMS", "s", "$"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 290 && ms < 5_000, "timed out after " + ms + " ms");
            // the connection works normally afterwards
            assertEquals("+PONG", raw(c, "PING"));
        }
        assertEquals("!ERR timeout is negative", x(j, "XREAD", "BLOCK", "-1", "STREAMS", "s", "$"));
        assertEquals("!ERR timeout is not an integer or out of range", x(j, "XREAD", "BLOCK", "x", "STREAMS", "s", "$"));
        assertEquals("!ERR timeout is not an integer or out of range", x(j, "XREAD", "BLOCK", "1.5", "STREAMS", "s", "$"));
    }

    @Test
    void oneReaderTimesOutWhileAnotherKeepsWaiting() throws Exception {
        CompletableFuture<String> forever = blocking("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
        awaitBlocked(server, 1);
        CompletableFuture<String> shortWait = blocking("XREAD", "BLOCK", "150", "STREAMS", "s", "$");
        assertEquals("nil", get(shortWait));
        assertEquals(1, blockedClients(server));
        assertFalse(forever.isDone());
        x(j, "XADD", "s", "1", "f", "v");
        assertEquals("[[s, [[1-0, [f, v]]]]]", get(forever));
    }

    @Test
    void xreadOnSeveralKeysRepliesWithTheKeyThatGotData() throws Exception {
        x(j, "XADD", "k1", "1-0", "a", "b");
        CompletableFuture<String> r = blocking("XREAD", "BLOCK", "0", "STREAMS", "k1", "k2", "$", "$");
        awaitBlocked(server, 1);
        x(j, "XADD", "k2", "5-0", "x", "y");
        assertEquals("[[k2, [[5-0, [x, y]]]]]", get(r));
        // every plain reader gets the same entry
        CompletableFuture<String> a = blocking("XREAD", "BLOCK", "0", "STREAMS", "k1", "$");
        CompletableFuture<String> b = blocking("XREAD", "BLOCK", "0", "STREAMS", "k1", "$");
        awaitBlocked(server, 2);
        x(j, "XADD", "k1", "2-0", "c", "d");
        assertEquals("[[k1, [[2-0, [c, d]]]]]", get(a));
        assertEquals("[[k1, [[2-0, [c, d]]]]]", get(b));
    }

    @Test
    void deletingTheKeyKeepsReadersWaitingAndWrongTypeIsIgnored() throws Exception {
        x(j, "XADD", "s", "1", "f", "v");
        CompletableFuture<String> r = blocking("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
        awaitBlocked(server, 1);
        x(j, "DEL", "s");
        j.set("s", "now a string");
        x(j, "DEL", "s");
        assertEquals(1, blockedClients(server));
        x(j, "XADD", "s", "2", "f", "v");
        assertEquals("[[s, [[2-0, [f, v]]]]]", get(r));
    }

    @Test
    void xreadgroupBlockIsServedByAnotherClientsXadd() throws Exception {
        x(j, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        CompletableFuture<String> r = blocking("XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">");
        awaitBlocked(server, 1);
        // the consumer appears only once it is served
        assertEquals("[]", x(j, "XINFO", "CONSUMERS", "s", "g"));
        x(j, "XADD", "s", "1-0", "f", "v");
        assertEquals("[[s, [[1-0, [f, v]]]]]", get(r));
        assertEquals("[1, 1-0, 1-0, [[c1, 1]]]", x(j, "XPENDING", "s", "g"));
        assertEquals("[[name, g, consumers, 1, pending, 1, last-delivered-id, 1-0, entries-read, 1, lag, 0]]",
                x(j, "XINFO", "GROUPS", "s"));
        // NOACK and COUNT are honoured when served later
        CompletableFuture<String> r2 = blocking("XREADGROUP", "GROUP", "g", "c2", "COUNT", "1", "NOACK", "BLOCK", "0",
                "STREAMS", "s", ">");
        awaitBlocked(server, 1);
        try (RawConnection c = new RawConnection(server.port())) {
            raw(c, "MULTI");
            raw(c, "XADD", "s", "2-0", "f", "2");
            raw(c, "XADD", "s", "3-0", "f", "3");
            assertEquals("*2[$3 2-0, $3 3-0]", raw(c, "EXEC"));
        }
        assertEquals("[[s, [[2-0, [f, 2]]]]]", get(r2));
        assertEquals("[1, 1-0, 1-0, [[c1, 1]]]", x(j, "XPENDING", "s", "g"));
        assertEquals("[[name, g, consumers, 2, pending, 1, last-delivered-id, 2-0, entries-read, 2, lag, 1]]",
                x(j, "XINFO", "GROUPS", "s"));
        // an entry already waiting is served at once
        assertEquals("[[s, [[3-0, [f, 3]]]]]", x(j, "XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", ">"));
    }

    @Test
    void groupReadersAreServedInArrivalOrder() throws Exception {
        x(j, "XGROUP", "CREATE", "q", "g", "$", "MKSTREAM");
        List<CompletableFuture<String>> rs = new ArrayList<>();
        for (String c : List.of("a", "b", "c")) {
            rs.add(blocking("XREADGROUP", "GROUP", "g", c, "BLOCK", "0", "STREAMS", "q", ">"));
            awaitBlocked(server, rs.size());
        }
        x(j, "XADD", "q", "1-0", "n", "1");
        assertEquals("[[q, [[1-0, [n, 1]]]]]", get(rs.get(0)));
        assertFalse(rs.get(1).isDone());
        x(j, "XADD", "q", "2-0", "n", "2");
        assertEquals("[[q, [[2-0, [n, 2]]]]]", get(rs.get(1)));
        x(j, "XADD", "q", "3-0", "n", "3");
        assertEquals("[[q, [[3-0, [n, 3]]]]]", get(rs.get(2)));
        assertEquals("[3, 1-0, 3-0, [[a, 1], [b, 1], [c, 1]]]", x(j, "XPENDING", "q", "g"));
    }

    @Test
    void destroyingTheGroupWakesItsReadersWithNogroup() throws Exception {
        x(j, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        CompletableFuture<String> r = blocking("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
        awaitBlocked(server, 1);
        assertEquals("1", x(j, "XGROUP", "DESTROY", "s", "g"));
        assertEquals("!NOGROUP the consumer group this client was blocked on no longer exists", get(r));
    }

    @Test
    void anEntryAddedAndDeletedInOneTransactionWakesWithAnEmptyBatch() throws Exception {
        x(j, "XADD", "q", "1", "f", "v");
        CompletableFuture<String> r = blocking("XREAD", "BLOCK", "0", "STREAMS", "q", "$");
        awaitBlocked(server, 1);
        try (RawConnection c = new RawConnection(server.port())) {
            raw(c, "MULTI");
            raw(c, "XADD", "q", "3", "f", "v");
            raw(c, "XDEL", "q", "3");
            assertEquals("*2[$3 3-0, :1]", raw(c, "EXEC"));
        }
        assertEquals("[[q, []]]", get(r));
    }

    @Test
    void blockingInsideMultiDoesNotBlock() throws IOException {
        x(j, "XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        try (RawConnection c = new RawConnection(server.port())) {
            assertEquals("+OK", raw(c, "MULTI"));
            assertEquals("+QUEUED", raw(c, "XREAD", "BLOCK", "0", "STREAMS", "s", "$"));
            assertEquals("+QUEUED", raw(c, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"));
            assertEquals("*2[*-1, *-1]", raw(c, "EXEC"));
        }
        assertEquals(0, blockedClients(server));
    }

    @Test
    void resp3ClientsGetAMap() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            raw(c, "HELLO", "3");
            send(c, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            awaitBlocked(server, 1);
            x(j, "XADD", "s", "7-0", "f", "v");
            assertEquals("%1[$1 s, *1[*2[$3 7-0, *2[$1 f, $1 v]]]]", read(c));
            send(c, "XREAD", "BLOCK", "100", "STREAMS", "s", "$");
            assertEquals("_", read(c));
        }
    }

    @Test
    void commandsSentWhileBlockedRunAfterTheReply() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            send(c, "XREAD", "BLOCK", "0", "STREAMS", "s", "$");
            awaitBlocked(server, 1);
            send(c, "XLEN", "s");
            x(j, "XADD", "s", "1-0", "f", "v");
            assertEquals("*1[*2[$1 s, *1[*2[$3 1-0, *2[$1 f, $1 v]]]]]", read(c));
            assertEquals(":1", read(c));
        }
    }

    @Test
    void restartReplaysTheJournalToTheSameStreamsIncludingServedBlockedReads() throws Exception {
        Path dir = Files.createTempDirectory("gearlog-streams-restart");
        String digest;
        List<String> views;
        try (TestServer s1 = TestServer.start(dir)) {
            try (Jedis w = s1.jedis()) {
                for (int i = 1; i <= 250; i++) {
                    x(w, "XADD", "s", "*", "n", Integer.toString(i), "even", Boolean.toString(i % 2 == 0));
                }
                x(w, "XGROUP", "CREATE", "s", "g", "0");
                x(w, "XGROUP", "CREATE", "s", "late", "$", "ENTRIESREAD", "250");
                x(w, "XREADGROUP", "GROUP", "g", "alice", "COUNT", "20", "STREAMS", "s", ">");
                x(w, "XREADGROUP", "GROUP", "g", "bob", "COUNT", "5", "NOACK", "STREAMS", "s", ">");
                x(w, "XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", "0");
                List<String> ids = ids(x(w, "XRANGE", "s", "-", "+", "COUNT", "3"));
                x(w, "XACK", "s", "g", ids.get(2));
                x(w, "XCLAIM", "s", "g", "carol", "0", ids.get(0));
                x(w, "XAUTOCLAIM", "s", "g", "dave", "0", "0", "COUNT", "4");
                x(w, "XDEL", "s", ids(x(w, "XREVRANGE", "s", "+", "-", "COUNT", "1")).get(0));
                x(w, "XTRIM", "s", "MAXLEN", "~", "120");
                x(w, "XGROUP", "CREATECONSUMER", "s", "late", "eve");
                x(w, "XGROUP", "CREATE", "q", "workers", "$", "MKSTREAM");
                x(w, "XADD", "plain", "1-1", "a", "b");
                x(w, "XSETID", "plain", "9-9", "ENTRIESADDED", "4", "MAXDELETEDID", "2-0");

                // blocked group reads served by other clients' writes journal their deliveries
                Jedis r1 = s1.jedis();
                Jedis r2 = s1.jedis();
                Jedis r3 = s1.jedis();
                CompletableFuture<Object> f1 = CompletableFuture.supplyAsync(() -> r1.sendBlockingCommand(
                        command("XREADGROUP"), "GROUP", "workers", "w1", "BLOCK", "0", "STREAMS", "q", ">"), pool);
                awaitBlocked(s1, 1);
                CompletableFuture<Object> f2 = CompletableFuture.supplyAsync(() -> r2.sendBlockingCommand(
                        command("XREADGROUP"), "GROUP", "workers", "w2", "COUNT", "2", "NOACK", "BLOCK", "0",
                        "STREAMS", "q", ">"), pool);
                awaitBlocked(s1, 2);
                x(w, "XADD", "q", "*", "job", "1");
                assertTrue(show(f1.get(10, TimeUnit.SECONDS)).contains("job, 1"));
                try (RawConnection c = new RawConnection(s1.port())) {
                    raw(c, "MULTI");
                    raw(c, "XADD", "q", "*", "job", "2");
                    raw(c, "XADD", "q", "*", "job", "3");
                    raw(c, "EXEC");
                }
                String got2 = show(f2.get(10, TimeUnit.SECONDS));
                assertTrue(got2.contains("job, 2") && got2.contains("job, 3"), got2);
                // served with an empty batch: the consumer is created all the same
                CompletableFuture<Object> f3 = CompletableFuture.supplyAsync(() -> r3.sendBlockingCommand(
                        command("XREADGROUP"), "GROUP", "workers", "w3", "BLOCK", "0", "STREAMS", "q", ">"), pool);
                awaitBlocked(s1, 1);
                try (RawConnection c = new RawConnection(s1.port())) {
                    raw(c, "MULTI");
                    raw(c, "XADD", "q", "999999999999999-0", "job", "x");
                    raw(c, "XDEL", "q", "999999999999999-0");
                    raw(c, "EXEC");
                }
                assertEquals("[[q, []]]", show(f3.get(10, TimeUnit.SECONDS)));
                r1.close();
                r2.close();
                r3.close();
                digest = x(w, "DEBUG", "DIGEST");
                views = views(w);
            }
        }
        try (TestServer s2 = TestServer.start(dir); Jedis w = s2.jedis()) {
            assertEquals(digest, x(w, "DEBUG", "DIGEST"));
            assertEquals(views, views(w));
        }
    }

    /** The entry ids in a rendered XRANGE reply. */
    private static List<String> ids(String range) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[(\\d+-\\d+), \\[").matcher(range);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Everything XINFO and XPENDING show about the restart test's streams, idle times masked. */
    private static List<String> views(Jedis w) {
        List<String> out = new ArrayList<>();
        for (String key : List.of("s", "q", "plain")) {
            out.add(x(w, "XINFO", "STREAM", key, "FULL", "COUNT", "0"));
            out.add(x(w, "XINFO", "GROUPS", key));
            out.add(x(w, "XRANGE", key, "-", "+"));
        }
        for (String[] kg : new String[][]{{"s", "g"}, {"s", "late"}, {"q", "workers"}}) {
            out.add(x(w, "XINFO", "CONSUMERS", kg[0], kg[1]).replaceAll("idle, \\d+", "idle, T"));
            out.add(x(w, "XPENDING", kg[0], kg[1]));
            out.add(x(w, "XPENDING", kg[0], kg[1], "-", "+", "1000")
                    .replaceAll("(\\[\\d+-\\d+, \\w+), \\d+, (\\d+\\])", "$1, T, $2"));
        }
        assertTrue(out.get(0).contains("name, carol"), out.get(0));
        assertTrue(out.get(3).contains("w3"), out.get(3));
        return out;
    }
}
