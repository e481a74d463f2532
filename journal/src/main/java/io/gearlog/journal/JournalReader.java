package io.gearlog.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.util.zip.CRC32C;

/** Reads records in order, those of a group document one by one. Owned by one thread. Quarantined records are skipped. */
public final class JournalReader implements AutoCloseable {
    private final Journal journal;
    private final ExcerptTailer tailer;
    private final CRC32C crc = new CRC32C();

    JournalReader(Journal journal, ExcerptTailer tailer) {
        this.journal = journal;
        this.tailer = tailer;
    }

    /** Positions the reader so that the next record read is the one after {@code index}. */
    public JournalReader after(long index) {
        groupAt = groupLen = 0;
        if (index < 0) {
            tailer.toStart();
        } else if (!tailer.moveToIndex(index)) {
            throw new JournalException("journal has no record at index " + Journal.formatIndex(index));
        } else {
            try (DocumentContext dc = tailer.readingDocument()) {
                // step over the record at index itself
                if (!dc.isPresent()) {
                    throw new JournalException("journal has no record at index " + Journal.formatIndex(index));
                }
            }
        }
        return this;
    }

    /** Positions the reader so that the next record read is the one at {@code index}; false if there is none. */
    public boolean at(long index) {
        groupAt = groupLen = 0;
        return tailer.moveToIndex(index);
    }

    public JournalReader fromStart() {
        groupAt = groupLen = 0;
        tailer.toStart();
        return this;
    }

    /**
     * Reads the next record into {@code into}. Returns false at the end of the journal. A document holding a group
     * of records is checked whole before its first record is returned, so a damaged group is refused as one.
     *
     * @throws CorruptRecordException when the record fails its checks (its index is in the exception)
     */
    public boolean next(JournalRecord into) {
        if (groupAt < groupLen) {
            int n = RecordCodec.recordLength(group, groupAt);
            into.set(group, groupAt, n, groupIndex, ++groupPosition);
            groupAt += n;
            return true;
        }
        while (true) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    return false;
                }
                long index = dc.index();
                if (journal.isQuarantined(index)) {
                    continue;
                }
                Bytes<?> b = dc.wire().bytes();
                int n = (int) b.readRemaining();
                if (n >= RecordCodec.COMPACT_HEADER && singleRecord(b, n)) {
                    // a document of one record: straight into the caller's buffer
                    if (into.buf.length < n) {
                        into.buf = new byte[Math.max(n, into.buf.length * 2)];
                    }
                    b.read(into.buf, 0, n);
                    String problem = RecordCodec.verify(into.buf, n, crc);
                    if (problem != null) {
                        throw new CorruptRecordException(index, problem);
                    }
                    into.loaded(n, index, 0);
                    return true;
                }
                if (group.length < n) {
                    group = new byte[Math.max(n, group.length * 2)];
                }
                b.read(group, 0, n);
                checkGroup(index, n);
                int first = RecordCodec.recordLength(group, 0);
                into.set(group, 0, first, index, 0);
                groupIndex = index;
                groupPosition = 0;
                groupAt = first;
                groupLen = n;
                return true;
            }
        }
    }

    // the rest of a group document being read: records from groupAt to groupLen
    private byte[] group = new byte[4096];
    private int groupAt;
    private int groupLen;
    private long groupIndex;
    private int groupPosition;

    /** Verifies every record of the document in {@link #group}; on failure nothing of it is returned. */
    private void checkGroup(long index, int n) {
        groupAt = 0;
        groupLen = 0;
        int at = 0;
        while (at < n) {
            int version = group[at] & 0xff;
            int header = RecordCodec.lengthHeader(version);
            if (header < 0) {
                throw new CorruptRecordException(index, "unknown record format version " + version);
            }
            if (n - at < header + RecordCodec.TRAILER) {
                throw new CorruptRecordException(index, "record too short (" + (n - at) + " bytes)");
            }
            int len = RecordCodec.recordLength(group, at);
            if (len < 0 || len > n - at) {
                throw new CorruptRecordException(index, "record length mismatch");
            }
            String problem = RecordCodec.verify(group, at, len, crc);
            if (problem != null) {
                throw new CorruptRecordException(index, problem);
            }
            at += len;
        }
    }

    /** Whether the document's {@code n} bytes at its read position are exactly one record, as its header says. */
    private static boolean singleRecord(Bytes<?> b, int n) {
        long at = b.readPosition();
        int header = RecordCodec.lengthHeader(b.readUnsignedByte(at));
        return header > 0 && n >= header && header + (long) b.readInt(at + header - 4) + RecordCodec.TRAILER == n;
    }

    @Override
    public void close() {
        tailer.close();
    }
}
