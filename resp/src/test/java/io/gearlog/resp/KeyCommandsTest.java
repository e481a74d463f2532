package io.gearlog.resp;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Generic key commands through raw RESP: exact replies and errors (expiry timing lives in ExpiryTest). */
class KeyCommandsTest extends ServerTestBase {

    @Test
    void delAndUnlink() throws IOException {
        assertEquals("+OK", c.call("mset", "a", "1", "b", "2", "c", "3"));
        assertEquals(":2", c.call("del", "a", "b", "nokey"));
        assertEquals(":0", c.call("del", "a"));
        assertEquals(":1", c.call("unlink", "c", "nokey"));
        assertEquals(":0", c.call("exists", "a", "b", "c"));
        assertEquals("-ERR wrong number of arguments for 'del' command", c.call("del"));
    }

    @Test
    void exists() throws IOException {
        assertEquals("+OK", c.call("mset", "a", "1", "b", "2"));
        assertEquals(":1", c.call("exists", "a"));
        assertEquals(":3", c.call("exists", "a", "a", "b", "nokey"));
        assertEquals(":0", c.call("exists", "nokey"));
        assertEquals("-ERR wrong number of arguments for 'exists' command", c.call("exists"));
    }

    @Test
    void type() throws IOException {
        assertEquals("+OK", c.call("set", "a", "1"));
        assertEquals("+string", c.call("type", "a"));
        assertEquals("+none", c.call("type", "nokey"));
        assertEquals("-ERR wrong number of arguments for 'type' command", c.call("type"));
    }

    @Test
    void renameAndRenamenx() throws IOException {
        assertEquals("+OK", c.call("set", "a", "1"));
        assertEquals("+OK", c.call("rename", "a", "b"));
        assertEquals("$1", c.call("get", "b"));
        assertEquals(":0", c.call("exists", "a"));
        assertEquals("-ERR no such key", c.call("rename", "nokey", "x"));
        assertEquals("+OK", c.call("rename", "b", "b"));
        assertEquals("-ERR no such key", c.call("rename", "nokey", "nokey"));
        assertEquals("+OK", c.call("set", "c", "3"));
        assertEquals("+OK", c.call("rename", "b", "c"));
        assertEquals("$1", c.call("get", "c"));
        assertEquals(":1", c.call("renamenx", "c", "d"));
        assertEquals("+OK", c.call("set", "e", "5"));
        assertEquals(":0", c.call("renamenx", "d", "e"));
        assertEquals(":0", c.call("renamenx", "d", "d"));
        assertEquals("-ERR no such key", c.call("renamenx", "nokey", "x"));
        assertEquals("-ERR wrong number of arguments for 'rename' command", c.call("rename", "a"));
        assertEquals("-ERR wrong number of arguments for 'renamenx' command", c.call("renamenx", "a"));
    }

    @Test
    void renameKeepsTtl() throws IOException {
        assertEquals("+OK", c.call("set", "a", "1", "ex", "100"));
        assertEquals("+OK", c.call("rename", "a", "b"));
        assertIntegerBetween(99, 100, c.call("ttl", "b"));
        assertEquals("+OK", c.call("set", "c", "1"));
        assertEquals("+OK", c.call("set", "d", "2", "ex", "100"));
        assertEquals("+OK", c.call("rename", "c", "d"));
        assertEquals(":-1", c.call("ttl", "d"));
    }

    @Test
    void copy() throws IOException {
        assertEquals("+OK", c.call("set", "a", "1", "ex", "100"));
        assertEquals(":1", c.call("copy", "a", "b"));
        assertEquals("$1", c.call("get", "b"));
        assertIntegerBetween(99, 100, c.call("ttl", "b"));
        assertEquals(":0", c.call("copy", "a", "b"));
        assertEquals(":1", c.call("copy", "a", "b", "replace"));
        assertEquals("-ERR source and destination objects are the same", c.call("copy", "a", "a"));
        assertEquals("-ERR source and destination objects are the same", c.call("copy", "a", "a", "db", "0"));
        assertEquals(":1", c.call("copy", "a", "a", "db", "1"));
        assertEquals("+OK", c.call("select", "1"));
        assertEquals("$1", c.call("get", "a"));
        assertIntegerBetween(99, 100, c.call("ttl", "a"));
        assertEquals("+OK", c.call("select", "0"));
        assertEquals("-ERR DB index is out of range", c.call("copy", "a", "a", "db", "16"));
        assertEquals("-ERR DB index is out of range", c.call("copy", "a", "a", "db", "-1"));
        assertEquals("-ERR value is not an integer or out of range", c.call("copy", "a", "a", "db", "x"));
        assertEquals("-ERR value is out of range, value must between -2147483648 and 2147483647", c.call("copy", "a", "a", "db", "99999999999"));
        assertEquals("-ERR syntax error", c.call("copy", "a", "a", "db"));
        assertEquals("-ERR syntax error", c.call("copy", "a", "a", "foo"));
        assertEquals(":0", c.call("copy", "nokey", "x"));
        assertEquals("-ERR wrong number of arguments for 'copy' command", c.call("copy", "a"));
    }

