package io.gearlog.resp;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keyspace notifications: which __keyspace@N__ / __keyevent@N__ messages each command emits under each
 * notify-keyspace-events setting. Expected lists were recorded from redis-server 7.0.15 running the same commands.
 */
class KeyspaceNotificationsTest extends ServerTestBase {
    private static final String MARK = "__keyevent@99__:zzmark";
    private static final Pattern PMESSAGE = Pattern.compile("^\\*\\[\\$pmessage, \\$__key\\*__:\\*, \\$(.*), \\$(.*)]$");

    static String[] cmd(String... args) {
        return args;
    }

    /** Runs the commands with the given event classes and returns "channel payload" for every event, in order. */
    private List<String> events(String flags, String[]... commands) throws IOException {
        assertEquals("+OK", c.call("config", "set", "notify-keyspace-events", flags));
        List<String> out = new ArrayList<>();
        try (RawConnection s = connection()) {
            assertEquals("*[$psubscribe, $__key*__:*, :1]", s.call("psubscribe", "__key*__:*"));
            for (String[] cmd : commands) {
                c.call(cmd);
            }
            c.call("publish", MARK, "end");
            while (true) {
                String[] m = message(s.reply());
                if (m[0].equals(MARK)) {
                    break;
                }
                out.add(m[0] + " " + m[1]);
            }
        } finally {
            c.call("config", "set", "notify-keyspace-events", "");
        }
        return out;
    }

    private static String[] message(String reply) {
        Matcher m = PMESSAGE.matcher(reply);
        if (!m.matches()) {
            throw new AssertionError("not a pmessage: " + reply);
        }
        return new String[]{m.group(1), m.group(2)};
    }

    @Test
    void stringCommandEvents() throws IOException {
        assertEquals(List.of(
                "__keyspace@0__:a set",
                "__keyevent@0__:set a",
                "__keyspace@0__:a set",
                "__keyevent@0__:set a",
                "__keyspace@0__:b set",
                "__keyevent@0__:set b",
                "__keyspace@0__:b expire",
                "__keyevent@0__:expire b",
                "__keyspace@0__:b set",
                "__keyevent@0__:set b",
                "__keyspace@0__:c set",
                "__keyevent@0__:set c",
                "__keyspace@0__:c expire",
                "__keyevent@0__:expire c",
                "__keyspace@0__:c set",
                "__keyevent@0__:set c",
                "__keyspace@0__:c expire",
                "__keyevent@0__:expire c",
                "__keyspace@0__:d set",
                "__keyevent@0__:set d",
                "__keyspace@0__:d set",
                "__keyevent@0__:set d",
                "__keyspace@0__:d expire",
                "__keyevent@0__:expire d",
                "__keyspace@0__:d persist",
                "__keyevent@0__:persist d",
                "__keyspace@0__:d del",
                "__keyevent@0__:del d",
                "__keyspace@0__:a del",
                "__keyevent@0__:del a",
                "__keyspace@0__:e set",
                "__keyevent@0__:set e",
                "__keyspace@0__:f set",
                "__keyevent@0__:set f",
                "__keyspace@0__:g set",
                "__keyevent@0__:set g",
                "__keyspace@0__:h set",
                "__keyevent@0__:set h",
                "__keyspace@0__:e incrby",
                "__keyevent@0__:incrby e",
                "__keyspace@0__:e incrby",
                "__keyevent@0__:incrby e",
                "__keyspace@0__:e incrby",
                "__keyevent@0__:incrby e",
                "__keyspace@0__:e incrby",
                "__keyevent@0__:incrby e",
                "__keyspace@0__:e incrbyfloat",
                "__keyevent@0__:incrbyfloat e",
                "__keyspace@0__:f append",
                "__keyevent@0__:append f",
                "__keyspace@0__:f setrange",
                "__keyevent@0__:setrange f"),
                events("KEA",
                        cmd("set", "a", "1"),
                        cmd("set", "a", "2", "nx"),
                        cmd("set", "a", "2", "xx", "get"),
                        cmd("set", "b", "1", "ex", "100"),
                        cmd("set", "b", "1", "keepttl"),
                        cmd("setex", "c", "10", "v"),
                        cmd("psetex", "c", "10000", "v"),
                        cmd("setnx", "d", "1"),
                        cmd("setnx", "d", "2"),
                        cmd("getset", "d", "3"),
                        cmd("getex", "d", "ex", "100"),
                        cmd("getex", "d", "persist"),
                        cmd("getex", "d", "exat", "1"),
                        cmd("getdel", "a"),
                        cmd("getdel", "a"),
                        cmd("mset", "e", "1", "f", "2"),
                        cmd("msetnx", "g", "1", "h", "2"),
                        cmd("msetnx", "g", "1", "i", "2"),
                        cmd("incr", "e"),
                        cmd("decr", "e"),
                        cmd("incrby", "e", "5"),
                        cmd("decrby", "e", "5"),
                        cmd("incrbyfloat", "e", "1.5"),
                        cmd("append", "f", "x"),
                        cmd("setrange", "f", "0", "y"),
                        cmd("setrange", "f", "0", ""),
                        cmd("setrange", "nf", "3", ""),
                        cmd("get", "e"),
                        cmd("strlen", "f")));
    }

