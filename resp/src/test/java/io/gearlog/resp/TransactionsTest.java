package io.gearlog.resp;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** MULTI/EXEC/DISCARD/WATCH/UNWATCH with Redis 7.0 semantics, checked against redis-server 7.0.15. */
class TransactionsTest extends ServerTestBase {

    @Test
    void multiExecBasics() throws IOException {
        assertEquals("+OK", c.call("multi"));
        assertEquals("+QUEUED", c.call("set", "a", "1"));
        assertEquals("+QUEUED", c.call("incr", "a"));
        assertEquals("+QUEUED", c.call("get", "a"));
        assertEquals("*[+OK, :2, $2]", c.call("exec"));
        assertEquals("$2", c.call("get", "a"));
    }

    @Test
    void emptyTransaction() throws IOException {
        assertEquals("+OK", c.call("multi"));
        assertEquals("*[]", c.call("exec"));
    }

    @Test
    void nestedMultiAndStrayExecDiscard() throws IOException {
        assertEquals("-ERR EXEC without MULTI", c.call("exec"));
        assertEquals("-ERR DISCARD without MULTI", c.call("discard"));
        assertEquals("+OK", c.call("multi"));
        assertEquals("-ERR MULTI calls can not be nested", c.call("multi"));
        assertEquals("+OK", c.call("discard"));
        assertEquals("-ERR DISCARD without MULTI", c.call("discard"));
    }

