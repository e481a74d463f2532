package io.gearlog.resp;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineClock;
import io.gearlog.engine.Recovery;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.engine.keyspace.KeyspaceDigest;
import io.gearlog.journal.Journal;
import io.gearlog.snapshots.SnapshotCatalog;
import io.gearlog.snapshots.SnapshotLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.gearlog.resp.RecoveryFiles.digest;
import static io.gearlog.resp.RecoveryFiles.info;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SAVE, BGSAVE, LASTSAVE, SHUTDOWN SAVE, the automatic policy, keeping two snapshots and journal retention. */
class SnapshotTest {
    @TempDir
    Path dir;

    private static void fill(Jedis j, String prefix, int n) {
        Pipeline p = j.pipelined();
        for (int i = 0; i < n; i++) {
            p.set(prefix + i, "value-" + i);
        }
        p.sync();
    }

    private static void awaitBgsave(Jedis j) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> "0".equals(info(j, "persistence").get("rdb_bgsave_in_progress")));
    }

    @Test
    void saveWritesASnapshotAndLastsaveAndInfoReportIt() {
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            long before = j.lastsave();
            assertTrue(Math.abs(before - System.currentTimeMillis() / 1000) < 60, "LASTSAVE starts at server start");
            fill(j, "k", 100);
            Map<String, String> p = info(j, "persistence");
            assertEquals("100", p.get("rdb_changes_since_last_save"));
            assertEquals("none", p.get("last_snapshot_file"));
            assertEquals("OK", j.save());
            p = info(j, "persistence");
            assertEquals("0", p.get("rdb_changes_since_last_save"));
            assertEquals("snapshot-00000001.gls", p.get("last_snapshot_file"));
            assertEquals(p.get("journal_last_index"), p.get("last_snapshot_index"));
            assertEquals("100", p.get("last_snapshot_keys"));
            assertEquals("ok", p.get("last_snapshot_status"));
            assertEquals("1", p.get("snapshot_count"));
            assertEquals("disabled", p.get("snapshot_policy"));
            assertEquals("everysec", p.get("appendfsync"));
            assertTrue(Long.parseLong(p.get("journal_size_bytes")) > 100 * 20, p.toString());
            assertTrue(Long.parseLong(p.get("last_snapshot_bytes")) > 100 * 20, p.toString());
            assertTrue(Long.parseLong(p.get("last_snapshot_duration_ms")) >= 0);
            assertTrue(j.lastsave() >= before);
            assertTrue(Files.exists(dir.resolve("snapshots/snapshot-00000001.gls")));
        }
    }

    @Test
    void onlyTheNewestTwoSnapshotsAreKept() throws Exception {
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            for (int i = 0; i < 3; i++) {
                j.set("round", Integer.toString(i));
                assertEquals("OK", j.save());
            }
            assertEquals(List.of("snapshot-00000002.gls", "snapshot-00000003.gls"), RecoveryFiles.snapshotNames(dir));
            assertEquals("2", info(j, "persistence").get("snapshot_count"));
        }
    }

    @Test
    void bgsaveCoversExactlyTheJournalUpToItsIndexWhileWritesGoOn() throws Exception {
        String digest;
        long snapshotIndex;
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis(); Jedis writer = s.jedis()) {
            fill(j, "base:", 50_000);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger written = new AtomicInteger();
            Thread load = new Thread(() -> {
                while (!stop.get()) {
                    int i = written.getAndIncrement();
                    writer.set("during:" + i, Integer.toString(i));
                    writer.incr("counter");
                }
            });
            load.start();
            await().until(() -> written.get() > 100);
            assertEquals("Background saving started", j.bgsave());
            assertThrows(JedisDataException.class, j::save, "ERR Background save already in progress");
            JedisDataException again = assertThrows(JedisDataException.class, j::bgsave);
            assertEquals("ERR Background save already in progress", again.getMessage());
            awaitBgsave(j);
            int atEnd = written.get();
            await().until(() -> written.get() > atEnd + 100);
            stop.set(true);
            load.join();
            Map<String, String> p = info(j, "persistence");
            assertEquals("ok", p.get("rdb_last_bgsave_status"));
            snapshotIndex = Long.parseLong(p.get("last_snapshot_index"));
            assertTrue(snapshotIndex < Long.parseLong(p.get("journal_last_index")), "writes went on after the index");
            digest = digest(j);
        }
        // the snapshot holds the state after record N: the same as replaying the journal up to N
        Path snapshot = dir.resolve("snapshots/snapshot-00000001.gls");
        ServerConfig cfg = new ServerConfig();
        Engine fromSnapshot = new Engine(cfg, EngineClock.SYSTEM);
        SnapshotLoader.load(new SnapshotCatalog.Entry(1, snapshot), fromSnapshot, () -> false);
        Engine fromJournal = new Engine(cfg, EngineClock.SYSTEM);
        try (Journal journal = Journal.open(dir)) {
            Recovery.run(fromJournal, journal, -1, snapshotIndex, false, false, () -> false);
        }
        long at = fromJournal.engineTime();
        assertEquals(at, fromSnapshot.engineTime());
        assertEquals(KeyspaceDigest.digest(fromJournal.keyspace(), at), KeyspaceDigest.digest(fromSnapshot.keyspace(), at));
        assertTrue(fromSnapshot.keyspace().totalKeys() > 50_000);
        // and a restart from it plus the later journal gives the final state
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            Map<String, String> p = info(j, "persistence");
            assertEquals("snapshot-00000001.gls", p.get("recovery_snapshot"));
            assertEquals(Long.toString(snapshotIndex), p.get("recovery_snapshot_index"));
            assertTrue(Long.parseLong(p.get("recovery_records")) > 200);
        }
    }

    @Test
    void theAutomaticPolicySnapshotsAfterEnoughChanges() {
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            assertEquals("100000 changes or 300 seconds", info(j, "persistence").get("snapshot_policy"));
            assertEquals("OK", j.configSet("snapshot-changes", "500"));
            fill(j, "auto:", 499);
            assertEquals("0", info(j, "persistence").get("snapshot_count"));
            j.set("auto:last", "x");
            await().atMost(Duration.ofSeconds(20)).until(() -> "1".equals(info(j, "persistence").get("snapshot_count")));
            awaitBgsave(j);
            Map<String, String> p = info(j, "persistence");
            assertEquals("500", p.get("last_snapshot_keys"));
            assertEquals("0", p.get("rdb_changes_since_last_save"));
        }
    }

    @Test
    void theAutomaticPolicySnapshotsAfterEnoughTimeWhenAnythingChanged() {
        try (TestServer s = TestServer.start(dir, "--save", "2 1000000"); Jedis j = s.jedis()) {
            await().pollDelay(Duration.ofMillis(2500)).until(() -> true);
            assertEquals("0", info(j, "persistence").get("snapshot_count"), "nothing changed: no snapshot");
            j.set("one", "change");
            await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(info(j, "persistence").get("snapshot_count")));
        }
    }

    @Test
    void shutdownSaveLeavesASnapshotThatTheNextStartUses() {
        String digest;
        TestServer s = TestServer.start(dir, "--save", "");
        try (Jedis j = s.jedis()) {
            fill(j, "k", 1000);
            digest = digest(j);
            try {
                j.shutdown(redis.clients.jedis.params.ShutdownParams.shutdownParams().save());
            } catch (RuntimeException connectionClosed) {
                // the server closes the connection as it goes down
            }
        }
        s.close();
        try (TestServer again = TestServer.start(dir, "--save", ""); Jedis j = again.jedis()) {
            assertEquals(digest, digest(j));
            Map<String, String> p = info(j, "persistence");
            assertEquals("snapshot-00000001.gls", p.get("recovery_snapshot"));
            assertEquals("0", p.get("recovery_records"));
            assertEquals("1000", p.get("recovery_snapshot_keys"));
        }
    }

    @Test
    void retentionDeletesCycleFilesCoveredByTheOlderKeptSnapshot() throws Exception {
        String digest;
        String[] opts = {"--save", "", "--journal-roll-cycle", "TEST_SECONDLY"};
        try (TestServer s = TestServer.start(dir, opts); Jedis j = s.jedis()) {
            writeAcrossCycles(j, "a", 4);
            assertEquals("OK", j.save());
            writeAcrossCycles(j, "b", 3);
            assertEquals("OK", j.save());
            int files = RecoveryFiles.cycleFiles(dir).size();
            assertTrue(files >= 6, "one file per second written: " + files);
            // journal-retention-seconds (3600 by default) keeps them for now
            assertEquals("0", info(j, "persistence").get("journal_cycles_deleted"));
            assertEquals("-1", info(j, "persistence").get("journal_retained_from"));
            assertEquals("OK", j.configSet("journal-retention-seconds", "0"));
            j.set("c", "1");
            assertEquals("OK", j.save());
            Map<String, String> p = info(j, "persistence");
            assertTrue(Integer.parseInt(p.get("journal_cycles_deleted")) >= 4, p.toString());
            assertTrue(RecoveryFiles.cycleFiles(dir).size() < files);
            long retainedFrom = Long.parseLong(p.get("journal_retained_from"));
            assertEquals(Long.parseLong(p.get("journal_first_index")), retainedFrom);
            // everything from the older kept snapshot (the second SAVE) on is still there
            assertTrue(retainedFrom <= SnapshotCatalog.header(dir.resolve("snapshots/snapshot-00000002.gls")).index());
            j.set("d", "2");
            digest = digest(j);
        }
        // the newest snapshot broken: the older one and the journal kept for it still rebuild everything
        Path newest = dir.resolve("snapshots/snapshot-00000003.gls");
        RecoveryFiles.flipByte(newest, Files.size(newest) - 10);
        try (TestServer s = TestServer.start(dir, opts); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            assertEquals("snapshot-00000002.gls", info(j, "persistence").get("recovery_snapshot"));
        }
        // without any snapshot, the shortened journal cannot rebuild the data: startup says so
        for (String name : RecoveryFiles.snapshotNames(dir)) {
            Files.delete(dir.resolve("snapshots").resolve(name));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestServer.start(dir, opts).close());
        String message = e.getCause().getMessage();
        assertTrue(message.contains("retention deleted older records") && message.contains("no usable snapshot"), message);
    }

    /** Writes a few keys in each of {@code seconds} consecutive seconds (one journal cycle file each). */
    private static void writeAcrossCycles(Jedis j, String prefix, int seconds) {
        for (int s = 0; s < seconds; s++) {
            long second = System.currentTimeMillis() / 1000;
            j.set(prefix + s, "v" + s);
            j.incr(prefix + ":count");
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> System.currentTimeMillis() / 1000 > second);
        }
    }

    @Test
    void bgsaveIsANoOpWhenReplayedFromATransaction() throws Exception {
        String digest;
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            var t = j.multi();
            t.set("in-tx", "1");
            t.sendCommand(redis.clients.jedis.Protocol.Command.BGSAVE, new String[0]);
            t.set("in-tx-2", "2");
            List<Object> r = t.exec();
            assertEquals("Background saving started", redis.clients.jedis.util.SafeEncoder.encode((byte[]) r.get(1)));
            awaitBgsave(j);
            digest = digest(j);
        }
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            Map<String, String> p = info(j, "persistence");
            assertEquals("snapshot-00000001.gls", p.get("recovery_snapshot"));
            assertEquals("0", p.get("recovery_records"));
            assertEquals("0", p.get("rdb_bgsave_in_progress"));
            assertEquals("2", j.get("in-tx-2"));
            assertEquals(List.of("snapshot-00000001.gls"), RecoveryFiles.snapshotNames(dir));
        }
    }

    /** The pid of the snapshot process the server logged it started, once it has. */
    private static long snapshotProcessPid(LaunchTest.ServerProcess p) {
        Pattern started = Pattern.compile("Snapshot process (\\d+) started");
        long[] pid = new long[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (String l : p.out) {
                Matcher m = started.matcher(l);
                if (m.find()) {
                    pid[0] = Long.parseLong(m.group(1));
                    return true;
                }
            }
            return false;
        });
        return pid[0];
    }

    @Test
    void bgsaveRunsInAProcessOfItsOwnWhoseLogTheServerRelays() throws Exception {
        try (LaunchTest.ServerProcess p = new LaunchTest.ServerProcess("--port", "0", "--dir", dir.toString(),
                "--save", "");
             Jedis j = new Jedis("127.0.0.1", p.awaitPort())) {
            fill(j, "k:", 20_000);
            long server = Long.parseLong(info(j, "server").get("process_id"));
            assertEquals("Background saving started", j.bgsave());
            long child = snapshotProcessPid(p);
            assertTrue(child != server, "the snapshot is written by another process");
            awaitBgsave(j);
            Map<String, String> persistence = info(j, "persistence");
            assertEquals("ok", persistence.get("rdb_last_bgsave_status"));
            assertEquals("20000", persistence.get("last_snapshot_keys"));
            // its own lines reach the server's log, marked as a child's
            String index = Journal.formatIndex(Long.parseLong(persistence.get("last_snapshot_index")));
            assertTrue(p.out.stream().anyMatch(l -> l.startsWith(child + ":C ")
                            && l.contains(" * Keyspace at journal index " + index + " rebuilt from the whole journal in ")
                            && l.endsWith(" s (20,000 keys)")),
                    () -> "server log: " + p.out);
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
        }
    }

    @Test
    void aSnapshotProcessThatFailsLeavesTheServerServingAndSaysWhy() throws Exception {
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            fill(j, "k:", 1_000);
            // a file where the snapshot directory should be: the snapshot process cannot write there
            Files.deleteIfExists(dir.resolve("snapshots"));
            Files.writeString(dir.resolve("snapshots"), "not a directory");
            assertEquals("Background saving started", j.bgsave());
            awaitBgsave(j);
            Map<String, String> p = info(j, "persistence");
            assertEquals("err", p.get("rdb_last_bgsave_status"));
            assertEquals("err", p.get("last_snapshot_status"));
            assertTrue(p.get("last_snapshot_error").startsWith("cannot create " + dir.resolve("snapshots") + ": "),
                    p.get("last_snapshot_error"));
            assertEquals("OK", j.set("after", "1"));
            Files.delete(dir.resolve("snapshots"));
            assertEquals("Background saving started", j.bgsave());
            awaitBgsave(j);
            p = info(j, "persistence");
            assertEquals("ok", p.get("rdb_last_bgsave_status"));
            assertEquals("1001", p.get("last_snapshot_keys"));
        }
    }

    @Test
    void shutdownStopsARunningSnapshotProcess() throws Exception {
        Path snapshots = dir.resolve("snapshots");
        try (LaunchTest.ServerProcess p = new LaunchTest.ServerProcess("--port", "0", "--dir", dir.toString(),
                "--save", "")) {
            long child = -1;
            try (Jedis j = new Jedis("127.0.0.1", p.awaitPort())) {
                for (int i = 0; i < 10; i++) {
                    fill(j, "k" + i + ":", 30_000);
                }
                assertEquals("Background saving started", j.bgsave());
                child = snapshotProcessPid(p);
                j.shutdown();
            } catch (redis.clients.jedis.exceptions.JedisConnectionException expected) {
                // SHUTDOWN closes the connection without a reply
            }
            assertEquals(0, p.exitCode());
            assertTrue(ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true), "the snapshot process is gone");
            List<String> names = RecoveryFiles.snapshotNames(dir);
            if (p.logged("Background saving cancelled by shutdown")) {
                assertEquals(List.of(), names, "a stopped snapshot leaves no file behind");
            } else {
                // the snapshot process was quicker than the shutdown: its snapshot is whole
                assertTrue(p.logged("BGSAVE: snapshot snapshot-00000001.gls written"), () -> "log: " + p.out);
                assertEquals(List.of("snapshot-00000001.gls"), names);
                SnapshotLoader.verify(snapshots.resolve("snapshot-00000001.gls"));
            }
        }
    }

    @Test
    void aSnapshotProcessStopsWhenItsServerIsKilled() throws Exception {
        long child;
        try (LaunchTest.ServerProcess p = new LaunchTest.ServerProcess("--port", "0", "--dir", dir.toString(),
                "--save", "")) {
            try (Jedis j = new Jedis("127.0.0.1", p.awaitPort())) {
                for (int i = 0; i < 10; i++) {
                    fill(j, "k" + i + ":", 30_000);
                }
                assertEquals("Background saving started", j.bgsave());
                child = snapshotProcessPid(p);
            }
            p.process.destroyForcibly();
            p.process.waitFor();
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
            if (!p.logged("BGSAVE: snapshot snapshot-00000001.gls written")) {
                // it stopped with its server instead of finishing a snapshot into a directory it no longer owned
                List<String> names = RecoveryFiles.snapshotNames(dir);
                assertTrue(names.stream().noneMatch(n -> n.endsWith(".gls")), names::toString);
            }
        }
        // the next server clears what the stopped process left and starts from the journal
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            assertEquals(300_000L, j.dbSize());
            assertTrue(RecoveryFiles.snapshotNames(dir).stream().noneMatch(n -> n.endsWith(".tmp")));
        }
    }
}
