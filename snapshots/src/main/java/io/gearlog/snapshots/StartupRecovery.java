package io.gearlog.snapshots;

import io.gearlog.engine.Engine;
import io.gearlog.engine.Recovery;
import io.gearlog.engine.ServerLog;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalException;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Rebuilds the state at startup: the newest snapshot that verifies and belongs to this journal, then the journal
 * records after its index. A snapshot that fails its checks is set aside ({@code .corrupt}) and the next older
 * one tried; with none usable the whole journal is replayed, which is refused if retention already deleted its
 * beginning. Runs on the startup thread before the engine thread starts; logs one line per phase.
 */
public final class StartupRecovery {
    /**
     * What startup recovery did, for INFO persistence. {@code journal} is the journal to go on with: the one passed
     * in, or a new one if the old one was damaged beyond what Chronicle can read past.
     */
    public record Outcome(SnapshotInfo snapshot, Recovery.Result recovered, long keys, long millis, Journal journal) {
    }

    private StartupRecovery() {
    }

    public static Outcome run(Engine engine, Journal journal, SnapshotCatalog catalog, boolean truncateOnCorruption) {
        long start = System.nanoTime();
        int removed = catalog.removeTemporaryFiles();
        if (removed > 0) {
            ServerLog.notice("Removed " + removed + " unfinished snapshot file(s) left by an interrupted snapshot");
        }
        SnapshotInfo loaded = null;
        List<SnapshotCatalog.Entry> entries = catalog.newestFirst();
        for (int i = 0; i < entries.size() && loaded == null; i++) {
            SnapshotCatalog.Entry e = entries.get(i);
            String fallback = i + 1 < entries.size() ? "trying an older snapshot" : "replaying the journal instead";
            SnapshotLoader.Verified v;
            try {
                v = SnapshotLoader.verify(e.path());
            } catch (SnapshotException x) {
                String moved = catalog.setAside(e).getFileName().toString();
                ServerLog.warning("Snapshot " + e.name() + " is corrupt (" + x.getMessage() + "): renamed to " + moved
                        + ", " + fallback);
                continue;
            }
            long index = v.header().index();
            if (index >= 0 ? !journal.contains(index) : journal.retainedFrom() >= 0) {
                ServerLog.warning("Snapshot " + e.name() + " covers journal index " + Journal.formatIndex(index)
                        + ", which this journal does not hold (first " + Journal.formatIndex(journal.firstIndex())
                        + ", last " + Journal.formatIndex(journal.lastIndex()) + "): " + fallback);
                continue;
            }
            if (v.highestDb() >= engine.keyspace().count()) {
                throw new SnapshotException("snapshot " + e.name() + " holds keys of database " + v.highestDb()
                        + " but the server has only " + engine.keyspace().count() + " databases; start with --databases "
                        + (v.highestDb() + 1));
            }
            loaded = SnapshotLoader.load(e, engine, () -> false, v);
            ServerLog.notice(String.format(Locale.ROOT, "Loaded snapshot %s (journal index %s, %,d keys, %s) in %.1f s",
                    e.name(), Journal.formatIndex(index), loaded.keys(), human(loaded.bytes()), loaded.millis() / 1000.0));
        }
        long after = loaded == null ? -1 : loaded.index();
        if (loaded == null && journal.retainedFrom() >= 0) {
            throw new JournalException("the journal starts at index " + Journal.formatIndex(journal.retainedFrom())
                    + " (retention deleted older records after snapshots) and no usable snapshot covers them, so the "
                    + "data cannot be rebuilt; put the snapshot files back into " + catalog.directory());
        }
        if (loaded == null && journal.lastIndex() >= 0) {
            ServerLog.notice("No snapshot: replaying the whole journal");
        }
        Recovery.Result r = Recovery.run(engine, journal, after, truncateOnCorruption);
        if (r.cutOff() != null) {
            ServerLog.warning(r.cutOff());
        }
        long keys = engine.keyspace().totalKeys();
        ServerLog.notice(String.format(Locale.ROOT, "Recovered %,d journal records%s in %.1f s (%,d keys in total)",
                r.records(), loaded == null ? "" : " after the snapshot", r.millis() / 1000.0, keys));
        Journal next = r.rebuildJournal() ? replaceDamagedJournal(engine, journal, catalog) : journal;
        return new Outcome(loaded, r, keys, (System.nanoTime() - start) / 1_000_000, next);
    }

    /**
     * Moves the damaged journal and the snapshots taken from it to {@code damaged-<time>/} in the data directory,
     * opens a new journal and writes a snapshot of the recovered state as its starting point (index none: every
     * record of the new journal comes after it).
     */
    private static Journal replaceDamagedJournal(Engine engine, Journal journal, SnapshotCatalog catalog) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path aside = journal.dataDirectory().resolve("damaged-" + stamp);
        Journal fresh = journal.moveAsideAndReopen(aside.resolve(Journal.DIRECTORY));
        catalog.moveAllTo(aside.resolve(SnapshotCatalog.DIRECTORY));
        SnapshotInfo first = new SnapshotWriter(() -> false).write(engine, -1, engine.engineTime(), catalog.next());
        SnapshotLoader.verify(first.path());
        engine.lastAppliedIndex(-1);
        ServerLog.warning("The damaged journal and its snapshots were moved to " + aside + "; a new journal starts "
                + "from the recovered state (snapshot " + first.name() + ", " + first.keys() + " keys)");
        return fresh;
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }
}
