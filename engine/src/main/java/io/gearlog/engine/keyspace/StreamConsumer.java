package io.gearlog.engine.keyspace;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/** A named consumer of a consumer group, with the entries delivered to it and not yet acknowledged. Owned by the engine thread. */
public final class StreamConsumer {
    private final byte[] name;
    long seenTime;
    final TreeMap<StreamId, PendingEntry> pel = new TreeMap<>();

    StreamConsumer(byte[] name, long seenTime) {
        this.name = name;
        this.seenTime = seenTime;
    }

    public byte[] name() {
        return name;
    }

    /** Engine time the consumer last read or claimed, in milliseconds. */
    public long seenTime() {
        return seenTime;
    }

    public void seen(long now) {
        seenTime = now;
    }

    public int pendingCount() {
        return pel.size();
    }

    /** This consumer's pending entries in id order (read-only view). */
    public NavigableMap<StreamId, PendingEntry> pending() {
        return Collections.unmodifiableNavigableMap(pel);
    }
}
