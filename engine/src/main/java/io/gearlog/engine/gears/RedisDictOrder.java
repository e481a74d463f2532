package io.gearlog.engine.gears;

import java.util.ArrayList;
import java.util.List;

/**
 * The iteration order of a Redis-style incrementally rehashed dict (spec README section 6.4): RedisGears builds
 * the Python dicts of hash values and stream entries by iterating such a table, so {@code str(record)} shows
 * the fields in this order rather than insertion order. Simulated here: SipHash-1-2 with a zero key, 4 initial
 * buckets, growth to the next power of two of {@code 2*used} when {@code used >= size}, one bucket migrated
 * (skipping at most 10 empty ones) per lookup and per insert while rehashing, new and migrated entries pushed at
 * the head of their chain. Stateless; any thread.
 */
public final class RedisDictOrder {
    private RedisDictOrder() {
    }

    private static final class Entry {
        final int index;
        final long hash;
        Entry next;

        Entry(int index, long hash) {
            this.index = index;
            this.hash = hash;
        }
    }

    private static final class Table {
        Entry[] buckets;
        int used;

        Table(int size) {
            buckets = new Entry[size];
        }

        long mask() {
            return buckets.length - 1;
        }
    }

    private static final class Dict {
        Table t0;
        Table t1;
        int rehashIdx = -1;
        int size;

        boolean rehashing() {
            return rehashIdx != -1;
        }

        void rehashStep() {
            int emptyVisits = 10;
            if (!rehashing()) {
                return;
            }
            if (t0.used != 0) {
                while (t0.buckets[rehashIdx] == null) {
                    rehashIdx++;
                    if (--emptyVisits == 0) {
                        return;
                    }
                }
                Entry e = t0.buckets[rehashIdx];
                while (e != null) {
                    Entry next = e.next;
                    int h = (int) (e.hash & t1.mask());
                    e.next = t1.buckets[h];
                    t1.buckets[h] = e;
                    t0.used--;
                    t1.used++;
                    e = next;
                }
                t0.buckets[rehashIdx] = null;
                rehashIdx++;
            }
            if (t0.used == 0) {
                t0 = t1;
                t1 = null;
                rehashIdx = -1;
            }
        }

        void expand(int want) {
            int real = 4;
            while (real < want) {
                real <<= 1;
            }
            if (t0 == null) {
                t0 = new Table(real);
            } else {
                t1 = new Table(real);
                rehashIdx = 0;
            }
        }

        void expandIfNeeded() {
            if (rehashing()) {
                return;
            }
            if (t0 == null) {
                expand(4);
            } else if (t0.used >= t0.buckets.length) {
                expand(t0.used * 2);
            }
        }

        /** dictFind: a rehash step when rehashing and not empty. */
        void lookup() {
            if (size == 0) {
                return;
            }
            if (rehashing()) {
                rehashStep();
            }
        }

        void add(int index, long hash) {
            if (rehashing()) {
                rehashStep();
            }
            expandIfNeeded();
            Table t = rehashing() ? t1 : t0;
            int b = (int) (hash & t.mask());
            Entry e = new Entry(index, hash);
            e.next = t.buckets[b];
            t.buckets[b] = e;
            t.used++;
            size++;
        }

        List<Integer> order() {
            List<Integer> out = new ArrayList<>(size);
            for (Table t : new Table[]{t0, t1}) {
                if (t == null) {
                    continue;
                }
                for (Entry head : t.buckets) {
                    for (Entry e = head; e != null; e = e.next) {
                        out.add(e.index);
                    }
                }
            }
            return out;
        }
    }

    /**
     * The order in which a dict built by inserting {@code names} (distinct, in this order, each after a lookup)
     * iterates them: a list of indexes into {@code names}.
     */
    public static List<Integer> order(List<byte[]> names) {
        Dict d = new Dict();
        for (int i = 0; i < names.size(); i++) {
            d.lookup();
            d.add(i, sipHash12(names.get(i)));
        }
        return d.order();
    }

    /** SipHash with one compression and two finalization rounds, key all zero (Redis' variant). */
    public static long sipHash12(byte[] in) {
        long v0 = 0x736f6d6570736575L;
        long v1 = 0x646f72616e646f6dL;
        long v2 = 0x6c7967656e657261L;
        long v3 = 0x7465646279746573L;
        int len = in.length;
        int end = len - (len % 8);
        for (int i = 0; i < end; i += 8) {
            long m = 0;
            for (int j = 7; j >= 0; j--) {
                m = (m << 8) | (in[i + j] & 0xffL);
            }
            v3 ^= m;
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m;
        }
        long b = ((long) len) << 56;
        for (int j = len - end - 1; j >= 0; j--) {
            b |= (in[end + j] & 0xffL) << (8 * j);
        }
        v3 ^= b;
        long[] v = {v0, v1, v2, v3};
        round(v);
        v[0] ^= b;
        v[2] ^= 0xff;
        round(v);
        round(v);
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void round(long[] v) {
        v[0] += v[1]; v[1] = Long.rotateLeft(v[1], 13); v[1] ^= v[0]; v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3]; v[3] = Long.rotateLeft(v[3], 16); v[3] ^= v[2];
        v[0] += v[3]; v[3] = Long.rotateLeft(v[3], 21); v[3] ^= v[0];
        v[2] += v[1]; v[1] = Long.rotateLeft(v[1], 17); v[1] ^= v[2]; v[2] = Long.rotateLeft(v[2], 32);
    }
}
