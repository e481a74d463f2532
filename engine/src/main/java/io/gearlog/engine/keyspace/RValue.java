package io.gearlog.engine.keyspace;

/** A value stored under a key. Owned by the engine thread. */
public abstract class RValue {
    public static final long NO_EXPIRE = -1;

    /** Absolute expiry time in engine milliseconds, or {@link #NO_EXPIRE}. */
    long expireAt = NO_EXPIRE;

    public abstract ValueType type();

    /** The name OBJECT ENCODING reports. */
    public abstract String encoding();

    /** A deep copy, used by COPY. */
    public abstract RValue copy();

    /** Feeds a canonical form of the content to a digest; equal content gives equal bytes. */
    public abstract void digest(DigestSink sink);

    public long expireAt() {
        return expireAt;
    }

    public boolean hasExpire() {
        return expireAt != NO_EXPIRE;
    }
}
