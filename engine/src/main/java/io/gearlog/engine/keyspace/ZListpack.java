package io.gearlog.engine.keyspace;

import java.util.Arrays;

/**
 * The compact encoding of small sorted sets (OBJECT ENCODING "listpack"): all elements packed in order in one
 * byte array, each as {@code [varint member length][member][score]}. A score that is an integer of at most 53
 * bits is a zig-zag varint shifted left by one (so -0 reads back as 0, as in Redis' listpack); any other score is
 * the varint 1 followed by its 8 raw bytes. Every operation scans linearly, which is cheap while the set is small
 * and keeps a few bytes per element. Owned by the engine thread.
 */
final class ZListpack implements ZStore {
    private static final long INT_LIMIT = 1L << 53;

    private byte[] buf;
    private int used;
    private int count;

    ZListpack() {
        this.buf = new byte[16];
    }

    private ZListpack(byte[] buf, int used, int count) {
        this.buf = buf;
        this.used = used;
        this.count = count;
    }

    /** One decoded entry; reused while scanning. */
    private static final class Entry {
        int off;
        int memberOff;
        int memberLen;
        double score;
        int end;
    }

    private void read(int off, Entry e) {
        e.off = off;
        int len = 0;
        int shift = 0;
        byte b;
        do {
            b = buf[off++];
            len |= (b & 0x7f) << shift;
            shift += 7;
        } while (b < 0);
        e.memberOff = off;
        e.memberLen = len;
        off += len;
        long v = 0;
        shift = 0;
        do {
            b = buf[off++];
            v |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while (b < 0);
        if (v == 1) {
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (buf[off++] & 0xff);
            }
            e.score = Double.longBitsToDouble(bits);
        } else {
            long z = v >>> 1;
            e.score = (double) ((z >>> 1) ^ -(z & 1));
        }
        e.end = off;
    }

    static boolean isSmallInt(double d) {
        long l = (long) d;
        return l == d && l >= -INT_LIMIT && l <= INT_LIMIT;
    }

