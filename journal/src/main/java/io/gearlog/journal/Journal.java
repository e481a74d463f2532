package io.gearlog.journal;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.queue.rollcycles.LegacyRollCycles;
import net.openhft.chronicle.queue.rollcycles.SparseRollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The append-only log every state change goes through, stored as a Chronicle Queue under
 * {@code <data dir>/journal}. A writable journal holds an exclusive lock on the data directory so two
 * servers can never append to the same journal. Opening, reading and closing may happen on any thread; the
 * appender belongs to the thread that first asks for it (the engine thread), and the quarantine list and
 * retention are changed only by that thread too.
 */
public final class Journal implements AutoCloseable {
    public static final String DIRECTORY = "journal";
    private static final String LOCK_FILE = "gearlog.lock";
    private static final String QUARANTINE_FILE = "quarantine";
    /** Written when retention deleted cycle files: the journal no longer starts at the first record ever. */
    private static final String RETAINED_FROM_FILE = "retained-from";

    private final Path dataDir;
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<long[]> quarantined = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Bytes used by cycle files that can no longer grow, by cycle (they are measured once). */
    private final Map<Integer, Long> closedCycleBytes = new ConcurrentHashMap<>();
    private JournalAppender appender;

    private Journal(Path dataDir, SingleChronicleQueue queue, FileChannel lockChannel, FileLock lock) {
        this.dataDir = dataDir;
        this.dir = dataDir.resolve(DIRECTORY);
        this.queue = queue;
        this.lockChannel = lockChannel;
        this.lock = lock;
        loadQuarantine();
    }

