package io.gearlog.resp;

import io.gearlog.engine.keyspace.DigestSink;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.keyspace.ValueType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * String commands against a key of another type. The list family lives in another module of work, so the list
 * value here is a minimal stand-in put into the keyspace on the engine thread; only its type matters.
 */
class WrongTypeTest extends ServerTestBase {
    private static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";

    /** A value whose TYPE is list. */
    static final class StandInList extends RValue {
        @Override
        public ValueType type() {
            return ValueType.LIST;
        }

        @Override
        public String encoding() {
            return "listpack";
        }

        @Override
        public RValue copy() {
            return new StandInList();
        }

        @Override
        public void digest(DigestSink sink) {
            sink.add(new byte[]{'a'});
        }

        @Override
        public void rewrite(byte[] key, Consumer<byte[][]> out) {
            out.accept(new byte[][]{"RPUSH".getBytes(), key, "a".getBytes()});
        }
    }

    private static void putList(String key) {
        server.node().engine().call(e -> {
            e.keyspace().db(0).put(Key.of(key), new StandInList());
            return null;
        }).join();
    }

    @Test
    void stringCommandsOnAnotherType() throws IOException {
        putList("l");
        assertEquals(WRONGTYPE, c.call("get", "l"));
        assertEquals(WRONGTYPE, c.call("set", "l", "v", "get"));
        assertEquals(WRONGTYPE, c.call("getset", "l", "v"));
        assertEquals(WRONGTYPE, c.call("getex", "l"));
        assertEquals(WRONGTYPE, c.call("getex", "l", "ex", "10"));
        assertEquals(WRONGTYPE, c.call("getdel", "l"));
        assertEquals(WRONGTYPE, c.call("append", "l", "x"));
        assertEquals(WRONGTYPE, c.call("strlen", "l"));
        assertEquals(WRONGTYPE, c.call("incr", "l"));
        assertEquals(WRONGTYPE, c.call("decrby", "l", "1"));
        assertEquals(WRONGTYPE, c.call("incrbyfloat", "l", "1"));
        assertEquals(WRONGTYPE, c.call("setrange", "l", "0", "x"));
        assertEquals(WRONGTYPE, c.call("getrange", "l", "0", "-1"));
        assertEquals("-ERR The specified keys must contain string values", c.call("lcs", "l", "l"));
        assertEquals("*[$-1, $-1]", c.call("mget", "l", "nokey"));
        assertEquals(":0", c.call("msetnx", "l", "1", "x", "2"));
        assertEquals(":0", c.call("exists", "x"));
        assertEquals("+list", c.call("type", "l"));
        assertEquals("$listpack", c.call("object", "encoding", "l"));
        assertEquals("+OK", c.call("set", "l", "v"));
        assertEquals("+string", c.call("type", "l"));
    }

    @Test
    void keyCommandsWorkOnAnyType() throws IOException {
        putList("l");
        assertEquals(":1", c.call("copy", "l", "l2"));
        assertEquals("+list", c.call("type", "l2"));
        assertEquals("+OK", c.call("rename", "l2", "l3"));
        assertEquals(":1", c.call("expire", "l3", "100"));
        assertEquals("*[$0, *[$l3]]", c.call("scan", "0", "type", "list", "match", "l?"));
        assertEquals("*[$0, *[]]", c.call("scan", "0", "type", "string"));
        assertUnordered("*[$l, $l3]", c.call("keys", "l*"));
        assertEquals(":2", c.call("del", "l", "l3"));
    }
}