    @Test
    void keyCommandEvents() throws IOException {
        assertEquals(List.of(
                "__keyspace@0__:x set",
                "__keyevent@0__:set x",
                "__keyspace@0__:x rename_from",
                "__keyevent@0__:rename_from x",
                "__keyspace@0__:y rename_to",
                "__keyevent@0__:rename_to y",
                "__keyspace@0__:y rename_from",
                "__keyevent@0__:rename_from y",
                "__keyspace@0__:z rename_to",
                "__keyevent@0__:rename_to z",
                "__keyspace@0__:z2 copy_to",
                "__keyevent@0__:copy_to z2",
                "__keyspace@1__:z3 copy_to",
                "__keyevent@1__:copy_to z3",
                "__keyspace@0__:z2 copy_to",
                "__keyevent@0__:copy_to z2",
                "__keyspace@0__:z move_from",
                "__keyevent@0__:move_from z",
                "__keyspace@2__:z move_to",
                "__keyevent@2__:move_to z",
                "__keyspace@0__:z2 expire",
                "__keyevent@0__:expire z2",
                "__keyspace@0__:z2 persist",
                "__keyevent@0__:persist z2",
                "__keyspace@0__:z2 del",
                "__keyevent@0__:del z2",
                "__keyspace@0__:p set",
                "__keyevent@0__:set p",
                "__keyspace@0__:p del",
                "__keyevent@0__:del p",
                "__keyspace@0__:q set",
                "__keyevent@0__:set q",
                "__keyspace@0__:q del",
                "__keyevent@0__:del q",
                "__keyspace@0__:q set",
                "__keyevent@0__:set q",
                "__keyspace@0__:q del",
                "__keyevent@0__:del q",
                "__keyspace@0__:aa set",
                "__keyevent@0__:set aa"),
                events("KEA",
                        cmd("set", "x", "1"),
                        cmd("rename", "x", "y"),
                        cmd("renamenx", "y", "z"),
                        cmd("copy", "z", "z2"),
                        cmd("copy", "z", "z3", "db", "1"),
                        cmd("copy", "z", "z2", "replace"),
                        cmd("move", "z", "2"),
                        cmd("expire", "z2", "100"),
                        cmd("pexpire", "z2", "50000", "gt"),
                        cmd("expire", "z2", "100", "nx"),
                        cmd("persist", "z2"),
                        cmd("persist", "z2"),
                        cmd("expire", "z2", "-1"),
                        cmd("set", "p", "1"),
                        cmd("expireat", "p", "1"),
                        cmd("set", "q", "1"),
                        cmd("del", "q", "nokey"),
                        cmd("set", "q", "1"),
                        cmd("unlink", "q"),
                        cmd("exists", "q"),
                        cmd("touch", "nokey"),
                        cmd("flushdb"),
                        cmd("set", "aa", "1"),
                        cmd("swapdb", "0", "1"),
                        cmd("flushall")));
    }