    @Test
    void move() throws IOException {
        assertEquals("+OK", c.call("set", "a", "1", "ex", "100"));
        assertEquals(":1", c.call("move", "a", "1"));
        assertEquals(":0", c.call("exists", "a"));
        assertEquals("+OK", c.call("select", "1"));
        assertEquals("$1", c.call("get", "a"));
        assertIntegerBetween(99, 100, c.call("ttl", "a"));
        assertEquals("+OK", c.call("select", "0"));
        assertEquals("+OK", c.call("set", "a", "2"));
        assertEquals("+OK", c.call("select", "1"));
        assertEquals(":0", c.call("move", "a", "0"));
        assertEquals("+OK", c.call("select", "0"));
        assertEquals("$2", c.call("get", "a"));
        assertEquals("-ERR source and destination objects are the same", c.call("move", "a", "0"));
        assertEquals("-ERR DB index is out of range", c.call("move", "a", "16"));
        assertEquals("-ERR value is not an integer or out of range", c.call("move", "a", "x"));
        assertEquals("-ERR value is out of range, value must between -2147483648 and 2147483647", c.call("move", "a", "99999999999"));
        assertEquals(":0", c.call("move", "nokey", "1"));
    }

    @Test
    void keysPattern() throws IOException {
        assertEquals("+OK", c.call("mset", "one", "1", "two", "2", "three", "3", "four", "4", "h?llo", "x", "hallo", "y"));
        assertUnordered("*[$h?llo, $one, $four, $hallo, $two]", c.call("keys", "*o*"));
        assertEquals("*[$two]", c.call("keys", "t??"));
        assertUnordered("*[$one, $three, $two]", c.call("keys", "[ot]*"));
        assertEquals("*[$h?llo]", c.call("keys", "h\\?llo"));
        assertEquals("*[]", c.call("keys", "nomatch*"));
        assertEquals("-ERR wrong number of arguments for 'keys' command", c.call("keys"));
    }

    @Test
    void scanOptionsAndErrors() throws IOException {
        assertEquals("+OK", c.call("mset", "a", "1", "b", "2"));
        assertEquals("-ERR syntax error", c.call("scan", "0", "count", "0"));
        assertEquals("-ERR syntax error", c.call("scan", "0", "count", "-1"));
        assertEquals("-ERR value is not an integer or out of range", c.call("scan", "0", "count", "x"));
        assertEquals("-ERR syntax error", c.call("scan", "0", "match"));
        assertEquals("-ERR syntax error", c.call("scan", "0", "foo", "bar"));
        assertEquals("-ERR invalid cursor", c.call("scan", "x"));
        assertEquals("-ERR invalid cursor", c.call("scan", " 0"));
        assertEquals("-ERR invalid cursor", c.call("scan", "0x"));
        assertEquals("-ERR invalid cursor", c.call("scan", "-"));
        assertEquals("-ERR invalid cursor", c.call("scan", "18446744073709551616"));
        assertEquals("-ERR invalid cursor", c.call("scan", "-18446744073709551616"));
        assertEquals("*[$0, *[]]", c.call("scan", "0", "type", "foo"));
        assertEquals("*[$0, *[]]", c.call("scan", "0", "match", "nomatch*", "count", "100"));
        assertEquals("-ERR wrong number of arguments for 'scan' command", c.call("scan"));
    }

    @Test
    void randomkey() throws IOException {
        assertEquals("$-1", c.call("randomkey"));
        assertEquals("+OK", c.call("set", "only", "1"));
        assertEquals("$only", c.call("randomkey"));
        assertEquals("-ERR wrong number of arguments for 'randomkey' command", c.call("randomkey", "x"));
    }

    @Test
    void touch() throws IOException {
        assertEquals("+OK", c.call("mset", "a", "1", "b", "2"));
        assertEquals(":2", c.call("touch", "a", "b", "nokey"));
        assertEquals("-ERR wrong number of arguments for 'touch' command", c.call("touch"));
    }

