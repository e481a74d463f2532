package io.gearlog.resp;

import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.RValue;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID and XINFO STREAM against a real server. Expected replies were
 * taken from redis-server 7.0.15 running the same commands.
 */
class StreamCommandsTest extends JedisTestBase {

    // ---- helpers shared by the stream tests ----

    /** Runs a command through Jedis and renders the reply: arrays as [a, b], nil, numbers, "!ERR ..." for errors. */
    static String x(Jedis j, String... argv) {
        try {
            return show(j.sendCommand(command(argv[0]), Arrays.copyOfRange(argv, 1, argv.length)));
        } catch (JedisDataException e) {
            return "!" + e.getMessage();
        }
    }

    static ProtocolCommand command(String name) {
        byte[] raw = name.getBytes(StandardCharsets.UTF_8);
        return () -> raw;
    }

    static String show(Object o) {
        if (o == null) {
            return "nil";
        }
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (o instanceof List<?> l) {
            StringJoiner sj = new StringJoiner(", ", "[", "]");
            for (Object e : l) {
                sj.add(show(e));
            }
            return sj.toString();
        }
        return String.valueOf(o);
    }

    /** Sends a command as a RESP array over a raw connection. */
    static void send(RawConnection c, String... argv) throws IOException {
        StringBuilder sb = new StringBuilder("*").append(argv.length).append("\r\n");
        for (String a : argv) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        c.send(sb.toString());
    }

    /** Reads one reply keeping its RESP type markers: "*2[$1 a, :5]", "%1[...]", "*-1", "$-1", "_". */
    static String read(RawConnection c) throws IOException {
        String line = c.line();
        char t = line.charAt(0);
        switch (t) {
            case '+', '-', ':', '_', ',', '#' -> {
                return line;
            }
            case '$' -> {
                int n = Integer.parseInt(line.substring(1));
                if (n < 0) {
                    return line;
                }
                String data = c.read(n + 2);
                return line + " " + data.substring(0, n);
            }
            default -> {
                int n = Integer.parseInt(line.substring(1));
                if (n < 0) {
                    return line;
                }
                int items = t == '%' ? n * 2 : n;
                StringJoiner sj = new StringJoiner(", ", line + "[", "]");
                for (int i = 0; i < items; i++) {
                    sj.add(read(c));
                }
                return sj.toString();
            }
        }
    }

    static String raw(RawConnection c, String... argv) throws IOException {
        send(c, argv);
        return read(c);
    }

    /** Field/value pairs f v repeated, for XADD. */
    static String[] xadd(String key, String id, String... fv) {
        String[] a = new String[3 + fv.length];
        a[0] = "XADD";
        a[1] = key;
        a[2] = id;
        System.arraycopy(fv, 0, a, 3, fv.length);
        return a;
    }

    // ---- XADD ----

    @Test
    void xaddAcceptsGrowingExplicitIdsAndRejectsOthers() {
        assertEquals("1-1", x(j, "XADD", "s", "1-1", "f", "v"));
        assertEquals("!ERR The ID specified in XADD is equal or smaller than the target stream top item",
                x(j, "XADD", "s", "1-1", "f", "v"));
        assertEquals("!ERR The ID specified in XADD is equal or smaller than the target stream top item",
                x(j, "XADD", "s", "1-0", "f", "v"));
        assertEquals("!ERR The ID specified in XADD must be greater than 0-0", x(j, "XADD", "s", "0-0", "f", "v"));
        assertEquals("!ERR The ID specified in XADD must be greater than 0-0", x(j, "XADD", "s", "0", "f", "v"));
        assertEquals("1-2", x(j, "XADD", "s", "1-*", "f", "v"));
        assertEquals("2-0", x(j, "XADD", "s", "2-*", "a", "b", "c", "d"));
        assertEquals("3-0", x(j, "XADD", "s", "3", "f", "v"));
        for (String bad : List.of("abc", "3-x", "-1", "18446744073709551616", "1-2-3", "+", "-", "4-*x")) {
            assertEquals("!ERR Invalid stream ID specified as stream command argument", x(j, "XADD", "s", bad, "f", "v"),
                    bad);
        }
        assertEquals("!ERR wrong number of arguments for 'xadd' command", x(j, "XADD", "s", "5-5", "f"));
        assertEquals("!ERR wrong number of arguments for 'xadd' command", x(j, "XADD", "s", "5-5", "f", "v", "g"));
        assertEquals("!ERR wrong number of arguments for 'xadd' command", x(j, "XADD", "s", "*"));
        assertEquals("4", x(j, "XLEN", "s"));
    }

