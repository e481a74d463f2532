package io.gearlog.journal;

/** A record failed its checksum or structure check. */
public final class CorruptRecordException extends JournalException {
    private final long index;

    public CorruptRecordException(long index, String reason) {
        super("corrupt journal record at index " + Journal.formatIndex(index) + ": " + reason);
        this.index = index;
    }

    public long index() {
        return index;
    }
}
