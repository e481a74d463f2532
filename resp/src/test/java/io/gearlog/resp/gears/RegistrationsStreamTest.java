package io.gearlog.resp.gears;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * StreamReader registrations (spec examples.md 16-17, readers.md StreamReader register, commands.md
 * RG.PAUSEREGISTRATIONS) through a real client. One server for the class; each test unregisters what it made.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistrationsStreamTest extends GearsTestBase {
    @BeforeEach
    void clean() {
        unregisterAll();
        assertEquals("+OK", rg.call("FLUSHALL"));
    }

    private static String onlyId() {
        Matcher m = Pattern.compile("\"id\", \"(" + SHARD + "[0-9]+)\"").matcher(rg.call("RG.DUMPREGISTRATIONS"));
        assertTrue(m.find());
        return m.group(1);
    }

    private static String data() {
        String dump = rg.call("RG.DUMPREGISTRATIONS");
        int i = dump.indexOf("\"RegistrationData\", ");
        int j = dump.indexOf(", \"PD\", ");
        assertTrue(i > 0 && j > i, dump);
        return dump.substring(i + 20, j).replaceAll("(RunDuration|Lag)MS\", :[0-9]+", "$1MS\", :T")
                .replaceAll("(RunDuration|Lag)MS\", \"[0-9.e+-]+\"", "$1MS\", \"T\"");
    }

    @Test
    @Order(1)
    void example16BatchingAndTrimming() {
        assertEquals("+OK", py("GB('StreamReader').foreach(lambda x: execute('INCRBY', 'total', x['value']['n']))"
                + ".register(prefix='events', batch=3, mode='sync')"));
        assertTrue(rg.call("XADD", "events", "*", "n", "1").matches("\"[0-9]+-[0-9]+\""));
        assertEquals("nil", rg.call("GET", "total"));
        rg.call("XADD", "events", "*", "n", "2");
        assertEquals("nil", rg.call("GET", "total"));
        rg.call("XADD", "events", "*", "n", "3");
        assertEquals("\"6\"", rg.call("GET", "total"));
        assertEquals(":0", rg.call("XLEN", "events"));
        assertEquals("[\"mode\", \"sync\", \"numTriggered\", :2, \"numSuccess\", :2, \"numFailures\", :0, \"numAborted\", :0, "
                + "\"lastRunDurationMS\", :T, \"totalRunDurationMS\", :T, \"avgRunDurationMS\", \"T\", "
                + "\"lastEstimatedLagMS\", :T, \"avgEstimatedLagMS\", \"T\", \"lastError\", nil, "
                + "\"args\", [\"batchSize\", :3, \"durationMS\", :0, \"stream\", \"events\", \"trimStream\", :1, "
                + "\"onFailedPolicy\", \"continue\", \"retryInterval\", :1], \"status\", \"OK\"]", data());
        // the group is the checkpoint: nothing pending, last delivered id is the last entry
        String groups = rg.call("XINFO", "GROUPS", "events");
        assertTrue(groups.contains("\"name\", \"__gears_consumer_group__\", \"consumers\", :1, \"pending\", :0"), groups);
    }

    @Test
    @Order(2)
    void existingEntriesAreProcessedAndDurationFlushesPartialBatches() {
        rg.call("XADD", "t1", "1-0", "n", "5");
        assertEquals("+OK", py("GB('StreamReader').foreach(lambda x: execute('INCRBY', 'sum:' + x['key'], x['value']['n']))"
                + ".register(prefix='t*', batch=10, duration=200, mode='async_local')"));
        // the entry that was there before the registration, flushed by the duration although the batch is not full
        await().atMost(Duration.ofSeconds(60)).until(() -> rg.call("GET", "sum:t1").equals("\"5\""));
        rg.call("XADD", "t1", "*", "n", "1");
        rg.call("XADD", "t2", "*", "n", "7");
        await().atMost(Duration.ofSeconds(60)).until(() -> rg.call("GET", "sum:t1").equals("\"6\"")
                && rg.call("GET", "sum:t2").equals("\"7\""));
        assertEquals(":0", rg.call("XLEN", "t1"));
        // a non-matching stream is left alone
        rg.call("XADD", "u1", "*", "n", "7");
        assertEquals(":1", rg.call("XLEN", "u1"));
    }

    @Test
    @Order(3)
    void abortPolicyStopsTheRegistration() {
        assertEquals("+OK", py("GB('StreamReader').foreach(lambda r: blalala).register(prefix='ab', onFailedPolicy='abort')"));
        rg.call("XADD", "ab", "*", "n", "1");
        await().atMost(Duration.ofSeconds(60)).until(() -> data().endsWith("\"status\", \"ABORTED\"]"));
        assertTrue(data().contains("name 'blalala' is not defined"), data());
        // nothing acknowledged, nothing trimmed
        assertEquals(":1", rg.call("XLEN", "ab"));
        assertTrue(rg.call("XINFO", "GROUPS", "ab").contains("\"pending\", :1"));
    }

    @Test
    @Order(4)
    void continuePolicyAcknowledgesFailedBatches() {
        assertEquals("+OK", py("GB('StreamReader').foreach(lambda r: flat_error('bad ' + r['value']['n'])).register(prefix='co', mode='sync')"));
        rg.call("XADD", "co", "*", "n", "1");
        rg.call("XADD", "co", "*", "n", "2");
        assertEquals(":0", rg.call("XLEN", "co"));
        assertTrue(data().contains("\"numFailures\", :2, \"numAborted\", :0, "), data());
        assertTrue(data().contains("\"lastError\", \"bad 2\""), data());
        assertTrue(data().endsWith("\"status\", \"OK\"]"), data());
    }

    @Test
    @Order(5)
    void retryPolicyRestartsAfterTheInterval() {
        assertEquals("+OK", py("def f(r):\n    if execute('INCR', 'attempts') < 3:\n        raise flat_error('not yet')\n"
                + "    execute('SET', 'processed', r['id'])\n"
                + "GB('StreamReader').foreach(f).register(prefix='re', onFailedPolicy='retry', onFailedRetryInterval=1)"));
        String id = rg.call("XADD", "re", "*", "n", "1");
        await().atMost(Duration.ofSeconds(60)).until(() -> data().endsWith("\"status\", \"WAITING_FOR_RETRY_ON_FAILURE\"]")
                || rg.call("GET", "processed").equals(id));
        await().atMost(Duration.ofSeconds(60)).until(() -> rg.call("GET", "processed").equals(id));
        assertEquals("\"3\"", rg.call("GET", "attempts"));
        assertTrue(data().endsWith("\"status\", \"OK\"]"), data());
        assertEquals(":0", rg.call("XLEN", "re"));
    }

    @Test
    @Order(6)
    void example17PausingAndPauseFromInside() {
        assertEquals("+OK", py("regId = GB('StreamReader').foreach(lambda x: execute('INCR', 'counter')).register(prefix='s', mode='sync')\n"
                + "GB('CommandReader').map(lambda x: regId).register(trigger='get_reg_id', mode='sync')"));
        String reply = rg.call("RG.TRIGGER", "get_reg_id");
        assertTrue(reply.matches("\\[\"" + SHARD + "[0-9]+\"\\]"), reply);
        String id = reply.substring(2, reply.length() - 2);
        rg.call("XADD", "s", "*", "a", "1");
        assertEquals("\"1\"", rg.call("GET", "counter"));
        assertEquals("+OK", rg.call("RG.PAUSEREGISTRATIONS", id));
        assertTrue(rg.call("RG.DUMPREGISTRATIONS").contains("\"status\", \"PAUSED\""));
        rg.call("XADD", "s", "*", "a", "2");
        assertEquals("\"1\"", rg.call("GET", "counter"));
        assertEquals("+OK", rg.call("RG.PAUSEREGISTRATIONS", id));
        assertEquals("+OK", rg.call("RG.UNPAUSEREGISTRATIONS", id));
        await().atMost(Duration.ofSeconds(30)).until(() -> rg.call("GET", "counter").equals("\"2\""));
        assertEquals("-Execution nosuch does not exists on shard 0000000000000000000000000000000000000000",
                rg.call("RG.PAUSEREGISTRATIONS", "nosuch"));
        assertEquals("-ERR wrong number of arguments for 'RG.PAUSEREGISTRATIONS' command", rg.call("RG.PAUSEREGISTRATIONS", "a", "b"));
        assertEquals("-ERR no registration to pause", rg.call("RG.PAUSEREGISTRATIONS", "abortpending"));
        assertEquals("+OK", rg.call("RG.UNREGISTER", id));
        assertEquals("+OK", py("GB().register('kk')"));
        assertEquals("-Reader KeysReader does not support pause", rg.call("RG.PAUSEREGISTRATIONS", onlyIdOf("KeysReader")));
        assertEquals("-Reader KeysReader does not support unpause", rg.call("RG.UNPAUSEREGISTRATIONS", onlyIdOf("KeysReader")));
        clean();
        // an execution whose first error starts with PAUSE pauses its registration
        assertEquals("+OK", py("GB('StreamReader').foreach(lambda x: flat_error('PAUSE please')).register(prefix='ps')"));
        rg.call("XADD", "ps", "*", "a", "1");
        await().atMost(Duration.ofSeconds(60)).until(() -> data().endsWith("\"status\", \"PAUSED\"]"));
        assertTrue(data().contains("\"lastError\", \"PAUSE please\""), data());
    }

    private static String onlyIdOf(String reader) {
        Matcher m = Pattern.compile("\"id\", \"(" + SHARD + "[0-9]+)\", \"reader\", \"" + reader + "\"").matcher(rg.call("RG.DUMPREGISTRATIONS"));
        assertTrue(m.find());
        return m.group(1);
    }

    @Test
    @Order(7)
    void badStreamArguments() {
        String[][] cases = {
                {"GB('StreamReader').register(batch='x')", "batch argument must be a number"},
                {"GB('StreamReader').register(duration='x')", "duration argument must be a number"},
                {"GB('StreamReader').register(onFailedPolicy=1)", "onFailedPolicy must be a string (Continue/Abort/Retry)"},
                {"GB('StreamReader').register(onFailedPolicy='nope')", "onFailedPolicy must be Continue/Abort/Retry"},
                {"GB('StreamReader').register(onFailedPolicy='retry', mode='sync')", "ExecutionMode sync can only be combined with OnFailedPolicy Continue"},
                {"GB('StreamReader').register(onFailedRetryInterval='x')", "retryInterval argument must be a number"},
                {"GB('StreamReader').register(trimStream=1)", "pyTrimmStream argument must be a boolean"},
        };
        for (String[] c : cases) {
            String r = py(c[0]);
            assertTrue(r.startsWith("-") && r.contains(c[1]), c[0] + " -> " + r);
        }
        assertEquals("[]", rg.call("RG.DUMPREGISTRATIONS"));
    }
}
