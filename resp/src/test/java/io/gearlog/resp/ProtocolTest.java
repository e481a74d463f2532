package io.gearlog.resp;

import static org.junit.jupiter.api.Assertions.assertThrows;
import redis.clients.jedis.exceptions.JedisDataException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.util.SafeEncoder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RESP over a real socket: inline commands, pipelines, malformed input. */
class ProtocolTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void inlineCommandsWorkLikeNc() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            c.send("PING\r\n");
            assertEquals("+PONG", c.line());
            c.send("SET inline \"hello world\"\n");
            assertEquals("+OK", c.line());
            c.send("GET inline\r\n");
            assertEquals("$11", c.line());
            assertEquals("hello world", c.line());
            c.send("\r\n");
            c.send("ECHO 'a b'\r\n");
            assertEquals("$3", c.line());
            assertEquals("a b", c.line());
        }
    }

    @Test
    void thousandsOfPipelinedCommandsReplyInOrder() {
        try (Jedis j = server.jedis()) {
            Pipeline p = j.pipelined();
            List<Response<Long>> rs = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                rs.add(p.incr("pipe-counter"));
            }
            p.sync();
            for (int i = 0; i < rs.size(); i++) {
                assertEquals(i + 1, rs.get(i).get());
            }
        }
    }

    @Test
    void clientsAreServedInOrderWithBusyPollingOffAtItsDefaultAndAtItsLongest() throws Exception {
        try (Jedis admin = server.jedis()) {
            assertEquals(Map.of("busy-poll-us", "20"), admin.configGet("busy-poll-us"));
            JedisDataException tooLong = assertThrows(JedisDataException.class, () -> admin.configSet("busy-poll-us", "1001"));
            assertEquals("ERR CONFIG SET failed (possibly related to argument 'busy-poll-us') - argument must be between 0 "
                    + "and 1000 inclusive", tooLong.getMessage());
            for (String micros : List.of("0", "1000", "20")) {
                assertEquals("OK", admin.configSet("busy-poll-us", micros));
                assertEquals(Map.of("busy-poll-us", micros), admin.configGet("busy-poll-us"));
                List<Thread> clients = new ArrayList<>();
                List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
                for (int c = 0; c < 4; c++) {
                    String key = "poll-" + micros + "-" + c;
                    Thread t = new Thread(() -> {
                        try (Jedis j = server.jedis()) {
                            for (int round = 0; round < 50; round++) {
                                Pipeline p = j.pipelined();
                                List<Response<Long>> rs = new ArrayList<>();
                                for (int i = 0; i < 16; i++) {
                                    rs.add(p.incr(key));
                                }
                                p.sync();
                                for (int i = 0; i < 16; i++) {
                                    assertEquals(round * 16 + i + 1, rs.get(i).get());
                                }
                                assertEquals(String.valueOf(round * 16 + 16), j.get(key));
                            }
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    });
                    t.start();
                    clients.add(t);
                }
                // a reply that comes back to the loop from another thread (a Python worker) while it polls
                Object counted = admin.sendCommand(() -> SafeEncoder.encode("RG.PYEXECUTE"),
                        "GB().filter(lambda r: r['key'].startswith('poll-" + micros + "-')).count().run()");
                for (Thread t : clients) {
                    t.join(60_000);
                }
                assertEquals(List.of(), failures);
                List<?> reply = (List<?>) counted;
                List<?> results = (List<?>) reply.get(0);
                assertEquals(List.of(), reply.get(1));
                // the clients create their keys while the count runs: any of 0 to 4 of them, and a count of none
                // gives no record at all, as in RedisGears
                assertTrue(results.size() <= 1, String.valueOf(results.size()));
                if (results.size() == 1) {
                    assertTrue(new String((byte[]) results.get(0)).matches("[1-4]"), new String((byte[]) results.get(0)));
                }
                assertEquals(4L, admin.keys("poll-" + micros + "-*").size());
            }
        }
    }

    @Test
    void aPipelinedBatchOfMixedCommandsAcrossDatabasesRepliesAsRunOneByOne() {
        try (Jedis j = server.jedis()) {
            Pipeline p = j.pipelined();
            Response<String> set1 = p.set("", "empty");
            Response<String> set2 = p.set("pk", "v1");
            Response<Long> expire = p.pexpire("pk", 100_000);
            Response<String> set3 = p.set("pk", "v2");
            Response<Long> ttl = p.ttl("pk");
            Response<Long> publish = p.publish("not-a-key", "message");
            Response<String> select = p.select(3);
            Response<String> otherDb = p.get("pk");
            Response<Long> incr = p.incr("pk");
            Response<String> back = p.select(0);
            Response<String> get = p.get("pk");
            Response<String> empty = p.get("");
            p.sync();
            assertEquals(List.of("OK", "OK", 1L, "OK", -1L, 0L, "OK"), List.of(set1.get(), set2.get(),
                    expire.get(), set3.get(), ttl.get(), publish.get(), select.get()));
            assertEquals(null, otherDb.get());
            assertEquals(List.of(1L, "OK", "v2", "empty"), List.of(incr.get(), back.get(), get.get(), empty.get()));
        }
    }

    @Test
    void aPipelinedBatchOnLargeHashesSetsAndSortedSetsRepliesAsRunOneByOne() {
        try (Jedis j = server.jedis()) {
            // past the listpack and intset limits, so each collection has an element table
            Pipeline fill = j.pipelined();
            for (int i = 0; i < 600; i++) {
                fill.hset("pb:h", "f" + i, "v" + i);
                fill.sadd("pb:s", "m" + i);
                fill.zadd("pb:z", i, "m" + i);
            }
            fill.sync();
            assertEquals("hashtable", j.objectEncoding("pb:h"));
            assertEquals("hashtable", j.objectEncoding("pb:s"));
            assertEquals("skiplist", j.objectEncoding("pb:z"));
            String longField = "x".repeat(100);
            Pipeline p = j.pipelined();
            Response<Long> hsetNew = p.hset("pb:h", "f600", "new");
            Response<Long> hsetOld = p.hset("pb:h", "f7", "changed");
            Response<String> hget = p.hget("pb:h", "f7");
            Response<Long> hsetLong = p.hset("pb:h", longField, "long");
            Response<Long> saddOld = p.sadd("pb:s", "m5");
            Response<Long> saddNew = p.sadd("pb:s", "m600");
            Response<Boolean> isMember = p.sismember("pb:s", "m600");
            Response<Long> zaddOld = p.zadd("pb:z", 1000, "m3");
            Response<Double> zscore = p.zscore("pb:z", "m3");
            Response<Long> zrank = p.zrank("pb:z", "m3");
            Response<Double> zincr = p.zincrby("pb:z", 0.5, "m4");
            Response<Long> zrem = p.zrem("pb:z", "m4", "absent");
            Response<Long> wrongType = p.hset("pb:s", "f", "v");
            Response<Long> len = p.hlen("pb:h");
            Response<Long> missing = p.hset("pb:fresh", "f", "v");
            p.sync();
            assertEquals(List.of(1L, 0L, "changed", 1L, 0L, 1L, true), List.of(hsetNew.get(), hsetOld.get(), hget.get(),
                    hsetLong.get(), saddOld.get(), saddNew.get(), isMember.get()));
            assertEquals(List.of(0L, 1000.0, 599L, 4.5, 1L), List.of(zaddOld.get(), zscore.get(), zrank.get(), zincr.get(),
                    zrem.get()));
            JedisDataException e = assertThrows(JedisDataException.class, wrongType::get);
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", e.getMessage());
            assertEquals(List.of(602L, 1L), List.of(len.get(), missing.get()));
            assertEquals("long", j.hget("pb:h", longField));
        }
    }

    @Test
    void requestSplitByteByByteIsDecoded() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            byte[] req = "*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$3\r\nyes\r\n*2\r\n$3\r\nGET\r\n$5\r\nsplit\r\n".getBytes();
            for (byte b : req) {
                c.send(new byte[]{b});
            }
            assertEquals("+OK", c.line());
            assertEquals("$3", c.line());
            assertEquals("yes", c.line());
        }
    }

    @Test
    void aClientWhoseRequestPassesTheQueryBufferLimitIsClosedWithoutAReplyAndItsRequestDoesNotRun() throws Exception {
        try (Jedis admin = server.jedis()) {
            assertEquals("OK", admin.configSet("client-query-buffer-limit", "1mb"));
            try {
                assertEquals(Map.of("client-query-buffer-limit", "1048576"), admin.configGet("client-query-buffer-limit"));
                try (RawConnection big = new RawConnection(server.port())) {
                    big.send("*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$6\r\nbigbuf\r\n$2000000\r\n");
                    assertEquals("+PONG", big.line());
                    try {
                        for (int i = 0; i < 11; i++) {
                            big.send(new byte[100_000]);
                        }
                    } catch (IOException closedWhileSending) {
                        // the server may close the connection before the last bytes are sent
                    }
                    assertTrue(big.closedByServer());
                }
                assertNull(admin.get("bigbuf"));
                assertEquals("PONG", admin.ping());
                // below the limit a value of almost a megabyte is stored as usual
                assertEquals("OK", admin.set("bigbuf", "v".repeat(1_000_000)));
                assertEquals(1_000_000, admin.strlen("bigbuf"));
            } finally {
                admin.configSet("client-query-buffer-limit", "1gb");
            }
        }
    }

    @Test
    void invalidMultibulkLengthClosesOnlyThatConnection() throws Exception {
        try (RawConnection bad = new RawConnection(server.port()); Jedis other = server.jedis()) {
            bad.send("*abc\r\n");
            assertEquals("-ERR Protocol error: invalid multibulk length", bad.line());
            assertTrue(bad.closedByServer());
            assertEquals("PONG", other.ping());
        }
    }

    @Test
    void invalidBulkLengthIsAProtocolError() throws Exception {
        try (RawConnection bad = new RawConnection(server.port())) {
            bad.send("*1\r\n$-5\r\n");
            assertEquals("-ERR Protocol error: invalid bulk length", bad.line());
            assertTrue(bad.closedByServer());
        }
        try (RawConnection bad = new RawConnection(server.port())) {
            bad.send("*1\r\n$536870913\r\n");
            assertEquals("-ERR Protocol error: invalid bulk length", bad.line());
        }
    }

    @Test
    void missingDollarIsAProtocolError() throws Exception {
        try (RawConnection bad = new RawConnection(server.port())) {
            bad.send("*1\r\n+PING\r\n");
            assertEquals("-ERR Protocol error: expected '$', got '+'", bad.line());
            assertTrue(bad.closedByServer());
        }
    }

    @Test
    void repliesBeforeAProtocolErrorAreDelivered() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            c.send("PING\r\n*1\r\n$x\r\n");
            assertEquals("+PONG", c.line());
            assertEquals("-ERR Protocol error: invalid bulk length", c.line());
        }
    }

    @Test
    void unbalancedQuotesInInlineRequest() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            c.send("SET a \"oops\r\n");
            assertEquals("-ERR Protocol error: unbalanced quotes in request", c.line());
        }
    }

    @Test
    void unknownCommandAndArityErrorsUseRedisText() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            c.send("FOO bar baz\r\n");
            assertEquals("-ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' ", c.line());
            c.send("GET\r\n");
            assertEquals("-ERR wrong number of arguments for 'get' command", c.line());
        }
    }

    @Test
    void redisCliTalksToTheServer() {
        assertEquals("PONG", server.cli("ping"));
        assertEquals("OK", server.cli("set", "cli-key", "v"));
        assertEquals("v", server.cli("get", "cli-key"));
        assertEquals("ERR wrong number of arguments for 'get' command", server.cli("get"));
    }

    @Test
    void emptyRequestsGetNoReply() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            c.send("*0\r\n*-1\r\n\r\n   \r\n*1\r\n$4\r\nPING\r\n");
            assertEquals("+PONG", c.line());
        }
    }

    @Test
    void aHundredThousandPipelinedCommandsWrittenWithoutReadingReplyInOrder() throws Exception {
        int n = 100_000;
        try (RawConnection c = new RawConnection(server.port())) {
            Thread writer = new Thread(() -> {
                try {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < n; i++) {
                        // alternate multibulk and inline requests in one stream
                        sb.append(i % 2 == 0 ? "*2\r\n$4\r\nINCR\r\n$6\r\npipe:n\r\n" : "INCR pipe:n\r\n");
                        if (sb.length() > 60_000) {
                            c.send(sb.toString());
                            sb.setLength(0);
                        }
                    }
                    c.send(sb.toString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            for (int i = 1; i <= n; i++) {
                assertEquals(":" + i, c.line());
            }
            writer.join();
        }
    }

    @Test
    void inlineRequestsAreLimitedTo64KB() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            c.send("ECHO " + "x".repeat(70 * 1024));
            assertEquals("-ERR Protocol error: too big inline request", c.line());
            assertTrue(c.closedByServer());
        }
        try (RawConnection c = new RawConnection(server.port())) {
            String arg = "y".repeat(60 * 1024);
            c.send("ECHO " + arg + "\r\n");
            assertEquals("$" + arg.length(), c.line());
            assertEquals(arg, c.line());
        }
    }

    @Test
    void bulkLengthFollowsProtoMaxBulkLen() throws Exception {
        try (RawConnection admin = new RawConnection(server.port())) {
            assertEquals("+OK", admin.call("config", "set", "proto-max-bulk-len", "2mb"));
            try (RawConnection c = new RawConnection(server.port())) {
                String big = "z".repeat(2 * 1024 * 1024);
                assertEquals("+OK", c.call("set", "big", big));
                assertEquals(":" + big.length(), c.call("strlen", "big"));
                // the string commands respect the same limit
                assertEquals("-ERR string exceeds maximum allowed size (proto-max-bulk-len)", c.call("append", "big", "!"));
                assertEquals("-ERR string exceeds maximum allowed size (proto-max-bulk-len)",
                        c.call("setrange", "big2", String.valueOf(2 * 1024 * 1024), "x"));
                c.send("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + (2 * 1024 * 1024 + 1) + "\r\n");
                assertEquals("-ERR Protocol error: invalid bulk length", c.line());
                assertTrue(c.closedByServer());
            } finally {
                assertEquals("+OK", admin.call("config", "set", "proto-max-bulk-len", "512mb"));
                assertEquals(":1", admin.call("del", "big"));
            }
        }
    }

    @Test
    void aTwelveMegabyteValueRoundTrips() {
        byte[] value = new byte[12 * 1024 * 1024];
        for (int i = 0; i < value.length; i += 4096) {
            value[i] = (byte) (i >> 12);
        }
        try (Jedis j = server.jedis()) {
            assertEquals("OK", j.set("huge".getBytes(), value));
            assertEquals(value.length, j.strlen("huge"));
            org.junit.jupiter.api.Assertions.assertArrayEquals(value, j.get("huge".getBytes()));
            assertEquals(1, j.del("huge"));
        }
    }

    /** Values far beyond a default Chronicle message fit in one journal record and come back after a restart. */
    @Test
    void aHundredMegabyteWriteIsJournaledAndRecovered() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("gearlog-big");
        byte[] value = new byte[100 * 1024 * 1024];
        for (int i = 0; i < value.length; i += 4096) {
            value[i] = (byte) (i >> 12);
        }
        String digest;
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            assertEquals("OK", j.set("before", "1"));
            assertEquals("OK", j.set("big".getBytes(), value));
            assertEquals("OK", j.set("after", "2"));
            digest = s.cli("debug", "digest");
        }
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            assertEquals("1", j.get("before"));
            assertEquals("2", j.get("after"));
            org.junit.jupiter.api.Assertions.assertArrayEquals(value, j.get("big".getBytes()));
            assertEquals(digest, s.cli("debug", "digest"));
        } finally {
            TestServer.deleteTree(dir);
        }
    }

    @Test
    void protocolErrorAfterAPipelineAnswersEverythingBeforeIt() throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            c.send("SET perr 1\r\nINCR perr\r\n*1\r\n$3\r\nGET\r\n*1\r\n$x\r\nPING\r\n");
            assertEquals("+OK", c.line());
            assertEquals(":2", c.line());
            assertEquals("-ERR wrong number of arguments for 'get' command", c.line());
            assertEquals("-ERR Protocol error: invalid bulk length", c.line());
            assertTrue(c.closedByServer());
        }
    }
}
