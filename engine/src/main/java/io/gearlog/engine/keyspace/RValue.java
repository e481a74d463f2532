package io.gearlog.engine.keyspace;

/** A value stored under a key. Owned by the engine thread. */
public abstract class RValue {
    public static final long NO_EXPIRE = -1;
    /** Elements longer than this are not read ahead (BatchTouch): hashing them twice could cost more than it saves. */
    static final int TOUCH_MAX_ELEMENT = 64;

    /** Absolute expiry time in engine milliseconds, or {@link #NO_EXPIRE}. */
    long expireAt = NO_EXPIRE;

    public abstract ValueType type();

    /** The name OBJECT ENCODING reports. */
    public abstract String encoding();

    /**
     * What a command with arguments {@code argv} will read first inside this value: the head of the element-table
     * chain where the element it names would be, a string's bytes, or null (see BatchTouch).
     */
    Object elementBucket(byte[][] argv) {
        return null;
    }

    /** {@link #elementBucket} for values whose element is {@code argv[2]} in {@code table} (null: small encoding). */
    static Object elementBucket(EntryDict<?> table, byte[][] argv) {
        return table == null || argv.length < 3 || argv[2].length > TOUCH_MAX_ELEMENT ? null : table.bucketOf(argv[2]);
    }

    /** A deep copy, used by COPY. */
    public abstract RValue copy();

    /** Feeds a canonical form of the content to a digest; equal content gives equal bytes. */
    public abstract void digest(DigestSink sink);

    /**
     * Emits commands that rebuild this value under {@code key}, in an order that preserves what clients can observe
     * (element order of small encodings, stream ids and consumer groups). Snapshots are written as these commands;
     * the TTL is written separately by the caller.
     */
    public abstract void rewrite(byte[] key, java.util.function.Consumer<byte[][]> out);

    public long expireAt() {
        return expireAt;
    }

    public boolean hasExpire() {
        return expireAt != NO_EXPIRE;
    }
}
