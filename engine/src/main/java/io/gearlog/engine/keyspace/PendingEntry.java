package io.gearlog.engine.keyspace;

/**
 * An entry delivered to a consumer of a group and not acknowledged yet (a Redis NACK). The same object sits in
 * the group's PEL and in its consumer's PEL. Owned by the engine thread.
 */
public final class PendingEntry {
    private final StreamId id;
    StreamConsumer consumer;
    long deliveryTime;
    long deliveryCount;

    PendingEntry(StreamId id, StreamConsumer consumer, long deliveryTime, long deliveryCount) {
        this.id = id;
        this.consumer = consumer;
        this.deliveryTime = deliveryTime;
        this.deliveryCount = deliveryCount;
    }

    public StreamId id() {
        return id;
    }

    public StreamConsumer consumer() {
        return consumer;
    }

    /** Engine time of the last delivery, in milliseconds. */
    public long deliveryTime() {
        return deliveryTime;
    }

    public long deliveryCount() {
        return deliveryCount;
    }

    public void deliveryTime(long t) {
        deliveryTime = t;
    }

    public void deliveryCount(long n) {
        deliveryCount = n;
    }
}
