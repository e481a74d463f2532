package io.gearlog.resp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.LPosParams;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The non-blocking list commands through Jedis and raw RESP, with Redis 7.0's exact replies and errors. */
class ListCommandsTest {
    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    static TestServer server;
    static Jedis j;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        j = server.jedis();
    }

    @AfterAll
    static void stop() {
        j.close();
        server.close();
    }

    @BeforeEach
    void clean() {
        j.flushAll();
        j.configSet("notify-keyspace-events", "");
    }

    /** Sends any command; bulk strings come back as Java strings, arrays as lists. */
    static Object call(Jedis jedis, String... argv) {
        ProtocolCommand name = () -> argv[0].getBytes(StandardCharsets.UTF_8);
        return decode(jedis.sendCommand(name, Arrays.copyOfRange(argv, 1, argv.length)));
    }

    static Object decode(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) {
                out.add(decode(x));
            }
            return out;
        }
        return o;
    }

    /** The error text a command fails with. */
    static String error(Jedis jedis, String... argv) {
        return assertThrows(JedisDataException.class, () -> call(jedis, argv)).getMessage();
    }

    static Object call(String... argv) {
        return call(j, argv);
    }

    static String error(String... argv) {
        return error(j, argv);
    }

    /** One raw RESP exchange where the reply is a single line (to tell null bulk from null array). */
    static String rawLine(String command) throws Exception {
        try (RawConnection c = new RawConnection(server.port())) {
            c.send(command + "\r\n");
            return c.line();
        }
    }

    @Test
    void pushesReturnTheNewLengthAndKeepOrder() {
        assertEquals(3L, j.rpush("l", "a", "b", "c"));
        assertEquals(5L, j.lpush("l", "x", "y"));
        assertEquals(List.of("y", "x", "a", "b", "c"), j.lrange("l", 0, -1));
        assertEquals(5L, j.llen("l"));
        assertEquals(0L, j.llen("missing"));
        assertEquals("list", j.type("l"));
        assertEquals("quicklist", j.objectEncoding("l"));
    }

    @Test
    void pushxOnlyTouchesExistingLists() {
        assertEquals(0L, j.lpushx("l", "a"));
        assertEquals(0L, j.rpushx("l", "a"));
        assertFalse(j.exists("l"));
        j.rpush("l", "m");
        assertEquals(3L, j.lpushx("l", "b", "a"));
        assertEquals(4L, j.rpushx("l", "z"));
        assertEquals(List.of("a", "b", "m", "z"), j.lrange("l", 0, -1));
    }

    @Test
    void lrangeAndLindexClampAndCountFromTheEnd() {
        j.rpush("l", "a", "b", "c", "d");
        assertEquals(List.of("b", "c", "d"), j.lrange("l", 1, -1));
        assertEquals(List.of("a", "b", "c", "d"), j.lrange("l", -100, 100));
        assertEquals(List.of("c"), j.lrange("l", -2, -2));
        assertEquals(List.of(), j.lrange("l", 5, 10));
        assertEquals(List.of(), j.lrange("l", 2, 1));
        assertEquals(List.of(), j.lrange("l", -1, -2));
        assertEquals(List.of(), j.lrange("missing", 0, -1));
        assertEquals("a", j.lindex("l", 0));
        assertEquals("d", j.lindex("l", -1));
        assertEquals("a", j.lindex("l", -4));
        assertNull(j.lindex("l", -5));
        assertNull(j.lindex("l", 4));
        assertNull(j.lindex("missing", 0));
        assertEquals("ERR value is not an integer or out of range", error("LRANGE", "l", "0", "x"));
        assertEquals("ERR value is not an integer or out of range", error("LINDEX", "l", "1.5"));
    }

    @Test
    void popWithAndWithoutCount() throws Exception {
        j.rpush("l", "a", "b", "c", "d", "e");
        assertEquals("a", j.lpop("l"));
        assertEquals("e", j.rpop("l"));
        assertEquals(List.of("b", "c"), j.lpop("l", 2));
        assertEquals(List.of("d"), j.rpop("l", 10));
        assertFalse(j.exists("l"));
        assertNull(j.lpop("l"));
        assertEquals("$-1", rawLine("LPOP missing"));
        assertEquals("*-1", rawLine("LPOP missing 0"));
        assertEquals("*-1", rawLine("RPOP missing 3"));
        j.rpush("l", "a");
        assertEquals("*0", rawLine("LPOP l 0"));
        assertEquals("ERR value is out of range, must be positive", error("LPOP", "l", "-1"));
        assertEquals("ERR value is out of range, must be positive", error("RPOP", "l", "x"));
        assertEquals("ERR wrong number of arguments for 'lpop' command", error("LPOP", "l", "1", "2"));
        assertEquals("ERR wrong number of arguments for 'rpop' command", error("rpop"));
        assertEquals(1L, j.llen("l"));
    }

    @Test
    void lsetReplacesByIndex() {
        assertEquals("ERR no such key", error("LSET", "missing", "0", "x"));
        j.rpush("l", "a", "b", "c");
        assertEquals("OK", j.lset("l", 1, "B"));
        assertEquals("OK", j.lset("l", -1, "C".repeat(300)));
        assertEquals("OK", j.lset("l", 0, "12345"));
        assertEquals(List.of("12345", "B", "C".repeat(300)), j.lrange("l", 0, -1));
        assertEquals("ERR index out of range", error("LSET", "l", "3", "x"));
        assertEquals("ERR index out of range", error("LSET", "l", "-4", "x"));
        assertEquals("ERR value is not an integer or out of range", error("LSET", "l", "x", "y"));
        assertEquals("ERR no such key", error("LSET", "missing", "x", "y"));
    }

    @Test
    void lremFromHeadTailOrEverywhere() {
        j.rpush("l", "a", "x", "b", "x", "c", "x", "d", "x");
        assertEquals(1L, j.lrem("l", 1, "x"));
        assertEquals(List.of("a", "b", "x", "c", "x", "d", "x"), j.lrange("l", 0, -1));
        assertEquals(2L, j.lrem("l", -2, "x"));
        assertEquals(List.of("a", "b", "x", "c", "d"), j.lrange("l", 0, -1));
        assertEquals(0L, j.lrem("l", 0, "nothere"));
        j.rpush("l", "x", "x");
        assertEquals(3L, j.lrem("l", 0, "x"));
        assertEquals(List.of("a", "b", "c", "d"), j.lrange("l", 0, -1));
        assertEquals(0L, j.lrem("missing", 0, "x"));
        j.del("l");
        j.rpush("l", "7", "7");
        assertEquals(2L, j.lrem("l", 0, "7"));
        assertFalse(j.exists("l"));
        assertEquals("ERR value is not an integer or out of range", error("LREM", "l", "x", "a"));
    }

    @Test
    void ltrimKeepsARangeAndDeletesWhenNothingIsLeft() {
        j.rpush("l", "a", "b", "c", "d", "e");
        assertEquals("OK", j.ltrim("l", 1, -2));
        assertEquals(List.of("b", "c", "d"), j.lrange("l", 0, -1));
        assertEquals("OK", j.ltrim("l", -100, 100));
        assertEquals(List.of("b", "c", "d"), j.lrange("l", 0, -1));
        assertEquals("OK", j.ltrim("l", 5, 1));
        assertFalse(j.exists("l"));
        assertEquals("OK", j.ltrim("missing", 0, 1));
        assertEquals("ERR value is not an integer or out of range", error("LTRIM", "l", "x", "1"));
    }

    @Test
    void linsertAroundThePivot() {
        assertEquals(0L, call("LINSERT", "missing", "BEFORE", "a", "b"));
        j.rpush("l", "a", "b", "a");
        assertEquals(4L, call("LINSERT", "l", "before", "a", "x"));
        assertEquals(5L, call("LINSERT", "l", "AFTER", "b", "y"));
        assertEquals(-1L, call("LINSERT", "l", "AFTER", "zz", "y"));
        assertEquals(List.of("x", "a", "b", "y", "a"), j.lrange("l", 0, -1));
        assertEquals("ERR syntax error", error("LINSERT", "l", "around", "a", "b"));
        assertEquals("ERR syntax error", error("LINSERT", "missing", "around", "a", "b"));
    }

    @Test
    void lposWithRankCountAndMaxlen() throws Exception {
        j.rpush("l", "a", "b", "c", "a", "b", "a");
        assertEquals(0L, j.lpos("l", "a"));
        assertEquals(3L, j.lpos("l", "a", LPosParams.lPosParams().rank(2)));
        assertEquals(5L, j.lpos("l", "a", LPosParams.lPosParams().rank(-1)));
        assertEquals(3L, j.lpos("l", "a", LPosParams.lPosParams().rank(-2)));
        assertNull(j.lpos("l", "a", LPosParams.lPosParams().rank(4)));
        assertEquals(List.of(0L, 3L, 5L), j.lpos("l", "a", LPosParams.lPosParams(), 0));
        assertEquals(List.of(3L, 5L), j.lpos("l", "a", LPosParams.lPosParams().rank(2), 0));
        assertEquals(List.of(5L, 3L), j.lpos("l", "a", LPosParams.lPosParams().rank(-1), 2));
        assertEquals(List.of(0L), j.lpos("l", "a", LPosParams.lPosParams().maxlen(3), 0));
        assertEquals(List.of(), j.lpos("l", "zz", LPosParams.lPosParams(), 0));
        assertNull(j.lpos("l", "zz"));
        assertNull(j.lpos("missing", "a"));
        assertEquals(List.of(), j.lpos("missing", "a", LPosParams.lPosParams(), 1));
        assertEquals("*0", rawLine("LPOS missing a COUNT 1"));
        assertEquals("$-1", rawLine("LPOS missing a"));
        // RANK of Long.MIN_VALUE cannot be negated: Redis then matches from the first hit and its COUNT check
        // overflows, so every match is returned
        assertEquals(5L, call("LPOS", "l", "a", "RANK", "-9223372036854775808"));
        assertEquals(List.of(5L, 3L, 0L), call("LPOS", "l", "a", "RANK", "-9223372036854775808", "COUNT", "2"));
        assertEquals("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                + "or use negative to start from the end of the list", error("LPOS", "l", "a", "RANK", "0"));
        assertEquals("ERR value is not an integer or out of range", error("LPOS", "l", "a", "RANK", "x"));
        assertEquals("ERR COUNT can't be negative", error("LPOS", "l", "a", "COUNT", "-1"));
        assertEquals("ERR MAXLEN can't be negative", error("LPOS", "l", "a", "MAXLEN", "-1"));
        assertEquals("ERR syntax error", error("LPOS", "l", "a", "RANK"));
        assertEquals("ERR syntax error", error("LPOS", "l", "a", "FOO", "1"));
    }

    @Test
    void lmoveInEveryDirection() throws Exception {
        j.rpush("src", "1", "2", "3", "4");
        assertEquals("1", j.lmove("src", "dst", ListDirection.LEFT, ListDirection.LEFT));
        assertEquals("4", j.lmove("src", "dst", ListDirection.RIGHT, ListDirection.RIGHT));
        assertEquals("2", j.lmove("src", "dst", ListDirection.LEFT, ListDirection.RIGHT));
        assertEquals("3", j.rpoplpush("src", "dst"));
        assertEquals(List.of("3", "1", "4", "2"), j.lrange("dst", 0, -1));
        assertFalse(j.exists("src"));
        assertNull(j.lmove("src", "dst", ListDirection.LEFT, ListDirection.LEFT));
        assertEquals("$-1", rawLine("RPOPLPUSH src dst"));
        // rotating a list onto itself, even with one element
        assertEquals("3", j.lmove("dst", "dst", ListDirection.LEFT, ListDirection.RIGHT));
        assertEquals(List.of("1", "4", "2", "3"), j.lrange("dst", 0, -1));
        j.rpush("one", "x");
        assertEquals("x", j.rpoplpush("one", "one"));
        assertEquals(List.of("x"), j.lrange("one", 0, -1));
        assertEquals("ERR syntax error", error("LMOVE", "dst", "x", "UP", "LEFT"));
        j.set("str", "v");
        assertEquals(WRONGTYPE, error("LMOVE", "dst", "str", "LEFT", "LEFT"));
        assertEquals(4L, j.llen("dst"));
        assertEquals(WRONGTYPE, error("LMOVE", "str", "dst", "LEFT", "LEFT"));
        assertNull(j.lmove("missing", "str", ListDirection.LEFT, ListDirection.LEFT));
    }

    @Test
    void lmpopTakesFromTheFirstNonEmptyList() throws Exception {
        j.rpush("b", "1", "2", "3");
        assertEquals(List.of("b", List.of("1")), call("LMPOP", "2", "a", "b", "LEFT"));
        assertEquals(List.of("b", List.of("3", "2")), call("LMPOP", "2", "a", "b", "RIGHT", "COUNT", "5"));
        assertFalse(j.exists("b"));
        assertEquals("*-1", rawLine("LMPOP 2 a b LEFT"));
        j.rpush("l", "x");
        assertEquals("ERR numkeys should be greater than 0", error("LMPOP", "0", "l", "LEFT"));
        assertEquals("ERR numkeys should be greater than 0", error("LMPOP", "x", "l", "LEFT"));
        assertEquals("ERR numkeys should be greater than 0", error("LMPOP", "-1", "l", "LEFT"));
        assertEquals("ERR syntax error", error("LMPOP", "9223372036854775807", "l", "LEFT"));
        assertEquals("ERR syntax error", error("LMPOP", "2", "l", "LEFT"));
        assertEquals("ERR syntax error", error("LMPOP", "1", "l", "UP"));
        assertEquals("ERR count should be greater than 0", error("LMPOP", "1", "l", "LEFT", "COUNT", "0"));
        assertEquals("ERR count should be greater than 0", error("LMPOP", "1", "l", "LEFT", "COUNT", "x"));
        assertEquals("ERR syntax error", error("LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "1"));
        assertEquals("ERR syntax error", error("LMPOP", "1", "l", "LEFT", "COUNT"));
        j.set("str", "v");
        assertEquals(WRONGTYPE, error("LMPOP", "2", "str", "l", "LEFT"));
        assertEquals(List.of("l", List.of("x")), call("LMPOP", "2", "missing", "l", "LEFT"));
    }

    @Test
    void everyListCommandRejectsOtherTypes() {
        j.set("s", "v");
        for (String[] argv : new String[][]{{"LPUSH", "s", "a"}, {"RPUSH", "s", "a"}, {"LPUSHX", "s", "a"},
            {"RPUSHX", "s", "a"}, {"LPOP", "s"}, {"RPOP", "s", "2"}, {"LLEN", "s"}, {"LRANGE", "s", "0", "1"},
            {"LINDEX", "s", "0"}, {"LSET", "s", "0", "a"}, {"LREM", "s", "0", "a"}, {"LTRIM", "s", "0", "1"},
            {"LINSERT", "s", "BEFORE", "a", "b"}, {"LPOS", "s", "a"}, {"RPOPLPUSH", "s", "d"},
            {"BLPOP", "s", "0"}, {"BRPOP", "s", "0"}, {"BLMOVE", "s", "d", "LEFT", "LEFT", "0"},
            {"BRPOPLPUSH", "s", "d", "0"}, {"BLMPOP", "0", "1", "s", "LEFT"}}) {
            assertEquals(WRONGTYPE, error(argv), String.join(" ", argv));
        }
        assertEquals("v", j.get("s"));
        assertFalse(j.exists("d"));
    }

    @Test
    void elementsAreBinarySafeAndNumbersKeepTheirSpelling() {
        byte[] bin = new byte[300];
        for (int i = 0; i < bin.length; i++) {
            bin[i] = (byte) i;
        }
        String[] numbers = {"0", "-0", "007", "+5", "-1", "1", "123456789012345678", "-123456789012345678",
            "1234567890123456789", "9223372036854775807", "-9223372036854775808", "1.5", "", " 1"};
        j.rpush("n", numbers);
        assertEquals(List.of(numbers), j.lrange("n", 0, -1));
        for (int i = 0; i < numbers.length; i++) {
            assertEquals((long) i, j.lpos("n", numbers[i]), numbers[i]);
        }
        assertEquals(1L, j.lrem("n", 0, "-0"));
        assertEquals(0L, j.lrem("n", 0, "00"));
        byte[] key = "b".getBytes();
        j.rpush(key, bin, new byte[0], bin);
        assertArrayEquals(bin, j.lindex(key, 2));
        assertArrayEquals(new byte[0], j.lpop(key, 2).get(1));
    }

    @Test
    void listsLargerThanOneNodeBehaveLikeAPlainList() {
        // a model-checked run of every editing command over lists spanning many nodes, with elements of all sizes
        Random rnd = new Random(42);
        List<String> model = new ArrayList<>();
        for (int round = 0; round < 1500; round++) {
            int op = rnd.nextInt(10);
            String v = value(rnd);
            switch (op) {
                case 0, 1 -> {
                    String[] vs = new String[1 + rnd.nextInt(40)];
                    for (int i = 0; i < vs.length; i++) {
                        vs[i] = value(rnd);
                    }
                    if (op == 0) {
                        j.rpush("big", vs);
                        model.addAll(List.of(vs));
                    } else {
                        j.lpush("big", vs);
                        for (String x : vs) {
                            model.addFirst(x);
                        }
                    }
                }
                case 2 -> {
                    if (!model.isEmpty()) {
                        int i = rnd.nextInt(model.size());
                        j.lset("big", i, v);
                        model.set(i, v);
                    }
                }
                case 3 -> {
                    if (!model.isEmpty()) {
                        String pivot = model.get(rnd.nextInt(model.size()));
                        boolean after = rnd.nextBoolean();
                        call("LINSERT", "big", after ? "AFTER" : "BEFORE", pivot, v);
                        model.add(model.indexOf(pivot) + (after ? 1 : 0), v);
                    }
                }
                case 4 -> {
                    if (!model.isEmpty()) {
                        String x = model.get(rnd.nextInt(model.size()));
                        int count = rnd.nextInt(5) - 2;
                        long removed = j.lrem("big", count, x);
                        assertEquals(removeModel(model, x, count), removed);
                    }
                }
                case 5 -> {
                    int n = rnd.nextInt(20);
                    boolean left = rnd.nextBoolean();
                    List<String> got = left ? j.lpop("big", n) : j.rpop("big", n);
                    if (model.isEmpty()) {
                        assertNull(got);
                    } else {
                        assertEquals(Math.min(n, model.size()), got.size());
                        for (String x : got) {
                            assertEquals(left ? model.removeFirst() : model.removeLast(), x);
                        }
                    }
                }
                case 6 -> {
                    if (model.size() > 50) {
                        j.ltrim("big", 3, -4);
                        model = new ArrayList<>(model.subList(3, model.size() - 3));
                    }
                }
                default -> {
                    if (!model.isEmpty()) {
                        int i = rnd.nextInt(model.size());
                        assertEquals(model.get(i), j.lindex("big", i));
                        assertEquals(model.get(i), j.lindex("big", i - model.size()));
                    }
                }
            }
            assertEquals(model.size(), j.llen("big"));
        }
        assertEquals(model, j.lrange("big", 0, -1));
        assertEquals(model.subList(model.size() / 3, model.size() / 2 + 1),
                j.lrange("big", model.size() / 3, model.size() / 2));
    }

    private static String value(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> Integer.toString(rnd.nextInt(2000) - 1000);
            case 1 -> "v" + rnd.nextInt(30);
            case 2 -> "x".repeat(2000 + rnd.nextInt(9000));
            default -> "e".repeat(rnd.nextInt(60)) + rnd.nextInt(100);
        };
    }

    private static long removeModel(List<String> model, String x, int count) {
        long removed = 0;
        if (count >= 0) {
            for (int i = 0; i < model.size() && (count == 0 || removed < count); ) {
                if (model.get(i).equals(x)) {
                    model.remove(i);
                    removed++;
                } else {
                    i++;
                }
            }
        } else {
            for (int i = model.size() - 1; i >= 0 && removed < -count; i--) {
                if (model.get(i).equals(x)) {
                    model.remove(i);
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Reads one keyevent message from a PSUBSCRIBEd raw connection as "event key". */
    static String event(RawConnection sub) throws Exception {
        assertEquals("*4", sub.line());
        sub.line();
        assertEquals("pmessage", sub.line());
        sub.line();
        sub.line();
        sub.line();
        String channel = sub.line();
        sub.line();
        String key = sub.line();
        return channel.substring(channel.indexOf(':') + 1) + " " + key;
    }

    static RawConnection subscribeToKeyevents(Jedis jedis, int port) throws Exception {
        jedis.configSet("notify-keyspace-events", "KEA");
        RawConnection sub = new RawConnection(port);
        sub.send("PSUBSCRIBE __keyevent@0__:*\r\n");
        for (int i = 0; i < 6; i++) {
            sub.line();
        }
        return sub;
    }

    @Test
    void keyspaceEventsMatchRedis() throws Exception {
        try (RawConnection sub = subscribeToKeyevents(j, server.port())) {
            j.rpush("l", "a", "b", "c", "d");
            j.lpush("l", "z");
            j.lpushx("l", "y");
            j.rpushx("l", "e");
            j.lpushx("nothing", "y");
            call("LINSERT", "l", "BEFORE", "a", "x");
            call("LINSERT", "l", "BEFORE", "nothere", "x");
            j.lset("l", 0, "Y");
            j.lrem("l", 0, "x");
            j.lrem("l", 0, "nothere");
            j.ltrim("l", 0, -1);
            j.lpop("l");
            j.rpop("l", 2);
            j.lmove("l", "m", ListDirection.LEFT, ListDirection.RIGHT);
            j.rpoplpush("l", "m");
            call("LMPOP", "1", "l", "RIGHT", "COUNT", "10");
            j.ltrim("m", 5, 1);
            j.set("marker", "1");
            List<String> expected = List.of("rpush l", "lpush l", "lpush l", "rpush l", "linsert l", "lset l",
                    "lrem l", "ltrim l", "lpop l", "rpop l", "rpush m", "lpop l", "lpush m", "rpop l", "rpop l",
                    "del l", "ltrim m", "del m", "set marker");
            List<String> got = new ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                got.add(event(sub));
            }
            assertEquals(expected, got);
        }
    }
}
