package io.gearlog.snapshots;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineClock;
import io.gearlog.engine.EngineExtension;
import io.gearlog.engine.Recovery;
import io.gearlog.engine.ServerLog;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.journal.Journal;

import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * A background snapshot's work: a journal-less shadow engine rebuilt from the newest usable snapshot and the journal
 * up to index N (the state is a function of the journal, so it is exactly the live state at N), written out and read
 * back before it counts. Runs in the snapshot process ({@link SnapshotProcess}), or in the server when that cannot be
 * started; owned by the calling thread.
 */
final class ShadowSnapshot {
    private ShadowSnapshot() {
    }

    static SnapshotInfo write(ServerConfig config, EngineClock clock, Journal journal, SnapshotCatalog catalog,
                              long index, BooleanSupplier cancelled) {
        Engine shadow = build(config, clock, journal, catalog, index, cancelled);
        return writeVerified(shadow, index, shadow.engineTime(), catalog, cancelled);
    }

    private static Engine build(ServerConfig config, EngineClock clock, Journal journal, SnapshotCatalog catalog,
                                long index, BooleanSupplier cancelled) {
        long start = System.nanoTime();
        Engine shadow = new Engine(config, clock);
        EngineExtension.installAll(shadow, EngineExtension.Role.SHADOW);
        long after = -1;
        String from = "the whole journal";
        for (SnapshotCatalog.Entry e : catalog.newestFirst()) {
            SnapshotHeader h;
            try {
                h = SnapshotCatalog.header(e.path());
            } catch (SnapshotException x) {
                continue;
            }
            if (h.index() > index || (h.index() >= 0 && !journal.contains(h.index()))) {
                continue;
            }
            SnapshotLoader.Verified v;
            try {
                v = SnapshotLoader.verify(e.path());
            } catch (SnapshotException x) {
                ServerLog.warning("Snapshot " + e.name() + " is corrupt (" + x.getMessage() + "); building the "
                        + "new snapshot from an older one");
                continue;
            }
            after = SnapshotLoader.load(e, shadow, cancelled, v).index();
            from = e.name();
            break;
        }
        if (after < 0 && journal.retainedFrom() >= 0) {
            throw new SnapshotException("no usable snapshot and the journal no longer starts at its first record");
        }
        Recovery.run(shadow, journal, after, index, false, false, cancelled);
        if (shadow.lastAppliedIndex() != index) {
            throw new SnapshotException("the journal ends at " + Journal.formatIndex(shadow.lastAppliedIndex())
                    + ", before index " + Journal.formatIndex(index));
        }
        ServerLog.notice(String.format(Locale.ROOT, "Keyspace at journal index %s rebuilt from %s in %.1f s (%,d keys)",
                Journal.formatIndex(index), from, (System.nanoTime() - start) / 1e9, shadow.keyspace().totalKeys()));
        return shadow;
    }

    /** Writes a snapshot of {@code from} and reads it back before it counts (a bad one is removed). */
    static SnapshotInfo writeVerified(Engine from, long index, long time, SnapshotCatalog catalog,
                                      BooleanSupplier cancelled) {
        SnapshotCatalog.Entry target = catalog.next();
        SnapshotInfo info = new SnapshotWriter(cancelled).write(from, index, time, target);
        try {
            SnapshotLoader.verify(info.path());
        } catch (SnapshotException e) {
            info.path().toFile().delete();
            throw new SnapshotException("snapshot " + info.name() + " failed verification after writing: "
                    + e.getMessage());
        }
        return info;
    }
}
