package io.gearlog.resp;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Redis 7.0 string group through raw RESP: exact replies and errors. */
class StringCommandsTest extends ServerTestBase {

    @Test
    void setAndGet() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals("$v", c.call("get", "k"));
        assertEquals("$-1", c.call("get", "nokey"));
        assertEquals("-ERR wrong number of arguments for 'set' command", c.call("set", "k"));
        assertEquals("-ERR wrong number of arguments for 'get' command", c.call("get"));
        assertEquals("-ERR syntax error", c.call("set", "k", "v", "foo"));
        assertEquals("+OK", c.call("set", "", "empty"));
        assertEquals("$empty", c.call("get", ""));
        assertEquals("+OK", c.call("set", "bin", "a\\x00b"));
        assertEquals(":6", c.call("strlen", "bin"));
    }

    @Test
    void plainSetReplacesTtlTypeAndEncodingButNotACopy() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v", "ex", "100"));
        assertEquals("+OK", c.call("set", "k", "w"));
        assertEquals(":-1", c.call("ttl", "k"));
        assertEquals("$w", c.call("get", "k"));
        assertEquals("+OK", c.call("set", "k", "x", "px", "100000"));
        assertEquals("+OK", c.call("set", "k", "y", "keepttl"));
        assertEquals(":100", c.call("ttl", "k"));
        assertEquals(":1", c.call("rpush", "l", "a"));
        assertEquals("+OK", c.call("set", "l", "12345"));
        assertEquals("+string", c.call("type", "l"));
        assertEquals("$int", c.call("object", "encoding", "l"));
        assertEquals(":1", c.call("copy", "l", "l2"));
        assertEquals("+OK", c.call("set", "l", "abc"));
        assertEquals("$embstr", c.call("object", "encoding", "l"));
        assertEquals("$12345", c.call("get", "l2"));
        assertEquals("$int", c.call("object", "encoding", "l2"));
        assertEquals("+OK", c.call("mset", "l", "m1", "l2", "m2"));
        assertEquals("*[$m1, $m2]", c.call("mget", "l", "l2"));
        assertEquals(":1", c.call("pexpire", "l", "1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> c.call("exists", "l").equals(":0"));
        assertEquals("+OK", c.call("set", "l", "again"));
        assertEquals(":-1", c.call("pttl", "l"));
        assertEquals("$again", c.call("get", "l"));
    }

    @Test
    void setNxXx() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v", "nx"));
        assertEquals("$-1", c.call("set", "k", "w", "nx"));
        assertEquals("$v", c.call("get", "k"));
        assertEquals("+OK", c.call("set", "k", "w", "xx"));
        assertEquals("$w", c.call("get", "k"));
        assertEquals("$-1", c.call("set", "other", "v", "xx"));
        assertEquals(":0", c.call("exists", "other"));
        assertEquals("-ERR syntax error", c.call("set", "k", "v", "nx", "xx"));
        assertEquals("-ERR syntax error", c.call("set", "k", "v", "xx", "nx"));
        assertEquals("$-1", c.call("set", "k", "v", "nx", "nx"));
        assertEquals("+OK", c.call("set", "k", "v", "xx", "xx"));
    }

    @Test
    void setGet() throws IOException {
        assertEquals("$-1", c.call("set", "k", "v", "get"));
        assertEquals("$v", c.call("set", "k", "w", "get"));
        assertEquals("$w", c.call("set", "k", "x", "get", "nx"));
        assertEquals("$w", c.call("get", "k"));
        assertEquals("$-1", c.call("set", "n", "v", "get", "xx"));
        assertEquals(":0", c.call("exists", "n"));
        assertEquals("$w", c.call("set", "k", "y", "get", "get"));
    }

    @Test
    void setExpireOptions() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v", "ex", "100"));
        assertIntegerBetween(99, 100, c.call("ttl", "k"));
        assertEquals("+OK", c.call("set", "k", "v", "px", "100000"));
        assertIntegerBetween(99000, 100000, c.call("pttl", "k"));
        assertEquals("+OK", c.call("set", "k", "v", "exat", "4102444800"));
        assertEquals(":4102444800", c.call("expiretime", "k"));
        assertEquals("+OK", c.call("set", "k", "v", "pxat", "4102444800123"));
        assertEquals(":4102444800123", c.call("pexpiretime", "k"));
        assertEquals("+OK", c.call("set", "k", "v", "ex", "10", "ex", "100"));
        assertIntegerBetween(99, 100, c.call("ttl", "k"));
        assertEquals("-ERR syntax error", c.call("set", "k", "v", "ex", "100", "px", "100"));
        assertEquals("-ERR syntax error", c.call("set", "k", "v", "ex", "100", "keepttl"));
        assertEquals("-ERR syntax error", c.call("set", "k", "v", "keepttl", "ex", "100"));
        assertEquals("-ERR syntax error", c.call("set", "k", "v", "ex"));
        assertEquals("-ERR invalid expire time in 'set' command", c.call("set", "k", "v", "ex", "0"));
        assertEquals("-ERR invalid expire time in 'set' command", c.call("set", "k", "v", "ex", "-1"));
        assertEquals("-ERR invalid expire time in 'set' command", c.call("set", "k", "v", "px", "0"));
        assertEquals("-ERR invalid expire time in 'set' command", c.call("set", "k", "v", "exat", "0"));
        assertEquals("-ERR value is not an integer or out of range", c.call("set", "k", "v", "ex", "abc"));
        assertEquals("-ERR invalid expire time in 'set' command", c.call("set", "k", "v", "ex", "9223372036854775807"));
        assertEquals("-ERR invalid expire time in 'set' command", c.call("set", "k", "v", "px", "9223372036854775807"));
        assertEquals("-ERR invalid expire time in 'set' command", c.call("set", "k", "v", "ex", "9223372036854776"));
        assertEquals("-ERR syntax error", c.call("set", "k", "v", "ex", "abc", "nx", "xx"));
        assertEquals("-ERR value is not an integer or out of range", c.call("set", "k", "v", "ex", "1.5"));
    }

    @Test
    void setKeepTtl() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v", "ex", "100"));
        assertEquals("+OK", c.call("set", "k", "w", "keepttl"));
        assertIntegerBetween(99, 100, c.call("ttl", "k"));
        assertEquals("$w", c.call("get", "k"));
        assertEquals("+OK", c.call("set", "k", "x"));
        assertEquals(":-1", c.call("ttl", "k"));
    }

    @Test
    void setexAndPsetex() throws IOException {
        assertEquals("+OK", c.call("setex", "k", "100", "v"));
        assertIntegerBetween(99, 100, c.call("ttl", "k"));
        assertEquals("$v", c.call("get", "k"));
        assertEquals("+OK", c.call("psetex", "k", "100000", "v"));
        assertIntegerBetween(99000, 100000, c.call("pttl", "k"));
        assertEquals("-ERR invalid expire time in 'setex' command", c.call("setex", "k", "0", "v"));
        assertEquals("-ERR invalid expire time in 'setex' command", c.call("setex", "k", "-1", "v"));
        assertEquals("-ERR value is not an integer or out of range", c.call("setex", "k", "abc", "v"));
        assertEquals("-ERR invalid expire time in 'psetex' command", c.call("psetex", "k", "0", "v"));
        assertEquals("-ERR wrong number of arguments for 'setex' command", c.call("setex", "k", "100"));
        assertEquals("-ERR invalid expire time in 'setex' command", c.call("setex", "k", "9223372036854775807", "v"));
    }

    @Test
    void setnx() throws IOException {
        assertEquals(":1", c.call("setnx", "k", "v"));
        assertEquals(":0", c.call("setnx", "k", "w"));
        assertEquals("$v", c.call("get", "k"));
        assertEquals("-ERR wrong number of arguments for 'setnx' command", c.call("setnx", "k"));
    }

    @Test
    void getset() throws IOException {
        assertEquals("$-1", c.call("getset", "k", "v"));
        assertEquals("$v", c.call("getset", "k", "w"));
        assertEquals("$w", c.call("get", "k"));
        assertEquals("+OK", c.call("set", "n", "5", "ex", "100"));
        assertEquals("$5", c.call("getset", "n", "6"));
        assertEquals(":-1", c.call("ttl", "n"));
    }

    @Test
    void getex() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals("$v", c.call("getex", "k"));
        assertEquals("$-1", c.call("getex", "nokey"));
        assertEquals("$-1", c.call("getex", "nokey", "ex", "-5"));
        assertEquals("$v", c.call("getex", "k", "ex", "100"));
        assertIntegerBetween(99, 100, c.call("ttl", "k"));
        assertEquals("$v", c.call("getex", "k", "px", "100000"));
        assertIntegerBetween(99000, 100000, c.call("pttl", "k"));
        assertEquals("$v", c.call("getex", "k", "exat", "4102444800"));
        assertEquals(":4102444800", c.call("expiretime", "k"));
        assertEquals("$v", c.call("getex", "k", "persist"));
        assertEquals(":-1", c.call("ttl", "k"));
        assertEquals("$v", c.call("getex", "k", "persist", "persist"));
        assertEquals("-ERR invalid expire time in 'getex' command", c.call("getex", "k", "ex", "-5"));
        assertEquals("-ERR invalid expire time in 'getex' command", c.call("getex", "k", "ex", "0"));
        assertEquals("-ERR value is not an integer or out of range", c.call("getex", "k", "ex", "abc"));
        assertEquals("-ERR syntax error", c.call("getex", "k", "px", "100", "ex", "10"));
        assertEquals("-ERR syntax error", c.call("getex", "k", "ex", "100", "persist"));
        assertEquals("-ERR syntax error", c.call("getex", "k", "persist", "ex", "100"));
        assertEquals("-ERR syntax error", c.call("getex", "k", "keepttl"));
        assertEquals("-ERR syntax error", c.call("getex", "k", "nx"));
        assertEquals("-ERR syntax error", c.call("getex", "k", "get"));
        assertEquals("-ERR syntax error", c.call("getex", "k", "ex"));
        assertEquals("$v", c.call("getex", "k", "pxat", "1"));
        assertEquals(":0", c.call("exists", "k"));
    }

    @Test
    void getdel() throws IOException {
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals("$v", c.call("getdel", "k"));
        assertEquals("$-1", c.call("getdel", "k"));
        assertEquals(":0", c.call("exists", "k"));
        assertEquals("-ERR wrong number of arguments for 'getdel' command", c.call("getdel"));
    }

    @Test
    void mgetMsetMsetnx() throws IOException {
        assertEquals("+OK", c.call("mset", "a", "1", "b", "2"));
        assertEquals("*[$1, $2, $-1]", c.call("mget", "a", "b", "c"));
        assertEquals("-ERR wrong number of arguments for 'mset' command", c.call("mset", "a"));
        assertEquals("-ERR wrong number of arguments for 'mset' command", c.call("mset", "a", "1", "b"));
        assertEquals("-ERR wrong number of arguments for 'mset' command", c.call("mset"));
        assertEquals(":1", c.call("msetnx", "c", "3", "d", "4"));
        assertEquals(":0", c.call("msetnx", "d", "5", "e", "6"));
        assertEquals("*[$3, $4, $-1]", c.call("mget", "c", "d", "e"));
        assertEquals("-ERR wrong number of arguments for 'msetnx' command", c.call("msetnx", "e"));
        assertEquals("-ERR wrong number of arguments for 'msetnx' command", c.call("msetnx", "e", "1", "f"));
        assertEquals("-ERR wrong number of arguments for 'mget' command", c.call("mget"));
    }

    @Test
    void incrDecr() throws IOException {
        assertEquals(":1", c.call("incr", "n"));
        assertEquals(":2", c.call("incr", "n"));
        assertEquals(":1", c.call("decr", "n"));
        assertEquals(":11", c.call("incrby", "n", "10"));
        assertEquals(":6", c.call("decrby", "n", "5"));
        assertEquals(":-94", c.call("incrby", "n", "-100"));
        assertEquals(":6", c.call("decrby", "n", "-100"));
        assertEquals("$6", c.call("get", "n"));
        assertEquals("-ERR value is not an integer or out of range", c.call("incrby", "n", "abc"));
        assertEquals("-ERR value is not an integer or out of range", c.call("incrby", "n", "1.5"));
        assertEquals("-ERR value is not an integer or out of range", c.call("decrby", "n", "9223372036854775808"));
        assertEquals("+OK", c.call("set", "n", "9223372036854775807"));
        assertEquals("-ERR increment or decrement would overflow", c.call("incr", "n"));
        assertEquals("+OK", c.call("set", "n", "-9223372036854775808"));
        assertEquals("-ERR increment or decrement would overflow", c.call("decr", "n"));
        assertEquals("-ERR increment or decrement would overflow", c.call("decrby", "n", "1"));
        assertEquals(":-9223372036854775808", c.call("incrby", "x", "-9223372036854775808"));
        assertEquals("-ERR increment or decrement would overflow", c.call("decr", "x"));
        assertEquals("+OK", c.call("set", "x", "-1"));
        assertEquals("-ERR decrement would overflow", c.call("decrby", "x", "-9223372036854775808"));
        assertEquals("+OK", c.call("set", "s", "abc"));
        assertEquals("-ERR value is not an integer or out of range", c.call("incr", "s"));
        assertEquals("+OK", c.call("set", "s", " 1"));
        assertEquals("-ERR value is not an integer or out of range", c.call("incr", "s"));
        assertEquals("+OK", c.call("set", "s", "1 "));
        assertEquals("-ERR value is not an integer or out of range", c.call("incr", "s"));
        assertEquals("+OK", c.call("set", "s", "01"));
        assertEquals("-ERR value is not an integer or out of range", c.call("incr", "s"));
        assertEquals("+OK", c.call("set", "s", "+1"));
        assertEquals("-ERR value is not an integer or out of range", c.call("incr", "s"));
        assertEquals("+OK", c.call("set", "s", "-0"));
        assertEquals("-ERR value is not an integer or out of range", c.call("incr", "s"));
        assertEquals("+OK", c.call("set", "s", "99999999999999999999"));
        assertEquals("-ERR value is not an integer or out of range", c.call("incr", "s"));
        assertEquals("+OK", c.call("set", "s", "12345678901234567890123"));
        assertEquals("-ERR value is not an integer or out of range", c.call("incr", "s"));
        assertEquals("-ERR wrong number of arguments for 'incr' command", c.call("incr"));
        assertEquals("-ERR wrong number of arguments for 'incrby' command", c.call("incrby", "n"));
        assertEquals("-ERR wrong number of arguments for 'decrby' command", c.call("decrby", "n"));
    }

    @Test
    void incrbyfloat() throws IOException {
        assertEquals("$10.5", c.call("incrbyfloat", "f", "10.5"));
        assertEquals("$10.6", c.call("incrbyfloat", "f", "0.1"));
        assertEquals("$5.6", c.call("incrbyfloat", "f", "-5"));
        assertEquals("$5005.60000000000000009", c.call("incrbyfloat", "f", "5.0e3"));
        assertEquals("$5205.60000000000000009", c.call("incrbyfloat", "f", "2.0e2"));
        assertEquals("$5204.5", c.call("incrbyfloat", "f", "-1.1"));
        assertEquals("+OK", c.call("set", "f", "0"));
        assertEquals("$1", c.call("incrbyfloat", "f", "1"));
        assertEquals("+OK", c.call("set", "g", "1.5"));
        assertEquals("$1.5", c.call("incrbyfloat", "g", "0"));
        assertEquals("$1.5", c.call("incrbyfloat", "g", "1e-20"));
        assertEquals("$0", c.call("incrbyfloat", "g", "-1.5"));
        assertEquals("+OK", c.call("set", "h", "3.0"));
        assertEquals("$3", c.call("incrbyfloat", "h", "0"));
        assertEquals("$179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384", c.call("incrbyfloat", "h", "1.7976931348623157e308"));
        assertEquals("$359538626972463139991842093548208868096772893888658356970628841530353257046248792709403737216774171128857586838851041378617416726902272110715794556052955234146997955372576789671236326588091188869859074894581254961338834769297758245552436667197907705664206565009503223382416235440319971852753604933726679072768", c.call("incrbyfloat", "h", "1.7976931348623157e308"));
        assertEquals("$10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880", c.call("incrbyfloat", "h1", "1e400"));
        assertEquals("$123456789012345678899921813504", c.call("incrbyfloat", "h2", "123456789012345678901234567890"));
        assertEquals("$16", c.call("incrbyfloat", "h3", "0x10"));
        assertEquals("$19", c.call("incrbyfloat", "h3", "0x1.8p1"));
        assertEquals("$0.5", c.call("incrbyfloat", "h4", ".5"));
        assertEquals("$1.5", c.call("incrbyfloat", "h4", "1."));
        assertEquals("$0.1", c.call("incrbyfloat", "h5", "0.1"));
        assertEquals("$0.3", c.call("incrbyfloat", "h5", "0.2"));
        assertEquals("$0", c.call("incrbyfloat", "h6", "-0"));
        assertEquals("$0", c.call("incrbyfloat", "h7", "1e-4940"));
    }

    @Test
    void incrbyfloatErrors() throws IOException {
        assertEquals("-ERR value is not a valid float", c.call("incrbyfloat", "f", "abc"));
        assertEquals("-ERR value is not a valid float", c.call("incrbyfloat", "f", "nan"));
        assertEquals("-ERR increment would produce NaN or Infinity", c.call("incrbyfloat", "f", "inf"));
        assertEquals("-ERR increment would produce NaN or Infinity", c.call("incrbyfloat", "f", "-inf"));
        assertEquals("-ERR value is not a valid float", c.call("incrbyfloat", "f", " 1"));
        assertEquals("-ERR value is not a valid float", c.call("incrbyfloat", "f", "1 "));
        assertEquals("-ERR value is not a valid float", c.call("incrbyfloat", "f", "1e"));
        assertEquals("-ERR value is not a valid float", c.call("incrbyfloat", "f", "0x"));
        assertEquals("-ERR value is not a valid float", c.call("incrbyfloat", "f", "1e-5000"));
        assertEquals("-ERR value is not a valid float", c.call("incrbyfloat", "f", "1e5000"));
        assertEquals("-ERR value is not a valid float", c.call("incrbyfloat", "f", ""));
        assertEquals("+OK", c.call("set", "s", "hello"));
        assertEquals("-ERR value is not a valid float", c.call("incrbyfloat", "s", "1"));
        assertEquals("+OK", c.call("set", "s", " 1"));
        assertEquals("-ERR value is not a valid float", c.call("incrbyfloat", "s", "1"));
        assertEquals("+OK", c.call("set", "s", "inf"));
        assertEquals("-ERR increment would produce NaN or Infinity", c.call("incrbyfloat", "s", "1"));
        assertEquals(":0", c.call("exists", "f"));
        assertEquals("-ERR wrong number of arguments for 'incrbyfloat' command", c.call("incrbyfloat", "f"));
    }

    @Test
    void countersWithTheSameValueStayIndependent() throws IOException {
        // small INCR results share their bytes between keys; writing one key must never show in another
        for (String k : new String[]{"a", "b", "c", "d"}) {
            assertEquals(":7", c.call("incrby", k, "7"));
        }
        assertEquals(":2", c.call("append", "a", "8"));
        assertEquals("$78", c.call("get", "a"));
        assertEquals(":1", c.call("setrange", "b", "0", "9"));
        assertEquals("$9", c.call("get", "b"));
        assertEquals("$7.5", c.call("incrbyfloat", "c", "0.5"));
        assertEquals(":6", c.call("decr", "d"));
        assertEquals(":1", c.call("incr", "e"));
        assertEquals(":7", c.call("incrby", "e", "6"));
        assertEquals("$7", c.call("get", "e"));
        assertEquals("$int", c.call("object", "encoding", "e"));
        assertEquals("$78", c.call("get", "a"));
        assertEquals("$9", c.call("get", "b"));
        assertEquals(":9999", c.call("incrby", "big", "9999"));
        assertEquals(":10000", c.call("incr", "big"));
        assertEquals(":-1", c.call("decrby", "neg", "1"));
        assertEquals("$10000", c.call("get", "big"));
    }

    @Test
    void appendAndStrlen() throws IOException {
        assertEquals(":5", c.call("append", "k", "hello"));
        assertEquals(":11", c.call("append", "k", " world"));
        assertEquals("$hello world", c.call("get", "k"));
        assertEquals(":11", c.call("strlen", "k"));
        assertEquals(":0", c.call("strlen", "nokey"));
        assertEquals("-ERR wrong number of arguments for 'append' command", c.call("append", "k"));
        assertEquals("-ERR wrong number of arguments for 'strlen' command", c.call("strlen"));
        assertEquals("+OK", c.call("set", "n", "12"));
        assertEquals(":4", c.call("append", "n", "34"));
        assertEquals("$1234", c.call("get", "n"));
        assertEquals(":1235", c.call("incr", "n"));
    }

    @Test
    void setrange() throws IOException {
        assertEquals(":5", c.call("setrange", "k", "0", "hello"));
        assertEquals(":11", c.call("setrange", "k", "6", "world"));
        assertEquals("$hello\0world", c.call("get", "k"));
        assertEquals(":11", c.call("setrange", "k", "0", "J"));
        assertEquals("$Jello\0world", c.call("get", "k"));
        assertEquals(":21", c.call("setrange", "k", "20", "x"));
        assertEquals(":21", c.call("strlen", "k"));
        assertEquals("-ERR offset is out of range", c.call("setrange", "k", "-1", "x"));
        assertEquals("-ERR value is not an integer or out of range", c.call("setrange", "k", "abc", "x"));
        assertEquals("-ERR string exceeds maximum allowed size (proto-max-bulk-len)", c.call("setrange", "k", "536870912", "x"));
        assertEquals(":21", c.call("setrange", "k", "536870911", ""));
        assertEquals(":0", c.call("setrange", "nokey", "5", ""));
        assertEquals(":0", c.call("exists", "nokey"));
        assertEquals(":21", c.call("setrange", "k", "1", ""));
        assertEquals(":4", c.call("setrange", "nokey2", "2", "ab"));
        assertEquals("$\0\0ab", c.call("get", "nokey2"));
        assertEquals("-ERR wrong number of arguments for 'setrange' command", c.call("setrange", "k", "0"));
    }

    @Test
    void getrangeAndSubstr() throws IOException {
        assertEquals("+OK", c.call("set", "k", "This is a string"));
        assertEquals("$This", c.call("getrange", "k", "0", "3"));
        assertEquals("$ing", c.call("getrange", "k", "-3", "-1"));
        assertEquals("$This is a string", c.call("getrange", "k", "0", "-1"));
        assertEquals("$string", c.call("getrange", "k", "10", "100"));
        assertEquals("$", c.call("getrange", "k", "5", "2"));
        assertEquals("$This", c.call("getrange", "k", "-100", "3"));
        assertEquals("$T", c.call("getrange", "k", "0", "-100"));
        assertEquals("$", c.call("getrange", "k", "-1", "-5"));
        assertEquals("$", c.call("getrange", "k", "100", "200"));
        assertEquals("$", c.call("getrange", "nokey", "0", "-1"));
        assertEquals("-ERR value is not an integer or out of range", c.call("getrange", "k", "a", "b"));
        assertEquals("$This is a string", c.call("getrange", "k", "0", "9223372036854775807"));
        assertEquals("$Thi", c.call("getrange", "k", "-9223372036854775808", "2"));
        assertEquals("$This", c.call("substr", "k", "0", "3"));
        assertEquals("-ERR wrong number of arguments for 'getrange' command", c.call("getrange", "k", "0"));
        assertEquals("+OK", c.call("set", "n", "12345"));
        assertEquals("$23", c.call("getrange", "n", "1", "2"));
    }

    @Test
    void lcs() throws IOException {
        assertEquals("+OK", c.call("set", "k1", "ohmytext"));
        assertEquals("+OK", c.call("set", "k2", "mynewtext"));
        assertEquals("$mytext", c.call("lcs", "k1", "k2"));
        assertEquals(":6", c.call("lcs", "k1", "k2", "len"));
        assertEquals("*[$matches, *[*[*[:4, :7], *[:5, :8]], *[*[:2, :3], *[:0, :1]]], $len, :6]", c.call("lcs", "k1", "k2", "idx"));
        assertEquals("*[$matches, *[*[*[:4, :7], *[:5, :8]]], $len, :6]", c.call("lcs", "k1", "k2", "idx", "minmatchlen", "4"));
        assertEquals("*[$matches, *[*[*[:4, :7], *[:5, :8], :4]], $len, :6]", c.call("lcs", "k1", "k2", "idx", "minmatchlen", "4", "withmatchlen"));
        assertEquals("*[$matches, *[*[*[:4, :7], *[:5, :8], :4], *[*[:2, :3], *[:0, :1], :2]], $len, :6]", c.call("lcs", "k1", "k2", "idx", "withmatchlen"));
        assertEquals("*[$matches, *[*[*[:4, :7], *[:5, :8]], *[*[:2, :3], *[:0, :1]]], $len, :6]", c.call("lcs", "k1", "k2", "idx", "minmatchlen", "-5"));
        assertEquals("$", c.call("lcs", "k1", "nokey"));
        assertEquals("*[$matches, *[], $len, :0]", c.call("lcs", "k1", "nokey", "idx"));
        assertEquals(":0", c.call("lcs", "nokey1", "nokey2", "len"));
        assertEquals("-ERR If you want both the length and indexes, please just use IDX.", c.call("lcs", "k1", "k2", "idx", "len"));
        assertEquals("-ERR syntax error", c.call("lcs", "k1", "k2", "foo"));
        assertEquals("-ERR syntax error", c.call("lcs", "k1", "k2", "minmatchlen"));
        assertEquals("-ERR value is not an integer or out of range", c.call("lcs", "k1", "k2", "minmatchlen", "x"));
        assertEquals("-ERR wrong number of arguments for 'lcs' command", c.call("lcs", "k1"));
        assertEquals("+OK", c.call("set", "a", "aaaa"));
        assertEquals("+OK", c.call("set", "b", "aa"));
        assertEquals("*[$matches, *[*[*[:2, :3], *[:0, :1], :2]], $len, :2]", c.call("lcs", "a", "b", "idx", "withmatchlen"));
        assertEquals("+OK", c.call("set", "a", "abcdefgh"));
        assertEquals("+OK", c.call("set", "b", "xbcyefgz"));
        assertEquals("*[$matches, *[*[*[:4, :6], *[:4, :6], :3], *[*[:1, :2], *[:1, :2], :2]], $len, :5]", c.call("lcs", "a", "b", "idx", "withmatchlen"));
        assertEquals("$bcefg", c.call("lcs", "a", "b"));
    }

    @Test
    void objectEncodingOfStrings() throws IOException {
        assertEquals("+OK", c.call("set", "a", "12345"));
        assertEquals("$int", c.call("object", "encoding", "a"));
        assertEquals("+OK", c.call("set", "a", "-1"));
        assertEquals("$int", c.call("object", "encoding", "a"));
        assertEquals("+OK", c.call("set", "a", "9223372036854775807"));
        assertEquals("$int", c.call("object", "encoding", "a"));
        assertEquals("+OK", c.call("set", "a", "9223372036854775808"));
        assertEquals("$embstr", c.call("object", "encoding", "a"));
        assertEquals("+OK", c.call("set", "a", "01"));
        assertEquals("$embstr", c.call("object", "encoding", "a"));
        assertEquals("+OK", c.call("set", "a", " 1"));
        assertEquals("$embstr", c.call("object", "encoding", "a"));
        assertEquals("+OK", c.call("set", "a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assertEquals("$embstr", c.call("object", "encoding", "a"));
        assertEquals("+OK", c.call("set", "a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assertEquals("$raw", c.call("object", "encoding", "a"));
        assertEquals(":1", c.call("append", "b", "1"));
        assertEquals("$int", c.call("object", "encoding", "b"));
        assertEquals(":2", c.call("append", "b", "2"));
        assertEquals("$raw", c.call("object", "encoding", "b"));
        assertEquals(":13", c.call("incr", "b"));
        assertEquals("$int", c.call("object", "encoding", "b"));
        assertEquals(":1", c.call("setrange", "c", "0", "1"));
        assertEquals("$raw", c.call("object", "encoding", "c"));
        assertEquals("$1", c.call("incrbyfloat", "d", "1"));
        assertEquals("$embstr", c.call("object", "encoding", "d"));
        assertEquals("+OK", c.call("set", "e", "5"));
        assertEquals("$5", c.call("getset", "e", "6"));
        assertEquals("$int", c.call("object", "encoding", "e"));
    }

    @Test
    void lcsRefusesWhenItsTableWouldExceedProtoMaxBulkLen() throws IOException {
        String a = "a".repeat(600);
        assertEquals("+OK", c.call("mset", "la", a, "lb", a));
        assertEquals("+OK", c.call("config", "set", "proto-max-bulk-len", "1mb"));
        try {
            assertEquals("-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
                    c.call("lcs", "la", "lb", "len"));
        } finally {
            assertEquals("+OK", c.call("config", "set", "proto-max-bulk-len", "512mb"));
        }
        assertEquals(":600", c.call("lcs", "la", "lb", "len"));
    }
}