    @Test
    void xaddReachesTheLargestIdThenIsExhausted() {
        assertEquals("18446744073709551615-0", x(j, "XADD", "s", "18446744073709551615-0", "f", "v"));
        assertEquals("18446744073709551615-1", x(j, "XADD", "s", "18446744073709551615-*", "f", "v"));
        assertEquals("18446744073709551615-18446744073709551615",
                x(j, "XADD", "s", "18446744073709551615-18446744073709551615", "f", "v"));
        assertEquals("!ERR The stream has exhausted the last possible ID, unable to add more items",
                x(j, "XADD", "s", "*", "f", "v"));
        assertEquals("[[18446744073709551615-1, [f, v]]]",
                x(j, "XRANGE", "s", "(18446744073709551615-0", "(18446744073709551615-18446744073709551615"));
    }

    @Test
    void autoIdsUseTheCommandTimeAndCountUpWithinAMillisecond() throws IOException {
        long before = System.currentTimeMillis();
        String first = x(j, "XADD", "s", "*", "f", "v");
        long after = System.currentTimeMillis();
        long ms = Long.parseLong(first.substring(0, first.indexOf('-')));
        assertTrue(ms >= before - 1000 && ms <= after + 1000, first);
        // a transaction runs at one engine time, so its auto ids share the millisecond
        String id1;
        String id2;
        try (RawConnection c = new RawConnection(server.port())) {
            assertEquals("+OK", raw(c, "MULTI"));
            assertEquals("+QUEUED", raw(c, "XADD", "t", "*", "a", "1"));
            assertEquals("+QUEUED", raw(c, "XADD", "t", "*", "a", "2"));
            String[] ids = raw(c, "EXEC").replaceAll("^\\*2\\[|\\]$", "").split(", ");
            id1 = ids[0].substring(ids[0].indexOf(' ') + 1);
            id2 = ids[1].substring(ids[1].indexOf(' ') + 1);
        }
        String base = id1.substring(0, id1.indexOf('-'));
        assertEquals(base + "-0", id1);
        assertEquals(base + "-1", id2);
        // an explicit ms with '*' continues the sequence of that millisecond
        assertEquals(base + "-2", x(j, "XADD", "t", base + "-*", "a", "3"));
        assertEquals("0-1", x(j, "XADD", "z", "0-*", "a", "1"));
    }

    @Test
    void xaddNoMkStreamDoesNotCreateTheKey() throws IOException {
        try (RawConnection c = new RawConnection(server.port())) {
            assertEquals("$-1", raw(c, "XADD", "s", "NOMKSTREAM", "*", "f", "v"));
        }
        assertEquals("0", x(j, "EXISTS", "s"));
        assertEquals("nil", x(j, "XADD", "s", "NOMKSTREAM", "MAXLEN", "5", "1", "f", "v"));
        assertEquals("1-0", x(j, "XADD", "s", "1", "f", "v"));
        // through Jedis' own API
        StreamEntryID id = j.xadd("s", XAddParams.xAddParams().noMkStream().id(2, 0), Map.of("k", "v"));
        assertEquals(new StreamEntryID(2, 0), id);
        assertNull(j.xadd("other", XAddParams.xAddParams().noMkStream(), Map.of("k", "v")));
    }

