package io.gearlog.engine.keyspace;

import java.util.Arrays;

/**
 * Min-heap of (expire time, key) used for active expiry. Entries go stale when a key's TTL changes or the key
 * goes away; stale entries are skipped when popped and the heap is compacted when they dominate.
 */
final class ExpiryIndex {
    private long[] times = new long[16];
    private Key[] keys = new Key[16];
    private int size;

    void add(long when, Key key) {
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            keys = Arrays.copyOf(keys, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (times[parent] <= when) {
                break;
            }
            times[i] = times[parent];
            keys[i] = keys[parent];
            i = parent;
        }
        times[i] = when;
        keys[i] = key;
    }

    int size() {
        return size;
    }

    long peekTime() {
        return size == 0 ? Long.MAX_VALUE : times[0];
    }

    Key peekKey() {
        return keys[0];
    }

    void pop() {
        int last = --size;
        long t = times[last];
        Key k = keys[last];
        keys[last] = null;
        if (last == 0) {
            return;
        }
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= last) {
                break;
            }
            int r = l + 1;
            int c = (r < last && times[r] < times[l]) ? r : l;
            if (times[c] >= t) {
                break;
            }
            times[i] = times[c];
            keys[i] = keys[c];
            i = c;
        }
        times[i] = t;
        keys[i] = k;
    }

    void clear() {
        times = new long[16];
        keys = new Key[16];
        size = 0;
    }

    /** Rebuilds from live entries when stale ones exceed {@code live * 2}. */
    void compactIfStale(Dict2Lookup lookup, int live) {
        if (size < 1024 || size <= live * 3) {
            return;
        }
        long[] t = times;
        Key[] k = keys;
        int n = size;
        clear();
        for (int i = 0; i < n; i++) {
            RValue v = lookup.get(k[i]);
            if (v != null && v.expireAt == t[i]) {
                add(t[i], k[i]);
            }
        }
    }

    interface Dict2Lookup {
        RValue get(Key k);
    }
}
