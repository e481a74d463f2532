package io.gearlog.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The journal on its own: records, corruption, quarantine, retention, the directory lock, torn writes, fsync. */
class JournalTest {
    @TempDir
    Path dir;

    static byte[][] argv(String... parts) {
        byte[][] a = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            a[i] = parts[i].getBytes(StandardCharsets.UTF_8);
        }
        return a;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<JournalRecord> readAll(Journal j) {
        List<JournalRecord> out = new ArrayList<>();
        try (JournalReader r = j.reader()) {
            while (true) {
                JournalRecord rec = new JournalRecord();
                if (!r.next(rec)) {
                    return out;
                }
                out.add(rec);
            }
        }
    }

    @Test
    void rollCyclesAreFoundByTheNamesTheConfigurationUses() {
        for (String name : List.of("FAST_HOURLY", "FAST_DAILY", "TEN_MINUTELY", "FIVE_MINUTELY", "MINUTELY", "TEST_SECONDLY")) {
            assertEquals(name, ((Enum<?>) Journal.rollCycle(name)).name());
        }
        assertEquals("MINUTELY", ((Enum<?>) Journal.rollCycle("minutely")).name());
        JournalException e = assertThrows(JournalException.class, () -> Journal.rollCycle("SOMETIMES"));
        assertEquals("unknown journal roll cycle SOMETIMES", e.getMessage());
    }

    @Test
    void recordsReadBackAsWritten() {
        try (Journal j = Journal.open(dir)) {
            JournalAppender a = j.appender();
            long i1 = a.appendArgv(RecordType.COMMAND, 1234, 7, 3, argv("SET", "k", "v"));
            long i2 = a.appendArgvList(RecordType.TRANSACTION, 1235, 8, 0, List.of(argv("INCR", "n"), argv("DEL", "k")));
            long i3 = a.appendTick(1236);
            long i4 = a.appendPayload(RecordType.GEARS, 1237, 0, 0, new byte[]{9, 8, 7}, 0, 3);
            assertTrue(i1 < i2 && i2 < i3 && i3 < i4);
            assertEquals(i4, j.lastIndex());
            List<JournalRecord> all = readAll(j);
            assertEquals(4, all.size());
            JournalRecord c = all.get(0);
            assertEquals(i1, c.index());
            assertEquals(RecordType.COMMAND, c.type());
            assertEquals(1234, c.time());
            assertEquals(7, c.origin());
            assertEquals(3, c.db());
            assertArrayEquals(argv("SET", "k", "v"), c.argv());
            assertEquals("command \"SET\" \"k\" \"v\"", c.describe());
            assertEquals("transaction | \"INCR\" \"n\" | \"DEL\" \"k\"", all.get(1).describe());
            assertEquals(RecordType.TICK, all.get(2).type());
            assertArrayEquals(new byte[]{9, 8, 7}, all.get(3).payload());
            // reading on from a known index
            try (JournalReader r = j.reader().after(i2)) {
                JournalRecord rec = new JournalRecord();
                assertTrue(r.next(rec));
                assertEquals(i3, rec.index());
            }
            assertTrue(j.contains(i3));
            assertTrue(j.sizeOnDisk() > 0);
        }
    }

