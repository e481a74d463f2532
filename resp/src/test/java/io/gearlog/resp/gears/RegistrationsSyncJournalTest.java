package io.gearlog.resp.gears;

import io.gearlog.resp.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sync execution that writes nothing is journaled as one EXEC_SYNC record carrying its creation, outcome and the
 * drops around it (MaxExecutions eviction, MaxExecutionsPerRegistration trim, a trigger's own drop); one that
 * writes keeps separate records. Either way a restart rebuilds executions, results and statistics exactly.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RegistrationsSyncJournalTest {
    private static final String[] CAPS = {"--gears-config", "MaxExecutions", "5", "MaxExecutionsPerRegistration", "2"};
    private static final Pattern ID = Pattern.compile("\"executionId\", \"([0-9-]+)\"");

    private static List<String> ids(String dump) {
        List<String> out = new ArrayList<>();
        Matcher m = ID.matcher(dump);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void syncExecutionsComeBackExactly(@TempDir Path dir) throws Exception {
        String executions;
        String registrations;
        String digest;
        List<String> results = new ArrayList<>();
        TestServer s1 = TestServer.start(dir, CAPS);
        try (Rg rg = new Rg(s1)) {
            assertEquals("+OK", rg.call("RG.PYEXECUTE", "GB().foreach(lambda x: None).register(prefix='k:*', mode='sync')"));
            assertEquals("+OK", rg.call("RG.PYEXECUTE",
                    "GB().foreach(lambda x: flat_error('bad ' + x['key'])).register(prefix='e:*', mode='sync')"));
            assertEquals("+OK", rg.call("RG.PYEXECUTE",
                    "GB('CommandReader').map(lambda x: x[1]).register(trigger='t', mode='sync')"));
            assertEquals("+OK", rg.call("RG.PYEXECUTE",
                    "GB().foreach(lambda x: execute('INCR', 'w:count')).register(prefix='w:*', mode='sync')"));
            for (int i = 0; i < 4; i++) {
                assertEquals("+OK", rg.call("SET", "k:" + i, "v" + i));
                assertEquals("+OK", rg.call("SET", "e:" + i, "v" + i));
                assertEquals("[\"a" + i + "\"]", rg.call("RG.TRIGGER", "t", "a" + i));
                assertEquals("+OK", rg.call("SET", "w:" + i, "v" + i));
            }
            assertEquals("\"4\"", rg.call("GET", "w:count"));
            executions = rg.call("RG.DUMPEXECUTIONS");
            // the global cap holds 5; triggers are never listed
            assertEquals(5, ids(executions).size(), executions);
            for (String id : ids(executions)) {
                results.add(rg.call("RG.GETRESULTS", id));
            }
            assertTrue(results.contains("[[], [\"bad e:3\"]]"), results.toString());
            assertTrue(results.contains("[[\"{'event': 'set', 'key': 'k:3', 'type': 'string', 'value': 'v3'}\"], []]"),
                    results.toString());
            registrations = rg.call("RG.DUMPREGISTRATIONS");
            assertTrue(registrations.contains("\"numTriggered\", :4, \"numSuccess\", :0, \"numFailures\", :4"), registrations);
            assertTrue(registrations.contains("\"lastError\", \"bad e:3\""), registrations);
            digest = rg.call("DEBUG", "DIGEST");
        } finally {
            s1.close();
        }

        TestServer s2 = TestServer.start(dir, CAPS);
        try (Rg rg = new Rg(s2)) {
            assertEquals(digest, rg.call("DEBUG", "DIGEST"));
            assertEquals(executions, rg.call("RG.DUMPEXECUTIONS"));
            List<String> again = new ArrayList<>();
            for (String id : ids(executions)) {
                again.add(rg.call("RG.GETRESULTS", id));
            }
            assertEquals(results, again);
            assertEquals(registrations, rg.call("RG.DUMPREGISTRATIONS"));
            // the counters came back too: the next execution gets a new id and the trigger counts on
            assertEquals("[\"b\"]", rg.call("RG.TRIGGER", "t", "b"));
            assertTrue(rg.call("RG.DUMPREGISTRATIONS").contains("\"numTriggered\", :5"));
            String next = rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').run()", "UNBLOCKING");
            for (String id : ids(executions)) {
                assertTrue(Long.parseLong(next.substring(42, next.length() - 1)) > Long.parseLong(id.substring(41)),
                        next + " after " + id);
            }
        } finally {
            s2.close();
        }
    }
}