    @Test
    void queueTimeErrorsAbortExec() throws IOException {
        assertEquals("+OK", c.call("multi"));
        assertEquals("+QUEUED", c.call("set", "a", "1"));
        assertEquals("-ERR wrong number of arguments for 'get' command", c.call("get"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.", c.call("exec"));
        assertEquals("$-1", c.call("get", "a"));
        assertEquals("+OK", c.call("multi"));
        assertEquals("-ERR unknown command 'nosuchcommand', with args beginning with: 'x' ", c.call("nosuchcommand", "x"));
        assertEquals("+QUEUED", c.call("set", "a", "1"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.", c.call("exec"));
        assertEquals("+OK", c.call("multi"));
        assertEquals("-ERR unknown subcommand 'foo'. Try CLIENT HELP.", c.call("client", "foo"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.", c.call("exec"));
        assertEquals("+OK", c.call("multi"));
        assertEquals("-ERR wrong number of arguments for 'client|id' command", c.call("client", "id", "x"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.", c.call("exec"));
    }

    @Test
    void subcommandsOfKeyCommandsAreCheckedWhenQueued() throws IOException {
        assertEquals("+OK", c.call("multi"));
        assertEquals("+QUEUED", c.call("xgroup", "create", "s", "g", "$", "MKSTREAM"));
        assertEquals("-ERR wrong number of arguments for 'xgroup|destroy' command", c.call("xgroup", "destroy", "s"));
        assertEquals("-ERR unknown subcommand 'FOO'. Try XGROUP HELP.", c.call("xgroup", "FOO", "s"));
        assertEquals("-ERR wrong number of arguments for 'xinfo|stream' command", c.call("xinfo", "stream"));
        assertEquals("-ERR unknown subcommand 'FOO'. Try XINFO HELP.", c.call("xinfo", "FOO", "s"));
        assertEquals("-ERR wrong number of arguments for 'object|encoding' command", c.call("object", "encoding"));
        assertEquals("-ERR unknown subcommand 'FOO'. Try OBJECT HELP.", c.call("object", "FOO", "s"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.", c.call("exec"));
        assertEquals(":0", c.call("exists", "s"));
        assertEquals("+OK", c.call("multi"));
        assertEquals("+QUEUED", c.call("xgroup", "create", "s", "g", "$", "MKSTREAM"));
        assertEquals("+QUEUED", c.call("xinfo", "groups", "s"));
        assertEquals("+QUEUED", c.call("object", "encoding", "s"));
        assertEquals("*[+OK, *[*[$name, $g, $consumers, :0, $pending, :0, $last-delivered-id, $0-0, $entries-read, "
                + "$-1, $lag, :0]], $stream]", c.call("exec"));
    }

    @Test
    void runtimeErrorsAreElements() throws IOException {
        assertEquals("+OK", c.call("set", "s", "hello"));
        assertEquals("+OK", c.call("multi"));
        assertEquals("+QUEUED", c.call("incr", "s"));
        assertEquals("+QUEUED", c.call("set", "t", "1"));
        assertEquals("+QUEUED", c.call("incrbyfloat", "s", "1"));
        assertEquals("+QUEUED", c.call("lcs", "s", "s", "foo"));
        assertEquals("*[-ERR value is not an integer or out of range, +OK, -ERR value is not a valid float, -ERR syntax error]", c.call("exec"));
        assertEquals("$1", c.call("get", "t"));
    }

    @Test
    void execWithArgumentsAborts() throws IOException {
        assertEquals("+OK", c.call("multi"));
        assertEquals("+QUEUED", c.call("set", "a", "1"));
        assertEquals("-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command", c.call("exec", "x"));
        assertEquals("-ERR EXEC without MULTI", c.call("exec"));
        assertEquals("$-1", c.call("get", "a"));
        assertEquals("-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command", c.call("exec", "x"));
    }

    @Test
    void watchInsideMultiAndArity() throws IOException {
        assertEquals("+OK", c.call("multi"));
        assertEquals("-ERR WATCH inside MULTI is not allowed", c.call("watch", "a"));
        assertEquals("*[]", c.call("exec"));
        assertEquals("-ERR wrong number of arguments for 'watch' command", c.call("watch"));
        assertEquals("-ERR wrong number of arguments for 'unwatch' command", c.call("unwatch", "x"));
        assertEquals("+OK", c.call("multi"));
        assertEquals("+QUEUED", c.call("unwatch"));
        assertEquals("*[+OK]", c.call("exec"));
    }

    @Test
    void discardDropsQueue() throws IOException {
        assertEquals("+OK", c.call("set", "a", "1"));
        assertEquals("+OK", c.call("multi"));
        assertEquals("+QUEUED", c.call("set", "a", "2"));
        assertEquals("+OK", c.call("discard"));
        assertEquals("$1", c.call("get", "a"));
    }

    @Test
    void commandsNotQueued() throws IOException {
        assertEquals("+OK", c.call("multi"));
        assertEquals("+QUEUED", c.call("ping"));
        assertEquals("+QUEUED", c.call("echo", "x"));
        assertEquals("+QUEUED", c.call("select", "1"));
        assertEquals("+QUEUED", c.call("get", "a"));
        assertEquals("*[+PONG, $x, +OK, $-1]", c.call("exec"));
        assertEquals("+OK", c.call("set", "b", "2"));
        assertEquals("$2", c.call("get", "b"));
        assertEquals("+OK", c.call("select", "0"));
        assertEquals("$-1", c.call("get", "b"));
    }

    /** Runs MULTI, PING, EXEC on {@code c} and returns EXEC's reply: *-1 when the WATCH failed. */
    private String pingTransaction() throws IOException {
        assertEquals("+OK", c.call("multi"));
        assertEquals("+QUEUED", c.call("ping"));
        return c.call("exec");
    }

    @Test
    void watchFailsWhenAnotherClientWritesTheKey() throws IOException {
        try (RawConnection other = connection()) {
            assertEquals("+OK", c.call("watch", "k"));
            assertEquals("+OK", other.call("set", "k", "1"));
            assertEquals("*-1", pingTransaction());
            // EXEC unwatched everything: the next transaction goes through
            assertEquals("*[+PONG]", pingTransaction());
        }
    }

    @Test
    void watchHoldsWhenNothingChanges() throws IOException {
        try (RawConnection other = connection()) {
            assertEquals("+OK", c.call("set", "k", "1"));
            assertEquals("+OK", c.call("watch", "k", "missing"));
            assertEquals("$1", other.call("get", "k"));
            assertEquals(":0", other.call("del", "missing"));
            assertEquals(":0", other.call("persist", "k"));
            assertEquals("+OK", other.call("set", "other", "1"));
            assertEquals("*[+PONG]", pingTransaction());
        }
    }

    @Test
    void watchFailsOnWritesThatChangeNothingVisible() throws IOException {
        try (RawConnection other = connection()) {
            assertEquals("+OK", c.call("set", "k", "1"));
            assertEquals("+OK", c.call("watch", "k"));
            assertEquals("+OK", other.call("set", "k", "1"));
            assertEquals("*-1", pingTransaction());
        }
    }

    @Test
    void watchIsPerDatabase() throws IOException {
        try (RawConnection other = connection()) {
            assertEquals("+OK", c.call("watch", "k"));
            assertEquals("+OK", other.call("select", "1"));
            assertEquals("+OK", other.call("set", "k", "1"));
            assertEquals("*[+PONG]", pingTransaction());
        }
    }

    @Test
    void unwatchAndDiscardForgetWatchedKeys() throws IOException {
        try (RawConnection other = connection()) {
            assertEquals("+OK", c.call("watch", "k"));
            assertEquals("+OK", c.call("unwatch"));
            assertEquals("+OK", other.call("set", "k", "1"));
            assertEquals("*[+PONG]", pingTransaction());
            assertEquals("+OK", c.call("watch", "k"));
            assertEquals("+OK", c.call("multi"));
            assertEquals("+OK", c.call("discard"));
            assertEquals("+OK", other.call("set", "k", "2"));
            assertEquals("*[+PONG]", pingTransaction());
        }
    }

    @Test
    void watchFailsWhenTheKeyExpires() throws IOException {
        assertEquals("+OK", c.call("set", "k", "1", "px", "100"));
        assertEquals("+OK", c.call("watch", "k"));
        await().atMost(Duration.ofSeconds(5)).until(() -> server.node().engine().call(
                e -> e.keyspace().db(0).peek(io.gearlog.engine.keyspace.Key.of("k")) == null).join());
        assertEquals("*-1", pingTransaction());
    }

    @Test
    void watchFailsWhenTheKeyIsPastItsTtlEvenBeforeItIsDeleted() throws IOException {
        // EXEC comes right after the TTL passed, usually before the 100 ms active-expiry cycle deleted the key
        assertEquals("+OK", c.call("set", "k", "1", "px", "30"));
        assertEquals("+OK", c.call("watch", "k"));
        long deadline = System.currentTimeMillis() + 40;
        while (System.currentTimeMillis() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals("*-1", pingTransaction());
    }

    @Test
    void watchingAnAlreadyExpiredKeyDoesNotFail() throws IOException, InterruptedException {
        assertEquals("+OK", c.call("set", "k", "1", "px", "1"));
        Thread.sleep(5);
        assertEquals("+OK", c.call("watch", "k"));
        assertEquals("*[+PONG]", pingTransaction());
    }

    @Test
    void flushAllFailsWatchesOfExistingKeysOnly() throws IOException {
        try (RawConnection other = connection(); RawConnection third = connection()) {
            assertEquals("+OK", c.call("set", "k", "1"));
            assertEquals("+OK", c.call("watch", "k"));
            assertEquals("+OK", third.call("watch", "missing"));
            assertEquals("+OK", other.call("flushall"));
            assertEquals("*-1", pingTransaction());
            assertEquals("+OK", third.call("multi"));
            assertEquals("+QUEUED", third.call("ping"));
            assertEquals("*[+PONG]", third.call("exec"));
        }
    }

    @Test
    void flushDbFailsWatchesOfExistingKeys() throws IOException {
        try (RawConnection other = connection()) {
            assertEquals("+OK", c.call("set", "k", "1"));
            assertEquals("+OK", c.call("watch", "k"));
            assertEquals("+OK", other.call("flushdb"));
            assertEquals("*-1", pingTransaction());
        }
    }

    @Test
    void swapDbFailsWatchesOfKeysOnEitherSide() throws IOException {
        try (RawConnection other = connection()) {
            assertEquals("+OK", other.call("select", "1"));
            assertEquals("+OK", other.call("set", "k", "1"));
            assertEquals("+OK", c.call("watch", "k"));
            assertEquals("+OK", other.call("swapdb", "0", "1"));
            assertEquals("*-1", pingTransaction());
            assertEquals("+OK", c.call("watch", "nowhere"));
            assertEquals("+OK", other.call("swapdb", "0", "1"));
            assertEquals("*[+PONG]", pingTransaction());
        }
    }

    @Test
    void transactionIsAtomicForOtherClients() throws IOException {
        try (RawConnection other = connection()) {
            assertEquals("+OK", c.call("multi"));
            assertEquals("+QUEUED", c.call("set", "a", "1"));
            assertEquals("$-1", other.call("get", "a"));
            assertEquals("+QUEUED", c.call("set", "b", "2"));
            assertEquals("*[+OK, +OK]", c.call("exec"));
            assertEquals("*[$1, $2]", other.call("mget", "a", "b"));
        }
    }

    @Test
    void noauthInsideMultiAbortsExec() throws IOException {
        assertEquals("+OK", c.call("config", "set", "requirepass", "pw"));
        try (RawConnection other = connection()) {
            assertEquals("-NOAUTH Authentication required.", other.call("multi"));
            assertEquals("-EXECABORT Transaction discarded because of: NOAUTH Authentication required.",
                    other.call("exec"));
        } finally {
            assertEquals("+OK", c.call("config", "set", "requirepass", ""));
        }
    }

    @Test
    void shutdownAndSaveAreRefusedInsideMulti() throws IOException {
        assertEquals("+OK", c.call("multi"));
        assertEquals("-ERR Command not allowed inside a transaction", c.call("shutdown"));
        assertEquals("-ERR Command not allowed inside a transaction", c.call("save"));
        assertEquals("+QUEUED", c.call("ping"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.", c.call("exec"));
        assertEquals("+PONG", c.call("ping"));
        assertEquals("-ERR syntax error", c.call("shutdown", "abort", "nosave"));
        assertEquals("-ERR syntax error", c.call("shutdown", "save", "nosave"));
        assertEquals("-ERR syntax error", c.call("shutdown", "later"));
        assertEquals("-ERR No shutdown in progress.", c.call("shutdown", "abort"));
    }
}
