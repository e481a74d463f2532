package io.gearlog.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.File;
import java.util.List;

/**
 * Appends records. Single writer: owned by the engine thread. Every append returns the record's index.
 */
public final class JournalAppender implements AutoCloseable {
    private final Journal journal;
    private final ExcerptAppender appender;
    private RecordCodec codec = new RecordCodec(true);
    private final JournalClock clock;
    private volatile long lastIndex = -1;
    private volatile File currentFile;
    // written before lastIndex, whose volatile write publishes it
    private long writePosition;
    private int cycle = Integer.MIN_VALUE;
    private long appended;
    private volatile Mark synced;
    private volatile Mark released;
    // engine thread: how far the current cycle file's mapping has been released, and when to look again
    private long releasedTo;
    private long nextRelease = RELEASE_STEP;

    /** A position in one cycle file. */
    record Mark(File file, long position) {
    }

    /**
     * Written pages are handed back to the kernel once they are this far behind the last fsync: Chronicle still
     * writes index entries into arrays a few megabytes back (a page released too early only costs a read).
     */
    static final long RELEASE_KEEP = 32L << 20;
    /** How often the appender looks, in bytes of journal; also the alignment (whole 2 MB folios). */
    static final long RELEASE_STEP = 8L << 20;
    private static final long RELEASE_ALIGN = 2L << 20;

    JournalAppender(Journal journal, ExcerptAppender appender, JournalClock clock) {
        this.journal = journal;
        this.appender = appender;
        this.clock = clock;
    }

    /**
     * Lends the appender a wall-clock reading (Unix ms) for the records appended until {@link #releaseClock}: the
     * owner reads the clock once for a batch of records instead of Chronicle reading it for each.
     */
    public void holdClock(long millis) {
        clock.hold(millis);
    }

    public void releaseClock() {
        clock.release();
    }

    private boolean failNextClose;

    /**
     * Fault injection for tests: the next closing of a group document fails, and its records never reach the
     * journal, as when Chronicle throws at close. Engine thread, as every other call here.
     */
    public void failNextGroupClose() {
        failNextClose = true;
    }

    /** Writes records of format 1, as releases before format 2 did (tests of reading such journals). */
    void writeFormatOne() {
        codec = new RecordCodec(false);
    }

    public long appendArgv(int type, long time, long origin, int db, byte[][] argv) {
        codec.begin(type, time, origin, db);
        codec.argv(argv);
        return write();
    }

    public long appendArgvList(int type, long time, long origin, int db, List<byte[][]> list) {
        codec.begin(type, time, origin, db);
        codec.argvList(list);
        return write();
    }

    public long appendPayload(int type, long time, long origin, int db, byte[] payload, int off, int len) {
        codec.begin(type, time, origin, db);
        codec.payload(payload, off, len);
        return write();
    }

    public long appendTick(long time) {
        codec.begin(RecordType.TICK, time, 0, 0);
        return write();
    }

    /**
     * Groups the records appended until {@link #endGroup} into shared Chronicle documents (as many as
     * {@link #GROUP_BYTES} allows), which a pipelined batch pays for once instead of per record: Chronicle's
     * per-document work (write lock, header, index, the sequence check) was about a tenth of a pipelined write's
     * CPU. Records of a document share its index; {@link #lastPosition()} tells them apart. Nothing of a group is
     * visible to readers, or to the syncer, before its document closes.
     */
    public void beginGroup() {
        grouping = true;
    }

    /** Closes the open group document, if any; records appended from now on get documents of their own. */
    public void endGroup() {
        grouping = false;
        closeGroup();
    }

    /**
     * Closes the open group document, if any, so that every record appended so far is visible to readers and the
     * syncer; grouping goes on in a new document (for a snapshot taken in the middle of a batch).
     */
    public void seal() {
        closeGroup();
    }

    /** The position of the last appended record in its document: 0 unless it was grouped behind others. */
    public int lastPosition() {
        return lastPosition;
    }

    /** Bytes of records one group document takes at most; a larger record gets a document of its own. */
    static final int GROUP_BYTES = 256 << 10;

    private boolean grouping;
    private DocumentContext group;
    private long groupIndex;
    private int groupRecords;
    private int groupBytes;
    private int lastPosition;

