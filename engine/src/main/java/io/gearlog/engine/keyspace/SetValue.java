package io.gearlog.engine.keyspace;

import io.gearlog.engine.reply.NumberFormat;

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
 * A set. While every member is an integer (Redis' strict form: no sign '+', no leading zeros) and there are at
 * most set-max-intset-entries of them, it is an "intset", sorted ascending; otherwise a "hashtable" (an
 * {@link EntryDict} of {@link Member}s) for good, as in Redis 7.0. A new set starts as an empty intset. Owned by the
 * engine thread.
 */
public final class SetValue extends RValue {
    private static final byte[] SADD = "SADD".getBytes(StandardCharsets.US_ASCII);
    private static final int REWRITE_CHUNK = 64;

    /** A hashtable member: the entry is the member (32 bytes plus its bytes). */
    static final class Member extends EntryDict.Entry {
        final byte[] bytes;

        Member(byte[] bytes) {
            this(bytes, EntryDict.hash(bytes));
        }

        Member(byte[] bytes, int hash) {
            super(hash);
            this.bytes = bytes;
        }

        @Override
        boolean keyEquals(byte[] k, int off, int len) {
            return Arrays.equals(bytes, 0, bytes.length, k, off, off + len);
        }

        @Override
        int firstKeyByte() {
            return BatchTouch.firstByte(bytes);
        }
    }

    private IntSet ints;
    private EntryDict<Member> table;

    public SetValue() {
        ints = new IntSet();
    }

    private SetValue(IntSet ints, EntryDict<Member> table) {
        this.ints = ints;
        this.table = table;
    }

    @Override
    public ValueType type() {
        return ValueType.SET;
    }

    @Override
    public String encoding() {
        return ints != null ? "intset" : "hashtable";
    }

    public boolean isIntset() {
        return ints != null;
    }

    @Override
    Object elementBucket(byte[][] argv) {
        return elementBucket(table, argv);
    }

    public int size() {
        return ints != null ? ints.size() : table.size();
    }

    private static byte[] bytes(long v) {
        return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
    }

    private void convert() {
        EntryDict<Member> t = new EntryDict<>(ints.size() + 1);
        for (int i = 0; i < ints.size(); i++) {
            t.add(new Member(bytes(ints.get(i))));
        }
        table = t;
        ints = null;
    }

    /** Adds {@code member}; false if it was already there. Converts to a hashtable as Redis 7.0 does. */
    public boolean add(byte[] member, int maxIntsetEntries) {
        if (ints != null) {
            Long v = NumberFormat.parseLongOrFail(member);
            if (v != null) {
                if (!ints.add(v)) {
                    return false;
                }
                if (ints.size() > maxIntsetEntries) {
                    convert();
                }
                return true;
            }
            convert();
        }
        int h = EntryDict.hash(member);
        if (table.get(member, 0, member.length, h) != null) {
            return false;
        }
        table.add(new Member(member, h));
        return true;
    }

    public boolean remove(byte[] member) {
        if (ints != null) {
            Long v = NumberFormat.parseLongOrFail(member);
            return v != null && ints.remove(v);
        }
        return table.remove(member) != null;
    }

    public boolean contains(byte[] member) {
        if (ints != null) {
            Long v = NumberFormat.parseLongOrFail(member);
            return v != null && ints.contains(v);
        }
        return table.get(member) != null;
    }

    /** Visits every member: ascending for an intset, table order otherwise. */
    public void forEach(Consumer<byte[]> visitor) {
        if (ints != null) {
            for (int i = 0; i < ints.size(); i++) {
                visitor.accept(bytes(ints.get(i)));
            }
        } else {
            table.forEach(m -> visitor.accept(m.bytes));
        }
    }

    /** One step of SSCAN over a hashtable (one bucket; next cursor, 0 when done); an intset is visited whole. */
    public long scan(long cursor, Consumer<byte[]> visitor) {
        if (ints != null) {
            forEach(visitor);
            return 0;
        }
        return table.scan(cursor, m -> visitor.accept(m.bytes));
    }

    /** A random member, for reads (SRANDMEMBER); null when empty. */
    public byte[] random(SplittableRandom random) {
        if (size() == 0) {
            return null;
        }
        if (ints != null) {
            return bytes(ints.get(random.nextInt(ints.size())));
        }
        return table.random(random::nextLong).bytes;
    }

    /**
     * Removes and returns a random member (SPOP). The choice depends only on the members and the random stream,
     * whatever the encoding or history, so replaying the journaled SPOP on any equal set pops the same member.
     */
    public byte[] pop(SplittableRandom random) {
        if (size() == 0) {
            return null;
        }
        if (ints != null) {
            int i = StablePick.pickIndex(ints, random);
            long v = ints.get(i);
            ints.removeAt(i);
            return bytes(v);
        }
        Member m = StablePick.pick(table, random);
        table.remove(m.bytes, m.hash);
        return m.bytes;
    }

    /** Visits {@code count} random members, repeats allowed (SRANDMEMBER with a negative count). */
    public void sampleWithRepeats(long count, SplittableRandom random, Consumer<byte[]> visitor) {
        for (long i = 0; i < count; i++) {
            visitor.accept(random(random));
        }
    }

    /** {@code count} distinct random members; every member when count >= size. */
    public List<byte[]> sampleDistinct(int count, SplittableRandom random) {
        int size = size();
        List<byte[]> out = new ArrayList<>(Math.min(count, size));
        if (count >= size) {
            forEach(out::add);
            return out;
        }
        if (ints != null || count * 3 > size) {
            // a large share of the set: shuffle a full list rather than retrying duplicate picks
            List<byte[]> all = new ArrayList<>(size);
            forEach(all::add);
            for (int i = 0; i < count; i++) {
                Collections.swap(all, i, i + random.nextInt(size - i));
                out.add(all.get(i));
            }
            return out;
        }
        Set<Member> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (out.size() < count) {
            Member m = table.random(random::nextLong);
            if (seen.add(m)) {
                out.add(m.bytes);
            }
        }
        return out;
    }

    @Override
    public RValue copy() {
        if (ints != null) {
            return new SetValue(ints.copy(), null);
        }
        EntryDict<Member> t = new EntryDict<>(table.size());
        table.forEach(m -> t.add(new Member(m.bytes, m.hash)));
        return new SetValue(null, t);
    }

    @Override
    public void digest(DigestSink sink) {
        byte[] acc = new byte[20];
        forEach(m -> KeyspaceDigest.xorInto(acc, KeyspaceDigest.of(m)));
        sink.add(acc);
    }

    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> out) {
        List<byte[]> args = new ArrayList<>(2 + REWRITE_CHUNK);
        forEach(m -> {
            if (args.isEmpty()) {
                args.add(SADD);
                args.add(key);
            }
            args.add(m);
            if (args.size() == 2 + REWRITE_CHUNK) {
                out.accept(args.toArray(new byte[0][]));
                args.clear();
            }
        });
        if (!args.isEmpty()) {
            out.accept(args.toArray(new byte[0][]));
        }
    }
}