    @Test
    void xaddTrimsWithMaxlenAndMinid() {
        assertEquals("1-0", x(j, "XADD", "s", "MAXLEN", "2", "1", "f", "v"));
        assertEquals("2-0", x(j, "XADD", "s", "MAXLEN", "2", "2", "f", "v"));
        assertEquals("3-0", x(j, "XADD", "s", "MAXLEN", "2", "3", "f", "v"));
        assertEquals("4-0", x(j, "XADD", "s", "MAXLEN", "=", "2", "4", "f", "v"));
        assertEquals("5-0", x(j, "XADD", "s", "MAXLEN", "~", "2", "5", "f", "v"));
        assertEquals("6-0", x(j, "XADD", "s", "MINID", "4", "6", "f", "v"));
        assertEquals("7-0", x(j, "XADD", "s", "MINID", "~", "4", "7", "f", "v"));
        assertEquals("8-0", x(j, "XADD", "s", "MINID", "=", "7", "8", "f", "v"));
        assertEquals("[[7-0, [f, v]], [8-0, [f, v]]]", x(j, "XRANGE", "s", "-", "+"));
        assertEquals("!ERR The MAXLEN argument must be >= 0.", x(j, "XADD", "s", "MAXLEN", "-1", "9", "f", "v"));
        assertEquals("!ERR value is not an integer or out of range", x(j, "XADD", "s", "MAXLEN", "x", "9", "f", "v"));
        assertEquals("!ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
                x(j, "XADD", "s", "MAXLEN", "1", "MINID", "1", "9", "f", "v"));
        assertEquals("!ERR Invalid stream ID specified as stream command argument",
                x(j, "XADD", "s", "MINID", "x", "9", "f", "v"));
        assertEquals("!ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
                x(j, "XADD", "s", "LIMIT", "10", "9", "f", "v"));
        assertEquals("!ERR syntax error, LIMIT cannot be used without the special ~ option",
                x(j, "XADD", "s", "LIMIT", "0", "9", "f", "v"));
        assertEquals("!ERR syntax error, LIMIT cannot be used without the special ~ option",
                x(j, "XADD", "s", "MAXLEN", "1", "LIMIT", "10", "9", "f", "v"));
        assertEquals("!ERR The LIMIT argument must be >= 0.",
                x(j, "XADD", "s", "MAXLEN", "~", "1", "LIMIT", "-1", "9", "f", "v"));
        assertEquals("9-0", x(j, "XADD", "s", "MAXLEN", "~", "1", "LIMIT", "10", "9", "f", "v"));
        assertEquals("3", x(j, "XLEN", "s"));
        // "MAXLEN ~" followed by an id: "~" becomes the count and fails to parse
        assertEquals("!ERR value is not an integer or out of range", x(j, "XADD", "s", "MAXLEN", "~", "10-0", "f", "v"));
    }

    @Test
    void approximateTrimmingRemovesWholeNodesLikeRedis() {
        for (int i = 1; i <= 350; i++) {
            j.sendCommand(command("XADD"), "a", i + "-0", "f", "v" + i);
        }
        assertEquals("[length, 350, radix-tree-keys, 4, radix-tree-nodes, 11]",
                show(((List<?>) j.sendCommand(command("XINFO"), "STREAM", "a")).subList(0, 6)));
        assertEquals("200", x(j, "XTRIM", "a", "MAXLEN", "~", "120"));
        assertEquals("150", x(j, "XLEN", "a"));
        assertEquals("0", x(j, "XTRIM", "a", "MAXLEN", "~", "120", "LIMIT", "50"));
        assertEquals("100", x(j, "XTRIM", "a", "MAXLEN", "~", "10", "LIMIT", "100"));
        assertEquals("0", x(j, "XTRIM", "a", "MINID", "~", "320"));
        assertEquals("19", x(j, "XTRIM", "a", "MINID", "320"));
        assertEquals("31", x(j, "XLEN", "a"));
        assertEquals("[[320-0, [f, v320]]]", x(j, "XRANGE", "a", "-", "+", "COUNT", "1"));
    }

    @Test
    void largeEntriesSplitNodesByListpackSize() {
        String big = "x".repeat(1000);
        for (int i = 1; i <= 20; i++) {
            j.sendCommand(command("XADD"), "big", Integer.toString(i), "f" + (i % 2), big, "n", Integer.toString(i));
        }
        assertEquals("[length, 20, radix-tree-keys, 5, radix-tree-nodes, 12]",
                show(((List<?>) j.sendCommand(command("XINFO"), "STREAM", "big")).subList(0, 6)));
        assertEquals("12", x(j, "XTRIM", "big", "MAXLEN", "~", "5"));
        assertEquals("8", x(j, "XLEN", "big"));
        // stream-node-max-entries is honoured too
        j.configSet("stream-node-max-entries", "7");
        try {
            for (int i = 1; i <= 30; i++) {
                j.sendCommand(command("XADD"), "small", Integer.toString(i), "f", "v");
            }
            assertEquals("[length, 30, radix-tree-keys, 5, radix-tree-nodes, 12]",
                    show(((List<?>) j.sendCommand(command("XINFO"), "STREAM", "small")).subList(0, 6)));
            assertEquals("14", x(j, "XTRIM", "small", "MAXLEN", "~", "10"));
        } finally {
            j.configSet("stream-node-max-entries", "100");
        }
    }

