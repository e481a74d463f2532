package io.gearlog.engine.keyspace;

import io.gearlog.engine.reply.NumberFormat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A sorted set. Starts in the compact "listpack" encoding and moves to the large encoding (a B+tree reported as
 * "skiplist", the name Redis clients know) for good once an insert would exceed {@code zset-max-listpack-entries}
 * elements or add a member longer than {@code zset-max-listpack-value} bytes, as Redis 7.0 does. Elements are ordered by score, then by member bytes.
 * Owned by the engine thread.
 */
public final class ZSetValue extends RValue {
    /** Receives one element; {@code buf[off, off+len)} is the member, valid only during the call. */
    @FunctionalInterface
    public interface ElementVisitor {
        void visit(byte[] buf, int off, int len, double score);
    }

    /** A condition on an element that holds for a prefix of the order. */
    @FunctionalInterface
    public interface ElementTest {
        boolean test(byte[] buf, int off, int len, double score);
    }

    /** A score interval; {@code minEx}/{@code maxEx} make an end exclusive. */
    public record ScoreRange(double min, boolean minEx, double max, boolean maxEx) {
    }

    /** One end of a lexicographic interval: "-", "+", or a value, inclusive or exclusive. */
    public record LexBound(int kind, byte[] value, boolean exclusive) {
        public static final int MIN = -1;
        public static final int VALUE = 0;
        public static final int MAX = 1;

        /** Compares a member with this bound: negative when the member sorts before it. */
        int compareMember(byte[] buf, int off, int len) {
            if (kind == MIN) {
                return 1;
            }
            if (kind == MAX) {
                return -1;
            }
            return Arrays.compareUnsigned(buf, off, off + len, value, 0, value.length);
        }
    }

    public record LexRange(LexBound min, LexBound max) {
    }

    private ZStore store;

    public ZSetValue() {
        store = new ZListpack();
    }

    private ZSetValue(ZStore store) {
        this.store = store;
    }

    /**
     * An empty set for a computed result of {@code n} elements whose longest member has {@code maxLen} bytes: the
     * compact encoding when that fits, as Redis' zsetConvertToListpackIfNeeded chooses for ZUNIONSTORE and kin.
     * Fill it with {@link #insertRaw}.
     */
    public static ZSetValue forResult(int n, int maxLen, int maxEntries, int maxValue) {
        if (n <= maxEntries && maxLen <= maxValue) {
            return new ZSetValue();
        }
        return new ZSetValue(new ZBTree(n));
    }

    @Override
    public ValueType type() {
        return ValueType.ZSET;
    }

    @Override
    public String encoding() {
        return isListpack() ? "listpack" : "skiplist";
    }

    public boolean isListpack() {
        return store instanceof ZListpack;
    }

    /** The member is the last argument of ZADD, ZINCRBY, ZSCORE, ZRANK and ZREM with one member. */
    @Override
    Object elementBucket(byte[][] argv) {
        byte[] m = argv[argv.length - 1];
        return argv.length < 3 || m.length > TOUCH_MAX_ELEMENT ? null : store.bucketOf(m);
    }

    public int size() {
        return store.size();
    }

    /** The member's score, or NaN when it is not in the set. */
    public double score(byte[] member) {
        return store.score(member);
    }

    /** Adds an absent member, first converting to the tree if the compact encoding would outgrow its limits. */
    public void insert(byte[] member, double score, int maxEntries, int maxValue) {
        if (store instanceof ZListpack && (store.size() + 1 > maxEntries || member.length > maxValue)) {
            convertToTree();
        }
        store.insert(member, score);
    }

    /** Adds an absent member without any encoding change (results built by {@link #forResult}). */
    public void insertRaw(byte[] member, double score) {
        store.insert(member, score);
    }

    /** Changes the score of a present member. */
    public void update(byte[] member, double newScore) {
        store.update(member, newScore);
    }

    public boolean remove(byte[] member) {
        return store.remove(member);
    }

    private void convertToTree() {
        ZBTree tree = new ZBTree(store.size() + 1);
        forEach((b, o, l, s) -> tree.insert(Arrays.copyOfRange(b, o, o + l), s));
        store = tree;
    }

    /** 0-based rank of the member in ascending order, or -1 when absent. */
    public int rank(byte[] member) {
        double s = store.score(member);
        if (Double.isNaN(s)) {
            return -1;
        }
        return store.countPrefix((b, o, l, sc) -> sc < s
                || (sc == s && Arrays.compareUnsigned(b, o, o + l, member, 0, member.length) < 0));
    }

    /** Rank of the first element inside the score range (elements before it are below the minimum). */
    public int scoreStart(ScoreRange r) {
        double min = r.min();
        return r.minEx() ? store.countPrefix((b, o, l, s) -> s <= min) : store.countPrefix((b, o, l, s) -> s < min);
    }

    /** Rank just past the last element at or below the range's maximum. */
    public int scoreEnd(ScoreRange r) {
        double max = r.max();
        return r.maxEx() ? store.countPrefix((b, o, l, s) -> s < max) : store.countPrefix((b, o, l, s) -> s <= max);
    }

    // Lex ranges follow Redis' algorithm step by step (first element at or above min, then a run while at or
    // below max), so results agree with Redis also when scores differ, a case Redis calls unspecified.

