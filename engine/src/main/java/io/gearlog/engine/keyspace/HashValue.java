package io.gearlog.engine.keyspace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A hash. Small hashes are "listpack" encoded: field, value, field, value... packed in one array in insertion
 * order (HGETALL shows that order, as Redis does). Past hash-max-listpack-entries fields, or once a field or value
 * is longer than hash-max-listpack-value, it becomes a "hashtable" (an {@link EntryDict} whose entries hold field
 * and value in one array) and never converts back. Owned by the engine thread.
 */
public final class HashValue extends RValue {
    private static final byte[] HSET = "HSET".getBytes(StandardCharsets.US_ASCII);
    private static final int REWRITE_CHUNK = 64;

    /** Receives one pair in place; the arrays belong to the hash and must be neither kept nor modified. */
    @FunctionalInterface
    public interface PairVisitor {
        void visit(byte[] f, int fOff, int fLen, byte[] v, int vOff, int vLen);
    }

    /** Where a value lies: {@code bytes[offset, offset + length)}, valid until the hash changes. */
    public static final class Slice {
        public byte[] bytes;
        public int offset;
        public int length;
    }

    /**
     * A hashtable entry: field and value in one array, keyed by the field alone. The value is replaced by swapping
     * the array.
     */
    static final class Field extends EntryDict.Entry {
        byte[] data;
        final int fieldLen;

        Field(byte[] data, int fieldLen) {
            super(EntryDict.hash(data, 0, fieldLen));
            this.data = data;
            this.fieldLen = fieldLen;
        }

        @Override
        boolean keyEquals(byte[] k, int off, int len) {
            return Arrays.equals(data, 0, fieldLen, k, off, off + len);
        }

        @Override
        int firstKeyByte() {
            return fieldLen > 0 ? data[0] : 0;
        }

        static byte[] pack(byte[] f, int fOff, int fLen, byte[] v, int vOff, int vLen) {
            byte[] d = new byte[fLen + vLen];
            System.arraycopy(f, fOff, d, 0, fLen);
            System.arraycopy(v, vOff, d, fLen, vLen);
            return d;
        }

        void value(byte[] v) {
            if (data.length - fieldLen == v.length) {
                // in place: no garbage, and no young array for the collector to find from an old entry and copy
                System.arraycopy(v, 0, data, fieldLen, v.length);
                return;
            }
            byte[] d = Arrays.copyOf(data, fieldLen + v.length);
            System.arraycopy(v, 0, d, fieldLen, v.length);
            data = d;
        }

        void visit(PairVisitor visitor) {
            visitor.visit(data, 0, fieldLen, data, fieldLen, data.length - fieldLen);
        }
    }

    private PackedList small;
    private EntryDict<Field> table;

    public HashValue() {
        small = new PackedList(16);
    }

    private HashValue(PackedList small, EntryDict<Field> table) {
        this.small = small;
        this.table = table;
    }

    @Override
    public ValueType type() {
        return ValueType.HASH;
    }

    @Override
    public String encoding() {
        return small != null ? "listpack" : "hashtable";
    }

    public boolean isListpack() {
        return small != null;
    }

    @Override
    Object elementBucket(byte[][] argv) {
        return elementBucket(table, argv);
    }

    public int size() {
        return small != null ? small.count() / 2 : table.size();
    }

    private void convert() {
        EntryDict<Field> t = new EntryDict<>(small.count() / 2);
        byte[] b = small.buf();
        for (int off = 0; off < small.end(); ) {
            int vOff = small.next(off);
            Field f = new Field(Field.pack(b, small.data(off), small.length(off), b, small.data(vOff),
                    small.length(vOff)), small.length(off));
            t.add(f);
            off = small.next(vOff);
        }
        table = t;
        small = null;
    }

    /** Finds the value of {@code field}; false if absent. */
    public boolean get(byte[] field, Slice out) {
        if (small != null) {
            int off = small.find(field, 2);
            if (off < 0) {
                return false;
            }
            int v = small.next(off);
            out.bytes = small.buf();
            out.offset = small.data(v);
            out.length = small.length(v);
            return true;
        }
        Field f = table.get(field);
        if (f == null) {
            return false;
        }
        out.bytes = f.data;
        out.offset = f.fieldLen;
        out.length = f.data.length - f.fieldLen;
        return true;
    }

    /** A copy of the value of {@code field}, or null. */
    public byte[] get(byte[] field) {
        Slice s = new Slice();
        return get(field, s) ? Arrays.copyOfRange(s.bytes, s.offset, s.offset + s.length) : null;
    }

    public boolean contains(byte[] field) {
        return small != null ? small.find(field, 2) >= 0 : table.get(field) != null;
    }

