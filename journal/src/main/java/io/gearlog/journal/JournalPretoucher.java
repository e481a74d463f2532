package io.gearlog.journal;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Reads the journal's cycle file a little ahead of the appender, on its own thread. The cycle file is sparse, and the
 * first touch of a page the appender has not written yet makes the kernel allocate and zero a page-cache page inside
 * the appender's page fault, on the engine thread; read here first, the page is already in the page cache and the
 * appender's fault only maps it. Reading never writes to the file, so it cannot disturb records or their order.
 * <p>
 * How the pages come in is a trade between the two fsync policies. Read in order, the kernel takes the pretoucher
 * for a sequential reader and fills the page cache with large folios (2 MB here): the appender then faults once per
 * folio instead of once per 4 KB page, which {@code everysec} and {@code no} want (INCR -P 16 spent about 0.4 µs more
 * of the event loop per request with base pages), but a record written into a folio makes all of it dirty, so
 * every fsync writes the whole folio. Under {@code always} that made each fsync write 2 MB and take 2.2 ms instead
 * of about 0.35, so then the pretoucher only advises the kernel that the pages will be needed
 * ({@link PageCacheAdvice}), which brings in base pages. Where the advice cannot be given (not Linux, no native
 * access), it reads under every policy.
 * <p>
 * Behind the appender it drops from the page cache the pages the appender has released ({@link
 * JournalAppender#released()}), so that the pages it brings in ahead reuse that memory.
 */
public final class JournalPretoucher implements AutoCloseable {
    /** Bytes kept in the page cache ahead of the write position: about a second of journal at full speed. */
    static final long AHEAD = 32L << 20;
    private static final int CHUNK = 256 << 10;
    private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final JournalAppender appender;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
    private final BooleanSupplier basePages;
    private final Thread thread;
    private volatile boolean running = true;
    private File file;
    private FileChannel channel;
    private PageCacheAdvice advice;
    private long touchedTo;
    private long droppedTo;
    private volatile long touchedBytes;

    public JournalPretoucher(JournalAppender appender) {
        this(appender, () -> false);
    }

    /** {@code basePages} says, before each stretch, whether to bring pages in as base pages (under always). */
    public JournalPretoucher(JournalAppender appender, BooleanSupplier basePages) {
        this.appender = appender;
        this.basePages = basePages;
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
            droppedTo = 0;
        }
        touchedTo = Math.max(touchedTo, position);
        JournalAppender.Mark released = appender.released();
        if (advice != null && released != null && released.file().equals(f) && released.position() > droppedTo) {
            advice.dontNeed(droppedTo, released.position() - droppedTo);
            droppedTo = released.position();
        }
        long limit = Math.min(position + AHEAD, channel.size());
        if (advice != null && basePages.getAsBoolean()) {
            if (limit > touchedTo) {
                advice.willNeed(touchedTo, limit - touchedTo);
                touchedBytes += limit - touchedTo;
                touchedTo = limit;
            }
            return;
        }
        while (running && touchedTo < limit) {
            buffer.clear();
            buffer.limit((int) Math.min(CHUNK, limit - touchedTo));
            int n = channel.read(buffer, touchedTo);
            if (n <= 0) {
                break;
            }
            touchedTo += n;
            touchedBytes += n;
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
