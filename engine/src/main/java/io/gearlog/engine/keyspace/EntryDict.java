package io.gearlog.engine.keyspace;


import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A chained hash table keyed by bytes whose entries are their own chain nodes: an entry object carries the hash and
 * the next link, so an element costs one object plus its bytes instead of a node, a key wrapper or entry, and the
 * bytes (24 to 32 bytes per element less on the ZGC heap, which has no compressed references). Buckets, growth,
 * shrinking, chain order, SCAN cursors and random picks are exactly those of {@link Dict}, so what clients see (SCAN
 * order, RANDOMKEY, SRANDMEMBER) does not change with the table. Owned by the engine thread.
 */
final class EntryDict<E extends EntryDict.Entry> {
    private static final int MIN_SIZE = 4;

    /** An element of the table. Its key never changes while it is in the table. */
    abstract static class Entry {
        /** {@link #hash(byte[], int, int)} of the key. */
        final int hash;
        Entry next;

        Entry(int hash) {
            this.hash = hash;
        }

        /** Whether this entry's key is {@code k[off, off + len)}. */
        abstract boolean keyEquals(byte[] k, int off, int len);

        /** The first byte of the key, or 0 for an empty one: a read that brings the key's bytes into the cache. */
        abstract int firstKeyByte();
    }

    private Entry[] table;
    private int size;

    EntryDict() {
        this(MIN_SIZE);
    }

    EntryDict(int capacity) {
        int n = MIN_SIZE;
        while (n < capacity) {
            n <<= 1;
        }
        table = new Entry[n];
    }

    /**
     * The hash that places a key whose {@code hashCode()} is {@code hashCode}: it lives in bucket
     * {@code bucketHash(hashCode) & (buckets - 1)}. Journals replay random picks through it: never change it.
     */
    static int bucketHash(int hashCode) {
        int h = hashCode * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** The hash an entry for the key {@code k[off, off + len)} must carry (bucketHash of Arrays.hashCode). */
    static int hash(byte[] k, int off, int len) {
        if (off == 0 && len == k.length) {
            return bucketHash(Arrays.hashCode(k)); // the same number, through the JIT's vectorized intrinsic
        }
        int h = 1;
        for (int i = off; i < off + len; i++) {
            h = 31 * h + k[i];
        }
        return bucketHash(h);
    }

    static int hash(byte[] k) {
        return hash(k, 0, k.length);
    }

    int size() {
        return size;
    }

    int buckets() {
        return table.length;
    }

    E get(byte[] k) {
        return get(k, 0, k.length, hash(k));
    }

    @SuppressWarnings("unchecked")
    E get(byte[] k, int off, int len, int h) {
        for (Entry e = table[h & (table.length - 1)]; e != null; e = e.next) {
            if (e.hash == h && e.keyEquals(k, off, len)) {
                return (E) e;
            }
        }
        return null;
    }

    /** The head of the chain where {@code k} would live, or null (a read ahead of a lookup, see BatchTouch). */
    Entry bucketOf(byte[] k) {
        return bucketHead(hash(k, 0, k.length));
    }

    /** The first entry of the bucket a key with hash {@code h} lives in (the head of its chain), or null. */
    Entry bucketHead(int h) {
        return table[h & (table.length - 1)];
    }

    /** Adds an entry whose key is not in the table (the caller checked). */
    void add(E e) {
        int i = e.hash & (table.length - 1);
        e.next = table[i];
        table[i] = e;
        size++;
        if (size > table.length) {
            resize(table.length << 1);
        }
    }

    E remove(byte[] k) {
        return remove(k, hash(k));
    }

    @SuppressWarnings("unchecked")
    E remove(byte[] k, int h) {
        int i = h & (table.length - 1);
        Entry prev = null;
        for (Entry e = table[i]; e != null; prev = e, e = e.next) {
            if (e.hash == h && e.keyEquals(k, 0, k.length)) {
                if (prev == null) {
                    table[i] = e.next;
                } else {
                    prev.next = e.next;
                }
                e.next = null;
                size--;
                if (table.length > MIN_SIZE && size < table.length / 8) {
                    int target = MIN_SIZE;
                    while (target < size * 2) {
                        target <<= 1;
                    }
                    resize(target);
                }
                return (E) e;
            }
        }
        return null;
    }

    /**
     * Grows the table at once to the size {@code entries} insertions would have grown it to, so a bulk load skips
     * the intermediate rehashes and ends with the table size (and so the SCAN cursors) that growing would give.
     */
    void ensureCapacity(int entries) {
        int n = table.length;
        while (n < entries && n < (1 << 30)) {
            n <<= 1;
        }
        if (n > table.length) {
            resize(n);
        }
    }

    void clear() {
        table = new Entry[MIN_SIZE];
        size = 0;
    }

    private void resize(int newSize) {
        Entry[] t = new Entry[newSize];
        int mask = newSize - 1;
        for (Entry head : table) {
            Entry e = head;
            while (e != null) {
                Entry next = e.next;
                int i = e.hash & mask;
                e.next = t[i];
                t[i] = e;
                e = next;
            }
        }
        table = t;
    }

    /** Visits every entry; the action must not change the table. */
    @SuppressWarnings("unchecked")
    void forEach(Consumer<? super E> action) {
        for (Entry head : table) {
            for (Entry e = head; e != null; e = e.next) {
                action.accept((E) e);
            }
        }
    }

    /** Visits the bucket at {@code cursor} and returns the next cursor (0 when done), as {@link Dict#scan}. */
    @SuppressWarnings("unchecked")
    long scan(long cursor, Consumer<? super E> visitor) {
        if (size == 0) {
            return 0;
        }
        long mask = table.length - 1;
        for (Entry e = table[(int) (cursor & mask)]; e != null; e = e.next) {
            visitor.accept((E) e);
        }
        cursor |= ~mask;
        cursor = Long.reverse(cursor);
        cursor++;
        cursor = Long.reverse(cursor);
        return cursor;
    }

    /** A random entry drawn as {@link Dict#randomNode} draws it, or null when empty. */
    @SuppressWarnings("unchecked")
    E random(LongSupplier random) {
        if (size == 0) {
            return null;
        }
        Entry head;
        int mask = table.length - 1;
        do {
            head = table[(int) (random.getAsLong() & mask)];
        } while (head == null);
        int len = 0;
        for (Entry e = head; e != null; e = e.next) {
            len++;
        }
        int pick = (int) Math.floorMod(random.getAsLong(), (long) len);
        Entry e = head;
        while (pick-- > 0) {
            e = e.next;
        }
        return (E) e;
    }
}