    private long write() {
        codec.end();
        int n = codec.length();
        if (grouping && n <= GROUP_BYTES) {
            return writeGrouped(n);
        }
        closeGroup();
        lastPosition = 0;
        try (DocumentContext dc = appender.writingDocument()) {
            Bytes<?> bytes = dc.wire().bytes();
            bytes.write(codec.buffer(), 0, n);
            wrote(bytes);
        }
        closed(appender.lastIndexAppended());
        appended++;
        return lastIndex;
    }

    private long writeGrouped(int n) {
        if (group != null && groupBytes + n > GROUP_BYTES) {
            closeGroup();
        }
        if (group == null) {
            group = appender.writingDocument();
            groupIndex = group.index();
            groupRecords = 0;
            groupBytes = 0;
        }
        Bytes<?> bytes = group.wire().bytes();
        long before = bytes.writePosition();
        try {
            bytes.write(codec.buffer(), 0, n);
        } catch (RuntimeException | InternalError e) {
            // keep the records grouped before this one: their commands have run
            bytes.writePosition(before);
            if (groupRecords == 0) {
                group.rollbackOnClose();
            }
            closeGroup();
            throw e;
        }
        groupBytes += n;
        lastPosition = groupRecords++;
        appended++;
        return groupIndex;
    }

    private void closeGroup() {
        DocumentContext dc = group;
        if (dc == null) {
            return;
        }
        group = null;
        boolean empty = groupRecords == 0;
        if (failNextClose && !empty) {
            failNextClose = false;
            try {
                dc.rollbackOnClose();
            } finally {
                dc.close();
            }
            throw new IllegalStateException("injected failure closing a journal document");
        }
        try {
            if (!empty) {
                wrote(dc.wire().bytes());
            }
        } finally {
            dc.close();
        }
        if (!empty) {
            closed(groupIndex);
        }
    }

    private void wrote(Bytes<?> bytes) {
        writePosition = bytes.writePosition();
        if (writePosition >= nextRelease && appender.cycle() == cycle) {
            release(bytes.bytesStore());
        }
    }

    /** Bookkeeping after a document closed. */
    private void closed(long idx) {
        int c = appender.cycle();
        if (c != cycle) {
            cycle = c;
            currentFile = appender.currentFile();
            releasedTo = RELEASE_ALIGN;
            nextRelease = writePosition + RELEASE_STEP;
        }
        lastIndex = idx;
    }

    /**
     * Unmaps the pages of the current cycle file that the last fsync covered, well behind the write position, so that
     * the pretoucher can drop them from the page cache ({@link #released()}). Their memory then serves the pages
     * ahead: freshly allocated memory costs far more to touch the first time on a virtual machine (about 11 us per
     * 4 KB page here, against 0.4 for a page just freed), and the page cache no longer fills with journal. Runs
     * here, on the thread that owns the mapping, with the mapping Chronicle is writing through, so the range
     * released is known to be mapped.
     */
    private void release(BytesStore<?, ?> store) {
        nextRelease = writePosition + RELEASE_STEP;
        Mark s = synced;
        if (s == null || !s.file().equals(currentFile) || !(store instanceof MappedBytesStore mapped)) {
            return;
        }
        long to = (Math.min(s.position(), writePosition) - RELEASE_KEEP) & -RELEASE_ALIGN;
        long from = Math.max(releasedTo, mapped.start());
        if (to - from < RELEASE_ALIGN || !mapped.inside(from, to - from)) {
            return;
        }
        if (PageCacheAdvice.unmap(mapped.addressForRead(from), to - from)) {
            releasedTo = to;
            released = new Mark(currentFile, to);
        }
    }

    /** Called by the syncer once everything before {@code position} of {@code file} is on disk. */
    void synced(File file, long position) {
        synced = new Mark(file, position);
    }

    /** How far the current cycle file has been unmapped, for the pretoucher to drop from the page cache (or null). */
    Mark released() {
        return released;
    }

    /** Index of the last record appended by this appender (readable from any thread). */
    public long lastIndex() {
        return lastIndex;
    }

    /** Offset in {@link #currentFile()} just past the last record's data (readable from any thread, may lag). */
    public long writePosition() {
        long ignored = lastIndex; // volatile read: makes the position written before it visible
        return writePosition;
    }

    /** The file the last record went to (readable from any thread, for fsync). */
    public File currentFile() {
        return currentFile;
    }

    /** The cycle of the last record appended (engine thread). */
    int cycle() {
        return cycle;
    }

    public long appendedCount() {
        return appended;
    }

    public Journal journal() {
        return journal;
    }

    @Override
    public void close() {
        endGroup();
        appender.close();
    }
}
