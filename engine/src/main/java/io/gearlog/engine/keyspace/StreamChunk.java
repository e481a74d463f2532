package io.gearlog.engine.keyspace;

import java.util.Arrays;

/**
 * A run of consecutive stream entries stored flat in one byte array, the counterpart of a Redis stream node
 * (a listpack under a radix-tree key). Entries are split into chunks by the same rules as Redis, by tracking the
 * size the Redis listpack would have, so approximate trimming ({@code ~}) removes the same entries and XINFO's
 * node counts agree. Owned by the engine thread, through its {@link StreamValue}.
 *
 * <p>Entry layout: a flags byte ({@link #DELETED}, {@link #SAME_FIELDS}); the ms delta from the previous entry
 * (varint); the sequence (varint: delta minus one when the ms delta is zero, else absolute); then either the
 * values only (same fields as the chunk's master entry) or a field count followed by field/value pairs, each
 * string as varint length plus bytes.
 */
final class StreamChunk {
    static final int DELETED = 1;
    static final int SAME_FIELDS = 2;
    /** Redis caps a listpack at 1 GB whatever stream-node-max-bytes says. */
    static final long LISTPACK_MAX_SIZE = 1L << 30;

    final long masterMs;
    final long masterSeq;
    final byte[][] masterFields;
    byte[] data;
    int used;
    /** Live entries (Redis' master "count"). */
    int live;
    /** Entries marked deleted but still stored (Redis' master "deleted"). */
    int deleted;
    long lastMs;
    long lastSeq;
    /** Size of the Redis listpack without its count and deleted elements (they change in place). */
    long lpBase;

    StreamChunk(long ms, long seq, byte[][] fieldsValues) {
        masterMs = ms;
        masterSeq = seq;
        int n = fieldsValues.length / 2;
        masterFields = new byte[n][];
        long lp = 7 + intElement(n) + intElement(0); // header and end byte, num-fields, master terminator
        for (int i = 0; i < n; i++) {
            masterFields[i] = fieldsValues[2 * i];
            lp += stringElement(masterFields[i]);
        }
        lpBase = lp;
        data = new byte[Math.max(32, estimate(fieldsValues))];
        lastMs = ms;
        lastSeq = seq;
    }

    int total() {
        return live + deleted;
    }

    /** The Redis listpack size of this node. */
    long lpBytes() {
        return lpBase + intElement(live) + intElement(deleted);
    }

    boolean sameFields(byte[][] fv) {
        if (fv.length != masterFields.length * 2) {
            return false;
        }
        for (int i = 0; i < masterFields.length; i++) {
            if (!Arrays.equals(fv[2 * i], masterFields[i])) {
                return false;
            }
        }
        return true;
    }

    /** Appends an entry whose id is greater than every id in this chunk. */
    void append(long ms, long seq, byte[][] fv) {
        boolean same = sameFields(fv);
        boolean first = total() == 0;
        long msDelta = ms - lastMs;
        long seqField = (!first && msDelta == 0) ? seq - lastSeq - 1 : seq;
        ensure(1 + 20 + estimate(fv));
        data[used++] = (byte) (same ? SAME_FIELDS : 0);
        putVarLong(msDelta);
        putVarLong(seqField);
        int n = fv.length / 2;
        if (same) {
            for (int i = 0; i < n; i++) {
                putBytes(fv[2 * i + 1]);
            }
        } else {
            putVarLong(n);
            for (byte[] b : fv) {
                putBytes(b);
            }
        }
        // Redis: flags, ms-diff, seq-diff, [num-fields, fields...] values..., lp-count
        long lp = intElement(same ? SAME_FIELDS : 0) + intElement(ms - masterMs) + intElement(seq - masterSeq);
        if (same) {
            for (int i = 0; i < n; i++) {
                lp += stringElement(fv[2 * i + 1]);
            }
            lp += intElement(n + 3);
        } else {
            lp += intElement(n);
            for (byte[] b : fv) {
                lp += stringElement(b);
            }
            lp += intElement(2L * n + 4);
        }
        lpBase += lp;
        live++;
        lastMs = ms;
        lastSeq = seq;
    }

    StreamChunk copy() {
        return new StreamChunk(this);
    }

    private StreamChunk(StreamChunk o) {
        masterMs = o.masterMs;
        masterSeq = o.masterSeq;
        masterFields = o.masterFields;
        data = Arrays.copyOf(o.data, o.used);
        used = o.used;
        live = o.live;
        deleted = o.deleted;
        lastMs = o.lastMs;
        lastSeq = o.lastSeq;
        lpBase = o.lpBase;
    }

