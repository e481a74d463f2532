package io.gearlog.engine.keyspace;

import io.gearlog.engine.util.Dict;

import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * One numbered database: keys, values and expiry. Owned by the engine thread. Lookups expire keys lazily with
 * the time of the command being applied, never the wall clock.
 */
public final class Database {
    private final Keyspace keyspace;
    private int index;
    private Dict<Key, RValue> dict = new Dict<>();
    private ExpiryIndex expiries = new ExpiryIndex();
    private int volatileKeys;
    private long avgTtlSum;

    Database(Keyspace keyspace, int index) {
        this.keyspace = keyspace;
        this.index = index;
    }

    public int index() {
        return index;
    }

    public int size() {
        return dict.size();
    }

    public int volatileKeys() {
        return volatileKeys;
    }

    public Dict<Key, RValue> dict() {
        return dict;
    }

    /** Sizes the key table for {@code keys} keys before a bulk load (a snapshot), sparing the rehashes. */
    public void presize(int keys) {
        dict.ensureCapacity(keys);
    }

    /** The value, or null if missing or expired at {@code now} (an expired key is deleted). */
    public RValue lookup(Key key, long now) {
        RValue v = dict.get(key);
        if (v == null) {
            return null;
        }
        if (v.expireAt != RValue.NO_EXPIRE && v.expireAt <= now) {
            expire(key, v);
            return null;
        }
        return v;
    }

    /** The value without an expiry check (it may be logically expired). */
    public RValue peek(Key key) {
        return dict.get(key);
    }

    public boolean exists(Key key, long now) {
        return lookup(key, now) != null;
    }

    private void expire(Key key, RValue v) {
        removeEntry(key, v);
        keyspace.stats.expiredKeys++;
        keyspace.events.emit(EventClass.EXPIRED, "expired", index, key.bytes());
        keyspace.modified(this, key);
    }

    private void removeEntry(Key key, RValue v) {
        dict.remove(key);
        if (v.expireAt != RValue.NO_EXPIRE) {
            volatileKeys--;
        }
    }

    /**
     * Adds or replaces the value; the key loses any TTL. Emits only the {@code new} event when the key did not
     * exist (Redis emits it from dbAdd); the command emits its own events.
     */
    public void put(Key key, RValue value) {
        RValue old = dict.put(key, value);
        if (old != null && old.expireAt != RValue.NO_EXPIRE) {
            volatileKeys--;
        }
        value.expireAt = RValue.NO_EXPIRE;
        if (old == null) {
            keyspace.events.emit(EventClass.NEW, "new", index, key.bytes());
        }
    }

    /** Adds or replaces the value, keeping the old value's TTL (SET KEEPTTL). */
    public void putKeepTtl(Key key, RValue value) {
        RValue old = dict.get(key);
        long when = old == null ? RValue.NO_EXPIRE : old.expireAt;
        put(key, value);
        if (when != RValue.NO_EXPIRE) {
            setExpire(key, value, when);
        }
    }

    /** Removes the key; returns true if it was present (expired keys count as absent). */
    public boolean delete(Key key, long now) {
        RValue v = lookup(key, now);
        if (v == null) {
            return false;
        }
        removeEntry(key, v);
        return true;
    }

    /** Removes the key regardless of expiry. */
    public RValue remove(Key key) {
        RValue v = dict.get(key);
        if (v != null) {
            removeEntry(key, v);
        }
        return v;
    }

    public void setExpire(Key key, RValue value, long when) {
        if (value.expireAt == RValue.NO_EXPIRE) {
            volatileKeys++;
        }
        value.expireAt = when;
        expiries.add(when, key);
    }

    /** Removes a TTL; returns true if the key had one. */
    public boolean persist(RValue value) {
        if (value.expireAt == RValue.NO_EXPIRE) {
            return false;
        }
        value.expireAt = RValue.NO_EXPIRE;
        volatileKeys--;
        return true;
    }

    /**
     * Deletes up to {@code limit} keys whose TTL passed at {@code now}; returns how many were deleted.
     * Called by the engine on Tick records, so replay expires the same keys at the same point.
     */
    public int expireDue(long now, int limit) {
        int n = 0;
        while (n < limit && expiries.size() > 0 && expiries.peekTime() <= now) {
            long t = expiries.peekTime();
            Key k = expiries.peekKey();
            expiries.pop();
            RValue v = dict.get(k);
            if (v != null && v.expireAt == t) {
                expire(k, v);
                n++;
            }
        }
        expiries.compactIfStale(dict::get, volatileKeys);
        return n;
    }

    /** Time of the earliest pending expiry (possibly stale), or Long.MAX_VALUE. */
    public long nextExpiry() {
        return expiries.peekTime();
    }

    public void clear() {
        dict = new Dict<>();
        expiries = new ExpiryIndex();
        volatileKeys = 0;
    }

    public long scan(long cursor, BiConsumer<Key, RValue> visitor) {
        return dict.scan(cursor, visitor);
    }

    public Key randomKey(LongSupplier random, long now) {
        for (int tries = 0; tries < 100 && dict.size() > 0; tries++) {
            Dict.Node<Key, RValue> n = dict.randomNode(random);
            RValue v = n.value();
            if (v.expireAt == RValue.NO_EXPIRE || v.expireAt > now) {
                return n.key();
            }
            if (tries == 99) {
                return n.key();
            }
        }
        return null;
    }

    /** Exchanges contents with another database (SWAPDB); indexes stay. */
    void swapWith(Database other) {
        Dict<Key, RValue> d = dict;
        ExpiryIndex e = expiries;
        int vk = volatileKeys;
        dict = other.dict;
        expiries = other.expiries;
        volatileKeys = other.volatileKeys;
        other.dict = d;
        other.expiries = e;
        other.volatileKeys = vk;
    }

    /** Average TTL in ms of volatile keys at {@code now} (INFO keyspace avg_ttl). */
    public long averageTtl(long now) {
        if (volatileKeys == 0) {
            return 0;
        }
        long[] acc = new long[2];
        dict.forEach((k, v) -> {
            if (v.expireAt != RValue.NO_EXPIRE && v.expireAt > now) {
                acc[0] += v.expireAt - now;
                acc[1]++;
            }
        });
        return acc[1] == 0 ? 0 : acc[0] / acc[1];
    }
}