    // ---- XRANGE / XREVRANGE ----

    private void sample() {
        x(j, "XADD", "s", "1-1", "f", "v");
        x(j, "XADD", "s", "1-2", "f", "v");
        x(j, "XADD", "s", "2-0", "a", "b", "c", "d");
        x(j, "XADD", "s", "3-0", "f", "v");
    }

    @Test
    void xrangeAndXrevrangeWithExclusiveBoundsAndCount() throws IOException {
        sample();
        assertEquals("[[1-1, [f, v]], [1-2, [f, v]], [2-0, [a, b, c, d]], [3-0, [f, v]]]", x(j, "XRANGE", "s", "-", "+"));
        assertEquals("[[3-0, [f, v]], [2-0, [a, b, c, d]], [1-2, [f, v]], [1-1, [f, v]]]",
                x(j, "XREVRANGE", "s", "+", "-"));
        assertEquals("[[1-1, [f, v]], [1-2, [f, v]]]", x(j, "XRANGE", "s", "1", "1"));
        assertEquals("[[1-2, [f, v]], [2-0, [a, b, c, d]]]", x(j, "XRANGE", "s", "(1-1", "(3-0"));
        assertEquals("[[2-0, [a, b, c, d]], [1-2, [f, v]], [1-1, [f, v]]]", x(j, "XREVRANGE", "s", "(3-0", "-"));
        assertEquals("[[1-1, [f, v]], [1-2, [f, v]]]", x(j, "XRANGE", "s", "-", "+", "COUNT", "2"));
        assertEquals("[[1-1, [f, v]], [1-2, [f, v]], [2-0, [a, b, c, d]]]",
                x(j, "XRANGE", "s", "-", "+", "COUNT", "2", "COUNT", "3"));
        assertEquals("[[3-0, [f, v]]]", x(j, "XREVRANGE", "s", "+", "-", "COUNT", "1"));
        assertEquals("[]", x(j, "XRANGE", "s", "5", "1"));
        // lenient number forms accepted by Redis' strtoull fallback
        assertEquals("[[3-0, [f, v]]]", x(j, "XRANGE", "s", "003", "+"));
        assertEquals("!ERR invalid start ID for the interval",
                x(j, "XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"));
        assertEquals("!ERR invalid end ID for the interval", x(j, "XRANGE", "s", "-", "(0-0"));
        assertEquals("!ERR Invalid stream ID specified as stream command argument", x(j, "XRANGE", "s", "(", "+"));
        assertEquals("!ERR Invalid stream ID specified as stream command argument", x(j, "XRANGE", "s", "(-", "+"));
        assertEquals("!ERR syntax error", x(j, "XRANGE", "s", "-", "+", "COUNT"));
        assertEquals("!ERR syntax error", x(j, "XRANGE", "s", "-", "+", "FOO", "1"));
        assertEquals("!ERR value is not an integer or out of range", x(j, "XRANGE", "s", "-", "+", "COUNT", "x"));
        assertEquals("!ERR wrong number of arguments for 'xrange' command", x(j, "XRANGE", "s", "-"));
        try (RawConnection c = new RawConnection(server.port())) {
            // COUNT 0 (or negative) on an existing stream is a null array; on a missing key an empty one
            assertEquals("*-1", raw(c, "XRANGE", "s", "-", "+", "COUNT", "0"));
            assertEquals("*-1", raw(c, "XREVRANGE", "s", "+", "-", "COUNT", "-3"));
            assertEquals("*0[]", raw(c, "XRANGE", "nokey", "-", "+", "COUNT", "0"));
            assertEquals("*1[*2[$3 2-0, *4[$1 a, $1 b, $1 c, $1 d]]]", raw(c, "XRANGE", "s", "2", "2"));
        }
        List<StreamEntry> typed = j.xrange("s", "(1-2", "+");
        assertEquals(2, typed.size());
        assertEquals(new StreamEntryID(2, 0), typed.get(0).getID());
        assertEquals(Map.of("a", "b", "c", "d"), typed.get(0).getFields());
    }