    @Test
    void expireAndTtl() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals(":-1", c.call("ttl", "k"));
        assertEquals(":-1", c.call("pttl", "k"));
        assertEquals(":-2", c.call("ttl", "nokey"));
        assertEquals(":-2", c.call("pttl", "nokey"));
        assertEquals(":1", c.call("expire", "k", "100"));
        assertIntegerBetween(99, 100, c.call("ttl", "k"));
        assertEquals(":0", c.call("expire", "nokey", "100"));
        assertEquals("-ERR value is not an integer or out of range", c.call("expire", "k", "abc"));
        assertEquals("-ERR Unsupported option foo", c.call("expire", "k", "100", "foo"));
        assertEquals("-ERR Unsupported option foo", c.call("expire", "k", "abc", "foo"));
        assertEquals("-ERR wrong number of arguments for 'expire' command", c.call("expire"));
        assertEquals("-ERR invalid expire time in 'expire' command", c.call("expire", "k", "9223372036854775807"));
        assertEquals("-ERR invalid expire time in 'expire' command", c.call("expire", "k", "-9223372036854775808"));
        assertEquals("-ERR invalid expire time in 'pexpire' command", c.call("pexpire", "k", "9223372036854775807"));
        assertIntegerBetween(99, 100, c.call("ttl", "k"));
    }

    @Test
    void expireOptions() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals(":0", c.call("expire", "k", "100", "xx"));
        assertEquals(":0", c.call("expire", "k", "100", "gt"));
        assertEquals(":1", c.call("expire", "k", "100", "lt"));
        assertIntegerBetween(99, 100, c.call("ttl", "k"));
        assertEquals(":0", c.call("expire", "k", "200", "nx"));
        assertEquals(":1", c.call("expire", "k", "200", "gt"));
        assertIntegerBetween(199, 200, c.call("ttl", "k"));
        assertEquals(":0", c.call("expire", "k", "100", "gt"));
        assertEquals(":1", c.call("expire", "k", "50", "lt"));
        assertIntegerBetween(49, 50, c.call("ttl", "k"));
        assertEquals(":0", c.call("expire", "k", "60", "lt"));
        assertEquals(":1", c.call("expire", "k", "300", "xx"));
        assertIntegerBetween(299, 300, c.call("ttl", "k"));
        assertEquals("-ERR NX and XX, GT or LT options at the same time are not compatible", c.call("expire", "k", "10", "nx", "xx"));
        assertEquals("-ERR NX and XX, GT or LT options at the same time are not compatible", c.call("expire", "k", "10", "nx", "gt"));
        assertEquals("-ERR GT and LT options at the same time are not compatible", c.call("expire", "k", "10", "gt", "lt"));
        assertEquals(":0", c.call("expire", "k", "10", "NX"));
        assertEquals(":0", c.call("expire", "k", "10", "Xx", "Gt"));
        assertIntegerBetween(299, 300, c.call("ttl", "k"));
    }

    @Test
    void expireInThePastDeletes() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals(":1", c.call("expire", "k", "0"));
        assertEquals(":0", c.call("exists", "k"));
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals(":1", c.call("expire", "k", "-10"));
        assertEquals(":0", c.call("exists", "k"));
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals(":1", c.call("pexpire", "k", "-1"));
        assertEquals(":0", c.call("exists", "k"));
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals(":1", c.call("expireat", "k", "1"));
        assertEquals(":0", c.call("exists", "k"));
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals(":1", c.call("pexpireat", "k", "1000"));
        assertEquals(":0", c.call("exists", "k"));
        assertEquals(":0", c.call("expireat", "nokey", "1"));
    }

    @Test
    void expiretimeAndPexpiretime() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals(":-1", c.call("expiretime", "k"));
        assertEquals(":-1", c.call("pexpiretime", "k"));
        assertEquals(":-2", c.call("expiretime", "nokey"));
        assertEquals(":-2", c.call("pexpiretime", "nokey"));
        assertEquals(":1", c.call("pexpireat", "k", "1999999999999"));
        assertEquals(":2000000000", c.call("expiretime", "k"));
        assertEquals(":1999999999999", c.call("pexpiretime", "k"));
        assertEquals(":1", c.call("pexpireat", "k", "1999999999499"));
        assertEquals(":1999999999", c.call("expiretime", "k"));
        assertEquals(":1", c.call("pexpireat", "k", "1999999999500"));
        assertEquals(":2000000000", c.call("expiretime", "k"));
        assertEquals(":1", c.call("expireat", "k", "4102444800"));
        assertEquals(":4102444800", c.call("expiretime", "k"));
        assertEquals(":4102444800000", c.call("pexpiretime", "k"));
    }

    @Test
    void persist() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v", "ex", "100"));
        assertEquals(":1", c.call("persist", "k"));
        assertEquals(":-1", c.call("ttl", "k"));
        assertEquals(":0", c.call("persist", "k"));
        assertEquals(":0", c.call("persist", "nokey"));
        assertEquals("-ERR wrong number of arguments for 'persist' command", c.call("persist"));
    }

    @Test
    void objectSubcommands() throws IOException {
        assertEquals("+OK", c.call("set", "k", "hello"));
        assertEquals("$embstr", c.call("object", "encoding", "k"));
        assertEquals("$-1", c.call("object", "encoding", "nokey"));
        assertEquals(":1", c.call("object", "refcount", "k"));
        assertEquals("-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.", c.call("object", "freq", "k"));
        assertEquals("-ERR wrong number of arguments for 'object|encoding' command", c.call("object", "encoding"));
        assertEquals("-ERR wrong number of arguments for 'object|encoding' command", c.call("object", "encoding", "a", "b"));
        assertEquals("-ERR unknown subcommand 'foo'. Try OBJECT HELP.", c.call("object", "foo", "k"));
        assertEquals("-ERR wrong number of arguments for 'object|help' command", c.call("object", "help", "x"));
        assertEquals("-ERR wrong number of arguments for 'object' command", c.call("object"));
    }
}
