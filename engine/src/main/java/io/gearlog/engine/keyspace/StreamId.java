package io.gearlog.engine.keyspace;

import java.nio.charset.StandardCharsets;

/**
 * A stream entry id {@code <ms>-<seq>}: two unsigned 64-bit numbers compared as such (Redis accepts ids up to
 * {@code 18446744073709551615-18446744073709551615}). Immutable.
 */
public final class StreamId implements Comparable<StreamId> {
    public static final StreamId MIN = new StreamId(0, 0);
    public static final StreamId MAX = new StreamId(-1L, -1L);

    private final long ms;
    private final long seq;

    public StreamId(long ms, long seq) {
        this.ms = ms;
        this.seq = seq;
    }

    /** Milliseconds part, unsigned. */
    public long ms() {
        return ms;
    }

    /** Sequence part, unsigned. */
    public long seq() {
        return seq;
    }

    public boolean isZero() {
        return ms == 0 && seq == 0;
    }

    public boolean isMax() {
        return ms == -1L && seq == -1L;
    }

    /** The next id, or null when this is the largest one. */
    public StreamId next() {
        if (seq != -1L) {
            return new StreamId(ms, seq + 1);
        }
        return ms == -1L ? null : new StreamId(ms + 1, 0);
    }

    /** The previous id, or null when this is 0-0. */
    public StreamId previous() {
        if (seq != 0) {
            return new StreamId(ms, seq - 1);
        }
        return ms == 0 ? null : new StreamId(ms - 1, -1L);
    }

    public static int compare(long ms1, long seq1, long ms2, long seq2) {
        int c = Long.compareUnsigned(ms1, ms2);
        return c != 0 ? c : Long.compareUnsigned(seq1, seq2);
    }

    @Override
    public int compareTo(StreamId o) {
        return compare(ms, seq, o.ms, o.seq);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamId s && s.ms == ms && s.seq == seq;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ms) * 31 + Long.hashCode(seq);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }

    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The outcome of parsing an id argument: the id and whether its sequence was given ({@code <ms>-*}). */
    public record Parsed(StreamId id, boolean seqGiven) {
    }

    /**
     * Parses an id the way Redis' stream commands do: {@code <ms>[-<seq>]}, where a missing sequence becomes
     * {@code missingSeq}; {@code -} and {@code +} are the smallest and largest ids unless {@code strict};
     * {@code <ms>-*} only when {@code allowSeqStar}. Returns null when the text is not a valid id.
     */
    public static Parsed parse(byte[] b, long missingSeq, boolean strict, boolean allowSeqStar) {
        if (b.length > 127) {
            return null;
        }
        if (b.length == 1 && (b[0] == '-' || b[0] == '+')) {
            if (strict) {
                return null;
            }
            return new Parsed(b[0] == '-' ? MIN : MAX, true);
        }
        int dash = -1;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '-') {
                dash = i;
                break;
            }
            if (b[i] == 0) {
                break;
            }
        }
        int msEnd = dash < 0 ? cEnd(b, 0) : dash;
        long[] ms = new long[1];
        if (!parseUnsigned(b, 0, msEnd, ms)) {
            return null;
        }
        if (dash < 0) {
            return new Parsed(new StreamId(ms[0], missingSeq), true);
        }
        int seqEnd = cEnd(b, dash + 1);
        if (allowSeqStar && seqEnd - dash - 1 == 1 && b[dash + 1] == '*') {
            return new Parsed(new StreamId(ms[0], 0), false);
        }
        long[] seq = new long[1];
        if (!parseUnsigned(b, dash + 1, seqEnd, seq)) {
            return null;
        }
        return new Parsed(new StreamId(ms[0], seq[0]), true);
    }

    /** Parses {@code <ms>-<seq>} strictly (no specials), or null. */
    public static StreamId parseStrict(byte[] b) {
        Parsed p = parse(b, 0, true, false);
        return p == null ? null : p.id();
    }

    /** Arguments are C strings to Redis: an embedded NUL ends them. */
    private static int cEnd(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return b.length;
    }

    /**
     * Redis' string2ull: a strict signed 64-bit integer that is not negative, or else what strtoull accepts
     * (leading spaces, a sign, leading zeros, the full unsigned range; a '-' negates modulo 2^64).
     */
    static boolean parseUnsigned(byte[] b, int from, int to, long[] out) {
        if (to <= from) {
            return false;
        }
        byte[] part = java.util.Arrays.copyOfRange(b, from, to);
        Long strict = io.gearlog.engine.reply.NumberFormat.parseLongOrFail(part);
        if (strict != null) {
            if (strict < 0) {
                return false;
            }
            out[0] = strict;
            return true;
        }
        int i = from;
        while (i < to && isCSpace(b[i])) {
            i++;
        }
        boolean neg = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            neg = b[i] == '-';
            i++;
        }
        if (i >= to) {
            return false;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            // v * 10 + d must stay below 2^64
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                return false;
            }
            long t = v * 10;
            long r = t + d;
            if (Long.compareUnsigned(r, t) < 0) {
                return false;
            }
            v = r;
        }
        out[0] = neg ? -v : v;
        return true;
    }

    private static boolean isCSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == 0x0c;
    }
}