    @Test
    void keymissAndNewEvents() throws IOException {
        assertEquals(List.of(
                "__keyspace@0__:a new",
                "__keyevent@0__:new a",
                "__keyspace@0__:a set",
                "__keyevent@0__:set a",
                "__keyspace@0__:a set",
                "__keyevent@0__:set a",
                "__keyspace@0__:nokey keymiss",
                "__keyevent@0__:keymiss nokey",
                "__keyspace@0__:nokey2 keymiss",
                "__keyevent@0__:keymiss nokey2",
                "__keyspace@0__:nokey3 keymiss",
                "__keyevent@0__:keymiss nokey3",
                "__keyspace@0__:nokey4 keymiss",
                "__keyevent@0__:keymiss nokey4",
                "__keyspace@0__:nokey5 keymiss",
                "__keyevent@0__:keymiss nokey5",
                "__keyspace@0__:nokey6 keymiss",
                "__keyevent@0__:keymiss nokey6",
                "__keyspace@0__:nokey7 keymiss",
                "__keyevent@0__:keymiss nokey7",
                "__keyspace@0__:nokey8 keymiss",
                "__keyevent@0__:keymiss nokey8",
                "__keyspace@0__:nokey9 keymiss",
                "__keyevent@0__:keymiss nokey9",
                "__keyspace@0__:n new",
                "__keyevent@0__:new n",
                "__keyspace@0__:n incrby",
                "__keyevent@0__:incrby n",
                "__keyspace@0__:ap new",
                "__keyevent@0__:new ap",
                "__keyspace@0__:ap append",
                "__keyevent@0__:append ap",
                "__keyspace@0__:sr new",
                "__keyevent@0__:new sr",
                "__keyspace@0__:sr setrange",
                "__keyevent@0__:setrange sr",
                "__keyspace@0__:fl new",
                "__keyevent@0__:new fl",
                "__keyspace@0__:fl incrbyfloat",
                "__keyevent@0__:incrbyfloat fl",
                "__keyspace@0__:m1 new",
                "__keyevent@0__:new m1",
                "__keyspace@0__:m1 set",
                "__keyevent@0__:set m1",
                "__keyspace@0__:m2 new",
                "__keyevent@0__:new m2",
                "__keyspace@0__:m2 set",
                "__keyevent@0__:set m2",
                "__keyspace@0__:m3 new",
                "__keyevent@0__:new m3",
                "__keyspace@0__:m3 set",
                "__keyevent@0__:set m3",
                "__keyspace@0__:sn new",
                "__keyevent@0__:new sn",
                "__keyspace@0__:sn set",
                "__keyevent@0__:set sn",
                "__keyspace@0__:gs keymiss",
                "__keyevent@0__:keymiss gs",
                "__keyspace@0__:gs new",
                "__keyevent@0__:new gs",
                "__keyspace@0__:gs set",
                "__keyevent@0__:set gs",
                "__keyspace@0__:se new",
                "__keyevent@0__:new se",
                "__keyspace@0__:se set",
                "__keyevent@0__:set se",
                "__keyspace@0__:se expire",
                "__keyevent@0__:expire se",
                "__keyspace@0__:kk keymiss",
                "__keyevent@0__:keymiss kk",
                "__keyspace@0__:kk new",
                "__keyevent@0__:new kk",
                "__keyspace@0__:kk set",
                "__keyevent@0__:set kk",
                "__keyspace@0__:b new",
                "__keyevent@0__:new b",
                "__keyspace@0__:a rename_from",
                "__keyevent@0__:rename_from a",
                "__keyspace@0__:b rename_to",
                "__keyevent@0__:rename_to b",
                "__keyspace@0__:c new",
                "__keyevent@0__:new c",
                "__keyspace@0__:c copy_to",
                "__keyevent@0__:copy_to c",
                "__keyspace@3__:c new",
                "__keyevent@3__:new c",
                "__keyspace@0__:c move_from",
                "__keyevent@0__:move_from c",
                "__keyspace@3__:c move_to",
                "__keyevent@3__:move_to c",
                "__keyspace@0__:nok1 keymiss",
                "__keyevent@0__:keymiss nok1",
                "__keyspace@0__:nok2 keymiss",
                "__keyevent@0__:keymiss nok2",
                "__keyspace@0__:nok keymiss",
                "__keyevent@0__:keymiss nok",
                "__keyspace@0__:nokeycp keymiss",
                "__keyevent@0__:keymiss nokeycp"),
                events("KEAmn",
                        cmd("set", "a", "1"),
                        cmd("set", "a", "2"),
                        cmd("get", "nokey"),
                        cmd("get", "a"),
                        cmd("mget", "a", "nokey2"),
                        cmd("exists", "nokey3"),
                        cmd("type", "nokey4"),
                        cmd("ttl", "nokey5"),
                        cmd("strlen", "nokey6"),
                        cmd("getrange", "nokey7", "0", "1"),
                        cmd("getex", "nokey8"),
                        cmd("getdel", "nokey9"),
                        cmd("incr", "n"),
                        cmd("append", "ap", "x"),
                        cmd("setrange", "sr", "2", "x"),
                        cmd("incrbyfloat", "fl", "1"),
                        cmd("mset", "m1", "1", "m2", "2"),
                        cmd("msetnx", "m3", "1"),
                        cmd("setnx", "sn", "1"),
                        cmd("getset", "gs", "1"),
                        cmd("setex", "se", "10", "v"),
                        cmd("set", "kk", "1", "get"),
                        cmd("rename", "a", "b"),
                        cmd("copy", "b", "c"),
                        cmd("move", "c", "3"),
                        cmd("lcs", "nok1", "nok2"),
                        cmd("touch", "nok"),
                        cmd("object", "encoding", "nokeyobj"),
                        cmd("copy", "nokeycp", "x"),
                        cmd("randomkey"),
                        cmd("scan", "0"),
                        cmd("keys", "*")));
    }

