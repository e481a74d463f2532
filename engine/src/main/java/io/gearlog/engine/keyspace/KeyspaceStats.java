package io.gearlog.engine.keyspace;

/** Counters INFO stats reports. Engine thread only. */
public final class KeyspaceStats {
    public long expiredKeys;
    public long keyspaceHits;
    public long keyspaceMisses;

    public void reset() {
        expiredKeys = 0;
        keyspaceHits = 0;
        keyspaceMisses = 0;
    }
}
