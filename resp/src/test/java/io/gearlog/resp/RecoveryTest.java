package io.gearlog.resp;

import io.gearlog.engine.ServerLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.gearlog.resp.RecoveryFiles.corruptJournalRecord;
import static io.gearlog.resp.RecoveryFiles.digest;
import static io.gearlog.resp.RecoveryFiles.info;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restart matrix: a server restarted from the journal alone, from a snapshot, from a snapshot plus later
 * journal records, with a corrupt newest snapshot, with a torn journal tail and with a corrupt record in the middle
 * of the journal. Every case compares DEBUG DIGEST and every key, value and expiry time before and after.
 */
class RecoveryTest {
    /** No automatic snapshots, so each test decides when snapshots happen. */
    private static final String[] MANUAL = {"--save", ""};

    @TempDir
    Path dir;

    private TestServer start(String... extra) {
        String[] args = new String[MANUAL.length + extra.length];
        System.arraycopy(MANUAL, 0, args, 0, MANUAL.length);
        System.arraycopy(extra, 0, args, MANUAL.length, extra.length);
        return TestServer.start(dir, args);
    }

    /** Strings, counters, TTLs, several databases, MULTI/EXEC, renames and deletes; 19 journal records. */
    static void writeFirstPart(Jedis j) {
        j.select(0);
        j.set("str", "hello");
        j.append("str", " world");
        j.set("n", "10");
        j.incrBy("n", 5);
        j.incrByFloat("f", 1.5);
        j.setex("ttl", 1000, "v");
        j.setex("persist-me", 1000, "p");
        j.persist("persist-me");
        j.mset("a", "1", "b", "2", "c", "3");
        j.del("b");
        j.rename("c", "c2");
        j.set("bin".getBytes(), new byte[]{0, -1, '\r', '\n', 'x'});
        j.select(3);
        j.set("other", "x");
        j.setex("other-ttl", 2000, "y");
        Transaction t = j.multi();
        t.set("t1", "1");
        t.incr("t1");
        t.pexpire("t1", 900_000);
        t.set("t2", "two");
        t.exec();
        j.select(7);
        j.set("flushed", "soon");
        j.flushDB();
        j.select(0);
    }

    /** Changes to keys written by the first part, plus new ones; 7 journal records, none of them expire. */
    static void writeSecondPart(Jedis j) {
        j.select(0);
        j.set("str", "replaced");
        j.incr("n");
        j.del("a");
        j.expire("persist-me", 5000);
        j.set("later", "L");
        j.select(3);
        Transaction t = j.multi();
        t.append("other", "-more");
        t.set("t3", "3");
        t.exec();
        j.select(9);
        j.set("db9", "nine");
        j.select(0);
    }

    /** Every key of every database with its value and absolute expiry time, as the server reports them. */
    static Map<String, String> state(Jedis j) {
        Map<String, String> m = new TreeMap<>();
        for (int db = 0; db < 16; db++) {
            j.select(db);
            for (String k : j.keys("*")) {
                byte[] v = j.get(k.getBytes());
                m.put(db + ":" + k, java.util.HexFormat.of().formatHex(v) + " pexpiretime=" + j.pexpireTime(k));
            }
        }
        j.select(0);
        return m;
    }

    private static void assertFirstPartValues(Jedis j) {
        j.select(0);
        assertEquals("hello world", j.get("str"));
        assertEquals("15", j.get("n"));
        assertEquals("1.5", j.get("f"));
        assertEquals(-1, j.ttl("persist-me"));
        assertTrue(j.ttl("ttl") > 900);
        assertNull(j.get("b"));
        assertEquals("3", j.get("c2"));
        assertArrayEquals(new byte[]{0, -1, '\r', '\n', 'x'}, j.get("bin".getBytes()));
        j.select(3);
        assertEquals("x", j.get("other"));
        assertEquals("2", j.get("t1"));
        assertTrue(j.pttl("t1") > 800_000);
        assertEquals("two", j.get("t2"));
        j.select(7);
        assertEquals(0, j.dbSize());
        j.select(0);
    }