    private static boolean gteMin(LexBound min, byte[] b, int o, int l) {
        int c = min.compareMember(b, o, l);
        return min.exclusive() ? c > 0 : c >= 0;
    }

    private static boolean lteMax(LexBound max, byte[] b, int o, int l) {
        int c = max.compareMember(b, o, l);
        return max.exclusive() ? c < 0 : c <= 0;
    }

    private static int compareBounds(LexBound a, LexBound b) {
        if (a.kind() == b.kind() && a.kind() != LexBound.VALUE) {
            return 0;
        }
        if (a.kind() == LexBound.MIN || b.kind() == LexBound.MAX) {
            return -1;
        }
        if (a.kind() == LexBound.MAX || b.kind() == LexBound.MIN) {
            return 1;
        }
        return Arrays.compareUnsigned(a.value(), b.value());
    }

    /** Redis' zslIsInLexRange: a non-empty range that the first and the last element do not exclude. */
    private boolean mayHaveLex(LexRange r) {
        int cmp = compareBounds(r.min(), r.max());
        if (cmp > 0 || (cmp == 0 && (r.min().exclusive() || r.max().exclusive())) || size() == 0) {
            return false;
        }
        boolean[] ok = {true};
        store.visit(size() - 1, size() - 1, false, (b, o, l, s) -> ok[0] &= gteMin(r.min(), b, o, l));
        store.visit(0, 0, false, (b, o, l, s) -> ok[0] &= lteMax(r.max(), b, o, l));
        return ok[0];
    }

    private boolean test(int rank, ElementTest t) {
        boolean[] ok = {false};
        store.visit(rank, rank, false, (b, o, l, s) -> ok[0] = t.test(b, o, l, s));
        return ok[0];
    }

    /** Rank of the first element in the lex range, or -1. */
    public int lexFirst(LexRange r) {
        if (!mayHaveLex(r)) {
            return -1;
        }
        int i = store.countPrefix((b, o, l, s) -> !gteMin(r.min(), b, o, l));
        return i < size() && test(i, (b, o, l, s) -> lteMax(r.max(), b, o, l)) ? i : -1;
    }

    /** Rank of the last element in the lex range, or -1. */
    public int lexLast(LexRange r) {
        if (!mayHaveLex(r)) {
            return -1;
        }
        int i = store.lastMatch((b, o, l, s) -> lteMax(r.max(), b, o, l));
        return i >= 0 && test(i, (b, o, l, s) -> gteMin(r.min(), b, o, l)) ? i : -1;
    }

    /**
     * How many elements from rank {@code from} on stay in the lex range: going up while at or below max, going
     * down while at or above min; at most {@code max}.
     */
    public int lexRun(int from, boolean reverse, LexRange r, long max) {
        if (from < 0 || from >= size()) {
            return 0;
        }
        return reverse ? store.run(from, true, max, (b, o, l, s) -> gteMin(r.min(), b, o, l))
                : store.run(from, false, max, (b, o, l, s) -> lteMax(r.max(), b, o, l));
    }

    /** ZLEXCOUNT: a run from the first element in the compact encoding, a rank difference in the tree. */
    public int lexCount(LexRange r) {
        int first = lexFirst(r);
        if (first < 0) {
            return 0;
        }
        if (isListpack()) {
            return lexRun(first, false, r, Long.MAX_VALUE);
        }
        int last = lexLast(r);
        return last < 0 ? size() - first : last - first + 1;
    }

    /** Visits ranks {@code from..to} inclusive (nothing when from > to), ascending or descending. */
    public void visit(int from, int to, boolean reverse, ElementVisitor v) {
        if (from <= to) {
            store.visit(from, to, reverse, v);
        }
    }

    public void forEach(ElementVisitor v) {
        visit(0, store.size() - 1, false, v);
    }

    /** Removes ranks {@code from..to} inclusive (nothing when from > to). */
    public void removeRange(int from, int to) {
        if (from <= to) {
            store.removeRange(from, to);
        }
    }

    /**
     * One step of ZSCAN: the compact encoding returns everything and cursor 0, the tree one hash bucket and
     * the next cursor.
     */
    public long scan(long cursor, ElementVisitor v) {
        if (store instanceof ZBTree tree) {
            return tree.scan(cursor, v);
        }
        forEach(v);
        return 0;
    }

    @Override
    public RValue copy() {
        return new ZSetValue(store.copy());
    }

    @Override
    public void digest(DigestSink sink) {
        sink.add(store.size());
        forEach((b, o, l, s) -> {
            sink.add(Arrays.copyOfRange(b, o, o + l));
            sink.add(s);
        });
    }

    /** ZADD commands of at most 64 pairs, in order; %.17g scores parse back to the same double. */
    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> out) {
        List<byte[]> args = new ArrayList<>();
        forEach((b, o, l, s) -> {
            if (args.isEmpty()) {
                args.add("ZADD".getBytes(StandardCharsets.US_ASCII));
                args.add(key);
            }
            args.add(NumberFormat.formatDouble(s).getBytes(StandardCharsets.US_ASCII));
            args.add(Arrays.copyOfRange(b, o, o + l));
            if (args.size() == 2 + 2 * 64) {
                out.accept(args.toArray(new byte[0][]));
                args.clear();
            }
        });
        if (!args.isEmpty()) {
            out.accept(args.toArray(new byte[0][]));
        }
    }
}
