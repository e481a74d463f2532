package io.gearlog.engine;

import io.gearlog.journal.CorruptRecordException;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalException;
import io.gearlog.journal.JournalReader;
import io.gearlog.journal.JournalRecord;

import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Rebuilds engine state from the journal records after a given index. A corrupt record with nothing valid after
 * it (a write torn by a crash) is reported and cut off; one followed by valid records stops recovery unless the
 * operator asked to truncate there. Runs on the thread that owns {@code engine} (before the engine thread starts,
 * or the background snapshot thread for a shadow engine).
 */
public final class Recovery {
    /** The startup option that allows cutting the journal at a corrupt record in its middle. */
    public static final String TRUNCATE_OPTION = "--journal-recover-truncate yes";

    /**
     * What recovery did, for the startup log and INFO. {@code rebuildJournal}: records after {@code lastIndex}
     * exist but Chronicle cannot read past a damaged record header, so the journal must be replaced by a new one
     * that starts from the recovered state (appending to the old one would make new records unreachable too).
     */
    public record Result(long records, long lastIndex, long millis, String cutOff, long cutOffIndex,
                         boolean rebuildJournal) {
    }

    private Recovery() {
    }

    /** Startup recovery: applies every record after {@code afterIndex}, cutting off a torn tail. */
    public static Result run(Engine engine, Journal journal, long afterIndex, boolean truncateOnCorruption) {
        return run(engine, journal, afterIndex, Long.MAX_VALUE, true, truncateOnCorruption, () -> false);
    }

    /**
     * Applies the records in {@code (afterIndex, upTo]}. With {@code cutOff} false (a shadow engine built for a
     * snapshot) the journal is never changed: any corrupt record is an error. {@code cancelled} is polled now and
     * then; when it turns true a {@link java.util.concurrent.CancellationException} ends the run.
     */
    public static Result run(Engine engine, Journal journal, long afterIndex, long upTo, boolean cutOff,
                             boolean truncateOnCorruption, BooleanSupplier cancelled) {
        long start = System.nanoTime();
        long nextProgress = start + 10_000_000_000L;
        long count = 0;
        long last = afterIndex;
        String cut = null;
        long cutIndex = -1;
        JournalRecord rec = new JournalRecord();
        try (JournalReader reader = journal.reader().after(afterIndex)) {
            while (true) {
                try {
                    if (!reader.next(rec)) {
                        break;
                    }
                } catch (CorruptRecordException e) {
                    if (e.index() > upTo) {
                        break;
                    }
                    if (!cutOff) {
                        throw e;
                    }
                    cut = corruption(journal, reader, e, truncateOnCorruption);
                    cutIndex = e.index();
                    break;
                }
                if (rec.index() > upTo) {
                    break;
                }
                engine.apply(rec);
                last = rec.index();
                count++;
                if ((count & 0xfff) == 0 && cancelled.getAsBoolean()) {
                    throw new CancellationException("recovery cancelled");
                }
                if ((count & 0xffff) == 0 && System.nanoTime() > nextProgress) {
                    nextProgress = System.nanoTime() + 10_000_000_000L;
                    ServerLog.notice(String.format(Locale.ROOT, "Recovering: %,d records applied, at index %s of %s",
                            count, Journal.formatIndex(last), Journal.formatIndex(journal.lastIndex())));
                }
            }
        }
        boolean rebuild = false;
        long end = journal.lastIndex();
        if (cutOff && cut == null && upTo == Long.MAX_VALUE && end > last && !journal.isQuarantined(end)) {
            // the reader stopped although Chronicle's index knows later records: a damaged record header
            cutIndex = last < 0 ? Math.max(0, journal.firstIndex()) : last + 1;
            String what = "the journal record after index " + Journal.formatIndex(last) + " cannot be read (its "
                    + "header is damaged), though the journal holds records up to " + Journal.formatIndex(end);
            boolean tail = end == cutIndex;
            if (!tail && !truncateOnCorruption) {
                throw new JournalException(what + ". Start with " + TRUNCATE_OPTION + " to keep everything before "
                        + "it: the damaged journal is then moved aside and a new one started from the recovered state.");
            }
            cut = what + (tail ? " (the last record)" : "") + "; every record before it was recovered";
            rebuild = true;
        } else if (cutOff && cut == null && upTo == Long.MAX_VALUE && last == end && journal.hasUnreadableTail()) {
            cutIndex = last + 1;
            cut = "the journal record after index " + Journal.formatIndex(last) + " cannot be read (its header is "
                    + "damaged) and was the last one; every record before it was recovered";
            rebuild = true;
        }
        engine.lastAppliedIndex(last);
        return new Result(count, last, (System.nanoTime() - start) / 1_000_000, cut, cutIndex, rebuild);
    }

    /**
     * Decides what a corrupt record means. If no valid record follows it, it is a torn tail: cut off and
     * reported. Otherwise the journal is damaged in the middle: stop, unless truncation was asked for.
     */
    private static String corruption(Journal journal, JournalReader reader, CorruptRecordException e, boolean truncate) {
        long bad = e.index();
        long end = journal.lastIndex();
        long nextGood = -1;
        JournalRecord probe = new JournalRecord();
        while (nextGood < 0) {
            try {
                if (!reader.next(probe)) {
                    break;
                }
                nextGood = probe.index();
            } catch (CorruptRecordException later) {
                // still inside the damaged tail
            }
        }
        if (nextGood < 0) {
            journal.quarantine(bad, Math.max(bad, end), e.getMessage());
            return "torn record at the journal tail cut off at index " + Journal.formatIndex(bad)
                    + (end > bad ? " (through " + Journal.formatIndex(end) + ")" : "") + ": " + e.getMessage()
                    + "; every record before it was recovered";
        }
        if (!truncate) {
            throw new JournalException(e.getMessage() + ", in the middle of the journal (valid records follow at "
                    + Journal.formatIndex(nextGood) + ", last index " + Journal.formatIndex(end) + "). Start with "
                    + TRUNCATE_OPTION + " to keep everything before it and discard it and every later record.");
        }
        journal.quarantine(bad, Math.max(bad, end), e.getMessage());
        return "journal truncated at index " + Journal.formatIndex(bad) + " as requested by " + TRUNCATE_OPTION
                + ": records " + Journal.formatIndex(bad) + " to " + Journal.formatIndex(end) + " discarded ("
                + e.getMessage() + ")";
    }
}