    @Test
    void wrongTypeAndMissingKeys() {
        j.set("str", "v");
        for (String[] cmd : List.of(new String[]{"XADD", "str", "*", "f", "v"}, new String[]{"XLEN", "str"},
                new String[]{"XRANGE", "str", "-", "+"}, new String[]{"XDEL", "str", "1"},
                new String[]{"XTRIM", "str", "MAXLEN", "0"}, new String[]{"XSETID", "str", "1"},
                new String[]{"XINFO", "STREAM", "str"})) {
            assertEquals("!WRONGTYPE Operation against a key holding the wrong kind of value", x(j, cmd), cmd[0]);
        }
        assertEquals("0", x(j, "XLEN", "nokey"));
        assertEquals("[]", x(j, "XREVRANGE", "nokey", "+", "-"));
        assertEquals("0", x(j, "XDEL", "nokey", "not-an-id"));
        assertEquals("0", x(j, "XTRIM", "nokey", "MAXLEN", "0"));
        assertEquals("!ERR no such key", x(j, "XSETID", "nokey", "1-1"));
        assertEquals("!ERR no such key", x(j, "XINFO", "STREAM", "nokey"));
        x(j, "XADD", "s", "1", "f", "v");
        assertEquals("stream", j.type("s"));
        assertEquals("stream", j.objectEncoding("s"));
    }

    // ---- XDEL / XTRIM / XSETID ----

    @Test
    void xdelMarksEntriesDeletedAndTracksTheMaxDeletedId() {
        x(j, "XADD", "t", "1", "a", "1", "b", "2");
        x(j, "XADD", "t", "2", "a", "1", "b", "3");
        x(j, "XADD", "t", "3", "b", "1", "a", "3");
        x(j, "XADD", "t", "4", "a", "1");
        assertEquals("!ERR Invalid stream ID specified as stream command argument", x(j, "XDEL", "t", "1", "x"));
        assertEquals("4", x(j, "XLEN", "t"));
        assertEquals("2", x(j, "XDEL", "t", "2", "4"));
        assertEquals("0", x(j, "XDEL", "t", "2"));
        assertEquals("0", x(j, "XDEL", "t", "99"));
        assertEquals("[[1-0, [a, 1, b, 2]], [3-0, [b, 1, a, 3]]]", x(j, "XRANGE", "t", "-", "+"));
        assertEquals("1", x(j, "XDEL", "t", "1"));
        assertEquals("[length, 1, radix-tree-keys, 1, radix-tree-nodes, 2, last-generated-id, 4-0, "
                + "max-deleted-entry-id, 4-0, entries-added, 4, recorded-first-entry-id, 3-0, groups, 0, "
                + "first-entry, [3-0, [b, 1, a, 3]], last-entry, [3-0, [b, 1, a, 3]]]", x(j, "XINFO", "STREAM", "t"));
        assertEquals("1", x(j, "XDEL", "t", "3"));
        // an empty stream stays as a key
        assertEquals("[length, 0, radix-tree-keys, 0, radix-tree-nodes, 1, last-generated-id, 4-0, "
                + "max-deleted-entry-id, 4-0, entries-added, 4, recorded-first-entry-id, 0-0, groups, 0, "
                + "first-entry, nil, last-entry, nil]", x(j, "XINFO", "STREAM", "t"));
        assertEquals("1", x(j, "EXISTS", "t"));
    }

