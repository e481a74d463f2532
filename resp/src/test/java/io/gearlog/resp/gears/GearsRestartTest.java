package io.gearlog.resp.gears;

import io.gearlog.resp.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Executions survive restarts through GEARS journal records; keyspace writes made by Python are EFFECT records
 * that recovery applies without running Python again.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GearsRestartTest {
    private static String unquote(String bulk) {
        return bulk.substring(1, bulk.length() - 1);
    }

    private static long number(String id) {
        return Long.parseLong(id.substring(41));
    }

    @Test
    void executionsAndTheirWritesSurviveARestart(@TempDir Path dir) throws Exception {
        String a;
        String b;
        String c;
        String d;
        String digest;
        String planA;
        TestServer s1 = TestServer.start(dir);
        try (Rg rg = new Rg(s1)) {
            a = unquote(rg.call("RG.PYEXECUTE", "import random\nGB('ShardsIDReader').map(lambda x: execute('SET', 'written', "
                    + "'by-python-%d' % random.randint(0, 10**9))).run()", "UNBLOCKING"));
            assertEquals("[[\"OK\"], []]", rg.call("RG.GETRESULTSBLOCKING", a));
            b = unquote(rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').foreach(lambda x: flat_error('bad')).run()", "UNBLOCKING"));
            assertEquals("[[], [\"bad\"]]", rg.call("RG.GETRESULTSBLOCKING", b));
            c = unquote(rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').map(lambda x: ['-5', '+OK', 2.5]).run(convertToStr=False)", "UNBLOCKING"));
            assertEquals("[[[-5, +OK, \"2.500000\"]], []]", rg.call("RG.GETRESULTSBLOCKING", c));
            assertEquals("[[\"1\"], []]", rg.call("RG.PYEXECUTE", "execute('INCR', 'script-body')\nGB('ShardsIDReader').run()"));
            d = unquote(rg.call("RG.PYEXECUTE", "import time\nGB('ShardsIDReader').foreach(lambda x: time.sleep(600)).run()", "UNBLOCKING"));
            String dd = d;
            await().atMost(Duration.ofSeconds(60)).until(() -> rg.call("RG.DUMPEXECUTIONS").contains(dd + "\", \"status\", \"running\""));
            digest = rg.call("DEBUG", "DIGEST");
            planA = rg.call("RG.GETEXECUTION", a);
        } finally {
            s1.close();
        }

        TestServer s2 = TestServer.start(dir);
        try (Rg rg = new Rg(s2)) {
            assertEquals(digest, rg.call("DEBUG", "DIGEST"));
            assertTrue(rg.call("GET", "written").startsWith("\"by-python-"));
            assertEquals("\"1\"", rg.call("GET", "script-body"));
            assertEquals("[[\"OK\"], []]", rg.call("RG.GETRESULTS", a));
            assertEquals("[[], [\"bad\"]]", rg.call("RG.GETRESULTS", b));
            assertEquals("[[[-5, +OK, \"2.500000\"]], []]", rg.call("RG.GETRESULTS", c));
            assertEquals(planA, rg.call("RG.GETEXECUTION", a));
            assertEquals("[[], [\"Execution was aborted: the server stopped before it finished\"]]", rg.call("RG.GETRESULTS", d));
            assertTrue(rg.call("RG.GETEXECUTION", d).contains("\"status\", \"aborted\""));
            assertEquals("[[\"executionId\", \"" + a + "\", \"status\", \"done\", \"registered\", :0], "
                    + "[\"executionId\", \"" + b + "\", \"status\", \"done\", \"registered\", :0], "
                    + "[\"executionId\", \"" + c + "\", \"status\", \"done\", \"registered\", :0], "
                    + "[\"executionId\", \"" + d + "\", \"status\", \"aborted\", \"registered\", :0]]", rg.call("RG.DUMPEXECUTIONS"));
            // ids are never handed out twice
            String e = unquote(rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').run()", "UNBLOCKING"));
            assertTrue(number(e) > number(d), e + " after " + d);
            assertEquals("[[\"1\"], []]", rg.call("RG.GETRESULTSBLOCKING", e));
            assertEquals("+OK", rg.call("RG.DROPEXECUTION", a));
        } finally {
            s2.close();
        }

        TestServer s3 = TestServer.start(dir, "--gears-config", "maxexecutions", "7", "MyOption", "hello",
                "PythonAttemptTraceback", "0");
        try (Rg rg = new Rg(s3)) {
            // RedisGears load-time arguments: built-in names in any case, others kept verbatim for configGet()
            assertEquals("[:7, \"hello\", :0]", rg.call("RG.CONFIGGET", "MaxExecutions", "MyOption", "PythonAttemptTraceback"));
            assertEquals("[[\"hello\"], []]", rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').map(lambda x: configGet('MyOption')).run()"));
            assertEquals("-execution plan does not exist", rg.call("RG.GETRESULTS", a));
            assertEquals("[[], [\"Execution was aborted: the server stopped before it finished\"]]", rg.call("RG.GETRESULTS", d));
            assertEquals(digest, rg.call("DEBUG", "DIGEST"));
        } finally {
            s3.close();
        }
    }
}
