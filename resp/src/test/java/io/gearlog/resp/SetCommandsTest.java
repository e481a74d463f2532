package io.gearlog.resp;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Set commands against a real server. Expected replies, errors and events were taken from redis-server 7.0.15
 * with the same commands.
 */
class SetCommandsTest extends JedisTestBase {
    static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";
    RespClient c;

    @BeforeEach
    void connect() {
        c = new RespClient(server.port());
        j.configSet("set-max-intset-entries", "512");
    }

    @AfterEach
    void disconnect() {
        j.configSet("notify-keyspace-events", "");
        c.close();
    }

    private static Set<String> members(String... m) {
        return new HashSet<>(List.of(m));
    }

    @Test
    void addRemoveAndMembership() {
        assertEquals("-ERR wrong number of arguments for 'sadd' command", c.call("SADD", "s"));
        assertEquals(":3", c.call("SADD", "s", "3", "1", "2", "2"));
        assertEquals(":0", c.call("SADD", "s", "3"));
        assertEquals("*[$1, $2, $3]", c.call("SMEMBERS", "s"));
        assertEquals(":3", c.call("SADD", "s", "-5", "10", "0"));
        assertEquals("*[$-5, $0, $1, $2, $3, $10]", c.call("SMEMBERS", "s"));
        assertEquals(":1", c.call("SREM", "s", "1", "100"));
        assertEquals(":0", c.call("SREM", "s", "nope"));
        assertEquals(":0", c.call("SREM", "nokey", "a"));
        assertEquals("*[]", c.call("SMEMBERS", "nokey"));
        assertEquals(":1", c.call("SISMEMBER", "s", "2"));
        assertEquals(":0", c.call("SISMEMBER", "s", "100"));
        assertEquals(":0", c.call("SISMEMBER", "s", "abc"));
        assertEquals(":0", c.call("SISMEMBER", "nokey", "2"));
        assertEquals("*[:1, :0, :1]", c.call("SMISMEMBER", "s", "2", "100", "3"));
        assertEquals("*[:0, :0]", c.call("SMISMEMBER", "nokey", "a", "b"));
        assertEquals("-ERR wrong number of arguments for 'smismember' command", c.call("SMISMEMBER", "s"));
        assertEquals(":5", c.call("SCARD", "s"));
        assertEquals(":0", c.call("SCARD", "nokey"));
        j.sadd("t", "b", "a", "c");
        assertEquals(members("a", "b", "c"), j.smembers("t"));
        assertEquals(List.of(true, false), j.smismember("t", "a", "z"));
        assertEquals("set", j.type("t"));
    }

    @Test
    void resp3RepliesUseSets() {
        c.call("HELLO", "3");
        c.call("SADD", "s", "2", "1", "3");
        assertEquals("~[$1, $2, $3]", c.call("SMEMBERS", "s"));
        assertEquals("~[]", c.call("SMEMBERS", "nokey"));
        assertEquals("~[$1, $2, $3]", c.call("SUNION", "s", "nokey"));
        assertEquals("~[$1, $2, $3]", c.call("SINTER", "s", "s"));
        assertEquals("~[]", c.call("SDIFF", "s", "s"));
        assertEquals("~[$1, $2, $3]", c.call("SPOP", "s", "3"), "popping everything replies the whole set");
        assertEquals("~[]", c.call("SPOP", "nokey", "3"));
        assertEquals("_", c.call("SPOP", "nokey"));
        c.call("SADD", "s", "2", "1", "3");
        assertEquals("*[$1, $2, $3]", c.call("SRANDMEMBER", "s", "5"), "SRANDMEMBER replies an array");
        assertEquals("*[]", c.call("SRANDMEMBER", "nokey", "5"));
        assertEquals("_", c.call("SRANDMEMBER", "nokey"));
        assertEquals("*[:1, :0]", c.call("SMISMEMBER", "s", "1", "9"));
        assertEquals("*[$0, *[$1, $2, $3]]", c.call("SSCAN", "s", "0"));
    }

