package io.gearlog.engine;

import java.util.Map;

/**
 * Snapshots as the engine's commands see them (SAVE, BGSAVE, LASTSAVE, INFO persistence). Implemented by the
 * snapshots module; called on the engine thread.
 */
public interface PersistenceService {
    String NAME = "persistence";

    /** Takes a snapshot now; returns null on success or an error message. */
    String save();

    /** Starts a background snapshot; returns null when started or an error message. */
    String bgsave();

    boolean inProgress();

    /** Unix seconds of the last successful snapshot (or server start). */
    long lastSave();

    /** Extra INFO persistence fields, in order. */
    Map<String, String> info();
}
