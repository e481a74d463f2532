package io.gearlog.engine.keyspace;

/** Told when a key's value changes (WATCH invalidation, waking blocked clients). Engine thread only. */
public interface KeyModificationListener {
    void keyModified(Database db, Key key);

    /** The whole database changed (FLUSHDB, FLUSHALL, SWAPDB). */
    void databaseModified(Database db);
}