    @Test
    void wrongTypeErrors() {
        j.set("str", "x");
        for (String[] cmd : new String[][]{{"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SMEMBERS", "str"},
                {"SISMEMBER", "str", "a"}, {"SMISMEMBER", "str", "a"}, {"SCARD", "str"}, {"SPOP", "str"},
                {"SPOP", "str", "0"}, {"SRANDMEMBER", "str"}, {"SRANDMEMBER", "str", "-1"},
                {"SRANDMEMBER", "str", "0"}, {"SSCAN", "str", "0"}, {"SMOVE", "str", "b", "1"},
                {"SINTER", "nokey", "str"}, {"SINTER", "str", "nokey"}, {"SUNION", "nokey", "str"},
                {"SDIFF", "nokey", "str"}, {"SDIFF", "str"}, {"SINTERSTORE", "d", "nokey", "str"},
                {"SINTERCARD", "2", "nokey", "str"}}) {
            assertEquals(WRONGTYPE, c.call(cmd), String.join(" ", cmd));
        }
        // argument errors come before the type check
        assertEquals("-ERR value is not an integer or out of range", c.call("SRANDMEMBER", "str", "abc"));
        assertEquals("-ERR value is out of range, must be positive", c.call("SPOP", "str", "abc"));
        assertEquals("-ERR value is out of range, must be positive", c.call("SPOP", "str", "-1"));
        assertEquals("-ERR LIMIT can't be negative", c.call("SINTERCARD", "1", "str", "LIMIT", "x"));
        assertEquals("$x", c.call("GET", "str"));
        assertFalse(j.exists("d"));
    }

    @Test
    void emptiedSetsAreDeleted() {
        j.sadd("a", "1", "2");
        assertEquals(":2", c.call("SREM", "a", "1", "2", "3"));
        assertFalse(j.exists("a"));
        j.sadd("b", "x");
        assertEquals("$x", c.call("SPOP", "b"));
        assertFalse(j.exists("b"));
        j.sadd("c", "x", "y");
        assertEquals(2, j.spop("c", 5).size());
        assertFalse(j.exists("c"));
        j.sadd("d", "x");
        assertEquals(":1", c.call("SMOVE", "d", "e", "x"));
        assertFalse(j.exists("d"));
        assertEquals(members("x"), j.smembers("e"));
        assertEquals("+none", c.call("TYPE", "d"));
    }

    @Test
    void spopCounts() {
        for (int i = 0; i < 20; i++) {
            j.sadd("s", "m" + i);
        }
        Set<String> all = j.smembers("s");
        assertEquals("$-1", c.call("SPOP", "nokey"));
        assertEquals("*[]", c.call("SPOP", "nokey", "0"));
        assertEquals("*[]", c.call("SPOP", "nokey", "3"));
        assertEquals("*[]", c.call("SPOP", "s", "0"));
        assertEquals("-ERR syntax error", c.call("SPOP", "s", "1", "2"));
        for (String bad : List.of("-1", "-0", "01", "abc", "1.5")) {
            assertEquals("-ERR value is out of range, must be positive", c.call("SPOP", "s", bad), bad);
        }
        Set<String> popped = j.spop("s", 7);
        assertEquals(7, popped.size());
        assertTrue(all.containsAll(popped));
        assertEquals(13, j.scard("s"));
        for (String m : popped) {
            assertFalse(j.sismember("s", m));
        }
        String one = j.spop("s");
        assertTrue(all.contains(one) && !popped.contains(one));
        Set<String> rest = j.spop("s", Long.MAX_VALUE);
        assertEquals(12, rest.size());
        assertFalse(j.exists("s"));
        Set<String> union = new HashSet<>(popped);
        union.add(one);
        union.addAll(rest);
        assertEquals(all, union);
        // an intset pops the same way
        j.sadd("i", "5", "1", "9", "3");
        Set<String> ints = j.spop("i", 3);
        assertEquals(3, ints.size());
        assertEquals(1, j.scard("i"));
        assertEquals("intset", j.objectEncoding("i"));
    }

