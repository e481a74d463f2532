package io.gearlog.resp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
