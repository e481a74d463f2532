package io.gearlog.resp.gears;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Execution ids, lifecycle and the commands that inspect, await, abort and drop executions (spec examples 8 and
 * 24 and commands.md), on a fresh server: the tests run in order because ids count from 0.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class GearsExecutionLifecycleTest extends GearsTestBase {
    static final String ID0 = "0000000000000000000000000000000000000000-0";
    @BeforeAll
    static void firstSession() {
        // no run(): consumes no execution number
        assertEquals("+OK", rg.call("RG.PYEXECUTE", "x = 1"));
    }

    private static String id(long n) {
        return "0".repeat(40) + "-" + n;
    }

    private static String status(Rg c, String id) {
        String plan = c.call("RG.GETEXECUTION", id);
        int i = plan.indexOf("\"status\", \"");
        return i < 0 ? plan : plan.substring(i + 11, plan.indexOf('"', i + 11));
    }

    @Test
    @Order(1)
    void example8UnblockingLifecycle() {
        assertEquals("\"" + ID0 + "\"", rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').run()", "UNBLOCKING"));
        assertEquals("[[\"1\"], []]", rg.call("RG.GETRESULTSBLOCKING", ID0));
        assertEquals("[[\"executionId\", \"" + ID0 + "\", \"status\", \"done\", \"registered\", :0]]", rg.call("RG.DUMPEXECUTIONS"));
        String plan = rg.call("RG.GETEXECUTION", ID0);
        assertTrue(plan.matches("\\[\\[\"shard_id\", \"0{40}\", \"execution_plan\", \\[\"status\", \"done\", "
                + "\"shards_received\", :0, \"shards_completed\", :0, \"results\", :1, \"errors\", \\[\\], "
                + "\"total_duration\", :\\d+, \"read_duration\", :\\d+, \"steps\", \\["
                + "\\[\"type\", \"collect\", \"duration\", :0, \"name\", \"collect\", \"arg\", \"\"\\], "
                + "\\[\"type\", \"map\", \"duration\", :0, \"name\", \"RedisGearsPy_PyCallbackMapper\", \"arg\", "
                + "\"<function GearsBuilder.run.<locals>.<lambda> at 0x[0-9a-f]+>\"\\], "
                + "\\[\"type\", \"map\", \"duration\", :0, \"name\", \"RedisGearsPy_ToPyRecordMapper\", \"arg\", \"\"\\]\\]\\]\\]\\]"),
                plan);
        assertEquals(plan, rg.call("RG.GETEXECUTION", ID0, "shard"));
        assertEquals("-no cluster detected - use `RG.GETEXECUTION <id> [SHARD]` instead", rg.call("RG.GETEXECUTION", ID0, "CLUSTER"));
        assertEquals("-unknown subcommand", rg.call("RG.GETEXECUTION", ID0, "foo"));
        assertEquals("[[\"1\"], []]", rg.call("RG.GETRESULTS", ID0));
        // ids are parsed like sscanf: leading zeros and trailing junk find the same execution
        assertEquals("[[\"1\"], []]", rg.call("RG.GETRESULTS", ID0.replace("-0", "-00x")));
        assertEquals("+OK", rg.call("RG.DROPEXECUTION", ID0));
        assertEquals("-execution plan does not exist", rg.call("RG.GETRESULTS", ID0));
        assertEquals("-execution plan does not exist", rg.call("RG.DROPEXECUTION", ID0));
        assertEquals("-execution does not exist", rg.call("RG.ABORTEXECUTION", ID0));
        assertEquals("[[\"1\"], []]", rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').run()"));
        assertEquals("[]", rg.call("RG.DUMPEXECUTIONS"));
    }

    @Test
    @Order(2)
    void example24Configuration() {
        assertEquals("[:1000, :100, :0, :3, :5000, :3]", rg.call("RG.CONFIGGET", "MaxExecutions", "MaxExecutionsPerRegistration",
                "ProfileExecutions", "ExecutionThreads", "ExecutionMaxIdleTime", "SendMsgRetries"));
        assertEquals("[:1, :30000, \"/var/opt/redislabs/modules/rg\"]",
                rg.call("RG.CONFIGGET", "PythonAttemptTraceback", "PythonInstallReqMaxIdleTime", "PythonInstallationDir"));
        assertEquals("[+OK]", rg.call("RG.CONFIGSET", "MaxExecutions", "10"));
        assertEquals("[:10]", rg.call("RG.CONFIGGET", "MaxExecutions"));
        assertEquals("[-(error) Unsupported config parameter: foo]", rg.call("RG.CONFIGGET", "foo"));
        assertEquals("[-(error) Unsupported config parameter: maxexecutions]", rg.call("RG.CONFIGGET", "maxexecutions"));
        assertEquals("[+OK - value was saved in extra config dictionary]", rg.call("RG.CONFIGSET", "foo", "bar"));
        assertEquals("[\"bar\"]", rg.call("RG.CONFIGGET", "foo"));
        assertEquals("[-(error) Config value ExecutionThreads not modifiable at runtime]", rg.call("RG.CONFIGSET", "ExecutionThreads", "5"));
        assertEquals("[+OK - value was saved in extra config dictionary, +OK]", rg.call("RG.CONFIGSET", "NoSuch", "1", "MaxExecutions", "20"));
        assertEquals("[-(error) DependenciesSha256 is not configurable at runtime]", rg.call("RG.CONFIGSET", "DependenciesSha256", "x"));
        assertEquals("[+OK]", rg.call("RG.CONFIGSET", "maxexecutions", "1000"));
        assertEquals("[-(error) Failed setting config value MaxExecutions]", rg.call("RG.CONFIGSET", "MaxExecutions", "abc"));
        assertEquals("[-(error) Value was not given to foo]", rg.call("RG.CONFIGSET", "foo"));
        assertEquals("[-Failed setting config value for key 'PythonInstallReqMaxIdleTime' with value '0']",
                rg.call("RG.CONFIGSET", "PythonInstallReqMaxIdleTime", "0"));
        assertEquals("[:0, -(error) Unsupported config parameter: bar]", rg.call("RG.CONFIGGET", "ProfileExecutions", "bar"));
        assertEquals("[]", rg.call("RG.CONFIGGET"));
        assertEquals("[]", rg.call("RG.CONFIGSET"));
        assertEquals("[[\"bardfltNone\"], []]", rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').map(lambda x: gearsConfigGet('foo', 'dflt') "
                + "+ gearsConfigGet('nope', 'dflt') + str(configGet('MaxExecutions'))).run()"));
    }

    @Test
    @Order(3)
    void longRunningExecutionIsAbortedAndEndsDone() {
        String reply = rg.call("RG.PYEXECUTE", "import time\nGB('ShardsIDReader').foreach(lambda x: time.sleep(2)).run()", "UNBLOCKING");
        String id = reply.substring(1, reply.length() - 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> status(rg, id).equals("running"));
        assertEquals("-execution is still running", rg.call("RG.GETRESULTS", id));
        assertEquals("-can not drop a not yet finished execution, abort it first.", rg.call("RG.DROPEXECUTION", id));
        assertEquals("+OK", rg.call("RG.ABORTEXECUTION", id));
        assertEquals("done", status(rg, id));
        String results = rg.call("RG.GETRESULTS", id);
        assertTrue(results.startsWith("[[], [\"") && results.contains("gears.forcestopped: Execution was aborted"), results);
        assertEquals(1, results.split("forcestopped").length - 1, results);
        assertEquals("+OK", rg.call("RG.ABORTEXECUTION", id));
        assertEquals("+OK", rg.call("RG.DROPEXECUTION", id));
    }

    @Test
    @Order(4)
    void infiniteLoopIsAbortedWhileOtherClientsAreServed() throws Exception {
        String reply = rg.call("RG.PYEXECUTE", "def spin(x):\n    while True:\n        pass\nGB('ShardsIDReader').foreach(spin).run()", "UNBLOCKING");
        String id = reply.substring(1, reply.length() - 1);
        try (Rg other = new Rg(server); Rg waiter = new Rg(server)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> status(other, id).equals("running"));
            waiter.send("RG.GETRESULTSBLOCKING", id);
            for (int i = 0; i < 20; i++) {
                assertEquals("+OK", other.call("SET", "k" + i, "v" + i));
                assertEquals("\"v" + i + "\"", other.call("GET", "k" + i));
            }
            assertEquals("[[\"1\"], []]", other.call("RG.PYEXECUTE", "GB('ShardsIDReader').run()"));
            assertEquals("running", status(other, id));
            assertEquals("+OK", other.call("RG.ABORTEXECUTION", id));
            String results = waiter.read();
            assertTrue(results.startsWith("[[], [\"") && results.contains("gears.forcestopped: Execution was aborted"), results);
            assertEquals(results, other.call("RG.GETRESULTS", id));
            assertEquals("+PONG", other.call("PING"));
            assertEquals("[[\"after\"], []]", other.call("RG.PYEXECUTE", "GB('ShardsIDReader').map(lambda x: 'after').run()"));
            // the interrupted worker goes on serving
            assertTrue(other.call("INFO", "rg").contains("rg_python_workers_alive:3"), other.call("INFO", "rg"));
            for (int i = 0; i < 6; i++) {
                assertEquals("[[\"1\"], []]", other.call("RG.PYEXECUTE", "GB('ShardsIDReader').run()"));
            }
        }
    }

    @Test
    @Order(5)
    void abortBeforeItStartsRepliesCurrentResults() throws Exception {
        // the execution is created by run() but only starts after the script body, which sleeps meanwhile
        String dump = rg.call("RG.DUMPEXECUTIONS");
        try (Rg a = new Rg(server)) {
            a.send("RG.PYEXECUTE", "import time\nGB('ShardsIDReader').run()\ntime.sleep(1.5)");
            String[] created = new String[1];
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                String d = rg.call("RG.DUMPEXECUTIONS");
                int i = d.indexOf("\"status\", \"created\"");
                if (i < 0) {
                    return false;
                }
                int s = d.lastIndexOf("\"executionId\", \"", i) + 16;
                created[0] = d.substring(s, d.indexOf('"', s));
                return true;
            });
            assertEquals("+OK", rg.call("RG.ABORTEXECUTION", created[0]));
            assertEquals("[[], []]", a.read());
            assertEquals(dump, rg.call("RG.DUMPEXECUTIONS"));
        }
    }

    @Test
    @Order(6)
    void timeLimitInterruptsRunawayCode() {
        assertEquals("+OK", rg.call("CONFIG", "SET", "python-time-limit", "300"));
        try {
            String script = rg.call("RG.PYEXECUTE", "while True:\n    pass");
            assertTrue(script.startsWith("-") && script.contains("gears.forcestopped: Execution time limit of 300 ms exceeded"), script);
            String exec = rg.call("RG.PYEXECUTE", "def spin(x):\n    while True:\n        pass\nGB('ShardsIDReader').map(spin).run()");
            assertTrue(exec.startsWith("[[], [\"") && exec.contains("Execution time limit of 300 ms exceeded"), exec);
            assertEquals("[[\"ok\"], []]", rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').map(lambda x: 'ok').run()"));
        } finally {
            assertEquals("+OK", rg.call("CONFIG", "SET", "python-time-limit", "0"));
        }
    }

    @Test
    @Order(6)
    void memoryLimitInterruptsCodeThatFillsTheHeap() {
        // a limit below what the server already holds: only code that allocates heavily is taken for the cause
        assertEquals("+OK", rg.call("CONFIG", "SET", "python-memory-limit", "1mb"));
        try {
            assertEquals("[[\"ok\"], []]", rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').map(lambda x: 'ok').run()"));
            String script = rg.call("RG.PYEXECUTE", "l = []\nwhile True:\n    l.append('x' * 1000 + str(len(l)))");
            assertTrue(script.startsWith("-") && script.contains(
                    "gears.forcestopped: Execution exceeded python-memory-limit (1048576 bytes of heap in use)"), script);
            String exec = rg.call("RG.PYEXECUTE",
                    "def grow(x):\n    l = []\n    while True:\n        l.append('y' * 1000 + str(len(l)))\n"
                            + "GB('ShardsIDReader').map(grow).run()");
            assertTrue(exec.startsWith("[[], [\"") && exec.contains("exceeded python-memory-limit"), exec);
        } finally {
            assertEquals("+OK", rg.call("CONFIG", "SET", "python-memory-limit", "0"));
        }
        assertEquals("[\"python-memory-limit\", \"0\"]", rg.call("CONFIG", "GET", "python-memory-limit"));
        assertEquals("[[\"ok\"], []]", rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').map(lambda x: 'ok').run()"));
    }

    @Test
    @Order(7)
    void maxExecutionsEvictsTheOldest() {
        for (String l : rg.call("RG.DUMPEXECUTIONS").split("\"executionId\", \"")) {
            if (l.startsWith("0")) {
                rg.call("RG.DROPEXECUTION", l.substring(0, l.indexOf('"')));
            }
        }
        assertEquals("[]", rg.call("RG.DUMPEXECUTIONS"));
        assertEquals("[+OK]", rg.call("RG.CONFIGSET", "MaxExecutions", "2"));
        try {
            String[] ids = new String[3];
            for (int i = 0; i < 3; i++) {
                String r = rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').run()", "UNBLOCKING");
                ids[i] = r.substring(1, r.length() - 1);
                assertEquals("[[\"1\"], []]", rg.call("RG.GETRESULTSBLOCKING", ids[i]));
            }
            String dump = rg.call("RG.DUMPEXECUTIONS");
            assertTrue(!dump.contains(ids[0]) && dump.contains(ids[1]) && dump.contains(ids[2]), dump);
        } finally {
            assertEquals("[+OK]", rg.call("RG.CONFIGSET", "MaxExecutions", "1000"));
        }
    }

    @Test
    @Order(8)
    void profileExecutionsMeasuresSteps() {
        assertEquals("[+OK]", rg.call("RG.CONFIGSET", "ProfileExecutions", "1"));
        try {
            String r = rg.call("RG.PYEXECUTE", "import time\nGB('ShardsIDReader').map(lambda x: time.sleep(0.2)).run()", "UNBLOCKING");
            String id = r.substring(1, r.length() - 1);
            assertEquals("[[\"None\"], []]", rg.call("RG.GETRESULTSBLOCKING", id));
            String plan = rg.call("RG.GETEXECUTION", id);
            int i = plan.indexOf("\"name\", \"RedisGearsPy_PyCallbackMapper\", \"arg\", \"<function <lambda>");
            assertTrue(i > 0, plan);
            String before = plan.substring(plan.lastIndexOf("\"duration\", :", i) + 13);
            long ms = Long.parseLong(before.substring(0, before.indexOf(',')));
            assertTrue(ms >= 150, plan);
        } finally {
            assertEquals("[+OK]", rg.call("RG.CONFIGSET", "ProfileExecutions", "0"));
        }
    }

    @Test
    @Order(9)
    void otherCommands() {
        String stats = rg.call("RG.PYSTATS");
        assertTrue(stats.matches("\\[\"TotalAllocated\", :\\d+, \"PeakAllocated\", :\\d+, \"CurrAllocated\", :\\d+\\]"), stats);
        assertEquals("[]", rg.call("RG.PYDUMPSESSIONS"));
        assertEquals("[]", rg.call("RG.PYDUMPSESSIONS", "VERBOSE", "TS"));
        assertEquals("[\"Session reg does not exists\", \"Session nosuch does not exists\"]",
                rg.call("RG.PYDUMPSESSIONS", "SESSIONS", "reg", "nosuch"));
        assertEquals("-Unknown option foo", rg.call("RG.PYDUMPSESSIONS", "foo"));
        assertEquals("-session does not exists", rg.call("RG.PYPROFILE", "STATS", "nosuch"));
        assertEquals("-session does not exists", rg.call("RG.PYPROFILE", "RESET", "nosuch"));
        assertEquals("-Wrong subcommand given to RG.PYPROFILE", rg.call("RG.PYPROFILE", "FOO", "x"));
        assertEquals("-ERR wrong number of arguments for 'RG.PYPROFILE' command", rg.call("RG.PYPROFILE"));
        assertEquals("-ERR wrong number of arguments for 'rg.getresultsblocking' command", rg.call("rg.getresultsblocking"));
        assertEquals("-ERR wrong number of arguments for 'RG.DROPEXECUTION' command", rg.call("RG.DROPEXECUTION", "a", "b"));
        assertEquals("-ERR wrong number of arguments for 'RG.ABORTEXECUTION' command", rg.call("RG.ABORTEXECUTION"));
        assertEquals("-ERR wrong number of arguments for 'RG.GETEXECUTION' command", rg.call("RG.GETEXECUTION", "a", "b", "c"));
        assertEquals("-ERR wrong number of arguments for 'RG.GETRESULTS' command", rg.call("RG.GETRESULTS"));
        assertEquals("-execution plan does not exist", rg.call("RG.GETEXECUTION", "short"));
        assertEquals("-execution plan does not exist", rg.call("RG.GETRESULTSBLOCKING", "1".repeat(40) + "-1"));
        assertEquals("[[\"GearsPythonPlugin\", :10000]]", rg.call("RG.DUMPPLUGINS"));
        assertEquals("\"Execute remote is not longer supported\"", rg.call("RG.PYEXECUTEREMOTE"));
        assertEquals("[]", rg.call("RG.PYDUMPREQS"));
        String info = rg.call("INFO", "rg");
        assertTrue(info.contains("rg_nexecutions:") && info.contains("rg_TotalAllocated:"), info);
    }

    @Test
    @Order(10)
    void pipelinedCommandsKeepTheirOrderAroundADeferredReply() throws Exception {
        try (Rg c = new Rg(server)) {
            c.send("SET", "p", "1");
            c.send("RG.PYEXECUTE", "GB('ShardsIDReader').map(lambda x: execute('INCR', 'p')).run()");
            c.send("GET", "p");
            assertEquals("+OK", c.read());
            assertEquals("[[\"2\"], []]", c.read());
            assertEquals("\"2\"", c.read());
        }
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> {
            try (Rg c = new Rg(server)) {
                return c.call("RG.PYEXECUTE", "import time\ntime.sleep(1)\nGB('ShardsIDReader').run()");
            }
        });
        assertEquals("+PONG", rg.call("PING"));
        assertEquals("[[\"1\"], []]", slow.get(120, TimeUnit.SECONDS));
    }

    /** The pstats line of {@code function} (defined at {@code line} of the session's code): its call counts. */
    private static String calls(String report, int line, String function) {
        Matcher m = Pattern.compile("(?m)^\\s+(\\S+)\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{3}\\s+\\d+\\.\\d{3}\\s+"
                + "\\d+\\.\\d{3} <string>:" + line + "\\(" + function + "\\)$").matcher(report);
        return m.find() ? m.group(1) : "no line for " + function + " in:\n" + report;
    }

    @Test
    @Order(11)
    void profilerReportsTheSessionsCallbacksFromEveryContext() {
        String code = """
                def leaf(x):
                    return x + 1
                def fib(n):
                    return n if n < 2 else fib(n - 1) + fib(n - 2)
                def step(x):
                    fib(5)
                    return leaf(len(x))
                GB('CommandReader').map(step).register(trigger='prof_t')
                GB('KeysReader').foreach(step).register(prefix='prof:*', mode='sync')
                """;
        assertEquals("+OK", rg.call("RG.PYEXECUTE", code, "ID", "prof"));
        // ProfileExecutions is off: nothing is collected
        assertEquals("[\"2\"]", rg.call("RG.TRIGGER", "prof_t"));
        assertEquals("\"         0 function calls in 0.000 seconds\n\n\"", rg.call("RG.PYPROFILE", "STATS", "prof"));

        assertEquals("[+OK]", rg.call("RG.CONFIGSET", "ProfileExecutions", "1"));
        try {
            // a worker context runs the async trigger, the engine's context the sync registration
            for (int i = 0; i < 3; i++) {
                assertEquals("[\"2\"]", rg.call("RG.TRIGGER", "prof_t"));
            }
            assertEquals("+OK", rg.call("SET", "prof:a", "1"));
            assertEquals("+OK", rg.call("SET", "prof:b", "1"));
            String stats = rg.call("RG.PYPROFILE", "STATS", "prof");
            String report = stats.substring(1, stats.length() - 1);
            assertEquals("5", calls(report, 5, "step"));
            assertEquals("5", calls(report, 1, "leaf"));
            // recursive calls: total/primitive, as pstats writes them (fib(5) makes 15 calls, 1 of them primitive)
            assertEquals("75/5", calls(report, 3, "fib"));
            assertTrue(report.contains("Ordered by: internal time"), report);
            // Gearlog's own frames are not the user's to profile
            assertFalse(report.contains("<gearlog>"), report);
            assertTrue(report.contains("{built-in method builtins.len}"), report);
            assertTrue(report.matches("(?s).*\\nFunction +was called by\\.\\.\\.\\n.*\\nFunction +called\\.\\.\\.\\n.*"), report);
            assertTrue(report.matches("(?s) *90 function calls \\(20 primitive calls\\) in \\d+\\.\\d{3} seconds\\n.*"), report);

            assertEquals("+OK", rg.call("RG.PYPROFILE", "RESET", "prof"));
            assertEquals("[\"2\"]", rg.call("RG.TRIGGER", "prof_t"));
            String after = rg.call("RG.PYPROFILE", "STATS", "prof");
            assertEquals("1", calls(after, 5, "step"));
            assertEquals("15/1", calls(after, 3, "fib"));
        } finally {
            assertEquals("[+OK]", rg.call("RG.CONFIGSET", "ProfileExecutions", "0"));
        }
        assertEquals("[\"2\"]", rg.call("RG.TRIGGER", "prof_t"));
        assertEquals("1", calls(rg.call("RG.PYPROFILE", "STATS", "prof"), 5, "step"));
        assertEquals("-ERR wrong number of arguments for 'RG.PYPROFILE' command", rg.call("RG.PYPROFILE", "RESET", "prof", "x"));
        assertEquals("-ERR wrong number of arguments for 'RG.PYPROFILE' command", rg.call("RG.PYPROFILE", "STATS", "prof", "tottime", "x"));
        assertEquals("+PONG", rg.call("PING"));
    }
}
