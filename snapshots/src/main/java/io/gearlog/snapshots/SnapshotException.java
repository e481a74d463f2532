package io.gearlog.snapshots;

import io.gearlog.journal.JournalException;

/** A snapshot could not be written, or a snapshot file failed its checks. */
public final class SnapshotException extends JournalException {
    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
