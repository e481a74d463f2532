package io.gearlog.resp;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.gearlog.resp.StreamCommandsTest.nextEvent;
import static io.gearlog.resp.StreamCommandsTest.raw;
import static io.gearlog.resp.StreamCommandsTest.x;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumer groups: XGROUP, XREADGROUP (without BLOCK), XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO GROUPS and
 * CONSUMERS. Expected replies were taken from redis-server 7.0.15 running the same commands; times that depend on
 * the clock are masked as T.
 */
class StreamGroupsTest extends JedisTestBase {

    /** Four entries 1-1 .. 4-1 and a group g at 0. */
    private void fourEntriesAndGroup() {
        for (int i = 1; i <= 4; i++) {
            x(j, "XADD", "s", i + "-1", "f", "v");
        }
        assertEquals("OK", x(j, "XGROUP", "CREATE", "s", "g", "0"));
    }

    /** XPENDING extended with the idle column masked. */
    private String pending(String... args) {
        String[] argv = new String[args.length + 1];
        argv[0] = "XPENDING";
        System.arraycopy(args, 0, argv, 1, args.length);
        return x(j, argv).replaceAll("(\\[\\d+-\\d+, \\w+), \\d+, (\\d+\\])", "$1, T, $2");
    }

    @Test
    void xgroupCreateSetidDestroyAndErrors() {
        assertEquals("!ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use "
                + "the MKSTREAM option to create an empty stream automatically.", x(j, "XGROUP", "CREATE", "s", "g", "0"));
        assertEquals("OK", x(j, "XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"));
        assertEquals("!BUSYGROUP Consumer Group name already exists", x(j, "XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"));
        assertEquals("OK", x(j, "XGROUP", "CREATE", "s", "g2", "$"));
        assertEquals("OK", x(j, "XGROUP", "CREATE", "s", "g3", "1-1", "ENTRIESREAD", "5"));
        assertEquals("!ERR Invalid stream ID specified as stream command argument", x(j, "XGROUP", "CREATE", "s", "g4", "abc"));
        assertEquals("!ERR Invalid stream ID specified as stream command argument", x(j, "XGROUP", "CREATE", "s", "g5", "-"));
        assertEquals("!ERR value for ENTRIESREAD must be positive or -1",
                x(j, "XGROUP", "CREATE", "s", "g6", "0", "ENTRIESREAD", "-5"));
        assertEquals("!ERR value is not an integer or out of range",
                x(j, "XGROUP", "CREATE", "nokey", "g", "0", "ENTRIESREAD", "x"));
        assertEquals("!ERR unknown subcommand or wrong number of arguments for 'create'. Try XGROUP HELP.",
                x(j, "XGROUP", "create", "nokey", "g", "0", "x"));
        assertEquals("!ERR unknown subcommand or wrong number of arguments for 'setid'. Try XGROUP HELP.",
                x(j, "XGROUP", "setid", "s", "g", "0", "ENTRIESREAD", "1", "ENTRIESREAD", "2"));
        assertEquals("!ERR wrong number of arguments for 'xgroup|create' command", x(j, "XGROUP", "CREATE", "s"));
        assertEquals("!ERR wrong number of arguments for 'xgroup|destroy' command", x(j, "XGROUP", "DESTROY", "s"));
        assertEquals("!ERR wrong number of arguments for 'xgroup|help' command", x(j, "XGROUP", "HELP", "x"));
        assertEquals("!ERR wrong number of arguments for 'xgroup' command", x(j, "XGROUP"));
        assertEquals("!ERR unknown subcommand 'foo'. Try XGROUP HELP.", x(j, "XGROUP", "foo"));
        assertEquals("!NOGROUP No such consumer group 'nog' for key name 's'",
                x(j, "XGROUP", "SETID", "s", "nog", "0", "ENTRIESREAD", "5"));
        assertEquals("!NOGROUP No such consumer group 'nog' for key name 's'", x(j, "XGROUP", "CREATECONSUMER", "s", "nog", "c"));
        assertEquals("!NOGROUP No such consumer group 'nog' for key name 's'", x(j, "XGROUP", "DELCONSUMER", "s", "nog", "c"));
        j.set("str", "v");
        assertEquals("!WRONGTYPE Operation against a key holding the wrong kind of value",
                x(j, "XGROUP", "CREATE", "str", "g", "0", "MKSTREAM"));

        assertEquals("[[name, g, consumers, 0, pending, 0, last-delivered-id, 0-0, entries-read, nil, lag, 0], "
                + "[name, g2, consumers, 0, pending, 0, last-delivered-id, 0-0, entries-read, nil, lag, 0], "
                + "[name, g3, consumers, 0, pending, 0, last-delivered-id, 1-1, entries-read, 5, lag, 0]]",
                x(j, "XINFO", "GROUPS", "s"));
        x(j, "XADD", "s", "7-0", "f", "v");
        assertEquals("OK", x(j, "XGROUP", "SETID", "s", "g", "$"));
        assertEquals("OK", x(j, "XGROUP", "SETID", "s", "g2", "+"));
        assertEquals("OK", x(j, "XGROUP", "SETID", "s", "g3", "0", "ENTRIESREAD", "0"));
        assertEquals("!ERR Invalid stream ID specified as stream command argument", x(j, "XGROUP", "SETID", "s", "g", "x"));
        assertEquals("[[name, g, consumers, 0, pending, 0, last-delivered-id, 7-0, entries-read, nil, lag, 0], "
                + "[name, g2, consumers, 0, pending, 0, last-delivered-id, 18446744073709551615-18446744073709551615, "
                + "entries-read, nil, lag, nil], "
                + "[name, g3, consumers, 0, pending, 0, last-delivered-id, 0-0, entries-read, 0, lag, 1]]",
                x(j, "XINFO", "GROUPS", "s"));
        assertEquals("1", x(j, "XGROUP", "DESTROY", "s", "g2"));
        assertEquals("0", x(j, "XGROUP", "DESTROY", "s", "g2"));
        assertEquals("!ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use "
                + "the MKSTREAM option to create an empty stream automatically.", x(j, "XGROUP", "DESTROY", "nokey", "g"));
        assertEquals("[XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, "
                + "CREATE <key> <groupname> <id|$> [option],     Create a new consumer group. Options are:, "
                + "    * MKSTREAM,       Create the empty stream if it does not exist., "
                + "    * ENTRIESREAD entries_read,       Set the group's entries_read counter (internal use)., "
                + "CREATECONSUMER <key> <groupname> <consumer>,     Create a new consumer in the specified group., "
                + "DELCONSUMER <key> <groupname> <consumer>,     Remove the specified consumer., "
                + "DESTROY <key> <groupname>,     Remove the specified group., "
                + "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read], "
                + "    Set the current group ID and entries_read counter., HELP,     Prints this help.]",
                x(j, "XGROUP", "HELP"));
    }