    @Test
    void srandmemberCounts() {
        for (int i = 0; i < 10; i++) {
            j.sadd("s", "m" + i);
        }
        j.sadd("i", "1", "2", "3");
        Set<String> all = j.smembers("s");
        assertTrue(all.contains(j.srandmember("s")));
        assertEquals("$-1", c.call("SRANDMEMBER", "nokey"));
        for (String key : List.of("nokey", "s")) {
            assertEquals("*[]", c.call("SRANDMEMBER", key, "0"));
        }
        assertEquals("*[]", c.call("SRANDMEMBER", "nokey", "3"));
        assertEquals("*[]", c.call("SRANDMEMBER", "nokey", "-3"));
        for (int count = 1; count <= 12; count++) {
            List<String> picked = j.srandmember("s", count);
            assertEquals(Math.min(count, 10), picked.size());
            assertEquals(picked.size(), new HashSet<>(picked).size(), "distinct for a positive count");
            assertTrue(all.containsAll(picked));
        }
        assertEquals("*[$1, $2, $3]", c.call("SRANDMEMBER", "i", "5"), "an intset in full, sorted");
        List<String> repeated = j.srandmember("s", -40);
        assertEquals(40, repeated.size());
        assertTrue(all.containsAll(repeated));
        assertTrue(new HashSet<>(repeated).size() < 40);
        assertEquals(25, j.srandmember("i", -25).size());
        assertEquals(10, j.scard("s"), "SRANDMEMBER removes nothing");
        assertEquals("-ERR syntax error", c.call("SRANDMEMBER", "s", "1", "2"));
        assertEquals("-ERR value is not an integer or out of range", c.call("SRANDMEMBER", "s", "01"));
        assertEquals("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
                c.call("SRANDMEMBER", "nokey", "-9223372036854775808"));
    }

    @Test
    void hugeRepeatCountsAreRefusedInsteadOfExhaustingMemory() {
        j.sadd("s", "a");
        // redis-server 7.0 runs out of memory on both; Gearlog refuses, up front or once the reply passes 256 MB
        assertEquals("-ERR reply too large: the count asks for more than 256 MB of reply",
                c.call("SRANDMEMBER", "s", "-9223372036854775807"));
        j.sadd("big", "x".repeat(1 << 20));
        assertEquals("-ERR reply too large: the count asks for more than 256 MB of reply",
                c.call("SRANDMEMBER", "big", "-300"));
        assertEquals("+PONG", c.call("PING"));
        assertEquals(3, j.srandmember("big", -3).size());
    }

    @Test
    void smoveSemantics() {
        j.sadd("a", "1", "2", "3", "4");
        j.sadd("b", "3", "4", "5", "x");
        j.set("str", "v");
        assertEquals(":1", c.call("SMOVE", "a", "b", "1"));
        assertEquals(":1", c.call("SMOVE", "a", "b", "3"), "already in the destination");
        assertEquals(":0", c.call("SMOVE", "a", "b", "99"));
        assertEquals(":0", c.call("SMOVE", "nokey", "b", "1"));
        assertEquals(":0", c.call("SMOVE", "nokey", "str", "1"), "a missing source answers before any type check");
        assertEquals(WRONGTYPE, c.call("SMOVE", "str", "b", "1"));
        assertEquals(WRONGTYPE, c.call("SMOVE", "a", "str", "2"));
        assertEquals(WRONGTYPE, c.call("SMOVE", "str", "str", "1"));
        assertEquals(":1", c.call("SMOVE", "a", "a", "2"));
        assertEquals(":0", c.call("SMOVE", "a", "a", "99"));
        assertEquals("*[$2, $4]", c.call("SMEMBERS", "a"));
        assertEquals(members("1", "3", "4", "5", "x"), j.smembers("b"));
        assertEquals(":1", c.call("SMOVE", "b", "new", "x"));
        assertEquals(members("x"), j.smembers("new"));
        assertEquals("hashtable", j.objectEncoding("new"));
        assertEquals(":1", c.call("SMOVE", "b", "new2", "5"));
        assertEquals("intset", j.objectEncoding("new2"));
    }

