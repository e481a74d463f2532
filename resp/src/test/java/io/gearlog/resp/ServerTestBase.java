package io.gearlog.resp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One real server per test class, a raw RESP connection per test ({@link RawConnection#call} renders replies with
 * their exact RESP type) and an empty keyspace at the start of every test. Expected values in the subclasses were
 * taken from redis-server 7.0.15 running the same commands.
 */
abstract class ServerTestBase {
    static TestServer server;
    RawConnection c;

    @BeforeAll
    static void startServer() {
        server = TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void connect() throws IOException {
        c = new RawConnection(server.port());
        assertEquals("+OK", c.call("FLUSHALL"));
        assertEquals("+OK", c.call("CONFIG", "SET", "notify-keyspace-events", ""));
    }

    @AfterEach
    void disconnect() throws IOException {
        c.close();
    }

    /** Asserts an integer reply within [lo, hi] (TTLs that depend on elapsed time). */
    static void assertIntegerBetween(long lo, long hi, String reply) {
        org.junit.jupiter.api.Assertions.assertTrue(reply.startsWith(":"), reply);
        long v = Long.parseLong(reply.substring(1));
        org.junit.jupiter.api.Assertions.assertTrue(v >= lo && v <= hi, reply + " not in [" + lo + ", " + hi + "]");
    }

    /** Asserts a flat array reply with the expected elements in any order (KEYS, SCAN: hash order differs). */
    static void assertUnordered(String expected, String actual) {
        assertEquals(elements(expected), elements(actual), actual);
    }

    private static java.util.List<String> elements(String array) {
        org.junit.jupiter.api.Assertions.assertTrue(array.startsWith("*[") && array.endsWith("]"), array);
        String inner = array.substring(2, array.length() - 1);
        java.util.List<String> l = new java.util.ArrayList<>(inner.isEmpty() ? java.util.List.of() : java.util.List.of(inner.split(", ")));
        java.util.Collections.sort(l);
        return l;
    }

    /** A second connection for the tests that need another client. */
    RawConnection connection() throws IOException {
        return new RawConnection(server.port());
    }
}
