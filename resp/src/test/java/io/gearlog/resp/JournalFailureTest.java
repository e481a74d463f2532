package io.gearlog.resp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.gearlog.resp.RecoveryFiles.digest;
import static io.gearlog.resp.RecoveryFiles.info;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What clients see when the journal cannot be written. A full disk is simulated by raising journal-min-free-bytes
 * above the free space of the test's disk: the server then behaves exactly as when the disk is really that full.
 */
class JournalFailureTest {
    private static final String MISCONF = "MISCONF Gearlog cannot write to its journal (free disk space is below "
            + "journal-min-free-bytes). Commands that may modify the data set are disabled until it can; reads keep working.";

    @TempDir
    Path dir;

    @Test
    void aPipelinedBatchWhoseJournalDocumentFailsToCloseIsNeverAcknowledged() throws Exception {
        String refused = "MISCONF Gearlog cannot write to its journal (journal append failed: injected failure closing a "
                + "journal document). Commands that may modify the data set are disabled until it can; reads keep working.";
        for (String policy : List.of("everysec", "always")) {
            Path d = dir.resolve("close-" + policy);
            try (TestServer s = TestServer.start(d, "--appendfsync", policy); Jedis j = s.jedis()) {
                j.set("before", "1");
                s.node().engine().call(e -> {
                    e.appender().failNextGroupClose();
                    return null;
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
                try (Jedis p = s.jedis()) {
                    redis.clients.jedis.Pipeline batch = p.pipelined();
                    batch.set("lost1", "x");
                    batch.incr("before");
                    batch.set("lost2", "y");
                    // the batch ran, but its records are not in the journal: no reply, the connection is closed
                    assertThrows(redis.clients.jedis.exceptions.JedisConnectionException.class, batch::sync, policy);
                }
                JedisDataException e = assertThrows(JedisDataException.class, () -> j.set("after", "1"));
                assertEquals(refused, e.getMessage());
                // reads go on; they see the unacknowledged batch, which only the journal forgets
                assertEquals("2", j.get("before"));
                assertEquals("err", info(j, "persistence").get("aof_last_write_status"));
                // an operator's CONFIG SET clears the failure
                assertEquals("OK", j.configSet("journal-min-free-bytes", "64mb"));
                assertEquals("OK", j.set("after", "1"));
            }
            try (TestServer s = TestServer.start(d, "--appendfsync", policy); Jedis j = s.jedis()) {
                assertEquals("1", j.get("before"), policy);
                assertFalse(j.exists("lost1"));
                assertFalse(j.exists("lost2"));
                assertEquals("1", j.get("after"));
            }
        }
    }

    @Test
    void aFullDiskRefusesWritesKeepsReadsAndResumesWhenSpaceReturns() {
        for (String policy : List.of("everysec", "always")) {
            Path d = dir.resolve(policy);
            String digest;
            try (TestServer s = TestServer.start(d, "--appendfsync", policy); Jedis j = s.jedis()) {
                j.set("before", "1");
                j.setex("ttl", 1000, "t");
                assertEquals("OK", j.configSet("journal-min-free-bytes", Long.toString(Long.MAX_VALUE / 2)));
                JedisDataException e = assertThrows(JedisDataException.class, () -> j.set("refused", "x"));
                assertEquals(MISCONF, e.getMessage());
                assertThrows(JedisDataException.class, () -> j.incr("before"));
                assertThrows(JedisDataException.class, () -> j.del("before"));
                Transaction t = j.multi();
                t.set("refused-in-tx", "x");
                JedisDataException tx = assertThrows(JedisDataException.class, t::exec);
                assertEquals(MISCONF, tx.getMessage());
                // reads go on, and the refused writes changed nothing
                assertEquals("1", j.get("before"));
                assertFalse(j.exists("refused"));
                assertFalse(j.exists("refused-in-tx"));
                assertTrue(j.ttl("ttl") > 900);
                assertEquals("err", info(j, "persistence").get("aof_last_write_status"));
                // space comes back
                assertEquals("OK", j.configSet("journal-min-free-bytes", "1mb"));
                assertEquals("OK", j.set("after", "2"));
                assertEquals(2, j.incr("before"));
                assertEquals("ok", info(j, "persistence").get("aof_last_write_status"));
                digest = digest(j);
            }
            try (TestServer s = TestServer.start(d); Jedis j = s.jedis()) {
                assertEquals(digest, digest(j), policy);
                assertEquals("2", j.get("before"));
                assertEquals("2", j.get("after"));
                assertFalse(j.exists("refused"));
                assertFalse(j.exists("refused-in-tx"));
            }
        }
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedStopsStartupWithOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TestServer.start(file.resolve("data")).close());
        String message = e.getCause().getMessage();
        assertTrue(message.startsWith("cannot create data directory " + file.resolve("data")), message);
        assertFalse(message.contains("\n"));
    }
}
