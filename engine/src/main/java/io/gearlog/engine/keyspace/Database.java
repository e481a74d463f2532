package io.gearlog.engine.keyspace;


import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * One numbered database: keys, values and expiry. Owned by the engine thread. Lookups expire keys lazily with
 * the time of the command being applied, never the wall clock.
 */
public final class Database {
    /** A key and its value, as one table entry (no separate node and key objects: 40 bytes plus the key's bytes). */
    static final class Slot extends EntryDict.Entry {
        final byte[] key;
        RValue value;

        Slot(byte[] key, int hash, RValue value) {
            super(hash);
            this.key = key;
            this.value = value;
        }

        @Override
        boolean keyEquals(byte[] k, int off, int len) {
            return Arrays.equals(key, 0, key.length, k, off, off + len);
        }

        @Override
        int firstKeyByte() {
            return BatchTouch.firstByte(key);
        }
    }

    private final Keyspace keyspace;
    private int index;
    private EntryDict<Slot> dict = new EntryDict<>();
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

    /** The table hash of a key (what its Slot carries). */
    private static int hash(Key key) {
        return EntryDict.bucketHash(key.hashCode());
    }

    private RValue get(Key key) {
        byte[] b = key.bytes();
        Slot s = dict.get(b, 0, b.length, hash(key));
        return s == null ? null : s.value;
    }

    /** The head of the key-table chain where {@code h}, a key's {@link EntryDict#hash}, lives (see BatchTouch). */
    Slot bucketOf(int h) {
        return (Slot) dict.bucketHead(h);
    }

    /** Visits every key and value, expired or not; the action must not change the database. */
    public void forEach(BiConsumer<Key, RValue> action) {
        dict.forEach(s -> action.accept(new Key(s.key), s.value));
    }

    /** Buckets of the key table: its size decides SCAN cursors, so a snapshot load must end with the same. */
    public int buckets() {
        return dict.buckets();
    }

    /** Sizes the key table for {@code keys} keys before a bulk load (a snapshot), sparing the rehashes. */
    public void presize(int keys) {
        dict.ensureCapacity(keys);
    }

    /** The value, or null if missing or expired at {@code now} (an expired key is deleted). */
    public RValue lookup(Key key, long now) {
        RValue v = get(key);
        if (v == null) {
            return null;
        }
        if (expiredAt(v, now)) {
            expire(key, v);
            return null;
        }
        return v;
    }

    private static boolean expiredAt(RValue v, long now) {
        return v.expireAt != RValue.NO_EXPIRE && v.expireAt <= now;
    }

    /** The value without an expiry check (it may be logically expired). */
    public RValue peek(Key key) {
        return get(key);
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
        dict.remove(key.bytes(), hash(key));
        if (v.expireAt != RValue.NO_EXPIRE) {
            volatileKeys--;
        }
    }

    /**
     * Adds or replaces the value; the key loses any TTL. Emits only the {@code new} event when the key did not
     * exist (Redis emits it from dbAdd); the command emits its own events.
     */
    public void put(Key key, RValue value) {
        byte[] b = key.bytes();
        int h = hash(key);
        Slot s = dict.get(b, 0, b.length, h);
        RValue old = null;
        if (s == null) {
            dict.add(new Slot(b, h, value));
        } else {
            old = s.value;
            s.value = value;
        }
        if (old != null && old.expireAt != RValue.NO_EXPIRE) {
            volatileKeys--;
        }
        value.expireAt = RValue.NO_EXPIRE;
        if (old == null) {
            keyspace.events.emit(EventClass.NEW, "new", index, key.bytes());
        }
    }

    /**
     * Plain SET: one probe of the key table, and an existing string keeps its value object (only its bytes change),
     * so a steady stream of SETs does not scatter fresh value objects across the heap. A key whose TTL passed at
     * {@code now} expires first, as a write lookup would expire it; any other TTL is cleared.
     */
    public void setString(Key key, byte[] bytes, long now) {
        byte[] b = key.bytes();
        int h = hash(key);
        Slot s = dict.get(b, 0, b.length, h);
        if (s != null && expiredAt(s.value, now)) {
            expire(key, s.value);
            s = null;
        }
        if (s == null) {
            dict.add(new Slot(b, h, new StringValue(bytes)));
            keyspace.events.emit(EventClass.NEW, "new", index, b);
            return;
        }
        RValue old = s.value;
        if (old.expireAt != RValue.NO_EXPIRE) {
            volatileKeys--;
            old.expireAt = RValue.NO_EXPIRE;
        }
        if (old instanceof StringValue sv) {
            sv.set(bytes, false);
        } else {
            s.value = new StringValue(bytes);
        }
    }

    /** Adds or replaces the value, keeping the old value's TTL (SET KEEPTTL). */
    public void putKeepTtl(Key key, RValue value) {
        RValue old = get(key);
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
        RValue v = get(key);
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
            RValue v = get(k);
            if (v != null && v.expireAt == t) {
                expire(k, v);
                n++;
            }
        }
        expiries.compactIfStale(this::get, volatileKeys);
        return n;
    }

    /** Time of the earliest pending expiry (possibly stale), or Long.MAX_VALUE. */
    public long nextExpiry() {
        return expiries.peekTime();
    }

    public void clear() {
        dict = new EntryDict<>();
        expiries = new ExpiryIndex();
        volatileKeys = 0;
    }

    public long scan(long cursor, BiConsumer<Key, RValue> visitor) {
        return dict.scan(cursor, s -> visitor.accept(new Key(s.key), s.value));
    }

    /** A key drawn at random whether expired or not (as Redis' dictGetRandomKey), or null when empty. */
    public Key anyRandomKey(LongSupplier random) {
        Slot s = dict.random(random);
        return s == null ? null : new Key(s.key);
    }

    public Key randomKey(LongSupplier random, long now) {
        for (int tries = 0; tries < 100 && dict.size() > 0; tries++) {
            Slot n = dict.random(random);
            RValue v = n.value;
            if (v.expireAt == RValue.NO_EXPIRE || v.expireAt > now) {
                return new Key(n.key);
            }
            if (tries == 99) {
                return new Key(n.key);
            }
        }
        return null;
    }

    /** Exchanges contents with another database (SWAPDB); indexes stay. */
    void swapWith(Database other) {
        EntryDict<Slot> d = dict;
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
        dict.forEach(s -> {
            RValue v = s.value;
            if (v.expireAt != RValue.NO_EXPIRE && v.expireAt > now) {
                acc[0] += v.expireAt - now;
                acc[1]++;
            }
        });
        return acc[1] == 0 ? 0 : acc[0] / acc[1];
    }
}