    private static int varintLen(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    private int putVarint(int off, long v) {
        while ((v & ~0x7fL) != 0) {
            buf[off++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[off++] = (byte) v;
        return off;
    }

    private static long scoreCode(double score) {
        if (isSmallInt(score)) {
            long l = (long) score;
            return ((l << 1) ^ (l >> 63)) << 1;
        }
        return 1;
    }

    private static int encodedLen(byte[] member, double score) {
        long code = scoreCode(score);
        return varintLen(member.length) + member.length + varintLen(code) + (code == 1 ? 8 : 0);
    }

    private void write(int off, byte[] member, double score) {
        off = putVarint(off, member.length);
        System.arraycopy(member, 0, buf, off, member.length);
        off += member.length;
        long code = scoreCode(score);
        off = putVarint(off, code);
        if (code == 1) {
            long bits = Double.doubleToRawLongBits(score);
            for (int i = 7; i >= 0; i--) {
                buf[off++] = (byte) (bits >>> (8 * i));
            }
        }
    }

    /** Opens a gap of {@code n} bytes at {@code off}. */
    private void openGap(int off, int n) {
        int need = used + n;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, need + (need >> 2) + 8);
        }
        System.arraycopy(buf, off, buf, off + n, used - off);
        used = need;
    }

    /** Closes the bytes {@code [from, to)}, giving memory back when the array is mostly empty. */
    private void closeGap(int from, int to) {
        System.arraycopy(buf, to, buf, from, used - to);
        used -= to - from;
        if (buf.length > 64 && used < buf.length / 2) {
            buf = Arrays.copyOf(buf, used + (used >> 2) + 8);
        }
    }

    private boolean memberEquals(Entry e, byte[] member) {
        return e.memberLen == member.length
                && Arrays.equals(buf, e.memberOff, e.memberOff + e.memberLen, member, 0, member.length);
    }

    /** The entry holding {@code member}, read into {@code e}; false when absent. */
    private boolean find(byte[] member, Entry e) {
        for (int off = 0; off < used; off = e.end) {
            read(off, e);
            if (memberEquals(e, member)) {
                return true;
            }
        }
        return false;
    }

    /** Offset of the entry with the given rank, or {@code used} for rank == count. */
    private int offsetOf(int rank, Entry e) {
        int off = 0;
        for (int i = 0; i < rank; i++) {
            read(off, e);
            off = e.end;
        }
        return off;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public double score(byte[] member) {
        Entry e = new Entry();
        return find(member, e) ? e.score : Double.NaN;
    }

    @Override
    public void insert(byte[] member, double score) {
        Entry e = new Entry();
        int off = 0;
        while (off < used) {
            read(off, e);
            if (e.score > score || (e.score == score
                    && Arrays.compareUnsigned(buf, e.memberOff, e.memberOff + e.memberLen, member, 0, member.length) > 0)) {
                break;
            }
            off = e.end;
        }
        int n = encodedLen(member, score);
        openGap(off, n);
        write(off, member, score);
        count++;
    }

    @Override
    public void update(byte[] member, double newScore) {
        remove(member);
        insert(member, newScore);
    }

    @Override
    public boolean remove(byte[] member) {
        Entry e = new Entry();
        if (!find(member, e)) {
            return false;
        }
        closeGap(e.off, e.end);
        count--;
        return true;
    }

    @Override
    public int countPrefix(ZSetValue.ElementTest p) {
        Entry e = new Entry();
        int n = 0;
        for (int off = 0; off < used; off = e.end) {
            read(off, e);
            if (!p.test(buf, e.memberOff, e.memberLen, e.score)) {
                break;
            }
            n++;
        }
        return n;
    }

    @Override
    public int lastMatch(ZSetValue.ElementTest p) {
        Entry e = new Entry();
        int last = -1;
        int rank = 0;
        for (int off = 0; off < used; off = e.end, rank++) {
            read(off, e);
            if (p.test(buf, e.memberOff, e.memberLen, e.score)) {
                last = rank;
            }
        }
        return last;
    }

    @Override
    public int run(int from, boolean reverse, long max, ZSetValue.ElementTest p) {
        int[] found = {0};
        boolean[] stop = {false};
        int lo = reverse ? 0 : from;
        int hi = reverse ? from : count - 1;
        visit(lo, hi, reverse, (b, o, l, s) -> {
            if (!stop[0] && found[0] < max && p.test(b, o, l, s)) {
                found[0]++;
            } else {
                stop[0] = true;
            }
        });
        return found[0];
    }

    @Override
    public void visit(int from, int to, boolean reverse, ZSetValue.ElementVisitor v) {
        Entry e = new Entry();
        int off = offsetOf(from, e);
        if (!reverse) {
            for (int r = from; r <= to; r++) {
                read(off, e);
                v.visit(buf, e.memberOff, e.memberLen, e.score);
                off = e.end;
            }
            return;
        }
        int[] offs = new int[to - from + 1];
        for (int i = 0; i < offs.length; i++) {
            offs[i] = off;
            read(off, e);
            off = e.end;
        }
        for (int i = offs.length - 1; i >= 0; i--) {
            read(offs[i], e);
            v.visit(buf, e.memberOff, e.memberLen, e.score);
        }
    }

    @Override
    public void removeRange(int from, int to) {
        Entry e = new Entry();
        int start = offsetOf(from, e);
        int end = start;
        for (int r = from; r <= to; r++) {
            read(end, e);
            end = e.end;
        }
        closeGap(start, end);
        count -= to - from + 1;
    }

    @Override
    public ZStore copy() {
        return new ZListpack(Arrays.copyOf(buf, Math.max(used, 1)), used, count);
    }

    /** Bytes of the packed array in use, for memory reporting. */
    int bytes() {
        return buf.length;
    }
}
