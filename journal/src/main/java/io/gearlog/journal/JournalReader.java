package io.gearlog.journal;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

import java.util.zip.CRC32C;

/** Reads records in order. Owned by one thread. Quarantined records are skipped. */
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
        return tailer.moveToIndex(index);
    }

    public JournalReader fromStart() {
        tailer.toStart();
        return this;
    }

    /**
     * Reads the next record into {@code into}. Returns false at the end of the journal.
     *
     * @throws CorruptRecordException when the record fails its checks (its index is in the exception)
     */
    public boolean next(JournalRecord into) {
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
                if (into.buf.length < n) {
                    into.buf = new byte[Math.max(n, into.buf.length * 2)];
                }
                b.read(into.buf, 0, n);
                into.len = n;
                into.index = index;
                String problem = RecordCodec.verify(into.buf, n, crc);
                if (problem != null) {
                    throw new CorruptRecordException(index, problem);
                }
                return true;
            }
        }
    }

    @Override
    public void close() {
        tailer.close();
    }
}
