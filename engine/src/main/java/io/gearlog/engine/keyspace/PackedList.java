package io.gearlog.engine.keyspace;

import java.util.Arrays;

/**
 * Byte strings packed back to back in one array, each a varint length followed by its bytes: the compact small
 * encoding (Redis' listpack) where a few dozen entries cost one object instead of one per entry. Every operation
 * is a linear scan, as in Redis, which is cheap while the list stays small. Owned by the engine thread.
 */
final class PackedList {
    private byte[] buf;
    private int used;
    private int count;

    PackedList(int capacity) {
        buf = new byte[Math.max(capacity, 8)];
    }

    private PackedList(byte[] buf, int used, int count) {
        this.buf = buf;
        this.used = used;
        this.count = count;
    }

    PackedList copy() {
        return new PackedList(Arrays.copyOf(buf, Math.max(used, 8)), used, count);
    }

    /** Number of entries. */
    int count() {
        return count;
    }

    /** Offset just past the last entry; entries start at 0. */
    int end() {
        return used;
    }

    /** The backing array, for reading entries in place (valid until the next change). */
    byte[] buf() {
        return buf;
    }

    /** Length of the entry at {@code off}. */
    int length(int off) {
        int n = 0;
        int shift = 0;
        byte b;
        do {
            b = buf[off++];
            n |= (b & 0x7f) << shift;
            shift += 7;
        } while (b < 0);
        return n;
    }

    /** Offset of the first data byte of the entry at {@code off}. */
    int data(int off) {
        while (buf[off] < 0) {
            off++;
        }
        return off + 1;
    }

    /** Offset of the entry after the one at {@code off}. */
    int next(int off) {
        return data(off) + length(off);
    }

    boolean equalsAt(int off, byte[] b) {
        int d = data(off);
        int n = length(off);
        return n == b.length && Arrays.equals(buf, d, d + n, b, 0, n);
    }

    byte[] copyOf(int off) {
        int d = data(off);
        return Arrays.copyOfRange(buf, d, d + length(off));
    }

    /** Offset of the first entry equal to {@code b} among entries 0, stride, 2*stride...; -1 if none. */
    int find(byte[] b, int stride) {
        int off = 0;
        int i = 0;
        while (off < used) {
            if (i % stride == 0 && equalsAt(off, b)) {
                return off;
            }
            off = next(off);
            i++;
        }
        return -1;
    }

    /** Offset of entry number {@code index}. */
    int offsetOf(int index) {
        int off = 0;
        for (int i = 0; i < index; i++) {
            off = next(off);
        }
        return off;
    }

    private static int varintSize(int n) {
        int s = 1;
        while ((n >>>= 7) != 0) {
            s++;
        }
        return s;
    }

    private static int writeVarint(byte[] dst, int off, int n) {
        while ((n & ~0x7f) != 0) {
            dst[off++] = (byte) ((n & 0x7f) | 0x80);
            n >>>= 7;
        }
        dst[off++] = (byte) n;
        return off;
    }

    private void ensure(int need) {
        if (need > buf.length) {
            // a little slack: appends are the common case, but small values should stay small
            buf = Arrays.copyOf(buf, need + (need >> 3) + 8);
        }
    }

    void append(byte[] b) {
        int size = varintSize(b.length) + b.length;
        ensure(used + size);
        int o = writeVarint(buf, used, b.length);
        System.arraycopy(b, 0, buf, o, b.length);
        used += size;
        count++;
    }

    /** Replaces the entry at {@code off} with {@code b}, keeping its position. */
    void replace(int off, byte[] b) {
        int oldEnd = next(off);
        int size = varintSize(b.length) + b.length;
        int delta = size - (oldEnd - off);
        if (delta != 0) {
            ensure(used + delta);
            System.arraycopy(buf, oldEnd, buf, oldEnd + delta, used - oldEnd);
            used += delta;
        }
        int o = writeVarint(buf, off, b.length);
        System.arraycopy(b, 0, buf, o, b.length);
    }

    /** Removes {@code n} consecutive entries starting at {@code off}. */
    void remove(int off, int n) {
        int e = off;
        for (int i = 0; i < n; i++) {
            e = next(e);
        }
        System.arraycopy(buf, e, buf, off, used - e);
        used -= e - off;
        count -= n;
        if (buf.length > 64 && used < buf.length / 4) {
            buf = Arrays.copyOf(buf, used + (used >> 3) + 8);
        }
    }
}