    @Test
    void aJournalOfFormatOneRecordsReadsOnPastTheFormatTwoRecordsAppendedToIt() {
        // what a server upgraded over a journal of an earlier release sees: old records, then new ones, in one queue
        try (Journal j = Journal.open(dir)) {
            JournalAppender a = j.appender();
            a.writeFormatOne();
            a.appendArgv(RecordType.COMMAND, 10, 7, 3, argv("SET", "old", "1"));
            a.beginGroup();
            a.appendArgv(RecordType.COMMAND, 11, 7, 3, argv("INCR", "old"));
            a.appendArgvList(RecordType.TRANSACTION, 12, 8, 0, List.of(argv("INCR", "n"), argv("DEL", "k")));
            a.endGroup();
        }
        try (Journal j = Journal.open(dir)) {
            JournalAppender a = j.appender();
            a.appendArgv(RecordType.COMMAND, 20, 300, 15, argv("SET", "new", "2"));
            a.beginGroup();
            a.appendArgv(RecordType.COMMAND, 21, 300, 15, argv("INCR", "new"));
            a.appendTick(22);
            a.endGroup();
        }
        try (Journal j = Journal.open(dir)) {
            List<JournalRecord> all = readAll(j);
            assertEquals(List.of(1, 1, 1, 2, 2, 2), all.stream().map(JournalRecord::version).toList());
            assertEquals(List.of("command \"SET\" \"old\" \"1\"", "command \"INCR\" \"old\"",
                    "transaction | \"INCR\" \"n\" | \"DEL\" \"k\"", "command \"SET\" \"new\" \"2\"",
                    "command \"INCR\" \"new\"", "tick (0 bytes)"), all.stream().map(JournalRecord::describe).toList());
            assertEquals(List.of(10L, 11L, 12L, 20L, 21L, 22L), all.stream().map(JournalRecord::time).toList());
            assertEquals(List.of(7L, 7L, 8L, 300L, 300L, 0L), all.stream().map(JournalRecord::origin).toList());
            assertEquals(List.of(3, 3, 0, 15, 15, 0), all.stream().map(JournalRecord::db).toList());
            assertEquals(List.of(0, 0, 1, 0, 0, 1), all.stream().map(JournalRecord::position).toList());
        }
    }

    @Test
    void recordsOfAGroupShareADocumentAndReadBackInOrderWithTheirPositions() {
        long single;
        long grouped;
        long after;
        try (Journal j = Journal.open(dir)) {
            JournalAppender a = j.appender();
            single = a.appendArgv(RecordType.COMMAND, 1, 1, 0, argv("SET", "a", "1"));
            a.beginGroup();
            grouped = a.appendArgv(RecordType.COMMAND, 2, 1, 0, argv("SET", "b", "2"));
            assertEquals(0, a.lastPosition());
            // nothing of an open group is visible to readers or the syncer
            assertEquals(single, j.lastIndex());
            assertEquals(single, a.lastIndex());
            assertEquals(grouped, a.appendArgvList(RecordType.TRANSACTION, 3, 1, 0, List.<byte[][]>of(argv("INCR", "n"))));
            assertEquals(1, a.lastPosition());
            assertEquals(grouped, a.appendArgv(RecordType.EFFECT, 4, 9, 2, argv("DEL", "b")));
            assertEquals(2, a.lastPosition());
            a.endGroup();
            assertEquals(grouped, a.lastIndex());
            assertEquals(grouped, j.lastIndex());
            after = a.appendTick(5);
            assertEquals(0, a.lastPosition());
            assertEquals(5, a.appendedCount());
            assertTrue(single < grouped && grouped < after);

            List<JournalRecord> all = readAll(j);
            assertEquals(5, all.size());
            long[] indexes = all.stream().mapToLong(JournalRecord::index).toArray();
            assertArrayEquals(new long[]{single, grouped, grouped, grouped, after}, indexes);
            assertArrayEquals(new int[]{0, 0, 1, 2, 0}, all.stream().mapToInt(JournalRecord::position).toArray());
            assertArrayEquals(argv("SET", "b", "2"), all.get(1).argv());
            assertEquals("transaction | \"INCR\" \"n\"", all.get(2).describe());
            assertEquals(RecordType.EFFECT, all.get(3).type());
            assertEquals(9, all.get(3).origin());
            assertEquals(2, all.get(3).db());
            assertEquals(4, all.get(3).time());
            // seeds: the index for a first record, distinct and non-negative for the others
            assertEquals(grouped, all.get(1).seed());
            assertEquals(single, all.get(0).seed());
            long s1 = all.get(2).seed();
            long s2 = all.get(3).seed();
            assertTrue(s1 >= 0 && s2 >= 0 && s1 != s2 && s1 != grouped && s2 != grouped);
            assertEquals(JournalRecord.seed(grouped, 2), s2);

            // reading on after a group's index skips the whole group
            try (JournalReader r = j.reader().after(grouped)) {
                JournalRecord rec = new JournalRecord();
                assertTrue(r.next(rec));
                assertEquals(after, rec.index());
                assertEquals(RecordType.TICK, rec.type());
            }
            // positioning in the middle of a group's records starts that group again
            try (JournalReader r = j.reader().after(single)) {
                JournalRecord rec = new JournalRecord();
                assertTrue(r.next(rec));
                assertTrue(r.next(rec));
                assertEquals(1, rec.position());
                assertTrue(r.at(grouped));
                assertTrue(r.next(rec));
                assertEquals(grouped, rec.index());
                assertEquals(0, rec.position());
            }
        }
    }

