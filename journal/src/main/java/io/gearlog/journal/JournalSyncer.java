package io.gearlog.journal;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Forces the journal to disk according to the fsync policy, on its own thread so the engine never waits for
 * the disk. Under {@code always}, the engine hands it reply batches that are released only after the journal
 * is synced up to their index (group commit: one fsync covers every batch waiting at that moment). It also
 * watches free disk space so writes can be refused before the disk is full.
 */
public final class JournalSyncer implements AutoCloseable {
    /** A batch of work to run once the journal is durable up to {@code index}. */
    private record Waiter(long index, Runnable action) {
    }

    private final JournalAppender appender;
    private final BlockingQueue<Waiter> waiters = new ArrayBlockingQueue<>(1 << 16);
    private final Thread thread;
    private volatile FsyncPolicy policy;
    private volatile boolean running = true;
    private volatile long syncedIndex = -1;
    private volatile long minFreeBytes;
    private volatile boolean lowOnSpace;
    private volatile String lastError;
    private volatile long syncCount;
    private volatile long lastSyncNanos;
    private File openFile;
    private FileChannel channel;

    public JournalSyncer(JournalAppender appender, FsyncPolicy policy, long minFreeBytes) {
        this.appender = appender;
        this.policy = policy;
        this.minFreeBytes = minFreeBytes;
        this.thread = new Thread(this::run, "gearlog-journal-sync");
        this.thread.setDaemon(true);
        checkSpace();
        this.thread.start();
    }

    public FsyncPolicy policy() {
        return policy;
    }

    public void policy(FsyncPolicy p) {
        this.policy = p;
    }

    public void minFreeBytes(long bytes) {
        this.minFreeBytes = bytes;
        checkSpace();
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** True when the disk holding the journal has less free space than allowed, or the last sync failed. */
    public boolean refusingWrites() {
        return lowOnSpace || lastError != null;
    }

    public String lastError() {
        return lastError;
    }

    public long syncedIndex() {
        return syncedIndex;
    }

    public long syncCount() {
        return syncCount;
    }

    /** Runs {@code action} on the sync thread once every record up to {@code index} is on disk. */
    public void afterSync(long index, Runnable action) {
        try {
            waiters.put(new Waiter(index, action));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            action.run();
        }
    }

    /** Forces everything appended so far; blocks the caller. */
    public synchronized void syncNow() {
        long target = appender.lastIndex();
        if (target > syncedIndex) {
            force(target);
        }
    }

    private void run() {
        long nextPeriodic = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        List<Waiter> batch = new ArrayList<>();
        while (running || !waiters.isEmpty()) {
            try {
                long wait = Math.max(0, nextPeriodic - System.nanoTime());
                Waiter w = waiters.poll(wait, TimeUnit.NANOSECONDS);
                if (w != null) {
                    batch.add(w);
                    waiters.drainTo(batch);
                    long max = -1;
                    for (Waiter x : batch) {
                        max = Math.max(max, x.index);
                    }
                    if (max > syncedIndex) {
                        synchronized (this) {
                            force(Math.max(max, appender.lastIndex()));
                        }
                    }
                    for (Waiter x : batch) {
                        try {
                            x.action.run();
                        } catch (RuntimeException e) {
                            lastError = "releasing replies failed: " + e;
                        }
                    }
                    batch.clear();
                }
                if (System.nanoTime() >= nextPeriodic) {
                    nextPeriodic = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    checkSpace();
                    if (policy == FsyncPolicy.EVERYSEC) {
                        long target = appender.lastIndex();
                        if (target > syncedIndex) {
                            synchronized (this) {
                                force(target);
                            }
                        }
                    }
                }
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            }
        }
    }

    private void checkSpace() {
        File dir = appender.journal().directory().toFile();
        long usable = dir.getUsableSpace();
        lowOnSpace = usable > 0 && usable < minFreeBytes;
    }

    private void force(long target) {
        File f = appender.currentFile();
        if (f == null) {
            return;
        }
        long start = System.nanoTime();
        // read before the fsync: everything before it is then on disk
        long position = appender.writePosition();
        try {
            if (!f.equals(openFile)) {
                if (channel != null) {
                    channel.force(false);
                    channel.close();
                }
                channel = FileChannel.open(f.toPath(), StandardOpenOption.READ);
                openFile = f;
                try (FileChannel dir = FileChannel.open(f.getParentFile().toPath(), StandardOpenOption.READ)) {
                    dir.force(true);
                } catch (IOException ignored) {
                    // some file systems cannot sync directories; the file itself is what matters
                }
            }
            channel.force(false);
            appender.synced(f, position);
            syncedIndex = target;
            syncCount++;
            lastError = null;
        } catch (IOException e) {
            lastError = "fsync of " + f + " failed: " + e.getMessage();
        }
        lastSyncNanos = System.nanoTime() - start;
    }

    public long lastSyncMicros() {
        return lastSyncNanos / 1000;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            long target = appender.lastIndex();
            if (target > syncedIndex) {
                force(target);
            }
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