    @Test
    void xreadgroupDeliversNewEntriesAndReplaysHistory() throws IOException {
        fourEntriesAndGroup();
        assertEquals("[[s, [[1-1, [f, v]]]]]", x(j, "XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">"));
        assertEquals("[[s, [[2-1, [f, v]], [3-1, [f, v]], [4-1, [f, v]]]]]",
                x(j, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"));
        assertEquals("nil", x(j, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"));
        // history: only this consumer's own pending entries
        assertEquals("[[s, []]]", x(j, "XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", "0"));
        assertEquals("[[s, [[2-1, [f, v]], [3-1, [f, v]]]]]",
                x(j, "XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", "1-1"));
        assertEquals("[4, 1-1, 4-1, [[c1, 4]]]", x(j, "XPENDING", "s", "g"));
        assertEquals("[[1-1, c1, T, 1], [2-1, c1, T, 2], [3-1, c1, T, 2], [4-1, c1, T, 1]]",
                pending("s", "g", "-", "+", "10"));
        // a deleted entry still pending comes back with a null body
        x(j, "XDEL", "s", "3-1");
        try (RawConnection c = new RawConnection(server.port())) {
            assertEquals("*1[*2[$1 s, *2[*2[$3 3-1, *-1], *2[$3 4-1, *2[$1 f, $1 v]]]]]",
                    raw(c, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "2-1"));
            // nothing new: a null array
            assertEquals("*-1", raw(c, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"));
        }
        x(j, "XADD", "s", "5-1", "f", "v");
        assertEquals("[[s, [[5-1, [f, v]]]]]", x(j, "XREADGROUP", "GROUP", "g", "c3", "NOACK", "STREAMS", "s", ">"));
        assertEquals("[4, 1-1, 4-1, [[c1, 4]]]", x(j, "XPENDING", "s", "g"));
        assertEquals("[[name, g, consumers, 3, pending, 4, last-delivered-id, 5-1, entries-read, 5, lag, 0]]",
                x(j, "XINFO", "GROUPS", "s"));
        // errors
        assertEquals("!NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option",
                x(j, "XREADGROUP", "GROUP", "nog", "c1", "STREAMS", "s", ">"));
        assertEquals("!NOGROUP No such key 'nokey' or consumer group 'g' in XREADGROUP with GROUP option",
                x(j, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "nokey", ">"));
        assertEquals("!ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this "
                + "consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return "
                + "an empty result set.", x(j, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "$"));
        assertEquals("!ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> "
                + "option.", x(j, "XREAD", "STREAMS", "s", ">"));
        assertEquals("!ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                x(j, "XREAD", "GROUP", "g", "c", "STREAMS", "s", "0"));
        assertEquals("!ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                x(j, "XREAD", "NOACK", "STREAMS", "s", "0"));
        assertEquals("!ERR Missing GROUP option for XREADGROUP", x(j, "XREADGROUP", "COUNT", "1", "NOACK", "STREAMS", "s", "0"));
        assertEquals("!ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
                x(j, "XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", "s2", "0"));
        assertEquals("!ERR Invalid stream ID specified as stream command argument",
                x(j, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "x"));
        assertEquals("!ERR wrong number of arguments for 'xreadgroup' command", x(j, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s"));
    }

    @Test
    void xpendingSummaryExtendedIdleAndConsumerFilter() {
        fourEntriesAndGroup();
        assertEquals("[0, nil, nil, nil]", x(j, "XPENDING", "s", "g"));
        x(j, "XREADGROUP", "GROUP", "g", "c1", "COUNT", "3", "STREAMS", "s", ">");
        x(j, "XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">");
        assertEquals("[4, 1-1, 4-1, [[c1, 3], [c2, 1]]]", x(j, "XPENDING", "s", "g"));
        assertEquals("[[1-1, c1, T, 1], [2-1, c1, T, 1], [3-1, c1, T, 1]]", pending("s", "g", "-", "+", "10", "c1"));
        assertEquals("[]", x(j, "XPENDING", "s", "g", "-", "+", "10", "nobody"));
        assertEquals("[[2-1, c1, T, 1], [3-1, c1, T, 1]]", pending("s", "g", "(1-1", "+", "2"));
        assertEquals("[[1-1, c1, T, 1], [2-1, c1, T, 1], [3-1, c1, T, 1]]", pending("s", "g", "-", "(4-1", "10"));
        assertEquals("[]", x(j, "XPENDING", "s", "g", "5", "1", "10"));
        assertEquals("[]", x(j, "XPENDING", "s", "g", "-", "+", "0"));
        assertEquals("[]", x(j, "XPENDING", "s", "g", "IDLE", "100000", "-", "+", "10"));
        // entries become idle as engine time passes
        await().atMost(Duration.ofSeconds(10)).until(() ->
                x(j, "XPENDING", "s", "g", "IDLE", "150", "-", "+", "10", "c2").startsWith("[[4-1, c2, "));
        String idle = x(j, "XPENDING", "s", "g", "IDLE", "150", "-", "+", "10", "c2");
        long ms = Long.parseLong(idle.split(", ")[2]);
        assertTrue(ms >= 150 && ms < 10_000, idle);
        assertEquals("!ERR syntax error", x(j, "XPENDING", "s", "g", "IDLE", "0", "-", "+"));
        assertEquals("!ERR syntax error", x(j, "XPENDING", "s", "g", "-", "+"));
        assertEquals("!ERR syntax error", x(j, "XPENDING", "s", "g", "-", "+", "10", "c1", "extra", "more", "x"));
        assertEquals("!ERR value is not an integer or out of range", x(j, "XPENDING", "s", "g", "-", "+", "x"));
        assertEquals("!ERR value is not an integer or out of range", x(j, "XPENDING", "s", "g", "IDLE", "x", "-", "+", "1"));
        assertEquals("!NOGROUP No such key 's' or consumer group 'nog'", x(j, "XPENDING", "s", "nog"));
        assertEquals("!NOGROUP No such key 'nokey' or consumer group 'g'", x(j, "XPENDING", "nokey", "g", "-", "+", "10"));
        // typed Jedis API
        StreamPendingSummary sum = j.xpending("s", "g");
        assertEquals(4, sum.getTotal());
        assertEquals(Map.of("c1", 3L, "c2", 1L), sum.getConsumerMessageCount());
        List<StreamPendingEntry> list = j.xpending("s", "g", XPendingParams.xPendingParams().count(10).consumer("c2"));
        assertEquals(1, list.size());
        assertEquals(new StreamEntryID(4, 1), list.get(0).getID());
        assertEquals(1, list.get(0).getDeliveredTimes());
    }

    @Test
    void xackRemovesFromBothPels() {
        fourEntriesAndGroup();
        x(j, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">");
        assertEquals("!ERR Invalid stream ID specified as stream command argument", x(j, "XACK", "s", "g", "1-1", "x"));
        assertEquals("2", x(j, "XACK", "s", "g", "1-1", "2-1"));
        assertEquals("0", x(j, "XACK", "s", "g", "1-1"));
        assertEquals("0", x(j, "XACK", "s", "nog", "x"));
        assertEquals("0", x(j, "XACK", "nokey", "g", "x"));
        assertEquals("[2, 3-1, 4-1, [[c1, 2]]]", x(j, "XPENDING", "s", "g"));
        assertEquals("[[name, c1, pending, 2, idle, T]]",
                x(j, "XINFO", "CONSUMERS", "s", "g").replaceAll("idle, \\d+", "idle, T"));
        assertEquals("!ERR wrong number of arguments for 'xack' command", x(j, "XACK", "s", "g"));
    }

    @Test
    void xclaimTransfersOwnershipWithItsOptions() {
        fourEntriesAndGroup();
        x(j, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">");
        x(j, "XDEL", "s", "3-1");
        // a deleted entry is dropped from the PEL instead of being claimed
        assertEquals("[[4-1, [f, v]]]", x(j, "XCLAIM", "s", "g", "c3", "0", "3-1", "4-1"));
        assertEquals("[3, 1-1, 4-1, [[c1, 2], [c3, 1]]]", x(j, "XPENDING", "s", "g"));
        assertEquals("[[4-1, c3, T, 2]]", pending("s", "g", "4-1", "4-1", "1"));
        assertEquals("[4-1]", x(j, "XCLAIM", "s", "g", "c3", "0", "4-1", "JUSTID"));
        assertEquals("[[4-1, c3, T, 2]]", pending("s", "g", "4-1", "4-1", "1"));
        assertEquals("[4-1]", x(j, "XCLAIM", "s", "g", "c3", "0", "4-1", "JUSTID", "RETRYCOUNT", "7"));
        assertEquals("[[4-1, c3, T, 7]]", pending("s", "g", "4-1", "4-1", "1"));
        // IDLE sets the delivery time back, TIME sets it absolutely
        assertEquals("[1-1]", x(j, "XCLAIM", "s", "g", "c4", "0", "1-1", "IDLE", "60000", "JUSTID"));
        String idle = x(j, "XPENDING", "s", "g", "1-1", "1-1", "1");
        long ms = Long.parseLong(idle.split(", ")[2]);
        assertTrue(ms >= 60_000 && ms < 70_000, idle);
        assertEquals("[1-1]", x(j, "XCLAIM", "s", "g", "c4", "0", "1-1", "TIME", "1000", "JUSTID"));
        assertTrue(x(j, "XINFO", "STREAM", "s", "FULL").contains("pending, [[1-1, c4, 1000, 1]"));
        // min idle time not reached: nothing claimed
        assertEquals("[]", x(j, "XCLAIM", "s", "g", "c5", "3600000", "4-1"));
        // FORCE creates a pending entry for an existing entry that nobody holds
        x(j, "XACK", "s", "g", "2-1");
        assertEquals("[[2-1, [f, v]]]", x(j, "XCLAIM", "s", "g", "c5", "0", "2-1", "FORCE"));
        assertEquals("[[2-1, c5, T, 2]]", pending("s", "g", "2-1", "2-1", "1"));
        x(j, "XACK", "s", "g", "2-1");
        assertEquals("[2-1]", x(j, "XCLAIM", "s", "g", "c5", "0", "2-1", "FORCE", "JUSTID", "RETRYCOUNT", "3"));
        assertEquals("[[2-1, c5, T, 3]]", pending("s", "g", "2-1", "2-1", "1"));
        assertEquals("[]", x(j, "XCLAIM", "s", "g", "c5", "0", "9-9", "FORCE"));
        // LASTID moves the group forward only
        assertEquals("[4-1]", x(j, "XCLAIM", "s", "g", "c3", "0", "4-1", "LASTID", "100-0", "JUSTID"));
        assertEquals("[4-1]", x(j, "XCLAIM", "s", "g", "c3", "0", "4-1", "LASTID", "50-0", "JUSTID"));
        assertTrue(x(j, "XINFO", "GROUPS", "s").contains("last-delivered-id, 100-0"));
        // errors
        assertEquals("!ERR Invalid min-idle-time argument for XCLAIM", x(j, "XCLAIM", "s", "g", "c3", "x", "4-1"));
        assertEquals("!ERR Unrecognized XCLAIM option 'foo'", x(j, "XCLAIM", "s", "g", "c3", "0", "4-1", "foo"));
        assertEquals("!ERR Unrecognized XCLAIM option 'x'", x(j, "XCLAIM", "s", "g", "c3", "0", "x", "4-1"));
        assertEquals("!ERR Invalid IDLE option argument for XCLAIM", x(j, "XCLAIM", "s", "g", "c3", "0", "4-1", "IDLE", "x"));
        assertEquals("!ERR Invalid TIME option argument for XCLAIM", x(j, "XCLAIM", "s", "g", "c3", "0", "4-1", "TIME", "x"));
        assertEquals("!ERR Invalid RETRYCOUNT option argument for XCLAIM",
                x(j, "XCLAIM", "s", "g", "c3", "0", "4-1", "RETRYCOUNT", "x"));
        assertEquals("!ERR Invalid stream ID specified as stream command argument",
                x(j, "XCLAIM", "s", "g", "c3", "0", "4-1", "LASTID", "x"));
        assertEquals("!NOGROUP No such key 's' or consumer group 'nog'", x(j, "XCLAIM", "s", "nog", "c3", "0", "4-1"));
        assertEquals("!NOGROUP No such key 'nokey' or consumer group 'g'", x(j, "XCLAIM", "nokey", "g", "c3", "0", "4-1"));
    }

    @Test
    void xautoclaimScansWithACursorAndReportsDeletedIds() {
        fourEntriesAndGroup();
        x(j, "XADD", "s", "5-1", "f", "v");
        x(j, "XADD", "s", "6-1", "f", "v");
        x(j, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">");
        assertEquals("[0-0, [[1-1, [f, v]], [2-1, [f, v]], [3-1, [f, v]], [4-1, [f, v]], [5-1, [f, v]], [6-1, [f, v]]], []]",
                x(j, "XAUTOCLAIM", "s", "g", "c6", "0", "0"));
        assertEquals("[2-1, [[1-1, [f, v]]], []]", x(j, "XAUTOCLAIM", "s", "g", "c6", "0", "0", "COUNT", "1"));
        assertEquals("[2-1, [1-1], []]", x(j, "XAUTOCLAIM", "s", "g", "c6", "0", "0", "COUNT", "1", "JUSTID"));
        assertEquals("[4-1, [2-1, 3-1], []]", x(j, "XAUTOCLAIM", "s", "g", "c6", "0", "(1-1", "COUNT", "2", "JUSTID"));
        assertEquals("[0-0, [], []]", x(j, "XAUTOCLAIM", "s", "g", "c6", "1000000", "0"));
        x(j, "XDEL", "s", "2-1", "5-1");
        // a deleted entry leaves the PEL, is reported, and counts against COUNT
        assertEquals("[4-1, [3-1], [2-1]]", x(j, "XAUTOCLAIM", "s", "g", "c7", "0", "(1-1", "COUNT", "2", "JUSTID"));
        assertEquals("[0-0, [1-1, 3-1, 4-1, 6-1], [5-1]]", x(j, "XAUTOCLAIM", "s", "g", "c7", "0", "0", "JUSTID"));
        assertEquals("[4, 1-1, 6-1, [[c7, 4]]]", x(j, "XPENDING", "s", "g"));
        // JUSTID does not count a delivery; the plain form does
        assertEquals("[[1-1, c7, T, 3], [3-1, c7, T, 2], [4-1, c7, T, 2], [6-1, c7, T, 2]]",
                pending("s", "g", "-", "+", "10"));
        assertEquals("!ERR Invalid min-idle-time argument for XAUTOCLAIM", x(j, "XAUTOCLAIM", "s", "g", "c", "x", "0"));
        assertEquals("!ERR Invalid stream ID specified as stream command argument", x(j, "XAUTOCLAIM", "s", "g", "c", "0", "x"));
        assertEquals("!ERR COUNT must be > 0", x(j, "XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"));
        assertEquals("!ERR COUNT must be > 0", x(j, "XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "x"));
        assertEquals("!ERR syntax error", x(j, "XAUTOCLAIM", "s", "g", "c", "0", "0", "foo"));
        assertEquals("!NOGROUP No such key 's' or consumer group 'nog'", x(j, "XAUTOCLAIM", "s", "nog", "c", "0", "0"));
        assertEquals("!NOGROUP No such key 'nokey' or consumer group 'g'", x(j, "XAUTOCLAIM", "nokey", "g", "c", "0", "0"));
    }

    @Test
    void deletingAConsumerDropsItsPendingEntries() {
        fourEntriesAndGroup();
        x(j, "XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", ">");
        x(j, "XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">");
        assertEquals("1", x(j, "XGROUP", "CREATECONSUMER", "s", "g", "carol"));
        assertEquals("0", x(j, "XGROUP", "CREATECONSUMER", "s", "g", "carol"));
        assertEquals("[name, alice, pending, 3, name, bob, pending, 1, name, carol, pending, 0]",
                x(j, "XINFO", "CONSUMERS", "s", "g").replaceAll(", idle, \\d+", "").replace("[[", "[").replace("]]", "]")
                        .replace("], [", ", "));
        assertEquals("3", x(j, "XGROUP", "DELCONSUMER", "s", "g", "alice"));
        assertEquals("0", x(j, "XGROUP", "DELCONSUMER", "s", "g", "alice"));
        assertEquals("0", x(j, "XGROUP", "DELCONSUMER", "s", "g", "carol"));
        assertEquals("[1, 4-1, 4-1, [[bob, 1]]]", x(j, "XPENDING", "s", "g"));
        assertEquals("[[name, g, consumers, 1, pending, 1, last-delivered-id, 4-1, entries-read, 4, lag, 0]]",
                x(j, "XINFO", "GROUPS", "s"));
        // the entries alice held are no longer pending: another consumer cannot claim them without FORCE
        assertEquals("[]", x(j, "XCLAIM", "s", "g", "bob", "0", "1-1"));
        assertEquals("!NOGROUP No such consumer group 'nog' for key name 's'", x(j, "XINFO", "CONSUMERS", "s", "nog"));
        assertEquals("!ERR no such key", x(j, "XINFO", "CONSUMERS", "nokey", "g"));
        assertEquals("!ERR wrong number of arguments for 'xinfo|consumers' command", x(j, "XINFO", "CONSUMERS", "s"));
    }

    @Test
    void consumerIdleTimeGrowsWithEngineTime() {
        fourEntriesAndGroup();
        x(j, "XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">");
        await().atMost(Duration.ofSeconds(10)).until(() -> idle(x(j, "XINFO", "CONSUMERS", "s", "g")) >= 500);
        // reading again makes it fresh
        x(j, "XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">");
        String info = x(j, "XINFO", "CONSUMERS", "s", "g");
        assertTrue(idle(info) < 500, info);
    }

    private static long idle(String consumers) {
        return Long.parseLong(consumers.replaceAll(".*idle, (\\d+).*", "$1"));
    }

    @Test
    void entriesReadAndLagFollowDeletions() {
        x(j, "XADD", "e", "1", "f", "v");
        x(j, "XDEL", "e", "1");
        assertEquals("OK", x(j, "XGROUP", "CREATE", "e", "g", "0"));
        assertEquals("[[name, g, consumers, 0, pending, 0, last-delivered-id, 0-0, entries-read, nil, lag, 0]]",
                x(j, "XINFO", "GROUPS", "e"));
        x(j, "XADD", "e", "5", "f", "v");
        assertEquals("[[name, g, consumers, 0, pending, 0, last-delivered-id, 0-0, entries-read, nil, lag, 1]]",
                x(j, "XINFO", "GROUPS", "e"));
        x(j, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "e", ">");
        assertEquals("[[name, g, consumers, 1, pending, 1, last-delivered-id, 5-0, entries-read, 2, lag, 0]]",
                x(j, "XINFO", "GROUPS", "e"));
        // a deletion ahead of the group makes the lag unknown until the group passes it
        for (int i = 6; i <= 9; i++) {
            x(j, "XADD", "e", Integer.toString(i), "f", "v");
        }
        x(j, "XDEL", "e", "7");
        assertEquals("[[name, g, consumers, 1, pending, 1, last-delivered-id, 5-0, entries-read, 2, lag, nil]]",
                x(j, "XINFO", "GROUPS", "e"));
        x(j, "XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "e", ">");
        assertEquals("[[name, g, consumers, 1, pending, 2, last-delivered-id, 6-0, entries-read, nil, lag, nil]]",
                x(j, "XINFO", "GROUPS", "e"));
        x(j, "XREADGROUP", "GROUP", "g", "c", "STREAMS", "e", ">");
        assertEquals("[[name, g, consumers, 1, pending, 4, last-delivered-id, 9-0, entries-read, 6, lag, 0]]",
                x(j, "XINFO", "GROUPS", "e"));
    }

    @Test
    void keyspaceEventsForGroupCommands() throws IOException {
        fourEntriesAndGroup();
        try (RawConnection ev = StreamCommandsTest.events(j, server.port())) {
            x(j, "XGROUP", "CREATE", "s", "g2", "0");
            x(j, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">");
            x(j, "XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0");
            x(j, "XCLAIM", "s", "g", "c2", "0", "1-1");
            x(j, "XAUTOCLAIM", "s", "g", "c3", "0", "0");
            x(j, "XGROUP", "CREATECONSUMER", "s", "g", "c4");
            x(j, "XGROUP", "DELCONSUMER", "s", "g", "c4");
            x(j, "XGROUP", "DELCONSUMER", "s", "g", "nosuch");
            x(j, "XACK", "s", "g", "1-1");
            x(j, "XGROUP", "SETID", "s", "g", "0");
            x(j, "XGROUP", "DESTROY", "s", "g");
            x(j, "XGROUP", "DESTROY", "s", "g");
            x(j, "XGROUP", "CREATE", "new", "g", "$", "MKSTREAM");
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                got.add(nextEvent(ev));
            }
            assertEquals(List.of("xgroup-create s", "xgroup-createconsumer s", "xgroup-createconsumer s",
                    "xgroup-createconsumer s", "xgroup-createconsumer s", "xgroup-delconsumer s", "xgroup-setid s",
                    "xgroup-destroy s", "xgroup-create new"), got);
        } finally {
            j.configSet("notify-keyspace-events", "");
        }
    }

    @Test
    void jedisTypedApiWorksEndToEnd() {
        j.xgroupCreate("orders", "workers", new StreamEntryID(), true);
        for (int i = 1; i <= 3; i++) {
            j.xadd("orders", new StreamEntryID(i, 0), Map.of("n", Integer.toString(i)));
        }
        List<Map.Entry<String, List<StreamEntry>>> got = j.xreadGroup("workers", "w1",
                XReadGroupParams.xReadGroupParams().count(2), Map.of("orders", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        assertEquals(1, got.size());
        assertEquals("orders", got.get(0).getKey());
        assertEquals(List.of(new StreamEntryID(1, 0), new StreamEntryID(2, 0)),
                got.get(0).getValue().stream().map(StreamEntry::getID).toList());
        assertEquals(1, j.xack("orders", "workers", new StreamEntryID(1, 0)));
        assertEquals(1, j.xpending("orders", "workers").getTotal());
        assertEquals(1, j.xinfoGroups("orders").size());
        assertEquals(1, j.xinfoGroups("orders").get(0).getPending());
        assertEquals(new StreamEntryID(2, 0), j.xinfoGroups("orders").get(0).getLastDeliveredId());
        assertEquals(3, j.xinfoStream("orders").getLength());
        assertEquals(1, j.xgroupDelConsumer("orders", "workers", "w1"));
    }
}