    @Test
    void interUnionDiffAndStores() {
        j.sadd("a", "2", "4");
        j.sadd("b", "1", "3", "4", "5", "x");
        j.sadd("c", "4", "x", "y");
        j.set("str", "v");
        assertEquals("*[$4]", c.call("SINTER", "a", "b"));
        assertEquals("*[$4]", c.call("SINTER", "a", "b", "c"));
        assertEquals(members("4", "x"), j.sinter("b", "c"));
        assertEquals("*[]", c.call("SINTER", "a", "nokey"));
        assertEquals("*[]", c.call("SINTER", "nokey"));
        assertEquals(WRONGTYPE, c.call("SINTER", "a", "str"));
        assertEquals(members("1", "2", "3", "4", "5", "x", "y"), j.sunion("a", "b", "c"));
        assertEquals("*[$2, $4]", c.call("SUNION", "a", "nokey"));
        j.sadd("odd", "5", "3", "1");
        assertEquals("*[$1, $2, $3, $4, $5]", c.call("SUNION", "odd", "a"), "an all-integer result is sorted");
        assertEquals("*[$2]", c.call("SDIFF", "a", "b"));
        assertEquals(members("1", "3", "5"), j.sdiff("b", "a", "c"));
        assertEquals("*[]", c.call("SDIFF", "nokey", "a"));
        assertEquals("*[$2, $4]", c.call("SDIFF", "a", "nokey"));
        assertEquals("*[]", c.call("SDIFF", "a", "a"));
        assertEquals(WRONGTYPE, c.call("SDIFF", "a", "str"));

        assertEquals(":1", c.call("SINTERSTORE", "d", "a", "b"));
        assertEquals("*[$4]", c.call("SMEMBERS", "d"));
        assertEquals("intset", j.objectEncoding("d"));
        assertEquals(":0", c.call("SINTERSTORE", "d", "a", "nokey"));
        assertFalse(j.exists("d"), "an empty result deletes the destination");
        j.set("d", "v");
        j.expire("d", 100);
        assertEquals(":1", c.call("SINTERSTORE", "d", "a", "b"));
        assertEquals("set", j.type("d"), "the destination is overwritten whatever its type");
        assertEquals(-1, j.ttl("d"), "and loses its TTL");
        assertEquals(WRONGTYPE, c.call("SINTERSTORE", "d", "nokey", "str"));
        assertEquals(":4", c.call("SUNIONSTORE", "d", "a", "c"));
        assertEquals("hashtable", j.objectEncoding("d"));
        assertEquals(":2", c.call("SUNIONSTORE", "e", "a", "nokey"));
        assertEquals("intset", j.objectEncoding("e"));
        assertEquals(":1", c.call("SDIFFSTORE", "f", "a", "c"));
        assertEquals("*[$2]", c.call("SMEMBERS", "f"));
        assertEquals(":0", c.call("SDIFFSTORE", "f", "nokey", "a"));
        assertFalse(j.exists("f"));
        assertEquals(":1", c.call("SINTERSTORE", "a", "a", "b"), "a source may be the destination");
        assertEquals("*[$4]", c.call("SMEMBERS", "a"));
        assertEquals(":0", c.call("SDIFFSTORE", "g", "b", "b"));
        assertFalse(j.exists("g"));
    }

    @Test
    void sintercardLimitAndErrors() {
        j.sadd("a", "1", "2", "3", "4");
        j.sadd("b", "2", "3", "4", "5");
        j.set("str", "v");
        assertEquals(":4", c.call("SINTERCARD", "1", "a"));
        assertEquals(":3", c.call("SINTERCARD", "2", "a", "b"));
        assertEquals(":1", c.call("SINTERCARD", "2", "a", "b", "LIMIT", "1"));
        assertEquals(":3", c.call("SINTERCARD", "2", "a", "b", "LIMIT", "0"));
        assertEquals(":2", c.call("SINTERCARD", "2", "a", "b", "limit", "9", "limit", "2"));
        assertEquals(":3", c.call("SINTERCARD", "2", "a", "b", "LIMIT", "9223372036854775807"));
        assertEquals(":0", c.call("SINTERCARD", "2", "a", "nokey"));
        assertEquals(2, j.sintercard(2, "a", "b"));
        for (String n : List.of("0", "-1", "x")) {
            assertEquals("-ERR numkeys should be greater than 0", c.call("SINTERCARD", n, "a"), n);
        }
        assertEquals("-ERR Number of keys can't be greater than number of args", c.call("SINTERCARD", "3", "a", "b"));
        assertEquals("-ERR Number of keys can't be greater than number of args",
                c.call("SINTERCARD", "9223372036854775807", "a"));
        for (String l : List.of("-1", "x", "9223372036854775808")) {
            assertEquals("-ERR LIMIT can't be negative", c.call("SINTERCARD", "2", "a", "b", "LIMIT", l), l);
        }
        assertEquals("-ERR syntax error", c.call("SINTERCARD", "2", "a", "b", "LIMIT"));
        assertEquals("-ERR syntax error", c.call("SINTERCARD", "2", "a", "b", "foo"));
        assertEquals("-ERR syntax error", c.call("SINTERCARD", "1", "a", "LIMIT", "1", "foo"));
        assertEquals(WRONGTYPE, c.call("SINTERCARD", "2", "a", "str"));
        assertEquals("-ERR wrong number of arguments for 'sintercard' command", c.call("SINTERCARD", "1"));
    }

