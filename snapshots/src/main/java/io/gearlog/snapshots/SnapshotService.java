package io.gearlog.snapshots;

import io.gearlog.engine.Engine;
import io.gearlog.engine.PersistenceService;
import io.gearlog.engine.ServerLog;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalSyncer;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Snapshots for a running server: SAVE, BGSAVE, LASTSAVE, SHUTDOWN SAVE, the automatic policy, journal retention
 * and the snapshot and recovery figures of INFO persistence.
 *
 * <p>SAVE writes the live keyspace on the engine thread. BGSAVE only notes the journal index N the snapshot will
 * cover; a snapshot process ({@link SnapshotProcess}) then builds a shadow engine without a journal (the previous
 * snapshot plus the journal records up to N, read with its own reader) and writes the snapshot from it. Because the
 * state is a function of the journal, the shadow at N is exactly the live state at N, and the live engine is never
 * paused, neither by the work nor by the collector moving the shadow's objects.
 *
 * <p>Owned by the engine thread, apart from the background work, which hands its result back to the engine thread.
 */
public final class SnapshotService implements PersistenceService, AutoCloseable {
    /** How many snapshots are kept; the journal is kept from the oldest of them on. */
    public static final int KEEP = 2;
    private static final long RETENTION_CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Engine engine;
    private final Journal journal;
    private final JournalSyncer syncer;
    private final SnapshotCatalog catalog;
    private final ServerConfig config;
    private final StartupRecovery.Outcome recovery;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gearlog-snapshot");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closing;
    private volatile boolean inProgress;
    /** The snapshot process at work, if any (stopped when the server closes). */
    private volatile Process child;

    // engine thread
    private long lastSaveSeconds = System.currentTimeMillis() / 1000;
    private long lastFinishedNanos = System.nanoTime();
    private long lastDurationMillis;
    private long nextRetentionNanos = System.nanoTime() + RETENTION_CHECK_NANOS;
    private SnapshotInfo lastWritten;
    private String lastError;
    private boolean lastBgsaveOk = true;
    private long lastBgsaveSeconds = -1;
    private long bgStartNanos;
    private long dirtyAtStart;
    private long cyclesDeleted;

    public SnapshotService(Engine engine, Journal journal, JournalSyncer syncer, SnapshotCatalog catalog,
                           StartupRecovery.Outcome recovery) {
        this.engine = engine;
        this.journal = journal;
        this.syncer = syncer;
        this.catalog = catalog;
        this.config = engine.config();
        this.recovery = recovery;
    }

    /** Registers the service on the engine and starts the automatic policy; call before the engine starts. */
    public void install() {
        engine.service(PersistenceService.NAME, this);
        engine.addTimer(1000, this::policy);
    }

    // ---- PersistenceService (engine thread) ----

    @Override
    public String save() {
        if (engine.replaying()) {
            return null; // a SAVE inside a replayed transaction was a snapshot, not a state change
        }
        if (engine.inTransaction()) {
            return "Command not allowed inside a transaction";
        }
        if (inProgress) {
            return "Background save already in progress";
        }
        long dirty = engine.stats().dirty;
        if (!engine.sealJournal()) {
            return "Gearlog cannot write to its journal, so a snapshot could not say which records it covers";
        }
        try {
            if (syncer != null) {
                syncer.syncNow();
            }
            SnapshotInfo info = writeVerified(engine, engine.lastAppliedIndex(), engine.engineTime());
            finished(info, dirty, "SAVE");
            return null;
        } catch (SnapshotException | CancellationException e) {
            lastError = e.getMessage();
            ServerLog.warning("SAVE failed: " + e.getMessage());
            return e.getMessage();
        }
    }

    @Override
    public String bgsave() {
        if (engine.replaying()) {
            return null;
        }
        if (inProgress) {
            return "Background save already in progress";
        }
        if (closing) {
            return "the server is shutting down";
        }
        if (!engine.sealJournal()) {
            return "Gearlog cannot write to its journal, so a snapshot could not say which records it covers";
        }
        long index = engine.lastAppliedIndex();
        inProgress = true;
        dirtyAtStart = engine.stats().dirty;
        bgStartNanos = System.nanoTime();
        ServerLog.notice("Background saving started at journal index " + Journal.formatIndex(index));
        // the settings as they are now: a CONFIG SET after this BGSAVE is not the snapshot's business
        ServerConfig settings = config.copy();
        worker.execute(() -> background(index, settings));
        return null;
    }

    @Override
    public boolean inProgress() {
        return inProgress;
    }

