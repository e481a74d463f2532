package io.gearlog.journal;

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The append-only log every state change goes through, stored as a Chronicle Queue under
 * {@code <data dir>/journal}. A writable journal holds an exclusive lock on the data directory so two
 * servers can never append to the same journal.
 */
public final class Journal implements AutoCloseable {
    public static final String DIRECTORY = "journal";
    private static final String LOCK_FILE = "gearlog.lock";
    private static final String QUARANTINE_FILE = "quarantine";

    private final Path dataDir;
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<long[]> quarantined = new ArrayList<>();
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
        FileChannel ch;
        FileLock lock;
        Path lockPath = dataDir.resolve(LOCK_FILE);
        try {
            ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            lock = ch.tryLock();
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            throw new JournalException("data directory " + dataDir + " is in use by another Gearlog server");
        }
        if (lock == null) {
            String owner = "";
            try {
                owner = Files.readString(lockPath).trim();
            } catch (IOException ignored) {
                // the message below is still clear without the pid
            }
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to release
            }
            throw new JournalException("data directory " + dataDir + " is in use by another Gearlog server"
                    + (owner.isEmpty() ? "" : " (pid " + owner + ")"));
        }
        try {
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException ignored) {
            // the pid is informative only
        }
        SingleChronicleQueue q = SingleChronicleQueueBuilder.single(dataDir.resolve(DIRECTORY).toFile())
                .rollCycle(rollCycle)
                .timeoutMS(2_000)
                .build();
        return new Journal(dataDir, q, ch, lock);
    }

    public static Journal open(Path dataDir) {
        return open(dataDir, RollCycles.FAST_HOURLY);
    }

    /** Opens an existing journal for reading only, without the lock (inspection while a server runs). */
    public static Journal openReadOnly(Path dataDir) {
        Path d = dataDir.resolve(DIRECTORY);
        if (!Files.isDirectory(d)) {
            throw new JournalException("no journal under " + dataDir);
        }
        SingleChronicleQueue q = SingleChronicleQueueBuilder.single(d.toFile()).readOnly(true).build();
        return new Journal(dataDir, q, null, null);
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
            appender = new JournalAppender(this, queue.createAppender());
        }
        return appender;
    }

    public JournalReader reader() {
        return new JournalReader(this, queue.createTailer());
    }

    /** Index of the last record, or -1 when empty. */
    public long lastIndex() {
        long i = queue.lastIndex();
        return i < 0 ? -1 : i;
    }

    public long firstIndex() {
        long i = queue.firstIndex();
        return i == Long.MAX_VALUE ? -1 : i;
    }

    public RollCycle rollCycle() {
        return queue.rollCycle();
    }

    public static String formatIndex(long index) {
        return "0x" + Long.toHexString(index);
    }

    /** Bytes of the journal's files on disk (apparent size). */
    public long sizeOnDisk() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    public File[] cycleFiles() {
        File[] files = dir.toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        if (files == null) {
            return new File[0];
        }
        java.util.Arrays.sort(files);
        return files;
    }

    /**
     * Deletes whole cycle files whose records all lie before {@code index} and were last modified before
     * {@code olderThanMillis} (wall time). The file of the current cycle is never deleted. Returns how many.
     */
    public int deleteCyclesBefore(long index, long olderThanMillis) {
        int keepFrom = queue.rollCycle().toCycle(index);
        int current = queue.cycle();
        int deleted = 0;
        for (File f : cycleFiles()) {
            int cycle = cycleOf(f);
            if (cycle < 0 || cycle >= keepFrom || cycle >= current) {
                continue;
            }
            if (f.lastModified() > olderThanMillis) {
                continue;
            }
            if (f.delete()) {
                deleted++;
            }
        }
        if (deleted > 0) {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    private int cycleOf(File f) {
        String name = f.getName();
        String base = name.substring(0, name.length() - ".cq4".length());
        java.text.SimpleDateFormat fmt = new java.text.SimpleDateFormat(queue.rollCycle().format());
        fmt.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
        try {
            return (int) (fmt.parse(base).getTime() / queue.rollCycle().lengthInMillis());
        } catch (java.text.ParseException e) {
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

    boolean isQuarantined(long index) {
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
