package io.gearlog.journal;

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
    private final RecordCodec codec = new RecordCodec();
    private volatile long lastIndex = -1;
    private volatile File currentFile;
    // written before lastIndex, whose volatile write publishes it
    private long writePosition;
    private int cycle = Integer.MIN_VALUE;
    private long appended;

    JournalAppender(Journal journal, ExcerptAppender appender) {
        this.journal = journal;
        this.appender = appender;
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

    private long write() {
        codec.end();
        try (DocumentContext dc = appender.writingDocument()) {
            dc.wire().bytes().write(codec.buffer(), 0, codec.length());
            writePosition = dc.wire().bytes().writePosition();
        }
        long idx = appender.lastIndexAppended();
        int c = appender.cycle();
        if (c != cycle) {
            cycle = c;
            currentFile = appender.currentFile();
        }
        appended++;
        lastIndex = idx;
        return idx;
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
        appender.close();
    }
}
