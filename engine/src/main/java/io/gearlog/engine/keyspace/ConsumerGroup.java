package io.gearlog.engine.keyspace;

import java.util.Collection;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A consumer group of a stream: the last delivered id, the logical count of entries read, the pending entries
 * list (PEL) and the consumers, both kept in the order Redis' radix trees give (ids; names bytewise). Owned by
 * the engine thread.
 */
public final class ConsumerGroup {
    /** {@link #entriesRead()} when the counter is unknown (Redis' SCG_INVALID_ENTRIES_READ). */
    public static final long INVALID_ENTRIES_READ = -1;

    private final byte[] name;
    StreamId lastId;
    long entriesRead;
    final TreeMap<StreamId, PendingEntry> pel = new TreeMap<>();
    final TreeMap<Key, StreamConsumer> consumers = new TreeMap<>();

    ConsumerGroup(byte[] name, StreamId lastId, long entriesRead) {
        this.name = name;
        this.lastId = lastId;
        this.entriesRead = entriesRead;
    }

    public byte[] name() {
        return name;
    }

    public StreamId lastId() {
        return lastId;
    }

    public long entriesRead() {
        return entriesRead;
    }

    /** XGROUP SETID: moves the last delivered id and sets the read counter. */
    public void setLastId(StreamId id, long entriesRead) {
        this.lastId = id;
        this.entriesRead = entriesRead;
    }

    /** Moves the last delivered id forward if {@code id} is greater (XCLAIM LASTID); true if it moved. */
    public boolean raiseLastId(StreamId id) {
        if (id.compareTo(lastId) > 0) {
            lastId = id;
            return true;
        }
        return false;
    }

    /** The group's pending entries in id order (read-only view). */
    public NavigableMap<StreamId, PendingEntry> pending() {
        return Collections.unmodifiableNavigableMap(pel);
    }

    public PendingEntry pending(StreamId id) {
        return pel.get(id);
    }

    /** Consumers in name order (read-only view). */
    public Collection<StreamConsumer> consumers() {
        return Collections.unmodifiableCollection(consumers.values());
    }

    public StreamConsumer consumer(byte[] consumerName) {
        return consumers.get(new Key(consumerName));
    }

    /** Creates a consumer; returns null if one with that name exists. */
    public StreamConsumer createConsumer(byte[] consumerName, long now) {
        Key k = new Key(consumerName);
        if (consumers.containsKey(k)) {
            return null;
        }
        StreamConsumer c = new StreamConsumer(consumerName, now);
        consumers.put(k, c);
        return c;
    }

    /** Deletes a consumer and its pending entries; returns how many it had, or -1 if there was no such consumer. */
    public long deleteConsumer(byte[] consumerName) {
        StreamConsumer c = consumers.remove(new Key(consumerName));
        if (c == null) {
            return -1;
        }
        for (StreamId id : c.pel.keySet()) {
            pel.remove(id);
        }
        return c.pel.size();
    }

    /** Acknowledges an entry; true if it was pending. */
    public boolean ack(StreamId id) {
        PendingEntry p = pel.remove(id);
        if (p == null) {
            return false;
        }
        if (p.consumer != null) {
            p.consumer.pel.remove(id);
        }
        return true;
    }

    /**
     * Records that a new entry was delivered to {@code c} (XREADGROUP &gt;): a fresh pending entry, or, if the id
     * was already pending (the group's id was moved back), the entry moves to {@code c} with one delivery.
     */
    public void delivered(StreamId id, StreamConsumer c, long now) {
        PendingEntry p = pel.get(id);
        if (p == null) {
            p = new PendingEntry(id, c, now, 1);
            pel.put(id, p);
            c.pel.put(id, p);
            return;
        }
        if (p.consumer != null) {
            p.consumer.pel.remove(id);
        }
        p.consumer = c;
        p.deliveryTime = now;
        p.deliveryCount = 1;
        c.pel.put(id, p);
    }

    /** Creates a pending entry owned by nobody yet (XCLAIM FORCE); it must be assigned with {@link #assign}. */
    public PendingEntry createUnowned(StreamId id, long now) {
        PendingEntry p = new PendingEntry(id, null, now, 1);
        pel.put(id, p);
        return p;
    }

    /** Makes {@code c} the owner of a pending entry. */
    public void assign(PendingEntry p, StreamConsumer c) {
        if (p.consumer == c) {
            return;
        }
        if (p.consumer != null) {
            p.consumer.pel.remove(p.id());
        }
        p.consumer = c;
        c.pel.put(p.id(), p);
    }

    /** Drops a pending entry whatever its owner (its stream entry is gone). */
    public void dropPending(StreamId id) {
        ack(id);
    }

    ConsumerGroup deepCopy() {
        ConsumerGroup g = new ConsumerGroup(name, lastId, entriesRead);
        for (StreamConsumer c : consumers.values()) {
            g.consumers.put(new Key(c.name()), new StreamConsumer(c.name(), c.seenTime));
        }
        for (PendingEntry p : pel.values()) {
            StreamConsumer owner = p.consumer == null ? null : g.consumers.get(new Key(p.consumer.name()));
            PendingEntry q = new PendingEntry(p.id(), owner, p.deliveryTime, p.deliveryCount);
            g.pel.put(q.id(), q);
            if (owner != null) {
                owner.pel.put(q.id(), q);
            }
        }
        return g;
    }
}
