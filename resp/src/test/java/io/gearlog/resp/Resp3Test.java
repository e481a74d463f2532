package io.gearlog.resp;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RESP3: exact reply shapes on the wire after HELLO 3 (maps, sets, nulls, verbatim strings; recorded from Redis
 * 7.0.15 except the modules entry, which says RedisGears is loaded), and Lettuce 7 speaking RESP3 to the server.
 */
class Resp3Test extends ServerTestBase {
    private RedisClient lettuce;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;

    @BeforeEach
    void connectLettuce() {
        lettuce = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        connection = lettuce.connect();
        redis = connection.sync();
    }

    @AfterEach
    void closeLettuce() {
        connection.close();
        lettuce.shutdown();
    }

    @Test
    void resp3ReplyShapes() throws IOException {
        String hello = c.call("hello", "3");
        assertTrue(hello.startsWith("%[$server, $redis, $version, $7.0.15, $proto, :3, $id, :"), hello);
        assertTrue(hello.endsWith(", $mode, $standalone, $role, $master, $modules, *[%[$name, $rg, $ver, :10213]]]"), hello);
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals("$v", c.call("get", "k"));
        assertEquals("_", c.call("get", "nokey"));
        assertEquals("*[$v, _]", c.call("mget", "k", "nokey"));
        assertEquals("+OK", c.call("set", "k2", "ohmytext"));
        assertEquals("+OK", c.call("set", "k3", "mynewtext"));
        assertEquals("%[$matches, *[*[*[:4, :7], *[:5, :8], :4]], $len, :6]", c.call("lcs", "k2", "k3", "idx", "minmatchlen", "4", "withmatchlen"));
        assertEquals("$1.5", c.call("incrbyfloat", "f", "1.5"));
        assertEquals("%[$maxmemory, $0]", c.call("config", "get", "maxmemory"));
        assertEquals("%[$flags, ~[$off], $redirect, :-1, $prefixes, *[]]", c.call("client", "trackinginfo"));
        assertEquals("_", c.call("object", "encoding", "nokey"));
        assertEquals("_", c.call("getex", "nokey"));
        assertEquals("_", c.call("set", "k", "v", "nx"));
        assertEquals("*[$a, :0]", c.call("pubsub", "numsub", "a"));
        assertEquals("*[_]", c.call("command", "info", "nosuchcmd"));
        assertEquals("_", c.call("getdel", "nokey"));
        assertEquals("+OK", c.call("watch", "k"));
        assertEquals("+OK", c.call("set", "k", "w"));
        assertEquals("+OK", c.call("multi"));
        assertEquals("_", c.call("exec"));
        assertEquals("+OK", c.call("multi"));
        assertEquals("+QUEUED", c.call("get", "nokey"));
        assertEquals("*[_]", c.call("exec"));
        assertTrue(c.call("hello", "2").startsWith("*[$server, $redis, $version, $7.0.15, $proto, :2, $id, :"));
        assertEquals("$-1", c.call("get", "nokey"));
        assertEquals("*[$maxmemory, $0]", c.call("config", "get", "maxmemory"));
    }

    @Test
    void verbatimStringsForInfoAndClientInfo() throws IOException {
        c.call("hello", "3");
        String info = c.call("client", "info");
        assertTrue(info.startsWith("=txt:id="), info);
        assertTrue(info.endsWith(" cmd=client|info user=default redir=-1 resp=3\n"), info);
        String server = c.call("info", "server");
        assertTrue(server.startsWith("=txt:# Server\r\nredis_version:7.0.15\r\n"), server);
        assertEquals("=txt:", c.call("client", "list", "id", "999999"));
    }

    @Test
    void lettuceNegotiatesResp3() {
        // Lettuce sends HELLO 3 on connect when the server supports it; the server reports the protocol per client
        String list = redis.clientList();
        assertTrue(list.contains(" resp=3"), list);
    }

    @Test
    void lettuceStringCommands() {
        assertEquals("OK", redis.set("k", "v"));
        assertEquals("v", redis.get("k"));
        assertNull(redis.get("nokey"));
        assertNull(redis.set("k", "w", SetArgs.Builder.nx()));
        assertEquals("v", redis.setGet("k", "w"));
        assertEquals(List.of(KeyValue.just("k", "w"), KeyValue.empty("nokey")), redis.mget("k", "nokey"));
        assertEquals(5L, redis.incrby("n", 5));
        assertEquals(5.5, redis.incrbyfloat("n", 0.5));
        assertEquals(3L, redis.append("a", "abc"));
        assertEquals("bc", redis.getrange("a", 1, -1));
        assertEquals(Boolean.TRUE, redis.msetnx(Map.of("m1", "1", "m2", "2")));
        assertEquals("w", redis.getdel("k"));
        assertEquals(0L, redis.exists("k"));
        var err = assertThrows(io.lettuce.core.RedisCommandExecutionException.class, () -> redis.incr("a"));
        assertEquals("ERR value is not an integer or out of range", err.getMessage());
    }

    @Test
    void lettuceKeysExpiryAndScan() {
        redis.mset(Map.of("s1", "1", "s2", "2", "t1", "3"));
        assertEquals(Boolean.TRUE, redis.expire("s1", 100));
        assertTrue(redis.ttl("s1") >= 99);
        assertEquals(-1L, redis.ttl("s2"));
        assertEquals(-2L, redis.ttl("nokey"));
        assertEquals(Boolean.TRUE, redis.persist("s1"));
        assertEquals("string", redis.type("s1"));
        var scan = redis.scan(ScanArgs.Builder.matches("s*").limit(100));
        assertTrue(scan.isFinished());
        assertEquals(List.of("s1", "s2"), scan.getKeys().stream().sorted().toList());
        assertEquals(3L, redis.dbsize());
        assertEquals(Boolean.TRUE, redis.copy("t1", "t2"));
        assertEquals("OK", redis.rename("t2", "t3"));
        assertEquals(2L, redis.del("t1", "t3"));
    }

    @Test
    void lettuceServerCommands() {
        Map<String, String> cfg = redis.configGet("maxmemory*");
        assertEquals(Map.of("maxmemory", "0", "maxmemory-policy", "noeviction"), cfg);
        assertTrue(redis.info("server").contains("redis_version:7.0.15"));
        assertEquals(2, redis.time().size());
        assertTrue(redis.commandCount() > 50);
        assertEquals("OK", redis.clientSetname("lettuce-test"));
        assertEquals("lettuce-test", redis.clientGetname());
        assertTrue(redis.clientId() > 0);
        assertEquals("OK", redis.select(1));
        redis.set("in1", "x");
        assertEquals("OK", redis.swapdb(0, 1));
        assertEquals("OK", redis.select(0));
        assertEquals("x", redis.get("in1"));
    }

    @Test
    void lettuceTransactions() {
        redis.set("w", "1");
        assertEquals("OK", redis.watch("w"));
        assertEquals("OK", redis.multi());
        redis.incr("w");
        redis.get("w");
        TransactionResult r = redis.exec();
        assertEquals(false, r.wasDiscarded());
        assertEquals(List.of(2L, "2"), r.stream().toList());
    }
}
