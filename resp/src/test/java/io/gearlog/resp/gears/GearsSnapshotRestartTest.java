package io.gearlog.resp.gears;

import io.gearlog.resp.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Executions survive a restart from a snapshot (SAVE) followed by the journal written after it. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GearsSnapshotRestartTest {
    @Test
    void executionsSurviveASnapshot(@TempDir Path dir) throws Exception {
        String a;
        String b;
        String digest;
        TestServer s1 = TestServer.start(dir);
        try (Rg rg = new Rg(s1)) {
            a = rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').map(lambda x: execute('SET', 'k', 'v')).run()", "UNBLOCKING");
            a = a.substring(1, a.length() - 1);
            assertEquals("[[\"OK\"], []]", rg.call("RG.GETRESULTSBLOCKING", a));
            String saved = rg.call("SAVE");
            assumeTrue(saved.equals("+OK"), "snapshots are not in this build: " + saved);
            b = rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').map(lambda x: execute('SET', 'k2', 'v2')).run()", "UNBLOCKING");
            b = b.substring(1, b.length() - 1);
            assertEquals("[[\"OK\"], []]", rg.call("RG.GETRESULTSBLOCKING", b));
            digest = rg.call("DEBUG", "DIGEST");
        } finally {
            s1.close();
        }
        TestServer s2 = TestServer.start(dir);
        try (Rg rg = new Rg(s2)) {
            assertEquals(digest, rg.call("DEBUG", "DIGEST"));
            assertEquals("[[\"OK\"], []]", rg.call("RG.GETRESULTS", a));
            assertEquals("[[\"OK\"], []]", rg.call("RG.GETRESULTS", b));
            String c = rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').run()", "UNBLOCKING");
            assertEquals(Long.parseLong(b.substring(41)) + 1, Long.parseLong(c.substring(42, c.length() - 1)));
        } finally {
            s2.close();
        }
    }
}
