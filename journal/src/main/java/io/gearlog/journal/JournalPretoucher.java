package io.gearlog.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads the journal's cycle file a little ahead of the appender, on its own thread. The cycle file is sparse, and the
 * first touch of a page the appender has not written yet makes the kernel allocate and zero a page-cache page inside
 * the appender's page fault, on the engine thread; read here first, the page is already in the page cache and the
 * appender's fault only maps it. Reading never writes to the file, so it cannot disturb records or their order.
 * <p>
 * On Linux it does not read but advises the kernel that the pages will be needed ({@link PageCacheAdvice}). Read
 * in order, the kernel took the pretoucher for a sequential reader and filled the page cache ahead with 2 MB folios;
 * a record written into one makes the whole folio dirty, and every fsync then wrote 2 MB instead of the few pages
 * that changed (under {@code appendfsync always}, 2.2 ms per fsync instead of about 0.5). The advice brings in base
 * pages only. Where it cannot be given (not Linux, no native access), a channel reads a byte of each page instead.
 */
public final class JournalPretoucher implements AutoCloseable {
    /** Bytes kept in the page cache ahead of the write position: about a second of journal at full speed. */
    static final long AHEAD = 32L << 20;
    private static final int PAGE = 4096;
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final JournalAppender appender;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1);
    private final Thread thread;
    private volatile boolean running = true;
    private File file;
    private FileChannel channel;
    private PageCacheAdvice advice;
    private long touchedTo;
    private volatile long touchedBytes;

    public JournalPretoucher(JournalAppender appender) {
        this.appender = appender;
        this.thread = new Thread(this::run, "gearlog-journal-pretouch");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Bytes read ahead so far (tests check the thread keeps ahead with it). */
    public long touchedBytes() {
        return touchedBytes;
    }

    private void run() {
        while (running) {
            try {
                touchAhead();
            } catch (IOException e) {
                // a file that vanished or cannot be read: the appender takes its own faults, as without this thread
                closeChannel();
            }
            LockSupport.parkNanos(PERIOD_NANOS);
        }
        closeChannel();
    }

    private void touchAhead() throws IOException {
        File f = appender.currentFile();
        if (f == null) {
            return;
        }
        long position = appender.writePosition();
        if (!f.equals(file)) {
            closeChannel();
            channel = FileChannel.open(f.toPath(), StandardOpenOption.READ);
            advice = PageCacheAdvice.open(f.getPath());
            file = f;
            touchedTo = position;
        }
        touchedTo = Math.max(touchedTo, position);
        long limit = Math.min(position + AHEAD, channel.size());
        if (advice != null && limit > touchedTo) {
            advice.willNeed(touchedTo, limit - touchedTo);
        } else {
            for (long page = touchedTo & -PAGE; page < limit; page += PAGE) {
                buffer.clear();
                if (!running || channel.read(buffer, page) <= 0) {
                    return;
                }
            }
        }
        if (limit > touchedTo) {
            touchedBytes += limit - touchedTo;
            touchedTo = limit;
        }
    }

    private void closeChannel() {
        if (advice != null) {
            advice.close();
            advice = null;
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // only read from
            }
            channel = null;
            file = null;
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
