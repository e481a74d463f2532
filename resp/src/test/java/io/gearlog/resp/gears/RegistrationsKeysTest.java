package io.gearlog.resp.gears;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KeysReader registrations (spec examples.md 11-14, readers.md KeysReader register) through a real client, with
 * their exact replies. One server for the class; each test unregisters what it registered.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistrationsKeysTest extends GearsTestBase {
    @BeforeEach
    void clean() {
        assertEquals("+OK", rg.call("FLUSHALL"));
    }

    @Test
    @Order(1)
    void example13IntrospectionAndUnregister() {
        assertEquals("+OK", py("GB(desc='all x keys').register('x*', mode='sync')", "ID", "reg", "DESCRIPTION", "demo"));
        String id = "0000000000000000000000000000000000000000-1";
        assertEquals("[[\"id\", \"" + id + "\", \"reader\", \"KeysReader\", \"desc\", \"all x keys\", "
                + "\"RegistrationData\", [\"mode\", \"sync\", \"numTriggered\", :0, \"numSuccess\", :0, \"numFailures\", :0, "
                + "\"numAborted\", :0, \"lastRunDurationMS\", :0, \"totalRunDurationMS\", :0, \"avgRunDurationMS\", \"0\", "
                + "\"lastError\", nil, \"args\", [\"regex\", \"x*\", \"eventTypes\", nil, \"keyTypes\", nil, \"hookCommands\", nil]], "
                + "\"PD\", \"{'sessionName':'reg', 'sessionDescription':'demo', 'refCount': 1, 'linkedTo': primary, 'dead': false, "
                + "'isInstallationNeeded':0, 'registrationsList':['" + id + "'], 'depsList':[]}\", "
                + "\"ExecutionThreadPool\", \"DefaultPool\"]]", rg.call("RG.DUMPREGISTRATIONS"));
        String session = "[\"ID\", \"reg\", \"sessionDescription\", \"demo\", \"refCount\", :1, \"linked\", \"primary\", "
                + "\"dead\", \"false\", \"requirementInstallationNeeded\", :0, \"requirements\", [], \"registrations\", [\"" + id + "\"]]";
        assertEquals("[" + session + "]", rg.call("RG.PYDUMPSESSIONS"));
        assertEquals("+OK", rg.call("SET", "x1", "a"));
        assertEquals("[[\"executionId\", \"" + id + "\", \"status\", \"done\", \"registered\", :1]]", rg.call("RG.DUMPEXECUTIONS"));
        assertEquals("[[\"{'event': 'set', 'key': 'x1', 'type': 'string', 'value': 'a'}\"], []]", rg.call("RG.GETRESULTS", id));
        assertEquals("[" + session + ", \"Session nosuch does not exists\"]", rg.call("RG.PYDUMPSESSIONS", "SESSIONS", "reg", "nosuch"));
        assertEquals("-Unknown option foo", rg.call("RG.PYDUMPSESSIONS", "foo"));
        System.out.println("VERBOSE " + rg.call("RG.PYDUMPSESSIONS", "VERBOSE"));
        System.out.println("DUMP " + rg.call("RG.DUMPREGISTRATIONS"));
        assertEquals("+OK", rg.call("RG.UNREGISTER", id));
        assertEquals("[]", rg.call("RG.DUMPREGISTRATIONS"));
        assertEquals("[]", rg.call("RG.DUMPEXECUTIONS"));
        assertEquals("[]", rg.call("RG.PYDUMPSESSIONS"));
        assertEquals("-execution is not registered", rg.call("RG.UNREGISTER", id));
    }

    @Test
    @Order(2)
    void example11AuditLogAndFilters() {
        assertEquals("+OK", py("GB().foreach(lambda x: execute('XADD', 'audit', '*', 'key', x['key'], 'event', x['event']))"
                + ".register(prefix='user:*', mode='sync', readValue=False)"));
        assertEquals(":1", rg.call("HSET", "user:1", "name", "alice"));
        assertEquals("+OK", rg.call("SET", "user:2", "x"));
        assertEquals(":1", rg.call("DEL", "user:1"));
        assertEquals("+OK", rg.call("SET", "other", "1"));
        assertEquals(":3", rg.call("XLEN", "audit"));
        String range = rg.call("XRANGE", "audit", "-", "+");
        assertTrue(range.matches("\\[\\[\"[0-9]+-[0-9]+\", \\[\"key\", \"user:1\", \"event\", \"hset\"\\]\\], "
                + "\\[\"[0-9]+-[0-9]+\", \\[\"key\", \"user:2\", \"event\", \"set\"\\]\\], "
                + "\\[\"[0-9]+-[0-9]+\", \\[\"key\", \"user:1\", \"event\", \"del\"\\]\\]\\]"), range);
        assertEquals("+OK", py("GB().foreach(lambda x: execute('INCR', 'list_pushes'))"
                + ".register(eventTypes=['lpush', 'RPUSH'], keyTypes=['list'], mode='sync')"));
        assertEquals(":1", rg.call("LPUSH", "q", "a"));
        assertEquals(":2", rg.call("RPUSH", "q", "b"));
        assertEquals("+OK", rg.call("SET", "x", "1"));
        assertEquals(":1", rg.call("SADD", "s", "a"));
        assertEquals("\"2\"", rg.call("GET", "list_pushes"));
    }

    /** The only registration's RegistrationData, rendered. */
    private static String data() {
        String dump = rg.call("RG.DUMPREGISTRATIONS");
        int i = dump.indexOf("\"RegistrationData\", ");
        int j = dump.indexOf(", \"PD\", ");
        assertTrue(i > 0 && j > i, dump);
        return dump.substring(i + 20, j);
    }

    /** Stats with the durations masked (they are wall-clock). */
    private static String stats() {
        return data().replaceAll("DurationMS\", :[0-9]+", "DurationMS\", :T").replaceAll("avgRunDurationMS\", \"[0-9.e+-]+\"",
                "avgRunDurationMS\", \"T\"");
    }

    private static String lastId() {
        String dump = rg.call("RG.DUMPREGISTRATIONS");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"id\", \"(" + SHARD + "[0-9]+)\"").matcher(dump);
        assertTrue(m.find(), dump);
        return m.group(1);
    }

    @Test
    @Order(3)
    void example12EventDrivenMaximum() {
        unregisterAll();
        String script = "def age(x):\n    return int(x['value']['age'])\n\n"
                + "def cas(x):\n    v = execute('GET', 'age:maximum')\n    v = int(v) if v else 0\n    if x > v:\n"
                + "        execute('SET', 'age:maximum', x)\n\n"
                + "GB().map(age).foreach(cas).register('person:*', mode='sync')\n";
        assertEquals("+OK", py(script));
        assertEquals(":2", rg.call("HSET", "person:4", "name", "Beth Smith", "age", "35"));
        assertEquals("\"35\"", rg.call("GET", "age:maximum"));
        assertEquals(":2", rg.call("HSET", "person:5", "name", "Shrimply Pibbles", "age", "87"));
        assertEquals("\"87\"", rg.call("GET", "age:maximum"));
        assertEquals(":2", rg.call("HSET", "person:6", "name", "Jerry Smith", "age", "36"));
        assertEquals("\"87\"", rg.call("GET", "age:maximum"));
        unregisterAll();
    }

    @Test
    @Order(4)
    void syncWritesDoNotRefireAndStatsCount() {
        unregisterAll();
        // the handler writes a key its own prefix matches: rule 5 keeps it from firing again
        assertEquals("+OK", py("GB().foreach(lambda x: execute('INCR', 'c:count')).register('c*', mode='sync')"));
        assertEquals("+OK", rg.call("SET", "c1", "v"));
        assertEquals("\"1\"", rg.call("GET", "c:count"));
        assertEquals("+OK", rg.call("SET", "c2", "v"));
        assertEquals("\"2\"", rg.call("GET", "c:count"));
        assertEquals("[\"mode\", \"sync\", \"numTriggered\", :2, \"numSuccess\", :2, \"numFailures\", :0, \"numAborted\", :0, "
                + "\"lastRunDurationMS\", :T, \"totalRunDurationMS\", :T, \"avgRunDurationMS\", \"T\", \"lastError\", nil, "
                + "\"args\", [\"regex\", \"c*\", \"eventTypes\", nil, \"keyTypes\", nil, \"hookCommands\", nil]]", stats());
        assertEquals("+OK", rg.call("RG.CLEARREGISTRATIONSSTATS"));
        assertEquals("[\"mode\", \"sync\", \"numTriggered\", :0, \"numSuccess\", :0, \"numFailures\", :0, \"numAborted\", :0, "
                + "\"lastRunDurationMS\", :0, \"totalRunDurationMS\", :0, \"avgRunDurationMS\", \"0\", \"lastError\", nil, "
                + "\"args\", [\"regex\", \"c*\", \"eventTypes\", nil, \"keyTypes\", nil, \"hookCommands\", nil]]", data());
        assertTrue(rg.call("RG.CLEARREGISTRATIONSSTATS", "x").startsWith("-ERR wrong number of arguments"));
        unregisterAll();
    }

    @Test
    @Order(5)
    void failuresSetLastErrorAndASuccessClearsIt() {
        unregisterAll();
        assertEquals("+OK", py("def f(x):\n    if x['key'] == 'f:bad':\n        raise flat_error('boom')\n    return x['key']\n"
                + "GB().map(f).register('f:*', mode='sync', readValue=False)"));
        String id = lastId();
        assertEquals("+OK", rg.call("SET", "f:bad", "1"));
        assertEquals("[\"mode\", \"sync\", \"numTriggered\", :1, \"numSuccess\", :0, \"numFailures\", :1, \"numAborted\", :0, "
                + "\"lastRunDurationMS\", :T, \"totalRunDurationMS\", :T, \"avgRunDurationMS\", \"T\", \"lastError\", \"boom\", "
                + "\"args\", [\"regex\", \"f:*\", \"eventTypes\", nil, \"keyTypes\", nil, \"hookCommands\", nil]]", stats());
        assertEquals("+OK", rg.call("SET", "f:good", "1"));
        assertTrue(stats().contains("\"numSuccess\", :1, \"numFailures\", :1, \"numAborted\", :0, "), stats());
        assertTrue(stats().contains("\"lastError\", nil"), stats());
        String execs = rg.call("RG.DUMPEXECUTIONS");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"executionId\", \"(" + SHARD + "[0-9]+)\"").matcher(execs);
        java.util.List<String> ids = new java.util.ArrayList<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        assertEquals(2, ids.size(), execs);
        assertEquals("[[], [\"boom\"]]", rg.call("RG.GETRESULTS", ids.get(0)));
        assertEquals("[[\"f:good\"], []]", rg.call("RG.GETRESULTS", ids.get(1)));
        assertEquals("+OK", rg.call("RG.UNREGISTER", id));
        assertEquals("[]", rg.call("RG.DUMPEXECUTIONS"));
    }

    @Test
    @Order(6)
    void asyncRegistrationsRunInTheBackgroundAndTheirWritesFire() {
        unregisterAll();
        assertEquals("+OK", py("GB().foreach(lambda x: execute('SET', 'a:seen', x['key']) if x['key'] != 'a:seen' else None)"
                + ".register('a:*')"));
        assertEquals("+OK", rg.call("SET", "a:1", "x"));
        // the background execution's own write fires the registration again (rule 5 is for sync only)
        await().atMost(Duration.ofSeconds(120)).until(() -> stats().contains("\"numTriggered\", :2, \"numSuccess\", :2,"));
        assertEquals("\"a:1\"", rg.call("GET", "a:seen"));
        assertTrue(data().startsWith("[\"mode\", \"async\", "), data());
        String execs = rg.call("RG.DUMPEXECUTIONS");
        assertTrue(execs.matches("\\[\\[\"executionId\", \"" + SHARD + "[0-9]+\", \"status\", \"done\", \"registered\", :1\\], "
                + "\\[\"executionId\", \"" + SHARD + "[0-9]+\", \"status\", \"done\", \"registered\", :1\\]\\]"), execs);
        unregisterAll();
        // async_local, readValue and the record of a key that is gone by the time the execution reads it
        assertEquals("+OK", py("GB().register('g*', mode='async_local', eventTypes=['del'])"));
        assertEquals("+OK", rg.call("SET", "g1", "x"));
        assertEquals(":1", rg.call("DEL", "g1"));
        await().atMost(Duration.ofSeconds(120)).until(() -> stats().contains("\"numSuccess\", :1,"));
        String execs2 = rg.call("RG.DUMPEXECUTIONS");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"executionId\", \"(" + SHARD + "[0-9]+)\"").matcher(execs2);
        assertTrue(m.find(), execs2);
        assertEquals("[[\"{'event': 'del', 'key': 'g1', 'type': 'empty', 'value': None}\"], []]", rg.call("RG.GETRESULTS", m.group(1)));
        unregisterAll();
    }

    @Test
    @Order(7)
    void keyTypesAndReadValue() {
        unregisterAll();
        assertEquals("+OK", py("GB().map(lambda x: str(sorted(x.items()))).foreach(lambda x: execute('RPUSH', 'kt:log', x))"
                + ".register('kt*', keyTypes=['hash', 'empty'], readValue=False, mode='sync')"));
        assertEquals(":1", rg.call("HSET", "kth", "f", "v"));
        assertEquals("+OK", rg.call("SET", "kts", "v"));
        assertEquals(":1", rg.call("DEL", "kth"));
        assertEquals("[\"[('event', 'hset'), ('key', 'kth')]\", \"[('event', 'del'), ('key', 'kth')]\"]",
                rg.call("LRANGE", "kt:log", "0", "-1"));
        assertTrue(data().endsWith("\"args\", [\"regex\", \"kt*\", \"eventTypes\", nil, \"keyTypes\", [\"hash\", \"empty\"], \"hookCommands\", nil]]"), data());
        unregisterAll();
    }

    @Test
    @Order(8)
    void badRegisterArguments() {
        unregisterAll();
        String[][] cases = {
                {"GB().register(eventTypes=1)", "given eventTypes is not iterable"},
                {"GB().register(eventTypes=[1])", "given event type is not string"},
                {"GB().register(keyTypes=1)", "given keyTypes is not iterable"},
                {"GB().register(keyTypes=[1])", "given key type is not string"},
                {"GB().register(keyTypes=['nosuch'])", "unknown key type"},
                {"GB().register(readValue=1)", "readValue is not boolean"},
                {"GB().register(mode='sync2')", "unknown execution mode"},
                {"GB().register(1)", "regex argument must be a string"},
                {"GB().register(commands=1)", "given commands is not iterable"},
                {"GB().register(commands=['nosuchcommand'])", "bad reply on COMMAND command"},
                {"GB().register(commands=['multi'])", "Can not hook a command which are not allowed inside a script"},
                {"GB().register(commands=['xread'])", "Can not hook a command with moveable keys by key prefix"},
                {"GB().register(commands=['ping'])", "Can not hook a command by key prefix with none positive first key"},
                {"GB().register(prefix='', commands=['get'])", "Empty perfix given to command hooker"},
                {"GB('KeysOnlyReader').register()", "given reader does not exists or does not support register"},
        };
        for (String[] c : cases) {
            String r = py(c[0]);
            assertTrue(r.startsWith("-") && r.contains(c[1]), c[0] + " -> " + r);
        }
        // a failed script applies none of its registrations
        String r = py("GB().register('ok1')\nGB().register(keyTypes=['nosuch'])");
        assertTrue(r.contains("unknown key type"), r);
        assertEquals("[]", rg.call("RG.DUMPREGISTRATIONS"));
        assertEquals("[]", rg.call("RG.PYDUMPSESSIONS"));
    }

    /** Execution numbers in RG.DUMPEXECUTIONS, sorted; every one done and registered. */
    private static java.util.List<Long> executionNumbers() {
        String execs = rg.call("RG.DUMPEXECUTIONS");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"executionId\", \"" + SHARD
                + "([0-9]+)\", \"status\", \"done\", \"registered\", :1\\]").matcher(execs);
        java.util.List<Long> l = new java.util.ArrayList<>();
        while (m.find()) {
            l.add(Long.parseLong(m.group(1)));
        }
        java.util.Collections.sort(l);
        return l;
    }

    @Test
    @Order(9)
    void example14RetentionCaps() {
        unregisterAll();
        assertEquals("[]", rg.call("RG.DUMPEXECUTIONS"));
        try {
            assertEquals("[+OK]", rg.call("RG.CONFIGSET", "MaxExecutions", "3"));
            assertEquals("+OK", py("GB().register('k', mode='sync')"));
            assertEquals("+OK", rg.call("SET", "k", "0"));
            long b = executionNumbers().get(0);
            assertEquals("+OK", rg.call("SET", "k", "1"));
            assertEquals("+OK", rg.call("SET", "k", "2"));
            assertEquals(java.util.List.of(b, b + 1, b + 2), executionNumbers());
            assertEquals("+OK", rg.call("SET", "k", "3"));
            assertEquals(java.util.List.of(b + 1, b + 2, b + 3), executionNumbers());
            assertEquals("[+OK]", rg.call("RG.CONFIGSET", "MaxExecutions", "0"));
            assertEquals("[+OK]", rg.call("RG.CONFIGSET", "MaxExecutionsPerRegistration", "2"));
            assertEquals("+OK", rg.call("SET", "k", "4"));
            assertEquals("+OK", rg.call("SET", "k", "5"));
            assertEquals("+OK", rg.call("SET", "k", "6"));
            assertEquals(java.util.List.of(b + 3, b + 4, b + 5, b + 6), executionNumbers());
        } finally {
            rg.call("RG.CONFIGSET", "MaxExecutions", "1000");
            rg.call("RG.CONFIGSET", "MaxExecutionsPerRegistration", "100");
        }
        unregisterAll();
        assertEquals("[]", rg.call("RG.DUMPEXECUTIONS"));
    }

    @Test
    @Order(10)
    void runawayAsyncHandlerAbortedAndUnregisterAbortPending() {
        unregisterAll();
        assertEquals("+OK", py("def spin(x):\n    while True:\n        pass\nGB().foreach(spin).register('spin:*')"));
        String id = lastId();
        assertEquals("+OK", rg.call("SET", "spin:1", "x"));
        assertEquals("+OK", rg.call("SET", "spin:2", "x"));
        // the first runs (and never ends), the second waits behind it on the session's worker
        java.util.regex.Pattern running = java.util.regex.Pattern.compile("\"executionId\", \"(" + SHARD + "[0-9]+)\", \"status\", \"running\"");
        await().atMost(Duration.ofSeconds(60)).until(() -> running.matcher(rg.call("RG.DUMPEXECUTIONS")).find());
        java.util.regex.Matcher m = running.matcher(rg.call("RG.DUMPEXECUTIONS"));
        assertTrue(m.find());
        String first = m.group(1);
        String execs = rg.call("RG.DUMPEXECUTIONS");
        java.util.regex.Matcher c = java.util.regex.Pattern.compile("\"executionId\", \"(" + SHARD + "[0-9]+)\", \"status\", \"created\"").matcher(execs);
        assertTrue(c.find(), execs);
        String second = c.group(1);
        assertEquals("+OK", rg.call("RG.UNREGISTER", id, "ABORTPENDING"));
        assertTrue(rg.call("RG.GETEXECUTION", second).contains("\"status\", \"aborted\""));
        assertEquals("+OK", rg.call("RG.ABORTEXECUTION", first));
        await().atMost(Duration.ofSeconds(60)).until(() -> rg.call("RG.DUMPEXECUTIONS").equals("[]"));
        assertEquals("[]", rg.call("RG.DUMPREGISTRATIONS"));
        assertEquals("PONG", rg.call("PING").substring(1));
    }
}
