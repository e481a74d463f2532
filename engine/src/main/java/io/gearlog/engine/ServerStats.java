package io.gearlog.engine;

/** Counters for INFO. Engine thread only, except where noted. */
public final class ServerStats {
    public long commandsProcessed;
    public long connectionsReceived;
    public long rejectedConnections;
    public long netInputBytes;
    public long netOutputBytes;
    /** Changes since the last snapshot (rdb_changes_since_last_save). */
    public long dirty;
    public long journalRecords;
    public long startTime;
    public long pubsubMessages;
    public long totalErrorReplies;
    public long expiredKeysActive;

    public void reset() {
        commandsProcessed = 0;
        connectionsReceived = 0;
        rejectedConnections = 0;
        netInputBytes = 0;
        netOutputBytes = 0;
        pubsubMessages = 0;
        totalErrorReplies = 0;
        expiredKeysActive = 0;
    }
}