    /**
     * Sets {@code field} to {@code value}; returns true if the field is new. Converts to a hashtable first when
     * either is longer than {@code maxValue}, and after adding when there are more than {@code maxEntries} fields.
     */
    public boolean set(byte[] field, byte[] value, int maxEntries, int maxValue) {
        if (small != null && (field.length > maxValue || value.length > maxValue)) {
            convert();
        }
        if (small != null) {
            int off = small.find(field, 2);
            if (off >= 0) {
                small.replace(small.next(off), value);
                return false;
            }
            small.append(field);
            small.append(value);
            if (small.count() / 2 > maxEntries) {
                convert();
            }
            return true;
        }
        Field existing = table.get(field);
        if (existing != null) {
            existing.value(value);
            return false;
        }
        table.add(new Field(Field.pack(field, 0, field.length, value, 0, value.length), field.length));
        return true;
    }

    /** Removes {@code field}; true if it was there. */
    public boolean delete(byte[] field) {
        if (small != null) {
            int off = small.find(field, 2);
            if (off < 0) {
                return false;
            }
            small.remove(off, 2);
            return true;
        }
        return table.remove(field) != null;
    }

    /** Visits every pair: insertion order for a listpack, table order otherwise. */
    public void forEach(PairVisitor visitor) {
        if (small != null) {
            byte[] b = small.buf();
            for (int off = 0; off < small.end(); ) {
                int v = small.next(off);
                visitor.visit(b, small.data(off), small.length(off), b, small.data(v), small.length(v));
                off = small.next(v);
            }
        } else {
            table.forEach(f -> f.visit(visitor));
        }
    }

    /**
     * One step of HSCAN over a hashtable: visits one bucket and returns the next cursor (0 when done). A listpack
     * is visited whole and returns 0.
     */
    public long scan(long cursor, PairVisitor visitor) {
        if (small != null) {
            forEach(visitor);
            return 0;
        }
        return table.scan(cursor, f -> f.visit(visitor));
    }

    /** Offsets of the field of each pair of a listpack. */
    private int[] pairOffsets() {
        int[] offs = new int[small.count() / 2];
        int off = 0;
        for (int i = 0; i < offs.length; i++) {
            offs[i] = off;
            off = small.next(small.next(off));
        }
        return offs;
    }

    private void visitAt(int off, PairVisitor visitor) {
        byte[] b = small.buf();
        int v = small.next(off);
        visitor.visit(b, small.data(off), small.length(off), b, small.data(v), small.length(v));
    }

    /** Visits {@code count} pairs picked at random, repeats allowed (HRANDFIELD with a negative count). */
    public void sampleWithRepeats(long count, SplittableRandom random, PairVisitor visitor) {
        if (small != null) {
            int[] offs = pairOffsets();
            for (long i = 0; i < count; i++) {
                visitAt(offs[random.nextInt(offs.length)], visitor);
            }
        } else {
            for (long i = 0; i < count; i++) {
                table.random(random::nextLong).visit(visitor);
            }
        }
    }

    /** Visits {@code count} distinct pairs picked at random; all of them when count >= size. */
    public void sampleDistinct(int count, SplittableRandom random, PairVisitor visitor) {
        int size = size();
        if (count >= size) {
            forEach(visitor);
            return;
        }
        if (small != null) {
            int[] offs = pairOffsets();
            for (int i = 0; i < count; i++) {
                int j = i + random.nextInt(offs.length - i);
                int t = offs[i];
                offs[i] = offs[j];
                offs[j] = t;
                visitAt(offs[i], visitor);
            }
            return;
        }
        if (count * 3 > size) {
            // most of the table: shuffle a full list rather than retrying duplicate picks
            List<Field> all = new ArrayList<>(size);
            table.forEach(all::add);
            for (int i = 0; i < count; i++) {
                int j = i + random.nextInt(size - i);
                Field t = all.get(i);
                all.set(i, all.get(j));
                all.set(j, t);
                t = all.get(i);
                t.visit(visitor);
            }
            return;
        }
        Set<Field> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (seen.size() < count) {
            Field f = table.random(random::nextLong);
            if (seen.add(f)) {
                f.visit(visitor);
            }
        }
    }

    @Override
    public RValue copy() {
        if (small != null) {
            return new HashValue(small.copy(), null);
        }
        EntryDict<Field> t = new EntryDict<>(table.size());
        table.forEach(f -> t.add(new Field(f.data.clone(), f.fieldLen)));
        return new HashValue(null, t);
    }

    @Override
    public void digest(DigestSink sink) {
        byte[] acc = new byte[20];
        forEach((f, fo, fl, v, vo, vl) -> KeyspaceDigest.xorInto(acc,
                KeyspaceDigest.of(Arrays.copyOfRange(f, fo, fo + fl), Arrays.copyOfRange(v, vo, vo + vl))));
        sink.add(acc);
    }

    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> out) {
        List<byte[]> args = new ArrayList<>(2 + 2 * REWRITE_CHUNK);
        forEach((f, fo, fl, v, vo, vl) -> {
            if (args.isEmpty()) {
                args.add(HSET);
                args.add(key);
            }
            args.add(Arrays.copyOfRange(f, fo, fo + fl));
            args.add(Arrays.copyOfRange(v, vo, vo + vl));
            if (args.size() == 2 + 2 * REWRITE_CHUNK) {
                out.accept(args.toArray(new byte[0][]));
                args.clear();
            }
        });
        if (!args.isEmpty()) {
            out.accept(args.toArray(new byte[0][]));
        }
    }
}
