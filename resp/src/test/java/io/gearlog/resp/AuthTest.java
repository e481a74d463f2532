package io.gearlog.resp;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server started with requirepass: NOAUTH, AUTH, HELLO AUTH and the small request limits before AUTH. */
class AuthTest {
    private static final String NOAUTH = "-NOAUTH Authentication required.";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--requirepass", "s3cret");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void commandsNeedAuthButArityAndUnknownCommandsComeFirst() throws IOException {
        try (RawConnection c = new RawConnection(server.port())) {
            assertEquals(NOAUTH, c.call("ping"));
            assertEquals(NOAUTH, c.call("get", "k"));
            assertEquals(NOAUTH, c.call("multi"));
            assertEquals("-EXECABORT Transaction discarded because of: NOAUTH Authentication required.", c.call("exec"));
            assertEquals("-ERR wrong number of arguments for 'get' command", c.call("get"));
            assertEquals("-ERR unknown command 'nope', with args beginning with: ", c.call("nope"));
            assertEquals("-ERR unknown subcommand 'foo'. Try CLIENT HELP.", c.call("client", "foo"));
            assertEquals("-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
                    + "AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
                    + "version at the same time", c.call("hello", "3"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", c.call("auth", "wrong"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.", c.call("auth", "bob", "s3cret"));
            assertEquals("-ERR syntax error", c.call("auth", "a", "b", "c"));
            assertEquals("+OK", c.call("auth", "s3cret"));
            assertEquals("+PONG", c.call("ping"));
            assertEquals("+OK", c.call("auth", "default", "s3cret"));
            assertEquals("+RESET", c.call("reset"));
            assertEquals(NOAUTH, c.call("ping"));
            assertEquals("+OK", c.call("quit"));
        }
    }

    @Test
    void helloAuthenticatesAndSwitchesProtocolAtOnce() throws IOException {
        try (RawConnection c = new RawConnection(server.port())) {
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.",
                    c.call("hello", "3", "auth", "default", "nope"));
            String hello = c.call("hello", "3", "auth", "default", "s3cret", "setname", "h");
            assertTrue(hello.startsWith("%[$server, $redis, $version, $7.0.15, $proto, :3, $id, :"), hello);
            assertEquals("$h", c.call("client", "getname"));
            assertEquals("_", c.call("get", "missing"));
        }
    }

    @Test
    void unauthenticatedClientsCannotSendBigRequests() throws IOException {
        try (RawConnection c = new RawConnection(server.port())) {
            c.send("*11\r\n");
            assertEquals("-ERR Protocol error: unauthenticated multibulk length", c.line());
            assertTrue(c.closedByServer());
        }
        try (RawConnection c = new RawConnection(server.port())) {
            c.send("*2\r\n$4\r\nECHO\r\n$16385\r\n");
            assertEquals("-ERR Protocol error: unauthenticated bulk length", c.line());
            assertTrue(c.closedByServer());
        }
        try (RawConnection c = new RawConnection(server.port())) {
            // up to the limits is fine, and after AUTH the limits are gone
            String ten = "x".repeat(16384);
            assertEquals(NOAUTH, c.call("echo", ten));
            assertEquals("+OK", c.call("auth", "s3cret"));
            String[] args = new String[13];
            args[0] = "mset";
            for (int i = 1; i < args.length; i++) {
                args[i] = i % 2 == 1 ? "k" + i : "x".repeat(20000);
            }
            assertEquals("+OK", c.call(args));
        }
    }

    @Test
    void clientsAuthenticateWithThePassword() {
        try (Jedis j = server.jedis()) {
            JedisDataException e = assertThrows(JedisDataException.class, j::ping);
            assertEquals("NOAUTH Authentication required.", e.getMessage());
            assertEquals("OK", j.auth("s3cret"));
            assertEquals("PONG", j.ping());
        }
        RedisClient lettuce = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(server.port())
                .withPassword("s3cret".toCharArray()).build());
        try (var conn = lettuce.connect()) {
            assertEquals("PONG", conn.sync().ping());
        } finally {
            lettuce.shutdown();
        }
        assertEquals("PONG", server.cli("-a", "s3cret", "--no-auth-warning", "ping"));
        assertEquals("NOAUTH Authentication required.", server.cli("ping"));
    }
}