    @Test
    void xtrimExactAndApproximate() {
        for (int i = 1; i <= 10; i++) {
            x(j, "XADD", "s", Integer.toString(i), "f", "v");
        }
        assertEquals("!ERR wrong number of arguments for 'xtrim' command", x(j, "XTRIM", "s"));
        assertEquals("!ERR syntax error", x(j, "XTRIM", "s", "FOO", "1"));
        assertEquals("!ERR syntax error", x(j, "XTRIM", "s", "MAXLEN", "1", "extra"));
        assertEquals("!ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
                x(j, "XTRIM", "s", "LIMIT", "1"));
        assertEquals("!ERR syntax error, XTRIM must be called with a trimming strategy", x(j, "XTRIM", "s", "LIMIT", "0"));
        assertEquals("!ERR syntax error, LIMIT cannot be used without the special ~ option",
                x(j, "XTRIM", "s", "MAXLEN", "0", "LIMIT", "0"));
        assertEquals("0", x(j, "XTRIM", "s", "MAXLEN", "~", "5"));
        assertEquals("5", x(j, "XTRIM", "s", "MAXLEN", "5"));
        assertEquals("2", x(j, "XTRIM", "s", "MINID", "8"));
        assertEquals("0", x(j, "XTRIM", "s", "MINID", "=", "8"));
        assertEquals("[[8-0, [f, v]], [9-0, [f, v]], [10-0, [f, v]]]", x(j, "XRANGE", "s", "-", "+"));
        // LIMIT 0 with ~ means no limit: the whole (single) node goes
        assertEquals("3", x(j, "XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "0"));
        assertEquals("0", x(j, "XLEN", "s"));
        assertEquals(0, j.xtrim("s", 0, false));
    }

    @Test
    void xsetidMovesTheLastIdAndCounters() {
        x(j, "XADD", "s", "1-1", "f", "v");
        x(j, "XADD", "s", "4-1", "f", "v");
        assertEquals("!ERR The ID specified in XSETID is smaller than the target stream top item", x(j, "XSETID", "s", "1-1"));
        assertEquals("OK", x(j, "XSETID", "s", "100-0"));
        assertEquals("!ERR The entries_added specified in XSETID is smaller than the target stream length",
                x(j, "XSETID", "s", "101-0", "ENTRIESADDED", "1"));
        assertEquals("!ERR entries_added must be positive", x(j, "XSETID", "s", "101-0", "ENTRIESADDED", "-1"));
        assertEquals("!ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                x(j, "XSETID", "s", "101-0", "ENTRIESADDED", "50", "MAXDELETEDID", "102-0"));
        assertEquals("OK", x(j, "XSETID", "s", "101-0", "ENTRIESADDED", "50", "MAXDELETEDID", "90-0"));
        assertEquals("[length, 2, radix-tree-keys, 1, radix-tree-nodes, 2, last-generated-id, 101-0, "
                + "max-deleted-entry-id, 90-0, entries-added, 50, recorded-first-entry-id, 1-1]",
                show(((List<?>) j.sendCommand(command("XINFO"), "STREAM", "s")).subList(0, 14)));
        assertEquals("!ERR syntax error", x(j, "XSETID", "s", "101-0", "FOO"));
        assertEquals("!ERR Invalid stream ID specified as stream command argument", x(j, "XSETID", "s", "x"));
        assertEquals("!ERR Invalid stream ID specified as stream command argument", x(j, "XSETID", "s", "+"));
        assertEquals("!ERR The ID specified in XADD is equal or smaller than the target stream top item",
                x(j, "XADD", "s", "100-5", "f", "v"));
        assertEquals("101-1", x(j, "XADD", "s", "101-*", "f", "v"));
        // an empty stream may move its id backwards
        x(j, "XADD", "e", "1", "f", "v");
        x(j, "XDEL", "e", "1");
        assertEquals("OK", x(j, "XSETID", "e", "0-5"));
        assertEquals("0-6", x(j, "XADD", "e", "0-*", "f", "v"));
    }

    // ---- XINFO STREAM ----

    @Test
    void xinfoStreamFullListsEntriesGroupsAndPending() throws IOException {
        sample();
        x(j, "XGROUP", "CREATE", "s", "g", "0");
        x(j, "XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">");
        String full = x(j, "XINFO", "STREAM", "s", "FULL", "COUNT", "2");
        String t = full.replaceAll("seen-time, \\d+", "seen-time, T").replaceAll("\\[1-1, (c1, )?\\d+, 1]", "[1-1, $1T, 1]");
        assertEquals("[length, 4, radix-tree-keys, 1, radix-tree-nodes, 2, last-generated-id, 3-0, "
                + "max-deleted-entry-id, 0-0, entries-added, 4, recorded-first-entry-id, 1-1, "
                + "entries, [[1-1, [f, v]], [1-2, [f, v]]], "
                + "groups, [[name, g, last-delivered-id, 1-1, entries-read, 1, lag, 3, pel-count, 1, "
                + "pending, [[1-1, c1, T, 1]], consumers, [[name, c1, seen-time, T, pel-count, 1, "
                + "pending, [[1-1, T, 1]]]]]]]", t);
        assertEquals("!ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.",
                x(j, "XINFO", "STREAM", "s", "FULL", "COUNT"));
        assertEquals("!ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.",
                x(j, "XINFO", "STREAM", "s", "FULLER"));
        assertEquals("!ERR value is not an integer or out of range", x(j, "XINFO", "STREAM", "s", "FULL", "COUNT", "x"));
        assertEquals("!ERR wrong number of arguments for 'xinfo|stream' command", x(j, "XINFO", "STREAM"));
        assertEquals("!ERR unknown subcommand 'foo'. Try XINFO HELP.", x(j, "XINFO", "foo"));
        assertEquals("[XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, CONSUMERS <key> <groupname>, "
                + "    Show consumers of <groupname>., GROUPS <key>,     Show the stream consumer groups., "
                + "STREAM <key> [FULL [COUNT <count>],     Show information about the stream., HELP, "
                + "    Prints this help.]", x(j, "XINFO", "HELP"));
        try (RawConnection c = new RawConnection(server.port())) {
            raw(c, "HELLO", "3");
            x(j, "XADD", "e", "1", "f", "v");
            x(j, "XDEL", "e", "1");
            assertEquals("%10[$6 length, :0, $15 radix-tree-keys, :0, $16 radix-tree-nodes, :1, "
                    + "$17 last-generated-id, $3 1-0, $20 max-deleted-entry-id, $3 1-0, $13 entries-added, :1, "
                    + "$23 recorded-first-entry-id, $3 0-0, $6 groups, :0, $11 first-entry, _, $10 last-entry, _]",
                    raw(c, "XINFO", "STREAM", "e"));
            assertEquals("*1[*2[$3 1-1, *2[$1 f, $1 v]]]", raw(c, "XRANGE", "s", "-", "+", "COUNT", "1"));
        }
    }

    // ---- keyspace events ----

    /** Subscribes to every key event of db 0 and returns the connection. */
    static RawConnection events(Jedis j, int port) throws IOException {
        j.configSet("notify-keyspace-events", "KEA");
        RawConnection c = new RawConnection(port);
        send(c, "PSUBSCRIBE", "__keyevent@0__:*");
        read(c);
        return c;
    }

    /** The next key event as "event key". */
    static String nextEvent(RawConnection c) throws IOException {
        String msg = read(c);
        // *4[$8 pmessage, $16 __keyevent@0__:*, $N __keyevent@0__:<event>, $N <key>]
        String[] parts = msg.substring(3, msg.length() - 1).split(", ");
        String channel = parts[2].substring(parts[2].indexOf(' ') + 1);
        String key = parts[3].substring(parts[3].indexOf(' ') + 1);
        return channel.substring(channel.indexOf(':') + 1) + " " + key;
    }

    @Test
    void keyspaceEventsForStreamWrites() throws IOException {
        try (RawConnection ev = events(j, server.port())) {
            x(j, "XADD", "s", "1", "f", "v");
            x(j, "XADD", "s", "MAXLEN", "1", "2", "f", "v");
            x(j, "XADD", "s", "MAXLEN", "5", "3", "f", "v");
            x(j, "XDEL", "s", "2");
            x(j, "XDEL", "s", "99");
            x(j, "XTRIM", "s", "MAXLEN", "5");
            x(j, "XTRIM", "s", "MAXLEN", "0");
            x(j, "XSETID", "s", "10");
            x(j, "DEL", "s");
            x(j, "XADD", "done", "1", "f", "v");
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                got.add(nextEvent(ev));
            }
            assertEquals(List.of("xadd s", "xadd s", "xtrim s", "xadd s", "xdel s", "xtrim s", "xsetid s", "del s",
                    "xadd done"), got);
        } finally {
            j.configSet("notify-keyspace-events", "");
        }
    }

    // ---- COPY and rewrite ----

    @Test
    void copyIsDeepAndRewriteRebuildsTheSameValue() {
        sample();
        x(j, "XGROUP", "CREATE", "s", "g", "0");
        x(j, "XGROUP", "CREATE", "s", "h", "$", "ENTRIESREAD", "3");
        x(j, "XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", ">");
        x(j, "XCLAIM", "s", "g", "bob", "0", "1-2", "RETRYCOUNT", "5");
        x(j, "XGROUP", "CREATECONSUMER", "s", "h", "idle");
        x(j, "XDEL", "s", "1-1", "2-0");
        x(j, "XSETID", "s", "50-0", "ENTRIESADDED", "9", "MAXDELETEDID", "40-0");
        assertEquals("1", x(j, "COPY", "s", "copy"));
        assertEquals(x(j, "DEBUG", "DIGEST-VALUE", "s"), x(j, "DEBUG", "DIGEST-VALUE", "copy"));
        x(j, "XACK", "copy", "g", "1-2");
        x(j, "XADD", "copy", "*", "f", "v");
        assertEquals("2", x(j, "XLEN", "s"));
        assertEquals("[3, 1-1, 2-0, [[alice, 2], [bob, 1]]]", x(j, "XPENDING", "s", "g"));

        x(j, "XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM");
        x(j, "XADD", "plain", "5-5", "k", "v");
        for (String key : List.of("s", "empty", "plain")) {
            rebuild(key, key + "-rebuilt");
            assertEquals(x(j, "DEBUG", "DIGEST-VALUE", key), x(j, "DEBUG", "DIGEST-VALUE", key + "-rebuilt"), key);
            assertEquals(x(j, "XINFO", "GROUPS", key), x(j, "XINFO", "GROUPS", key + "-rebuilt"), key);
            assertEquals(x(j, "XINFO", "STREAM", key).replaceAll("radix-tree-nodes, \\d+", ""),
                    x(j, "XINFO", "STREAM", key + "-rebuilt").replaceAll("radix-tree-nodes, \\d+", ""), key);
        }
    }

    @Test
    void rewriteRebuildsRandomisedStreamsWithGroups() {
        java.util.Random r = new java.util.Random(42);
        long ms = 0;
        for (int i = 0; i < 1500; i++) {
            String k = r.nextBoolean() ? "s" : "t";
            String g = r.nextBoolean() ? "g" : "h";
            String c = "c" + r.nextInt(3);
            String id = r.nextInt(80) + "-" + r.nextInt(3);
            int op = r.nextInt(100);
            if (op < 40) {
                ms += r.nextInt(3);
                String trim = r.nextInt(4) == 0 ? "MAXLEN ~ " + r.nextInt(40) : "";
                String line = "XADD " + k + " " + trim + " " + ms + "-* f " + "v".repeat(r.nextInt(300));
                x(j, line.trim().split("\\s+"));
            } else if (op < 46) {
                x(j, "XDEL", k, id);
            } else if (op < 52) {
                x(j, "XGROUP", "CREATE", k, g, r.nextBoolean() ? "0" : "$", "MKSTREAM");
            } else if (op < 54) {
                x(j, "XGROUP", "CREATECONSUMER", k, g, c);
            } else if (op < 70) {
                x(j, "XREADGROUP", "GROUP", g, c, "COUNT", Integer.toString(1 + r.nextInt(3)), "STREAMS", k,
                        r.nextInt(4) == 0 ? "0" : ">");
            } else if (op < 76) {
                x(j, "XACK", k, g, id);
            } else if (op < 84) {
                x(j, "XCLAIM", k, g, c, "0", id, "FORCE", "RETRYCOUNT", Integer.toString(r.nextInt(9)));
            } else if (op < 88) {
                x(j, "XAUTOCLAIM", k, g, c, "0", "0", "COUNT", "2");
            } else if (op < 92) {
                x(j, "XGROUP", "SETID", k, g, id);
            } else if (op < 95) {
                x(j, "XTRIM", k, "MINID", id);
            } else {
                x(j, "XSETID", k, (ms + 1) + "-0");
            }
        }
        for (String key : List.of("s", "t")) {
            rebuild(key, key + "-rebuilt");
            assertEquals(x(j, "DEBUG", "DIGEST-VALUE", key), x(j, "DEBUG", "DIGEST-VALUE", key + "-rebuilt"), key);
            String shape = "seen-time, \\d+|radix-tree-(keys|nodes), \\d+";
            assertEquals(x(j, "XINFO", "STREAM", key, "FULL", "COUNT", "0").replaceAll(shape, ""),
                    x(j, "XINFO", "STREAM", key + "-rebuilt", "FULL", "COUNT", "0").replaceAll(shape, ""), key);
        }
    }

    /** Replays the value's rewrite commands under another key, as loading a snapshot would. */
    private void rebuild(String key, String target) {
        List<byte[][]> cmds = server.node().engine().call(e -> {
            RValue v = e.keyspace().db(0).peek(Key.of(key));
            List<byte[][]> out = new ArrayList<>();
            v.rewrite(target.getBytes(StandardCharsets.UTF_8), out::add);
            return out;
        }).join();
        for (byte[][] cmd : cmds) {
            Object r = j.sendCommand(() -> cmd[0], Arrays.copyOfRange(cmd, 1, cmd.length));
            assertTrue(!(r instanceof JedisDataException), show(r));
        }
    }
}
