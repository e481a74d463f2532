package io.gearlog.engine;

import io.gearlog.journal.CorruptRecordException;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalException;
import io.gearlog.journal.JournalReader;
import io.gearlog.journal.JournalRecord;

/**
 * Rebuilds engine state from the journal records after a given index. A corrupt record at the very end (a
 * write torn by a crash) is reported and cut off; one in the middle stops recovery unless the operator asked to
 * truncate there.
 */
public final class Recovery {
    /** What recovery did, for the startup log and INFO. */
    public record Result(long records, long lastIndex, long millis, String cutOff) {
    }

    private Recovery() {
    }

    public static Result run(Engine engine, Journal journal, long afterIndex, boolean truncateOnCorruption) {
        long start = System.nanoTime();
        long count = 0;
        long last = afterIndex;
        String cut = null;
        JournalRecord rec = new JournalRecord();
        try (JournalReader reader = journal.reader().after(afterIndex)) {
            while (true) {
                try {
                    if (!reader.next(rec)) {
                        break;
                    }
                } catch (CorruptRecordException e) {
                    long bad = e.index();
                    long end = journal.lastIndex();
                    if (bad >= end) {
                        journal.quarantine(bad, bad, e.getMessage());
                        cut = "torn record at the journal tail (index " + Journal.formatIndex(bad) + ") cut off: "
                                + e.getMessage();
                        break;
                    }
                    if (!truncateOnCorruption) {
                        throw new JournalException(e.getMessage() + ", in the middle of the journal (last index "
                                + Journal.formatIndex(end) + "). Start with --journal-recover-truncate yes to keep "
                                + "everything before it and discard it and every later record.");
                    }
                    journal.quarantine(bad, end, e.getMessage());
                    cut = "journal truncated at index " + Journal.formatIndex(bad) + " as requested: " + e.getMessage();
                    break;
                }
                engine.apply(rec);
                last = rec.index();
                count++;
            }
        }
        engine.lastAppliedIndex(last);
        return new Result(count, last, (System.nanoTime() - start) / 1_000_000, cut);
    }
}
