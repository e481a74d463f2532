package io.gearlog.resp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.Jedis;

/**
 * One real server per test class and a Jedis connection per test, on an empty keyspace. Subclasses' own
 * {@code @BeforeEach} run after this one's, their {@code @AfterEach} before the connection closes.
 */
abstract class JedisTestBase {
    static TestServer server;
    Jedis j;

    @BeforeAll
    static void startServer() {
        server = TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void connectJedis() {
        j = server.jedis();
        j.flushAll();
    }

    @AfterEach
    void closeJedis() {
        j.close();
    }
}