    /** Opens (creating if needed) the journal of {@code dataDir} for appending. */
    public static Journal open(Path dataDir, RollCycle rollCycle) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new JournalException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dataDir)) {
            throw new JournalException("data directory " + dataDir + " is not writable");
        }
        Path lockPath = dataDir.resolve(LOCK_FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new JournalException("cannot open " + lockPath + ": " + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            // OverlappingFileLockException: another server in this JVM (tests) holds it
            lock = null;
        }
        if (lock == null) {
            String owner = "";
            try {
                owner = Files.readString(lockPath).trim();
            } catch (IOException ignored) {
                // the message below is still clear without the pid
            }
            closeQuietly(ch);
            throw new JournalException("data directory " + dataDir + " is in use by another Gearlog server"
                    + (owner.isEmpty() ? "" : " (pid " + owner + ")"));
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException ignored) {
            // the pid is informative only
        }
        try {
            return new Journal(dataDir, buildQueue(dataDir, rollCycle), ch, lock);
        } catch (RuntimeException e) {
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing anyway
            }
            closeQuietly(ch);
            throw e instanceof JournalException je ? je
                    : new JournalException("cannot open the journal under " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static SingleChronicleQueue buildQueue(Path dataDir, RollCycle rollCycle) {
        return SingleChronicleQueueBuilder.single(dataDir.resolve(DIRECTORY).toFile())
                .rollCycle(rollCycle)
                .timeProvider(new JournalClock())
                .blockSize(BLOCK_SIZE)
                .timeoutMS(2_000)
                .build();
    }

    /**
     * Chronicle maps cycle files in blocks of this size (sparse on disk) and takes messages up to a quarter of it:
     * 4 GB blocks let one record hold a 512 MB bulk, Redis' largest, with room for the rest of the command.
     */
    static final long BLOCK_SIZE = 4L << 30;

    /** Largest record the journal accepts. */
    public static final long MAX_RECORD_BYTES = BLOCK_SIZE / 4 - (1 << 20);

    public static Journal open(Path dataDir) {
        return open(dataDir, RollCycles.FAST_HOURLY);
    }

    /**
     * Moves this journal's directory to {@code aside} and opens a new, empty journal in its place, keeping the lock
     * on the data directory. Used when the journal is damaged in a way Chronicle cannot read past. This object must
     * not be used afterwards.
     */
    public Journal moveAsideAndReopen(Path aside) {
        if (lock == null) {
            throw new JournalException("a read-only journal cannot be replaced");
        }
        RollCycle rc = queue.rollCycle();
        if (appender != null) {
            appender.close();
            appender = null;
        }
        queue.close();
        try {
            Files.createDirectories(aside.getParent());
            Files.move(dir, aside);
        } catch (IOException e) {
            throw new JournalException("cannot move the damaged journal " + dir + " to " + aside + ": " + e.getMessage(), e);
        }
        return new Journal(dataDir, buildQueue(dataDir, rc), lockChannel, lock);
    }

    /** Opens an existing journal for reading only, without the lock (inspection while a server runs). */
    public static Journal openReadOnly(Path dataDir) {
        Path d = dataDir.resolve(DIRECTORY);
        if (!Files.isDirectory(d)) {
            throw new JournalException("no journal under " + dataDir);
        }
        SingleChronicleQueueBuilder b = SingleChronicleQueueBuilder.single(d.toFile()).readOnly(true).blockSize(BLOCK_SIZE);
        RollCycle rc = detectRollCycle(d);
        if (rc != null) {
            b.rollCycle(rc);
        }
        return new Journal(dataDir, b.build(), null, null);
    }

    /**
     * The roll cycle called {@code name} (FAST_HOURLY, MINUTELY, TEST_SECONDLY...). Chronicle spreads them over
     * several enums (MINUTELY is a legacy cycle, TEST_SECONDLY a test one), so each is tried in turn.
     */
    public static RollCycle rollCycle(String name) {
        for (RollCycle c : allRollCycles()) {
            if (((Enum<?>) c).name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new JournalException("unknown journal roll cycle " + name);
    }

    private static List<RollCycle> allRollCycles() {
        List<RollCycle> all = new ArrayList<>();
        all.addAll(Arrays.asList(RollCycles.values()));
        all.addAll(Arrays.asList(LegacyRollCycles.values()));
        all.addAll(Arrays.asList(TestRollCycles.values()));
        all.addAll(Arrays.asList(LargeRollCycles.values()));
        all.addAll(Arrays.asList(SparseRollCycles.values()));
        return all;
    }

    /** Which roll cycle wrote the files in {@code d}, from their names; null if there are none. */
    private static RollCycle detectRollCycle(Path d) {
        File[] files = d.toFile().listFiles((x, n) -> n.endsWith(".cq4"));
        if (files == null || files.length == 0) {
            return null;
        }
        String base = baseName(files[0]);
        for (RollCycle c : allRollCycles()) {
            if (parseCycle(c, base) >= 0) {
                return c;
            }
        }
        return null;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }

    public Path dataDirectory() {
        return dataDir;
    }

    public Path directory() {
        return dir;
    }

    ChronicleQueue queue() {
        return queue;
    }

    /** The appender; created on first use by the thread that will own it. */
    public JournalAppender appender() {
        if (appender == null) {
            appender = new JournalAppender(this, queue.createAppender(), (JournalClock) queue.time());
        }
        return appender;
    }

    /** A new reader positioned at the start; it belongs to the calling thread. */
    public JournalReader reader() {
        return new JournalReader(this, queue.createTailer());
    }

    /** Index of the last record, or -1 when empty. */
    public long lastIndex() {
        long i = queue.lastIndex();
        return i < 0 ? -1 : i;
    }

    /** Index of the first record still on disk, or -1 when empty. */
    public long firstIndex() {
        long i = queue.firstIndex();
        return i == Long.MAX_VALUE ? -1 : i;
    }

    /**
     * True when bytes follow the last record Chronicle can read, behind a zeroed record header: a record whose
     * header was damaged. Chronicle then takes the journal to end there, and records appended later would be
     * written beyond the damaged one, where no reader reaches them. (A write torn by a crash leaves a header
     * marked incomplete instead, which Chronicle recovers from by itself.)
     */
    public boolean hasUnreadableTail() {
        long last = lastIndex();
        if (last < 0) {
            return false;
        }
        long end;
        try (ExcerptTailer t = queue.createTailer()) {
            if (!t.moveToIndex(last)) {
                return false;
            }
            try (DocumentContext dc = t.readingDocument()) {
                if (!dc.isPresent()) {
                    return false;
                }
                end = dc.wire().bytes().readLimit();
            }
        }
        int cycle = cycleOf(last);
        for (File f : cycleFiles()) {
            if (cycleOf(f) != cycle) {
                continue;
            }
            ByteBuffer b = ByteBuffer.allocate(4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            try (FileChannel ch = FileChannel.open(f.toPath(), StandardOpenOption.READ)) {
                ch.read(b, (end + 3) & ~3L); // record headers are 4-byte aligned
            } catch (IOException e) {
                return false;
            }
            b.flip();
            if (b.remaining() < 4 || b.getInt(0) != 0) {
                return false;
            }
            for (int i = 4; i < b.remaining(); i++) {
                if (b.get(i) != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when the record at {@code index} is on disk (not deleted by retention). */
    public boolean contains(long index) {
        try (ExcerptTailer t = queue.createTailer()) {
            return t.moveToIndex(index);
        }
    }

    public RollCycle rollCycle() {
        return queue.rollCycle();
    }

    /** The cycle a record index belongs to. */
    public int cycleOf(long index) {
        return queue.rollCycle().toCycle(index);
    }

    /** Wall-clock start of a cycle, in Unix milliseconds. */
    public long cycleStartMillis(int cycle) {
        return (long) cycle * queue.rollCycle().lengthInMillis() + queue.rollCycle().defaultEpoch();
    }

    /** The first index of {@code cycle} (whether or not it holds a record). */
    public long firstIndexOfCycle(int cycle) {
        return queue.rollCycle().toIndex(cycle, 0);
    }

    public static String formatIndex(long index) {
        return index < 0 ? "none" : "0x" + Long.toHexString(index);
    }

    /** Parses an index written as 0x-prefixed hex (as Gearlog prints them) or decimal. */
    public static long parseIndex(String s) {
        String t = s.trim();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return Long.parseUnsignedLong(t.substring(2), 16);
        }
        return Long.parseLong(t);
    }

    /**
     * Bytes the journal's records occupy: for each cycle file, from its first record to the end of its last (with
     * Chronicle's record headers and the index entries between them). The files themselves are sparse and
     * preallocated, so their apparent size says little.
     */
    public long sizeOnDisk() {
        long total = 0;
        try (ExcerptTailer t = queue.createTailer()) {
            int newest = Integer.MIN_VALUE;
            File[] files = cycleFiles();
            for (File f : files) {
                newest = Math.max(newest, cycleOf(f));
            }
            for (File f : files) {
                int cycle = cycleOf(f);
                if (cycle < 0) {
                    continue;
                }
                Long known = closedCycleBytes.get(cycle);
                if (known != null) {
                    total += known;
                    continue;
                }
                long used = bytesUsed(t, cycle);
                if (cycle < newest) {
                    closedCycleBytes.put(cycle, used);
                }
                total += used;
            }
        } catch (RuntimeException e) {
            // a file deleted while measuring: report what was measured
        }
        return total;
    }

    private long bytesUsed(ExcerptTailer t, int cycle) {
        long n = t.excerptsInCycle(cycle);
        if (n <= 0 || !t.moveToIndex(queue.rollCycle().toIndex(cycle, 0))) {
            return 0;
        }
        long start;
        try (DocumentContext dc = t.readingDocument()) {
            if (!dc.isPresent()) {
                return 0;
            }
            start = dc.wire().bytes().readPosition() - 4; // the record's 4-byte Chronicle header
        }
        if (!t.moveToIndex(queue.rollCycle().toIndex(cycle, n - 1))) {
            return 0;
        }
        try (DocumentContext dc = t.readingDocument()) {
            return dc.isPresent() ? dc.wire().bytes().readLimit() - start : 0;
        }
    }

    /** The cycle files, oldest first. */
    public File[] cycleFiles() {
        File[] files = dir.toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        if (files == null) {
            return new File[0];
        }
        Arrays.sort(files);
        return files;
    }

    /**
     * Deletes whole cycle files whose records all lie before {@code index} and whose cycle ended before
     * {@code olderThanMillis} (Unix ms). The file of the current cycle is never deleted. Afterwards the journal
     * remembers that it no longer starts at the first record ever written, so a recovery without a snapshot is
     * refused instead of silently rebuilding a partial state. Returns how many files were deleted.
     */
    public int deleteCyclesBefore(long index, long olderThanMillis) {
        if (index < 0) {
            return 0;
        }
        int keepFrom = cycleOf(index);
        int current = Math.max(queue.cycle(), appender == null ? Integer.MIN_VALUE : appender.cycle());
        long length = queue.rollCycle().lengthInMillis();
        int deleted = 0;
        for (File f : cycleFiles()) {
            int cycle = cycleOf(f);
            if (cycle < 0 || cycle >= keepFrom || cycle >= current) {
                continue;
            }
            if (cycleStartMillis(cycle) + length > olderThanMillis) {
                continue;
            }
            if (f.delete()) {
                closedCycleBytes.remove(cycle);
                deleted++;
            }
        }
        if (deleted > 0) {
            queue.refreshDirectoryListing();
            writeRetainedFrom(firstIndex());
        }
        return deleted;
    }

    private void writeRetainedFrom(long first) {
        Path target = dir.resolve(RETAINED_FROM_FILE);
        Path tmp = dir.resolve(RETAINED_FROM_FILE + ".tmp");
        try {
            Files.writeString(tmp, Long.toHexString(first) + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new JournalException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first index kept when retention last deleted cycle files, or -1 if it never did (the journal then holds
     * every record ever written and can rebuild the state alone).
     */
    public long retainedFrom() {
        Path p = dir.resolve(RETAINED_FROM_FILE);
        if (!Files.exists(p)) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(Files.readString(p).trim(), 16);
        } catch (IOException | NumberFormatException e) {
            throw new JournalException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** The cycle a file holds, from its name; -1 if the name is not a cycle file of this journal. */
    public int cycleOf(File f) {
        return parseCycle(queue.rollCycle(), baseName(f));
    }

    private static String baseName(File f) {
        String name = f.getName();
        return name.endsWith(".cq4") ? name.substring(0, name.length() - ".cq4".length()) : name;
    }

    private static int parseCycle(RollCycle rc, String base) {
        SimpleDateFormat fmt = new SimpleDateFormat(rc.format());
        fmt.setTimeZone(TimeZone.getTimeZone("UTC"));
        fmt.setLenient(false);
        try {
            long t = fmt.parse(base).getTime();
            if (!fmt.format(new java.util.Date(t)).equals(base)) {
                return -1;
            }
            return (int) ((t - rc.defaultEpoch()) / rc.lengthInMillis());
        } catch (ParseException e) {
            return -1;
        }
    }

    // ---- quarantine: records known to be corrupt or cut off, skipped by every reader ----

    private void loadQuarantine() {
        Path q = dir.resolve(QUARANTINE_FILE);
        if (!Files.exists(q)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(q)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length >= 2) {
                    quarantined.add(new long[]{Long.parseUnsignedLong(parts[0], 16), Long.parseUnsignedLong(parts[1], 16)});
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new JournalException("cannot read " + q + ": " + e.getMessage(), e);
        }
    }

    /** Marks records {@code [from, to]} as cut off: no reader returns them again. */
    public void quarantine(long from, long to, String reason) {
        quarantined.add(new long[]{from, to});
        Path q = dir.resolve(QUARANTINE_FILE);
        String line = Long.toHexString(from) + " " + Long.toHexString(to) + " " + reason.replace('\n', ' ') + "\n";
        try {
            Files.writeString(q, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new JournalException("cannot write " + q + ": " + e.getMessage(), e);
        }
    }

    /** The quarantined ranges as {from, to} pairs, in the order they were cut off. */
    public List<long[]> quarantinedRanges() {
        List<long[]> out = new ArrayList<>();
        for (long[] r : quarantined) {
            out.add(r.clone());
        }
        return out;
    }

    /** True when {@code index} lies in a range cut off by an earlier recovery. */
    public boolean isQuarantined(long index) {
        for (long[] r : quarantined) {
            if (index >= r[0] && index <= r[1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        if (appender != null) {
            appender.close();
        }
        queue.close();
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