    private static void assertSame(Jedis j, String digest, Map<String, String> state) {
        assertEquals(digest, digest(j));
        assertEquals(state, state(j));
    }

    @Test
    void replayingTheJournalAloneRebuildsTheSameState() {
        String digest;
        Map<String, String> before;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            writeFirstPart(j);
            j.psetex("gone", 30, "short-lived");
            await().atMost(Duration.ofSeconds(5)).until(() -> !j.exists("gone"));
            digest = digest(j);
            before = state(j);
            assertNotEquals("0".repeat(40), digest);
        }
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertSame(j, digest, before);
            assertFirstPartValues(j);
            Map<String, String> p = info(j, "persistence");
            assertEquals("none", p.get("recovery_snapshot"));
            assertTrue(Long.parseLong(p.get("recovery_records")) >= 17, p.toString());
        }
    }

    /**
     * Writes that find no key change nothing and are not journaled (Redis does not propagate them either); the same
     * commands on a key that exists are, a wrong type included. The state after a restart is the same.
     */
    @Test
    void writesThatFindNoKeyAreNotJournaledAndTheStateRestartsTheSame() {
        String digest;
        Map<String, String> before;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            j.set("s", "x");
            long records = journalRecords(j);
            assertNull(j.lpop("missing"));
            assertNull(j.rpop("missing"));
            assertNull(j.lpop("missing", 2));
            assertNull(j.spop("missing"));
            assertNull(j.zpopmin("missing"));
            assertNull(j.getDel("missing"));
            assertEquals(0, j.hdel("missing", "f"));
            assertEquals(0, j.srem("missing", "m"));
            assertEquals(0, j.zrem("missing", "m"));
            assertEquals(0, j.lrem("missing", 0, "x"));
            assertEquals("OK", j.ltrim("missing", 0, 1));
            assertEquals(0, j.expire("missing", 10));
            assertEquals(0, j.persist("missing"));
            assertEquals(0, j.xdel("missing", new StreamEntryID(1, 1)));
            assertEquals(0, j.del("missing", "missing2"));
            assertEquals(0, j.unlink("missing"));
            assertEquals(records, journalRecords(j), "writes that found no key were journaled");

            j.rpush("q", "a", "b");
            assertEquals("a", j.lpop("q"));
            assertThrows(JedisDataException.class, () -> j.lpop("s"));
            assertEquals("b", j.lpop("q"));
            assertNull(j.lpop("q"));
            j.set("t", "y");
            assertEquals(1, j.del("missing", "t"));
            assertEquals(records + 6, journalRecords(j),
                    "RPUSH, two LPOPs that popped, the WRONGTYPE LPOP, SET and a DEL that found one of its keys");
            digest = digest(j);
            before = state(j);
        }
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertSame(j, digest, before);
            assertEquals(List.of(), j.lrange("q", 0, -1));
            assertEquals("x", j.get("s"));
        }
    }

    @Test
    void collectionWritesThatChangeNothingAreNotJournaledAndTheStateRestartsTheSame() {
        String digest;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(3, j.sadd("tags", "a", "b", "c"));
            assertEquals(2, j.sadd("ints", "1", "2"));
            assertEquals(2, j.sadd("ttl", "a", "b"));
            assertEquals(1, j.pexpire("ttl", 600_000));
            j.set("str", "x");
            assertEquals(2, j.hset("h", Map.of("f", "1", "g", "2")));
            assertEquals(2, j.zadd("z", Map.of("m", 1.0, "n", 2.0)));
            long records = journalRecords(j);
            assertEquals(0, j.sadd("tags", "a"));
            assertEquals(0, j.sadd("tags", "c", "b", "a", "a"));
            assertEquals(0, j.sadd("ints", "2", "1"));
            assertEquals(0, j.srem("tags", "x", "y"));
            assertEquals(0, j.srem("ints", "3", "01", "a"));
            assertEquals(0, j.hdel("h", "x", "1"));
            assertEquals(0, j.zrem("z", "x", "1.0"));
            assertEquals(records, journalRecords(j), "writes that changed nothing were journaled");

            assertEquals(1, j.sadd("tags", "a", "d"));
            assertEquals(1, j.sadd("ints", "3"));
            assertEquals(1, j.srem("tags", "x", "b"));
            assertEquals(0, j.sadd("ttl", "a"));
            assertEquals(0, j.srem("ttl", "z"));
            assertThrows(JedisDataException.class, () -> j.sadd("str", "a"));
            assertEquals(1, j.hdel("h", "x", "f"));
            assertEquals(1, j.zrem("z", "n", "x"));
            assertEquals(records + 8, journalRecords(j), "three set writes that changed their set, two on a set with"
                    + " a TTL, the WRONGTYPE SADD, and an HDEL and a ZREM that removed one of theirs");
            digest = digest(j);
        }
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            assertEquals("x", j.get("str"));
            assertEquals(java.util.Set.of("a", "c", "d"), j.smembers("tags"));
            assertEquals(java.util.Set.of("1", "2", "3"), j.smembers("ints"));
            assertEquals(java.util.Set.of("a", "b"), j.smembers("ttl"));
            assertTrue(j.pttl("ttl") > 0);
            assertEquals(Map.of("g", "2"), j.hgetAll("h"));
            assertEquals(List.of("m"), j.zrange("z", 0, -1));
        }
    }

    private static long journalRecords(Jedis j) {
        return Long.parseLong(info(j, "stats").get("journal_records"));
    }

    /**
     * Replay refills one argv array for consecutive records with as many arguments and reuses one command context:
     * every value built from arguments must still hold its own record's arguments after the restart.
     */
    @Test
    void replayKeepsEachRecordsArgumentsAcrossRecordsOfTheSameLength() {
        String digest;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            for (int i = 0; i < 3; i++) {
                j.hset("h", "f" + i, "v" + i);
                j.rpush("l", "a" + i, "b" + i);
                j.sadd("s", "m" + i, "n" + i);
                j.zadd("z", i, "z" + i);
                j.xadd("x", redis.clients.jedis.params.XAddParams.xAddParams().id(i + 1, 0), Map.of("k", "x" + i));
                j.set("k" + i, "s" + i);
                j.append("k" + i, "+" + i);
            }
            digest = digest(j);
        }
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            assertEquals(Map.of("f0", "v0", "f1", "v1", "f2", "v2"), j.hgetAll("h"));
            assertEquals(List.of("a0", "b0", "a1", "b1", "a2", "b2"), j.lrange("l", 0, -1));
            assertEquals(java.util.Set.of("m0", "n0", "m1", "n1", "m2", "n2"), j.smembers("s"));
            assertEquals(List.of("z0", "z1", "z2"), j.zrange("z", 0, -1));
            assertEquals("x2", j.xrange("x", "-", "+").get(2).getFields().get("k"));
            assertEquals("s1+1", j.get("k1"));
        }
    }

    @Test
    void aSnapshotAloneRebuildsTheStateWithoutReplayingRecords() {
        String digest;
        Map<String, String> before;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            writeFirstPart(j);
            assertEquals("OK", j.save());
            digest = digest(j);
            before = state(j);
        }
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertSame(j, digest, before);
            assertFirstPartValues(j);
            Map<String, String> p = info(j, "persistence");
            assertEquals("snapshot-00000001.gls", p.get("recovery_snapshot"));
            assertEquals("0", p.get("recovery_records"));
            assertEquals("12", p.get("recovery_snapshot_keys"));
        }
    }

    @Test
    void aSnapshotPlusTheLaterJournalRebuildsTheState() {
        String digest;
        Map<String, String> before;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            writeFirstPart(j);
            assertEquals("Background saving started", j.bgsave());
            await().atMost(Duration.ofSeconds(20)).until(() -> "0".equals(info(j, "persistence").get("rdb_bgsave_in_progress")));
            assertEquals("ok", info(j, "persistence").get("rdb_last_bgsave_status"));
            writeSecondPart(j);
            digest = digest(j);
            before = state(j);
        }
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertSame(j, digest, before);
            assertEquals("replaced", j.get("str"));
            assertEquals("16", j.get("n"));
            j.select(3);
            assertEquals("x-more", j.get("other"));
            assertEquals("3", j.get("t3"));
            j.select(9);
            assertEquals("nine", j.get("db9"));
            j.select(0);
            Map<String, String> p = info(j, "persistence");
            assertEquals("snapshot-00000001.gls", p.get("recovery_snapshot"));
            assertEquals("7", p.get("recovery_records"));
        }
    }

    /**
     * A pipelined batch's records share journal documents; a SAVE and a BGSAVE in the middle of one must cover
     * exactly the records before them, and random picks (SPOP) must replay the same from any starting point.
     */
    @Test
    void aPipelineWithSnapshotsInItsMiddleRestartsToTheSameStateFromEitherSnapshotOrTheJournalAlone() throws Exception {
        String digest;
        java.util.Set<String> members;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            redis.clients.jedis.Pipeline p = j.pipelined();
            for (int i = 0; i < 40; i++) {
                p.sadd("s", "m" + i);
            }
            redis.clients.jedis.Response<java.util.Set<String>> popped = p.spop("s", 3);
            p.set("a", "1");
            redis.clients.jedis.Response<Object> save = p.sendCommand(redis.clients.jedis.Protocol.Command.SAVE, new String[0]);
            p.spop("s");
            p.incr("n");
            p.sendCommand(redis.clients.jedis.Protocol.Command.MULTI, new String[0]);
            p.sendCommand(redis.clients.jedis.Protocol.Command.SPOP, "s");
            p.sendCommand(redis.clients.jedis.Protocol.Command.INCR, "n");
            redis.clients.jedis.Response<Object> exec = p.sendCommand(redis.clients.jedis.Protocol.Command.EXEC, new String[0]);
            redis.clients.jedis.Response<Object> bgsave = p.sendCommand(redis.clients.jedis.Protocol.Command.BGSAVE, new String[0]);
            p.rpush("l", "x", "y");
            p.spop("s", 2);
            p.sync();
            assertEquals(3, popped.get().size());
            assertEquals("OK", new String((byte[]) save.get()));
            assertEquals(2, ((List<?>) exec.get()).size());
            assertEquals("Background saving started", new String((byte[]) bgsave.get()));
            await().atMost(Duration.ofSeconds(20)).until(() -> "0".equals(info(j, "persistence").get("rdb_bgsave_in_progress")));
            assertEquals("ok", info(j, "persistence").get("rdb_last_bgsave_status"));
            digest = digest(j);
            members = j.smembers("s");
            assertEquals(33, members.size());
        }
        // the BGSAVE's snapshot, then the two records after it
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            assertEquals(members, j.smembers("s"));
            assertEquals("2", j.get("n"));
            Map<String, String> p = info(j, "persistence");
            assertEquals("snapshot-00000002.gls", p.get("recovery_snapshot"));
            assertEquals("2", p.get("recovery_records"));
        }
        // the SAVE's snapshot, then everything after it
        Path newest = dir.resolve("snapshots/snapshot-00000002.gls");
        RecoveryFiles.flipByte(newest, Files.size(newest) / 2);
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            assertEquals(members, j.smembers("s"));
            Map<String, String> p = info(j, "persistence");
            assertEquals("snapshot-00000001.gls", p.get("recovery_snapshot"));
            assertEquals("5", p.get("recovery_records"));
        }
        // the journal alone
        for (String name : RecoveryFiles.snapshotNames(dir)) {
            Files.delete(dir.resolve("snapshots").resolve(name));
        }
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            assertEquals(members, j.smembers("s"));
            assertEquals("none", info(j, "persistence").get("recovery_snapshot"));
        }
    }

    @Test
    void aCorruptNewestSnapshotIsSetAsideAndTheOlderOneUsed() throws Exception {
        String digest;
        Map<String, String> before;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            writeFirstPart(j);
            assertEquals("OK", j.save());
            writeSecondPart(j);
            assertEquals("OK", j.save());
            j.set("after-both", "yes");
            digest = digest(j);
            before = state(j);
        }
        Path newest = dir.resolve("snapshots/snapshot-00000002.gls");
        RecoveryFiles.flipByte(newest, Files.size(newest) / 2);
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertSame(j, digest, before);
            Map<String, String> p = info(j, "persistence");
            assertEquals("snapshot-00000001.gls", p.get("recovery_snapshot"));
            assertEquals("8", p.get("recovery_records"));
        }
        assertEquals(List.of("snapshot-00000001.gls", "snapshot-00000002.gls.corrupt"), RecoveryFiles.snapshotNames(dir));
    }

    @Test
    void withEverySnapshotCorruptTheWholeJournalIsReplayed() throws Exception {
        String digest;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            writeFirstPart(j);
            assertEquals("OK", j.save());
            digest = digest(j);
        }
        Path snap = dir.resolve("snapshots/snapshot-00000001.gls");
        RecoveryFiles.flipByte(snap, 3); // inside the magic
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            assertEquals("none", info(j, "persistence").get("recovery_snapshot"));
        }
    }

    @Test
    void aTornRecordAtTheTailIsCutOffAndEverythingBeforeItKept() throws Exception {
        Map<String, String> expected;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            writeFirstPart(j);
            expected = state(j);
            j.set("torn", "TORN-TAIL-MARKER");
        }
        assertEquals(1, corruptJournalRecord(dir, "TORN-TAIL-MARKER"));
        String digest;
        long cutAt;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(expected, state(j));
            assertFirstPartValues(j);
            assertFalse(j.exists("torn"));
            Map<String, String> p = info(j, "persistence");
            cutAt = Long.parseLong(p.get("recovery_cut_off_index"));
            assertTrue(cutAt > 0, p.toString());
            assertEquals("1", p.get("journal_quarantined_ranges"));
            // the server goes on appending after the cut-off record
            j.set("after-torn", "ok");
            digest = digest(j);
        }
        assertTrue(Files.readString(dir.resolve("journal/quarantine")).startsWith(Long.toHexString(cutAt) + " "));
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            assertEquals("ok", j.get("after-torn"));
            assertFalse(j.exists("torn"));
            assertEquals("-1", info(j, "persistence").get("recovery_cut_off_index"));
        }
    }

    @Test
    void aCorruptRecordInTheMiddleStopsStartupUnlessTruncationIsAsked() throws Exception {
        Map<String, String> beforeMiddle;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            writeFirstPart(j);
            beforeMiddle = state(j);
            j.set("middle", "MIDDLE-RECORD-MARKER");
            writeSecondPart(j);
        }
        assertEquals(1, corruptJournalRecord(dir, "MIDDLE-RECORD-MARKER"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start().close());
        String message = e.getCause().getMessage();
        assertTrue(message.contains("in the middle of the journal"), message);
        assertTrue(message.contains("--journal-recover-truncate yes"), message);
        assertFalse(message.contains("\n"), message);
        // the refused startup changed nothing: it fails the same way again
        assertThrows(IllegalStateException.class, () -> start().close());
        String digest;
        try (TestServer s = start("--journal-recover-truncate", "yes"); Jedis j = s.jedis()) {
            assertEquals(beforeMiddle, state(j));
            assertFalse(j.exists("middle"));
            assertFalse(j.exists("later"));
            j.set("after-truncation", "kept");
            digest = digest(j);
        }
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            assertEquals("kept", j.get("after-truncation"));
        }
    }

    @Test
    void aDamagedRecordHeaderInTheMiddleStopsStartupAndTruncationStartsANewJournal() throws Exception {
        Map<String, String> beforeMiddle;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            writeFirstPart(j);
            assertEquals("OK", j.save());
            beforeMiddle = state(j);
            j.set("middle", "HEADER-DAMAGE-MARKER");
            writeSecondPart(j);
        }
        // Chronicle cannot read past a record whose header is gone: the records after it must not vanish silently
        RecoveryFiles.damageRecordHeader(dir, "HEADER-DAMAGE-MARKER");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start().close());
        String message = e.getCause().getMessage();
        assertTrue(message.contains("cannot be read (its header is damaged)"), message);
        assertTrue(message.contains("--journal-recover-truncate yes"), message);
        String digest;
        try (TestServer s = start("--journal-recover-truncate", "yes"); Jedis j = s.jedis()) {
            assertEquals(beforeMiddle, state(j));
            assertFalse(j.exists("middle"));
            j.set("after-repair", "kept");
            digest = digest(j);
        }
        List<Path> aside;
        try (var files = Files.list(dir)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith("damaged-")).toList();
        }
        assertEquals(1, aside.size());
        assertTrue(Files.isDirectory(aside.get(0).resolve("journal")));
        assertTrue(Files.exists(aside.get(0).resolve("snapshots/snapshot-00000001.gls")));
        // the new journal starts from a snapshot of the recovered state; writes after it are read back
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            assertEquals("kept", j.get("after-repair"));
            Map<String, String> p = info(j, "persistence");
            assertEquals("snapshot-00000001.gls", p.get("recovery_snapshot"));
            assertEquals("-1", p.get("recovery_snapshot_index"));
            assertEquals("1", p.get("recovery_records"));
        }
    }

    /**
     * Chronicle takes the journal to end before a last record whose header is zeroed, and would append after the
     * damaged record where no reader looks: recovery notices, cuts it off and starts a new journal.
     */
    @Test
    void aDamagedHeaderOnTheLastRecordIsCutOffAndANewJournalStarted() throws Exception {
        Map<String, String> expected;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            writeFirstPart(j);
            expected = state(j);
            j.set("last", "LAST-HEADER-MARKER");
        }
        RecoveryFiles.damageRecordHeader(dir, "LAST-HEADER-MARKER");
        String digest;
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(expected, state(j));
            assertFalse(j.exists("last"));
            assertTrue(Long.parseLong(info(j, "persistence").get("recovery_cut_off_index")) > 0);
            j.set("next", "1");
            digest = digest(j);
        }
        try (TestServer s = start(); Jedis j = s.jedis()) {
            assertEquals(digest, digest(j));
            assertEquals("1", j.get("next"));
            assertEquals("-1", info(j, "persistence").get("recovery_cut_off_index"));
        }
    }

    @Test
    void startupLogsEachPhaseWithCountsAndTime() throws Exception {
        try (TestServer s = start(); Jedis j = s.jedis()) {
            writeFirstPart(j);
            assertEquals("OK", j.save());
            writeSecondPart(j);
        }
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        ServerLog.output(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try (TestServer s = start("--loglevel", "notice")) {
            assertTrue(s.port() > 0);
        } finally {
            ServerLog.output(System.out);
            ServerLog.level("warning");
        }
        String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        String at = "\\d+:M \\d{2} \\w{3} \\d{4} [\\d:.]+ \\* ";
        assertTrue(java.util.regex.Pattern.compile(at + "Journal opened at .*/journal \\(1 cycle files, last index 0x[0-9a-f]+\\)")
                .matcher(text).find(), text);
        assertTrue(java.util.regex.Pattern.compile(at + "Loaded snapshot snapshot-00000001\\.gls \\(journal index 0x[0-9a-f]+, "
                + "12 keys, [\\d.]+ K?B\\) in \\d+\\.\\d s").matcher(text).find(), text);
        assertTrue(java.util.regex.Pattern.compile(at + "Recovered 7 journal records after the snapshot in \\d+\\.\\d s "
                + "\\(14 keys in total\\)").matcher(text).find(), text);
        assertTrue(java.util.regex.Pattern.compile(at + "Ready to accept connections on 127\\.0\\.0\\.1:\\d+ "
                + "\\(\\w+, appendfsync everysec\\) after \\d+\\.\\d s").matcher(text).find(), text);
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefused() {
        try (TestServer first = start()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> start().close());
            String message = e.getCause().getMessage();
            assertTrue(message.startsWith("data directory " + dir.toAbsolutePath().normalize()
                    + " is in use by another Gearlog server (pid "), message);
            try (Jedis j = first.jedis()) {
                assertEquals("PONG", j.ping());
            }
        }
    }
}