    @Test
    void aGroupClosesAtItsSizeLimitAndALargerRecordGetsADocumentOfItsOwn() {
        try (Journal j = Journal.open(dir)) {
            JournalAppender a = j.appender();
            String value = "v".repeat(100_000);
            a.beginGroup();
            long first = a.appendArgv(RecordType.COMMAND, 1, 1, 0, argv("SET", "k1", value));
            long second = a.appendArgv(RecordType.COMMAND, 1, 1, 0, argv("SET", "k2", value));
            assertEquals(first, second);
            // a third would pass GROUP_BYTES: a new document
            long third = a.appendArgv(RecordType.COMMAND, 1, 1, 0, argv("SET", "k3", value));
            assertTrue(third > first);
            assertEquals(0, a.lastPosition());
            assertEquals(first, a.lastIndex());
            long big = a.appendArgv(RecordType.COMMAND, 1, 1, 0, argv("SET", "big", "b".repeat(JournalAppender.GROUP_BYTES)));
            assertTrue(big > third);
            assertEquals(big, a.lastIndex());
            long last = a.appendArgv(RecordType.COMMAND, 1, 1, 0, argv("SET", "k4", "4"));
            assertTrue(last > big);
            a.seal();
            assertEquals(last, a.lastIndex());
            long sealedThen = a.appendArgv(RecordType.COMMAND, 1, 1, 0, argv("SET", "k5", "5"));
            assertTrue(sealedThen > last);
            a.endGroup();
            List<JournalRecord> all = readAll(j);
            assertEquals(List.of("k1", "k2", "k3", "big", "k4", "k5"),
                    all.stream().map(r -> new String(r.argv()[1], StandardCharsets.UTF_8)).toList());
            assertArrayEquals(new int[]{0, 1, 0, 0, 0, 0}, all.stream().mapToInt(JournalRecord::position).toArray());
        }
    }