    @Test
    void sscanOfAnIntsetReturnsEverythingAtOnce() {
        j.sadd("s", "3", "1", "2", "10");
        assertEquals("*[$0, *[$1, $2, $3, $10]]", c.call("SSCAN", "s", "0", "COUNT", "1"));
        assertEquals("*[$0, *[$1, $10]]", c.call("SSCAN", "s", "0", "MATCH", "1*"));
        assertEquals("*[$0, *[$1, $2, $3, $10]]", c.call("SSCAN", "s", "-1"));
        assertEquals("-ERR invalid cursor", c.call("SSCAN", "s", "x"));
        assertEquals("-ERR syntax error", c.call("SSCAN", "s", "0", "COUNT", "0"));
        assertEquals("*[$0, *[]]", c.call("SSCAN", "nokey", "0", "COUNT", "0"));
    }

    @Test
    void sscanOfAHashtableSeesEveryMemberThatStaysWhileTheSetChanges() {
        List<String> start = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            start.add("m" + i);
        }
        j.sadd("s", start.toArray(new String[0]));
        Set<String> seen = new HashSet<>();
        Set<String> removed = new HashSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            ScanResult<String> r = j.sscan("s", cursor, new ScanParams().count(25));
            seen.addAll(r.getResult());
            cursor = r.getCursor();
            for (int k = 0; k < 10; k++) {
                j.sadd("s", "n" + calls + "-" + k);
            }
            String gone = "m" + (calls * 5);
            j.srem("s", gone);
            removed.add(gone);
            if (calls % 7 == 0) {
                // shrink the table hard so the scan crosses a resize downwards too
                for (int k = 0; k < 10; k++) {
                    j.srem("s", "n" + calls + "-" + k);
                }
            }
            calls++;
        } while (!cursor.equals("0"));
        assertTrue(calls > 10, "several calls: " + calls);
        for (String m : start) {
            if (!removed.contains(m)) {
                assertTrue(seen.contains(m), m);
            }
        }
        for (String m : seen) {
            assertTrue(m.startsWith("m") || m.startsWith("n"), m);
        }
    }

    @Test
    void encodingFollowsIntsetRulesAndNeverConvertsBack() {
        j.sadd("s", "1", "2", "-9223372036854775808", "9223372036854775807", "32768", "-2147483649");
        assertEquals("intset", j.objectEncoding("s"));
        assertEquals("*[$-9223372036854775808, $-2147483649, $1, $2, $32768, $9223372036854775807]",
                c.call("SMEMBERS", "s"));
        for (String notInteger : List.of("a", "01", "-0", " 1", "+1", "9223372036854775808", "1.0")) {
            j.sadd("t:" + notInteger, "5", notInteger);
            assertEquals("hashtable", j.objectEncoding("t:" + notInteger), notInteger);
            j.srem("t:" + notInteger, notInteger);
            assertEquals("hashtable", j.objectEncoding("t:" + notInteger), "no conversion back");
        }
        j.configSet("set-max-intset-entries", "3");
        j.sadd("i", "1", "2", "3");
        assertEquals("intset", j.objectEncoding("i"));
        j.sadd("i", "4");
        assertEquals("hashtable", j.objectEncoding("i"));
        j.srem("i", "4", "3");
        assertEquals("hashtable", j.objectEncoding("i"));
        j.sadd("j", "1", "2", "3", "4");
        assertEquals("hashtable", j.objectEncoding("j"));
        j.sunionstore("k", "i");
        assertEquals("intset", j.objectEncoding("k"), "a stored result starts as an intset");
        j.configSet("set-max-intset-entries", "0");
        j.sadd("z", "1");
        assertEquals("hashtable", j.objectEncoding("z"));
    }

    @Test
    void keyspaceEventsMatchRedis() throws Exception {
        j.configSet("notify-keyspace-events", "KEA");
        try (KeyEvents events = new KeyEvents(server)) {
            c.call("SADD", "a", "1", "2", "3");
            c.call("SADD", "a", "1");
            c.call("SADD", "b", "x");
            c.call("SREM", "a", "9");
            c.call("SREM", "a", "1");
            c.call("SMOVE", "a", "b", "2");
            c.call("SMOVE", "a", "b", "9");
            c.call("SADD", "b", "3");
            c.call("SMOVE", "a", "b", "3");
            c.call("SMOVE", "b", "b", "x");
            c.call("SPOP", "b", "0");
            c.call("SADD", "c", "1", "2", "3", "4", "5", "6");
            c.call("SPOP", "c", "2");
            c.call("SPOP", "c", "10");
            c.call("SADD", "c", "1", "2");
            c.call("SINTERSTORE", "d", "c", "nokey");
            c.call("SINTERSTORE", "d", "c", "c");
            c.call("SUNIONSTORE", "d", "c", "nokey");
            c.call("SDIFFSTORE", "d", "c", "nokey");
            c.call("SDIFFSTORE", "d", "nokey", "c");
            c.call("SINTERSTORE", "d", "nokey", "c");
            c.call("SADD", "e", "1");
            c.call("SPOP", "e");
            c.call("SADD", "f", "1", "2");
            c.call("SREM", "f", "1", "2");
            c.call("SET", "g", "v");
            c.call("SUNIONSTORE", "g", "f", "c");
            c.call("SMEMBERS", "g");
            assertEquals(List.of("sadd a", "sadd b", "srem a", "srem a", "sadd b", "sadd b", "srem a", "del a",
                    "sadd c", "spop c", "spop c", "del c", "sadd c", "sinterstore d", "sunionstore d",
                    "sdiffstore d", "del d", "sadd e", "spop e", "del e", "sadd f", "srem f", "del f", "set g",
                    "sunionstore g"), events.drain(j));
        }
    }

    @Test
    void journalReplayRepeatsSpopAndRestoresSetsExactly() throws Exception {
        Path dir = Files.createTempDirectory("gearlog-set-restart");
        String digest;
        Set<String> big;
        Set<String> inter;
        String ints;
        try (TestServer s = TestServer.start(dir); Jedis a = s.jedis(); RespClient raw = new RespClient(s.port())) {
            for (int i = 0; i < 3000; i++) {
                a.sadd("big", "m" + i);
                a.sadd("ints", Integer.toString(i * 7));
            }
            for (int i = 0; i < 3000; i += 3) {
                a.srem("big", "m" + i);
            }
            for (int i = 0; i < 40; i++) {
                a.spop("big", 9);
                a.spop("big");
                a.spop("ints", 5);
            }
            a.sadd("small", "5", "1", "3", "7");
            a.spop("small", 2);
            a.smove("big", "moved", a.srandmember("big"));
            a.sinterstore("inter", "big", "big");
            a.sunionstore("union", "small", "ints");
            raw.call("MULTI");
            raw.call("SPOP", "big", "4");
            raw.call("SPOP", "union");
            raw.call("EXEC");
            digest = raw.call("DEBUG", "DIGEST");
            big = a.smembers("big");
            inter = a.smembers("inter");
            ints = raw.call("SMEMBERS", "small");
            assertEquals("hashtable", a.objectEncoding("big"));
            assertEquals("intset", a.objectEncoding("small"));
        }
        assertNotEquals("+" + "0".repeat(40), digest);
        try (TestServer s = TestServer.start(dir); Jedis b = s.jedis(); RespClient raw = new RespClient(s.port())) {
            assertEquals(digest, raw.call("DEBUG", "DIGEST"), "SPOP popped the same members on replay");
            assertEquals(big, b.smembers("big"));
            assertEquals(ints, raw.call("SMEMBERS", "small"));
            assertEquals(1, b.scard("moved"));
            assertEquals(inter, b.smembers("inter"));
        }
    }
}