    @Test
    void keyspaceOnlyStringClass() throws IOException {
        assertEquals(List.of(
                "__keyspace@0__:a set",
                "__keyspace@0__:n incrby"),
                events("K$",
                        cmd("set", "a", "1"),
                        cmd("expire", "a", "100"),
                        cmd("del", "a"),
                        cmd("incr", "n")));
    }

    @Test
    void keyeventOnlyGenericClass() throws IOException {
        assertEquals(List.of(
                "__keyevent@0__:expire a",
                "__keyevent@0__:del a",
                "__keyevent@0__:rename_from n",
                "__keyevent@0__:rename_to m"),
                events("Eg",
                        cmd("set", "a", "1"),
                        cmd("expire", "a", "100"),
                        cmd("del", "a"),
                        cmd("incr", "n"),
                        cmd("rename", "n", "m")));
    }

    @Test
    void newOnly() throws IOException {
        assertEquals(List.of(
                "__keyevent@0__:new a",
                "__keyevent@0__:new b",
                "__keyevent@0__:new a"),
                events("En",
                        cmd("set", "a", "1"),
                        cmd("set", "a", "2"),
                        cmd("set", "b", "2"),
                        cmd("del", "a", "b"),
                        cmd("incr", "a")));
    }

    @Test
    void keymissOnly() throws IOException {
        assertEquals(List.of(
                "__keyspace@0__:a keymiss",
                "__keyspace@0__:b keymiss"),
                events("Km",
                        cmd("get", "a"),
                        cmd("set", "a", "1"),
                        cmd("get", "a"),
                        cmd("exists", "b")));
    }

    @Test
    void nothingWithoutKOrE() throws IOException {
        assertEquals(List.of(
),
                events("A",
                        cmd("set", "a", "1"),
                        cmd("del", "a")));
    }

    @Test
    void activeExpiryDeletesTheKeyAndEmitsExpired() throws IOException {
        assertEquals("+OK", c.call("config", "set", "notify-keyspace-events", "Ex"));
        try (RawConnection s = connection()) {
            assertEquals("*[$psubscribe, $__key*__:*, :1]", s.call("psubscribe", "__key*__:*"));
            assertEquals("+OK", c.call("set", "short", "1", "px", "50"));
            assertEquals("+OK", c.call("set", "long", "1", "px", "60000"));
            // nobody touches "short": only the engine's expiry timer can remove it
            await().atMost(Duration.ofSeconds(5)).until(() -> c.call("dbsize").equals(":1"));
            assertEquals("*[$long]", c.call("keys", "*"));
            assertEquals(List.of("__keyevent@0__:expired", "short"), List.of(message(s.reply())));
        } finally {
            c.call("config", "set", "notify-keyspace-events", "");
        }
    }
}