    @Test
    void aDamagedRecordInAGroupRefusesTheWholeGroup() throws Exception {
        long groupIndex;
        try (Journal j = Journal.open(dir)) {
            JournalAppender a = j.appender();
            a.appendArgv(RecordType.COMMAND, 1, 1, 0, argv("SET", "a", "1"));
            a.beginGroup();
            groupIndex = a.appendArgv(RecordType.COMMAND, 2, 1, 0, argv("SET", "b", "2"));
            a.appendArgv(RecordType.COMMAND, 2, 1, 0, argv("SET", "c", "DAMAGED"));
            a.endGroup();
            a.appendArgv(RecordType.COMMAND, 3, 1, 0, argv("SET", "d", "4"));
        }
        corrupt(dir, "DAMAGED");
        try (Journal j = Journal.open(dir); JournalReader r = j.reader()) {
            JournalRecord rec = new JournalRecord();
            assertTrue(r.next(rec));
            assertArrayEquals(argv("SET", "a", "1"), rec.argv());
            // SET b is intact but belongs to the damaged document: it is not returned either
            CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> r.next(rec));
            assertEquals(groupIndex, e.index());
            assertEquals("corrupt journal record at index " + Journal.formatIndex(groupIndex) + ": checksum mismatch",
                    e.getMessage());
            assertTrue(r.next(rec));
            assertArrayEquals(argv("SET", "d", "4"), rec.argv());
            assertFalse(r.next(rec));
        }
    }

    /** Flips a byte inside the first occurrence of {@code marker} in the cycle files. */
    static void corrupt(Path dataDir, String marker) throws Exception {
        byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
        for (File f : Objects.requireNonNull(dataDir.resolve("journal").toFile().listFiles((d, n) -> n.endsWith(".cq4")))) {
            try (RandomAccessFile raf = new RandomAccessFile(f, "rw")) {
                byte[] data = new byte[(int) Math.min(raf.length(), 16 << 20)];
                raf.readFully(data);
                for (int i = 0; i + needle.length <= data.length; i++) {
                    if (Arrays.equals(data, i, i + needle.length, needle, 0, needle.length)) {
                        raf.seek(i + 1);
                        raf.write(data[i + 1] ^ 1);
                        return;
                    }
                }
            }
        }
        throw new AssertionError(marker + " not found in the journal");
    }

    @Test
    void aDamagedRecordIsReportedWithItsIndexAndReadingGoesOnAfterIt() throws Exception {
        long bad;
        try (Journal j = Journal.open(dir)) {
            j.appender().appendArgv(RecordType.COMMAND, 1, 1, 0, argv("SET", "a", "1"));
            bad = j.appender().appendArgv(RecordType.COMMAND, 2, 1, 0, argv("SET", "b", "DAMAGED"));
            j.appender().appendArgv(RecordType.COMMAND, 3, 1, 0, argv("SET", "c", "3"));
        }
        corrupt(dir, "DAMAGED");
        try (Journal j = Journal.open(dir); JournalReader r = j.reader()) {
            JournalRecord rec = new JournalRecord();
            assertTrue(r.next(rec));
            CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> r.next(rec));
            assertEquals(bad, e.index());
            assertEquals("corrupt journal record at index " + Journal.formatIndex(bad) + ": checksum mismatch", e.getMessage());
            assertTrue(r.next(rec));
            assertArrayEquals(argv("SET", "c", "3"), rec.argv());
            // quarantined records are skipped by every reader, also after reopening
            j.quarantine(bad, bad, e.getMessage());
        }
        try (Journal j = Journal.open(dir)) {
            assertEquals(2, readAll(j).size());
            assertEquals(1, j.quarantinedRanges().size());
            assertEquals(bad, j.quarantinedRanges().get(0)[0]);
        }
    }

    @Test
    void aSecondWriterOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        Journal first = Journal.open(dir);
        JournalException e = assertThrows(JournalException.class, () -> Journal.open(dir));
        assertEquals("data directory " + dir + " is in use by another Gearlog server (pid "
                + ProcessHandle.current().pid() + ")", e.getMessage());
        // a reader needs no lock
        try (Journal ro = Journal.openReadOnly(dir)) {
            assertEquals(-1, ro.lastIndex());
        }
        first.close();
        Journal.open(dir).close();
    }

    @Test
    void cycleFileNamesMapToTheCyclesOfTheirRecords() {
        for (String name : List.of("FAST_HOURLY", "MINUTELY", "TEST_SECONDLY", "FAST_DAILY")) {
            Path d = dir.resolve(name);
            try (Journal j = Journal.open(d, Journal.rollCycle(name))) {
                long idx = j.appender().appendTick(1);
                File[] files = j.cycleFiles();
                assertEquals(1, files.length, name);
                assertEquals(j.cycleOf(idx), j.cycleOf(files[0]), name + ": " + files[0].getName());
            }
            try (Journal ro = Journal.openReadOnly(d)) {
                assertEquals(((Enum<?>) Journal.rollCycle(name)).name(), ((Enum<?>) ro.rollCycle()).name());
            }
        }
    }

    @Test
    void recordsAppendedWhileTheClockIsHeldGoToTheHeldReadingsCycleAndBackToTheClockAfter() {
        try (Journal j = Journal.open(dir, Journal.rollCycle("TEST_SECONDLY"))) {
            JournalAppender a = j.appender();
            long now = System.currentTimeMillis();
            a.holdClock(now - 5_000);
            long held = a.appendArgv(RecordType.COMMAND, now, 0, 0, argv("SET", "a", "1"));
            long heldToo = a.appendArgv(RecordType.COMMAND, now, 0, 0, argv("SET", "b", "2"));
            a.releaseClock();
            long after = a.appendArgv(RecordType.COMMAND, now, 0, 0, argv("SET", "c", "3"));
            assertEquals(j.cycleOf(held), j.cycleOf(heldToo));
            assertEquals((now - 5_000) / 1000, j.cycleStartMillis(j.cycleOf(held)) / 1000);
            assertTrue(j.cycleStartMillis(j.cycleOf(after)) >= now / 1000 * 1000, "after release: the clock's cycle");
            assertEquals(2, j.cycleFiles().length);
            assertEquals(List.of(held, heldToo, after), readAll(j).stream().map(JournalRecord::index).toList());
        }
    }

    @Test
    void retentionDeletesWholeCyclesBeforeAnIndexOnceOldEnough() throws Exception {
        List<Long> firstOfSecond = new ArrayList<>();
        try (Journal j = Journal.open(dir, Journal.rollCycle("TEST_SECONDLY"))) {
            JournalAppender a = j.appender();
            for (int s = 0; s < 4; s++) {
                long second = System.currentTimeMillis() / 1000;
                firstOfSecond.add(a.appendArgv(RecordType.COMMAND, s, 0, 0, argv("SET", "s" + s, "x")));
                a.appendArgv(RecordType.COMMAND, s, 0, 0, argv("SET", "t" + s, "y"));
                await().pollInterval(10, TimeUnit.MILLISECONDS).until(() -> System.currentTimeMillis() / 1000 > second);
            }
            assertEquals(4, j.cycleFiles().length);
            long keep = firstOfSecond.get(2);
            // not old enough yet: nothing goes
            assertEquals(0, j.deleteCyclesBefore(keep, j.cycleStartMillis(j.cycleOf(firstOfSecond.get(0)))));
            assertEquals(-1, j.retainedFrom());
            assertEquals(2, j.deleteCyclesBefore(keep, System.currentTimeMillis()));
            assertEquals(2, j.cycleFiles().length);
            assertEquals(keep, j.firstIndex());
            assertEquals(keep, j.retainedFrom());
            assertFalse(j.contains(firstOfSecond.get(1)));
            List<JournalRecord> left = readAll(j);
            assertEquals(4, left.size());
            assertEquals(keep, left.get(0).index());
            // appending goes on
            long next = a.appendTick(99);
            assertEquals(next, readAll(j).get(4).index());
        }
        try (Journal j = Journal.open(dir, Journal.rollCycle("TEST_SECONDLY"))) {
            assertEquals(firstOfSecond.get(2), j.retainedFrom());
            assertEquals(5, readAll(j).size());
        }
    }

    @Test
    void aWriterKilledInsideARecordLeavesAJournalThatOpensQuicklyAndAppendsOn() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                    || a.startsWith("-Dchronicle")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Dchronicle.analytics.disable=true", "-cp", System.getProperty("java.class.path"),
                TornWriter.class.getName(), dir.toString(), "100"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.contains("halting inside a record"), out);
        long t0 = System.nanoTime();
        try (Journal j = Journal.open(dir)) {
            List<JournalRecord> recs = readAll(j);
            assertEquals(100, recs.size());
            assertArrayEquals(argv("SET", "k99", "v99"), recs.get(99).argv());
            long next = j.appender().appendTick(5000);
            assertEquals(recs.get(99).index() + 1, next);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 5_000, "opening after a torn write took " + millis + " ms");
            assertEquals(101, readAll(j).size());
        }
    }

    @Test
    void theSyncerReleasesWaitersOnlyAfterForcingTheirRecords() throws Exception {
        try (Journal j = Journal.open(dir)) {
            JournalAppender a = j.appender();
            try (JournalSyncer s = new JournalSyncer(a, FsyncPolicy.ALWAYS, 0)) {
                long idx = a.appendTick(1);
                CountDownLatch released = new CountDownLatch(1);
                long[] syncedWhenReleased = {-1};
                s.afterSync(idx, () -> {
                    syncedWhenReleased[0] = s.syncedIndex();
                    released.countDown();
                });
                assertTrue(released.await(10, TimeUnit.SECONDS));
                assertTrue(syncedWhenReleased[0] >= idx);
                assertTrue(s.syncCount() >= 1);
                assertFalse(s.refusingWrites());
                s.minFreeBytes(Long.MAX_VALUE / 2);
                assertTrue(s.refusingWrites());
                s.minFreeBytes(0);
                assertFalse(s.refusingWrites());
            }
        }
    }

    @ParameterizedTest(name = "base pages: {0}")
    @ValueSource(booleans = {false, true})
    void thePretoucherReadsAheadOfTheAppenderWithoutChangingRecords(boolean basePages) throws Exception {
        try (Journal j = Journal.open(dir)) {
            JournalAppender a = j.appender();
            a.appendArgv(RecordType.COMMAND, 1, 0, 0, argv("SET", "k0", "v"));
            long first = a.writePosition();
            assertTrue(first > 0 && first < a.currentFile().length(), "position " + first);
            try (JournalPretoucher p = new JournalPretoucher(a, () -> basePages)) {
                await().atMost(10, TimeUnit.SECONDS).until(() -> p.touchedBytes() >= JournalPretoucher.AHEAD);
                for (int i = 1; i < 1000; i++) {
                    a.appendArgv(RecordType.COMMAND, 1 + i, 0, 0, argv("SET", "k" + i, "v" + i));
                }
                long last = a.writePosition();
                assertTrue(last > first + 1000 * 10, "position " + last);
                await().atMost(10, TimeUnit.SECONDS).until(() -> p.touchedBytes() >= last - first + JournalPretoucher.AHEAD);
            }
            List<JournalRecord> recs = readAll(j);
            assertEquals(1000, recs.size());
            for (int i = 0; i < 1000; i++) {
                assertArrayEquals(argv("SET", "k" + i, i == 0 ? "v" : "v" + i), recs.get(i).argv(), "record " + i);
            }
        }
    }

    @ParameterizedTest(name = "base pages: {0}")
    @ValueSource(booleans = {false, true})
    void pagesWellBehindTheLastFsyncLeaveThePageCacheAndEveryRecordStaysReadable(boolean basePages) throws Exception {
        assumeTrue(PageCacheAdvice.available(), "needs Linux' madvise and fadvise");
        byte[] value = new byte[2000];
        Arrays.fill(value, (byte) 'x');
        int n = 0;
        try (Journal j = Journal.open(dir)) {
            JournalAppender a = j.appender();
            try (JournalSyncer s = new JournalSyncer(a, FsyncPolicy.EVERYSEC, 0);
                 JournalPretoucher p = new JournalPretoucher(a, () -> basePages)) {
                long syncedAt = 0;
                while (a.writePosition() < 72L << 20) {
                    value[0] = (byte) ('a' + n % 26);
                    a.appendArgv(RecordType.COMMAND, n, 0, 0, new byte[][]{bytes("SET"), bytes("k" + n), value});
                    n++;
                    if (a.writePosition() - syncedAt > 4 << 20) {
                        s.syncNow();
                        syncedAt = a.writePosition();
                    }
                }
                JournalAppender.Mark released = a.released();
                assertTrue(released != null && released.position() >= 24L << 20, "released " + released);
                assertTrue(released.position() <= a.writePosition() - JournalAppender.RELEASE_KEEP);
                Path file = a.currentFile().toPath();
                long from = 4L << 20;
                long len = 16L << 20;
                try (FileChannel ch = FileChannel.open(file)) {
                    await().atMost(10, TimeUnit.SECONDS).until(
                            () -> !ch.map(FileChannel.MapMode.READ_ONLY, from, len).isLoaded());
                    assertTrue(ch.map(FileChannel.MapMode.READ_ONLY, a.writePosition() - (8 << 20),
                            8 << 20).isLoaded(), "the recent pages stay");
                }
                // Chronicle still writes index entries behind the position; the pages come back as needed
                for (int i = 0; i < 2000; i++) {
                    a.appendArgv(RecordType.COMMAND, n, 0, 0, argv("SET", "k" + n, "after"));
                    n++;
                }
            }
            List<JournalRecord> recs = readAll(j);
            assertEquals(n, recs.size());
            for (int i = 0; i < n; i++) {
                byte[][] got = recs.get(i).argv();
                assertArrayEquals(bytes("k" + i), got[1], "record " + i);
                if (got[2].length == value.length) {
                    assertEquals((byte) ('a' + i % 26), got[2][0], "record " + i);
                    assertEquals((byte) 'x', got[2][value.length - 1], "record " + i);
                } else {
                    assertArrayEquals(bytes("after"), got[2], "record " + i);
                }
            }
        }
    }
}