    /** Drops the spare capacity once the chunk will not grow any more. */
    void seal() {
        if (data.length != used) {
            data = Arrays.copyOf(data, used);
        }
    }

    private static int estimate(byte[][] fv) {
        int n = 5;
        for (byte[] b : fv) {
            n += b.length + 5;
        }
        return n;
    }

    private void ensure(int extra) {
        if (used + extra > data.length) {
            data = Arrays.copyOf(data, Math.max(used + extra, data.length * 2));
        }
    }

    private void putVarLong(long v) {
        while ((v & ~0x7FL) != 0) {
            data[used++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        data[used++] = (byte) v;
    }

    private void putBytes(byte[] b) {
        putVarLong(b.length);
        System.arraycopy(b, 0, data, used, b.length);
        used += b.length;
    }

    // ---- decoding ----

    /**
     * A cursor over the entries of one chunk, reused while iterating. After {@link #next()} returned true it
     * describes the entry: its id, flags and where its strings are.
     */
    static final class Cursor {
        StreamChunk chunk;
        int pos;
        int entryStart;
        int flags;
        long ms;
        long seq;
        int fieldCount;
        /** Offset of the first string of the entry (values only when SAME_FIELDS, else field/value pairs). */
        int stringsStart;
        boolean first;

        void reset(StreamChunk c) {
            chunk = c;
            pos = 0;
            first = true;
            ms = c.masterMs;
            seq = c.masterSeq;
        }

        boolean next() {
            StreamChunk c = chunk;
            if (pos >= c.used) {
                return false;
            }
            byte[] d = c.data;
            entryStart = pos;
            flags = d[pos++];
            long msDelta = readVarLong(d);
            long seqField = readVarLong(d);
            if (!first && msDelta == 0) {
                seq = seq + seqField + 1;
            } else {
                seq = seqField;
            }
            ms += msDelta;
            first = false;
            if ((flags & SAME_FIELDS) != 0) {
                fieldCount = c.masterFields.length;
            } else {
                fieldCount = (int) readVarLong(d);
            }
            stringsStart = pos;
            int strings = (flags & SAME_FIELDS) != 0 ? fieldCount : fieldCount * 2;
            for (int i = 0; i < strings; i++) {
                int len = (int) readVarLong(d);
                pos += len;
            }
            return true;
        }

        boolean deleted() {
            return (flags & DELETED) != 0;
        }

        void markDeleted() {
            flags |= DELETED;
            chunk.data[entryStart] = (byte) flags;
        }

        private long readVarLong(byte[] d) {
            long v = 0;
            int shift = 0;
            while (true) {
                byte b = d[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
                shift += 7;
            }
        }

        /** Field/value strings of the current entry, in order; calls {@code sink} with (array, offset, length). */
        void strings(StreamValue.Strings sink) {
            byte[] d = chunk.data;
            int p = stringsStart;
            boolean same = (flags & SAME_FIELDS) != 0;
            for (int i = 0; i < fieldCount; i++) {
                if (same) {
                    byte[] f = chunk.masterFields[i];
                    sink.accept(f, 0, f.length);
                } else {
                    int len = 0;
                    int shift = 0;
                    byte b;
                    do {
                        b = d[p++];
                        len |= (b & 0x7F) << shift;
                        shift += 7;
                    } while (b < 0);
                    sink.accept(d, p, len);
                    p += len;
                }
                int len = 0;
                int shift = 0;
                byte b;
                do {
                    b = d[p++];
                    len |= (b & 0x7F) << shift;
                    shift += 7;
                } while (b < 0);
                sink.accept(d, p, len);
                p += len;
            }
        }
    }

    // ---- Redis listpack sizes (to split nodes where Redis does) ----

    static long intElement(long v) {
        int enc;
        if (v >= 0 && v <= 127) {
            enc = 1;
        } else if (v >= -4096 && v <= 4095) {
            enc = 2;
        } else if (v >= -32768 && v <= 32767) {
            enc = 3;
        } else if (v >= -8388608 && v <= 8388607) {
            enc = 4;
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            enc = 5;
        } else {
            enc = 9;
        }
        return enc + backlen(enc);
    }

    static long stringElement(byte[] b) {
        Long asInt = b.length <= 20 ? io.gearlog.engine.reply.NumberFormat.parseLongOrFail(b) : null;
        if (asInt != null) {
            return intElement(asInt);
        }
        long n = b.length;
        long enc = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
        return enc + backlen(enc);
    }

    private static int backlen(long l) {
        if (l <= 127) {
            return 1;
        } else if (l < 16383) {
            return 2;
        } else if (l < 2097151) {
            return 3;
        } else if (l < 268435455) {
            return 4;
        }
        return 5;
    }
}