    @Override
    public long lastSave() {
        return lastSaveSeconds;
    }

    @Override
    public Map<String, String> info() {
        Map<String, String> m = new LinkedHashMap<>();
        long now = System.nanoTime();
        m.put("rdb_last_bgsave_status", lastBgsaveOk ? "ok" : "err");
        m.put("rdb_last_bgsave_time_sec", Long.toString(lastBgsaveSeconds));
        m.put("rdb_current_bgsave_time_sec", Long.toString(inProgress ? (now - bgStartNanos) / 1_000_000_000L : -1));
        m.put("snapshot_dir", catalog.directory().toString());
        List<SnapshotCatalog.Entry> entries = catalog.newestFirst();
        m.put("snapshot_count", Integer.toString(entries.size()));
        m.put("snapshot_policy", config.snapshotSeconds == 0 ? "disabled"
                : config.snapshotChanges + " changes or " + config.snapshotSeconds + " seconds");
        SnapshotHeader newest = null;
        long newestBytes = 0;
        if (!entries.isEmpty()) {
            try {
                newest = SnapshotCatalog.header(entries.get(0).path());
                newestBytes = entries.get(0).path().toFile().length();
            } catch (SnapshotException e) {
                // shown as none
            }
        }
        m.put("last_snapshot_file", entries.isEmpty() ? "none" : entries.get(0).name());
        m.put("last_snapshot_index", Long.toString(newest == null ? -1 : newest.index()));
        m.put("last_snapshot_time", Long.toString(newest == null ? -1 : newest.createdMillis() / 1000));
        m.put("last_snapshot_bytes", Long.toString(newestBytes));
        m.put("last_snapshot_keys", Long.toString(lastWritten != null ? lastWritten.keys()
                : recovery != null && recovery.snapshot() != null ? recovery.snapshot().keys() : -1));
        m.put("last_snapshot_duration_ms", Long.toString(lastWritten == null ? -1 : lastWritten.millis()));
        m.put("last_snapshot_status", lastError == null ? "ok" : "err");
        if (lastError != null) {
            m.put("last_snapshot_error", lastError.replace('\r', ' ').replace('\n', ' '));
        }
        m.put("journal_first_index", Long.toString(journal.firstIndex()));
        m.put("journal_cycle_files", Integer.toString(journal.cycleFiles().length));
        m.put("journal_roll_cycle", config.rollCycle);
        m.put("journal_retention_seconds", Long.toString(config.journalRetentionSeconds));
        m.put("journal_retained_from", Long.toString(journal.retainedFrom()));
        m.put("journal_cycles_deleted", Long.toString(cyclesDeleted));
        m.put("journal_quarantined_ranges", Integer.toString(journal.quarantinedRanges().size()));
        m.put("journal_min_free_bytes", Long.toString(config.journalMinFreeBytes));
        if (recovery != null) {
            SnapshotInfo s = recovery.snapshot();
            m.put("recovery_snapshot", s == null ? "none" : s.name());
            m.put("recovery_snapshot_index", Long.toString(s == null ? -1 : s.index()));
            m.put("recovery_snapshot_keys", Long.toString(s == null ? 0 : s.keys()));
            m.put("recovery_snapshot_seconds", seconds(s == null ? 0 : s.millis()));
            m.put("recovery_records", Long.toString(recovery.recovered().records()));
            m.put("recovery_seconds", seconds(recovery.recovered().millis()));
            m.put("recovery_total_seconds", seconds(recovery.millis()));
            m.put("recovery_keys", Long.toString(recovery.keys()));
            m.put("recovery_cut_off_index", Long.toString(recovery.recovered().cutOffIndex()));
        }
        return m;
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    // ---- background snapshot ----

    private void background(long index, ServerConfig settings) {
        SnapshotInfo info = null;
        Throwable failure = null;
        try {
            if (syncer != null) {
                syncer.syncNow(); // the journal must be durable up to N before a snapshot claims N
            }
            info = build(index, settings);
        } catch (Throwable t) {
            failure = t;
        }
        SnapshotInfo done = info;
        Throwable failed = failure;
        engine.execute(() -> backgroundFinished(done, failed));
    }

    /** In a snapshot process; in this one only when no process can be started. */
    private SnapshotInfo build(long index, ServerConfig settings) {
        Process p;
        try {
            p = SnapshotProcess.start(journal.dataDirectory(), index, settings);
        } catch (IOException e) {
            ServerLog.warning("Cannot start a snapshot process (" + e.getMessage() + "); building the snapshot in "
                    + "the server");
            return ShadowSnapshot.write(settings, engine.clock(), journal, catalog, index, () -> closing);
        }
        child = p;
        ServerLog.notice("Snapshot process " + p.pid() + " started");
        try {
            if (closing) {
                p.destroyForcibly();
            }
            return SnapshotProcess.await(p, catalog, () -> closing);
        } finally {
            child = null;
        }
    }

    private void backgroundFinished(SnapshotInfo info, Throwable failure) {
        inProgress = false;
        lastBgsaveSeconds = (System.nanoTime() - bgStartNanos) / 1_000_000_000L;
        if (failure == null) {
            lastBgsaveOk = true;
            finished(info, dirtyAtStart, "BGSAVE");
            return;
        }
        lastBgsaveOk = false;
        lastFinishedNanos = System.nanoTime();
        if (failure instanceof CancellationException) {
            ServerLog.notice("Background saving cancelled by shutdown");
            return;
        }
        lastError = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        ServerLog.warning("Background saving failed: " + lastError);
    }

    // ---- common ----

    private SnapshotInfo writeVerified(Engine from, long index, long time) {
        return ShadowSnapshot.writeVerified(from, index, time, catalog, () -> closing);
    }

    private void finished(SnapshotInfo info, long dirtyCovered, String how) {
        engine.stats().dirty = Math.max(0, engine.stats().dirty - dirtyCovered);
        lastWritten = info;
        lastError = null;
        lastSaveSeconds = info.header().createdMillis() / 1000;
        lastFinishedNanos = System.nanoTime();
        lastDurationMillis = info.millis();
        ServerLog.notice(String.format(Locale.ROOT, "%s: snapshot %s written at journal index %s (%,d keys, %s) in %.1f s",
                how, info.name(), Journal.formatIndex(info.index()), info.keys(), StartupRecovery.human(info.bytes()),
                info.millis() / 1000.0));
        int pruned = catalog.prune(KEEP);
        if (pruned > 0) {
            ServerLog.verbose("Deleted " + pruned + " older snapshot(s), keeping the newest " + KEEP);
        }
        retention();
    }

    /** The automatic policy and periodic retention; an engine timer. */
    private void policy() {
        if (closing || inProgress) {
            return;
        }
        long now = System.nanoTime();
        long changes = engine.stats().dirty;
        long seconds = config.snapshotSeconds;
        long sinceLast = now - lastFinishedNanos;
        // never busier than half the time: wait at least as long as the last snapshot took (and a second)
        // (and a failed snapshot is retried after 5 s at the earliest)
        long spacing = TimeUnit.MILLISECONDS.toNanos(Math.max(lastBgsaveOk ? 1000 : 5000, lastDurationMillis));
        if (seconds > 0 && changes > 0 && sinceLast >= spacing) {
            boolean byChanges = changes >= config.snapshotChanges;
            boolean byTime = sinceLast >= TimeUnit.SECONDS.toNanos(seconds);
            if (byChanges || byTime) {
                ServerLog.notice(String.format(Locale.ROOT, "%,d changes in %d seconds. Saving...", changes,
                        sinceLast / 1_000_000_000L));
                bgsave();
                return;
            }
        }
        if (now >= nextRetentionNanos) {
            nextRetentionNanos = now + RETENTION_CHECK_NANOS;
            retention();
        }
    }

    /**
     * Deletes journal cycle files that the kept snapshots make unnecessary: those wholly before the oldest kept
     * snapshot's index (so falling back to it still works), once older than journal-retention-seconds.
     */
    private void retention() {
        if (inProgress) {
            return;
        }
        List<SnapshotCatalog.Entry> entries = catalog.newestFirst();
        if (entries.isEmpty()) {
            return;
        }
        long index;
        try {
            index = SnapshotCatalog.header(entries.get(Math.min(KEEP, entries.size()) - 1).path()).index();
        } catch (SnapshotException e) {
            return;
        }
        long olderThan = System.currentTimeMillis() - config.journalRetentionSeconds * 1000;
        try {
            int n = journal.deleteCyclesBefore(index, olderThan);
            if (n > 0) {
                cyclesDeleted += n;
                ServerLog.verbose("Journal retention deleted " + n + " cycle file(s) before index "
                        + Journal.formatIndex(index));
            }
        } catch (RuntimeException e) {
            ServerLog.warning("Journal retention failed: " + e.getMessage());
        }
    }

    /** Cancels a running background snapshot and waits for its thread. */
    @Override
    public void close() {
        closing = true;
        Process p = child;
        if (p != null) {
            p.destroyForcibly();
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                ServerLog.warning("Background snapshot did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
