package io.gearlog.engine.keyspace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Both sorted-set encodings must behave exactly like a plain sorted list of (score, member) plus a member → score
 * map: clients see ranks, ranges and scores, and a bug in rank bookkeeping (spans, node splits) only shows after
 * particular histories. Seeds are fixed so a failure reproduces; every message names the seed and step. A corrupted
 * structure can loop forever, hence the timeout in a separate thread (a spinning test thread ignores interrupts).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ZStoreModelTest {
    /** The large encoding under test: the only line to change when it is replaced. */
    static ZStore newLargeStore(int expected) {
        return new ZBTree(expected);
    }

    /** SCAN is not part of ZStore, so it needs the concrete large encoding: the only cast to change with it. */
    static long scanStep(ZStore s, long cursor, ZSetValue.ElementVisitor v) {
        return ((ZBTree) s).scan(cursor, v);
    }

    static ZStore newSmallStore() {
        return new ZListpack();
    }

    private static final long[] SEEDS = {1, 42, -7, 20_240_611};

    record El(byte[] m, double s) {
    }

    /** The stores' order: {@code <} and {@code ==} on scores (so -0.0 ties with 0.0), then unsigned member bytes. */
    static int compare(double as, byte[] am, double bs, byte[] bm) {
        if (as < bs) {
            return -1;
        }
        if (as > bs) {
            return 1;
        }
        return Arrays.compareUnsigned(am, bm);
    }

    static final Comparator<El> ORDER = (a, b) -> compare(a.s, a.m, b.s, b.m);

    static String key(byte[] m) {
        return new String(m, StandardCharsets.ISO_8859_1);
    }

    static String hex(byte[] m) {
        return m.length > 24 ? HexFormat.of().formatHex(m, 0, 24) + "..(" + m.length + " bytes)" : "'" + HexFormat.of().formatHex(m) + "'";
    }

    static String fmt(El e) {
        return "(" + e.s + ", " + hex(e.m) + ")";
    }

    /** Bit equality, so -0.0 and 0.0 differ and NaN equals NaN. */
    static boolean sameScore(double a, double b) {
        return Double.doubleToLongBits(a) == Double.doubleToLongBits(b);
    }

    record Pred(String name, ZSetValue.ElementTest t) {
        boolean test(El e) {
            return t.test(e.m, 0, e.m.length, e.s);
        }
    }

    /** (score, member) before the pivot in the order, or not after it when inclusive. */
    static Pred before(El p, boolean inclusive) {
        double ps = p.s;
        byte[] pm = p.m;
        return new Pred("(s,m)" + (inclusive ? "<=" : "<") + fmt(p), (b, o, l, s) -> {
            if (s != ps) {
                return s < ps;
            }
            int c = Arrays.compareUnsigned(b, o, o + l, pm, 0, pm.length);
            return inclusive ? c <= 0 : c < 0;
        });
    }

    static Pred not(Pred p, String name) {
        return new Pred(name, (b, o, l, s) -> !p.t.test(b, o, l, s));
    }

    static List<El> collect(ZStore s, int from, int to, boolean reverse) {
        List<El> out = new ArrayList<>(to - from + 1);
        s.visit(from, to, reverse, (b, o, l, sc) -> out.add(new El(Arrays.copyOfRange(b, o, o + l), sc)));
        return out;
    }

    static void assertElements(List<El> want, List<El> got, String where) {
        for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
            El w = want.get(i);
            El g = got.get(i);
            if (!Arrays.equals(w.m, g.m) || !sameScore(w.s, g.s)) {
                fail(where + ": element " + i + " of " + want.size() + " expected " + fmt(w) + " got " + fmt(g));
            }
        }
        assertEquals(want.size(), got.size(), where + ": element count");
    }

    /** Big-endian counter: its low byte crosses 0x80, so a signed member compare would misorder it. */
    static byte[] counter(int j) {
        return new byte[]{(byte) (j >>> 24), (byte) (j >>> 16), (byte) (j >>> 8), (byte) j};
    }

    /** A store taken by copy() (or the original, when the run continued on the copy) and what it must still hold. */
    record Frozen(ZStore store, List<El> els, Map<String, El> byMember, int step) {
    }

    /** The store under test, its model, and the random operations applied to both. */
    static final class Check {
        private static final byte[] ALPHABET = {0x00, 0x01, 'a', 'b', 0x7f, (byte) 0x80, (byte) 0xfe, (byte) 0xff};
        private static final double[] SPECIAL = {
                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -0.0, 0.0, 1, 2, 3, -1.5, 0.5,
                0x1p53, -0x1p53, 0x1p53 + 2, 0x1p63, -0x1p63, 1e300, -Double.MAX_VALUE, Double.MAX_VALUE,
                Double.MIN_VALUE, -Double.MIN_VALUE};

        final String name;
        final long seed;
        final SplittableRandom r;
        /** The listpack stores -0 as the integer 0 (as Redis 7's listpack does), the large encoding keeps it. */
        final boolean keepsNegativeZero;
        /** Members of 120+ bytes, which take two-byte length prefixes in the listpack. */
        final boolean longMembers;
        ZStore store;
        final ArrayList<El> list = new ArrayList<>();
        final HashMap<String, El> byMember = new HashMap<>();
        final List<Frozen> frozen = new ArrayList<>();
        int step;
        String op = "start";

        Check(String name, long seed, ZStore store, boolean keepsNegativeZero, boolean longMembers) {
            this.name = name;
            this.seed = seed;
            this.r = new SplittableRandom(seed);
            this.store = store;
            this.keepsNegativeZero = keepsNegativeZero;
            this.longMembers = longMembers;
        }

        String where() {
            return name + " seed=" + seed + " step=" + step + " op=" + op;
        }

        private void op(String s) {
            step++;
            op = s;
        }

        int size() {
            return list.size();
        }

        private double stored(double s) {
            return keepsNegativeZero || s != 0 ? s : 0.0;
        }

        private void modelAdd(byte[] m, double s) {
            El e = new El(m, s);
            int i = Collections.binarySearch(list, e, ORDER);
            assertTrue(i < 0, () -> where() + ": model already holds " + hex(m));
            list.add(-i - 1, e);
            byMember.put(key(m), e);
        }

        private El modelRemove(byte[] m) {
            El e = byMember.remove(key(m));
            if (e != null) {
                list.remove(Collections.binarySearch(list, e, ORDER));
            }
            return e;
        }

        // ---- random inputs ----

        byte[] randomMember() {
            int k = r.nextInt(16);
            if (k < 8) {
                // a tiny alphabet gives many members that are prefixes of each other, and bytes >= 0x80
                byte[] m = new byte[r.nextInt(8)];
                for (int i = 0; i < m.length; i++) {
                    m[i] = ALPHABET[r.nextInt(ALPHABET.length)];
                }
                return m;
            }
            if (k < 14) {
                return ("m" + r.nextInt(10_000_000)).getBytes(StandardCharsets.US_ASCII);
            }
            byte[] m = new byte[longMembers && r.nextBoolean() ? r.nextInt(120, 300) : r.nextInt(8, 24)];
            r.nextBytes(m);
            return m;
        }

        byte[] freshMember() {
            while (true) {
                byte[] m = randomMember();
                if (!byMember.containsKey(key(m))) {
                    return m;
                }
            }
        }

        double randomScore() {
            int k = r.nextInt(10);
            if (k < 2) {
                return SPECIAL[r.nextInt(SPECIAL.length)];
            }
            if (k < 5) {
                return r.nextInt(4);
            }
            if (k < 7) {
                return r.nextInt(-1000, 1000);
            }
            return r.nextDouble(-1e6, 1e6);
        }

        /** A member next to {@code m} in the order, or a prefix or extension of it. */
        byte[] tweak(byte[] m) {
            switch (r.nextInt(4)) {
                case 0 -> {
                    return m.length > 0 ? Arrays.copyOf(m, m.length - 1) : new byte[]{0};
                }
                case 1 -> {
                    byte[] t = Arrays.copyOf(m, m.length + 1);
                    t[m.length] = r.nextBoolean() ? 0 : (byte) 0xff;
                    return t;
                }
                default -> {
                    if (m.length == 0) {
                        return new byte[]{(byte) 0x80};
                    }
                    byte[] t = m.clone();
                    t[t.length - 1] += r.nextBoolean() ? 1 : -1;
                    return t;
                }
            }
        }

        El randomEl() {
            return list.get(r.nextInt(list.size()));
        }

        /** A pivot for predicates: often an element or its neighbour, so score ties land on both sides. */
        El pivot() {
            if (!list.isEmpty() && r.nextInt(4) != 0) {
                El e = randomEl();
                return r.nextBoolean() ? e : new El(tweak(e.m), e.s);
            }
            return new El(randomMember(), randomScore());
        }

        /** A condition holding for a prefix of the order. */
        Pred prefixPred() {
            El p = pivot();
            double x = p.s;
            return switch (r.nextInt(6)) {
                case 0 -> new Pred("score<" + x, (b, o, l, s) -> s < x);
                case 1 -> new Pred("score<=" + x, (b, o, l, s) -> s <= x);
                case 2 -> before(p, false);
                case 3 -> before(p, true);
                case 4 -> new Pred("true", (b, o, l, s) -> true);
                default -> new Pred("false", (b, o, l, s) -> false);
            };
        }

        /** A condition for run(): monotone in the direction of travel, or arbitrary (the run stops at its first miss). */
        Pred runPred(boolean reverse) {
            El p = pivot();
            double x = p.s;
            return switch (r.nextInt(6)) {
                case 0 -> reverse ? new Pred("score>=" + x, (b, o, l, s) -> s >= x)
                        : new Pred("score<=" + x, (b, o, l, s) -> s <= x);
                case 1 -> reverse ? new Pred("score>" + x, (b, o, l, s) -> s > x)
                        : new Pred("score<" + x, (b, o, l, s) -> s < x);
                case 2 -> reverse ? not(before(p, false), "(s,m)>=" + fmt(p)) : before(p, true);
                case 3 -> new Pred("true", (b, o, l, s) -> true);
                case 4 -> {
                    int len = r.nextInt(8);
                    yield new Pred("len!=" + len, (b, o, l, s) -> l != len);
                }
                default -> {
                    int len = r.nextInt(8);
                    yield new Pred("firstByte!=" + len, (b, o, l, s) -> l == 0 || (b[o] & 7) != len);
                }
            };
        }

        long randomMax(int n) {
            return switch (r.nextInt(6)) {
                case 0 -> 0;
                case 1 -> 1;
                case 2 -> n;
                case 3 -> Long.MAX_VALUE;
                default -> r.nextInt(1, 50);
            };
        }

        /** A valid rank range [from, to]: whole set, single element, first, last, prefix, suffix or random. */
        int[] randomRange() {
            int n = size();
            int a = r.nextInt(n);
            int b = r.nextInt(n);
            return switch (r.nextInt(8)) {
                case 0 -> new int[]{0, n - 1};
                case 1 -> new int[]{a, a};
                case 2 -> new int[]{0, 0};
                case 3 -> new int[]{n - 1, n - 1};
                case 4 -> new int[]{0, a};
                case 5 -> new int[]{a, n - 1};
                default -> new int[]{Math.min(a, b), Math.max(a, b)};
            };
        }

        // ---- operations on store and model ----

        void insert(byte[] m, double s) {
            op("insert " + hex(m) + " " + s);
            assertFalse(byMember.containsKey(key(m)), () -> where() + ": test bug, member present");
            store.insert(m, s);
            modelAdd(m, stored(s));
        }

        void update(byte[] m, double s) {
            El old = byMember.get(key(m));
            op("update " + hex(m) + " " + old.s + " -> " + s);
            // a copy: the store must find the member by content
            store.update(m.clone(), s);
            modelRemove(m);
            modelAdd(old.m, stored(s));
        }

        void remove(byte[] m) {
            boolean present = byMember.containsKey(key(m));
            op("remove " + hex(m) + (present ? "" : " (absent)"));
            assertEquals(present, store.remove(m.clone()), this::where);
            modelRemove(m);
        }

        void checkScore(byte[] m) {
            op("score " + hex(m));
            El e = byMember.get(key(m));
            double want = e == null ? Double.NaN : e.s;
            double got = store.score(m.clone());
            if (!sameScore(want, got)) {
                fail(where() + ": expected score " + want + " got " + got);
            }
        }

        void countPrefix(Pred p) {
            op("countPrefix/lastMatch " + p.name);
            int n = 0;
            while (n < list.size() && p.test(list.get(n))) {
                n++;
            }
            for (int i = n; i < list.size(); i++) {
                if (p.test(list.get(i))) {
                    fail(where() + ": test bug, predicate does not hold for a prefix");
                }
            }
            assertEquals(n, store.countPrefix(p.t), () -> where() + ": countPrefix");
            assertEquals(n - 1, store.lastMatch(p.t), () -> where() + ": lastMatch");
        }

        void run(int from, boolean reverse, long max, Pred p) {
            op("run from=" + from + (reverse ? " down" : " up") + " max=" + max + " " + p.name + " size=" + size());
            int n = 0;
            for (int i = from; i >= 0 && i < list.size() && n < max && p.test(list.get(i)); i += reverse ? -1 : 1) {
                n++;
            }
            assertEquals(n, store.run(from, reverse, max, p.t), this::where);
        }

        void visit(int from, int to, boolean reverse) {
            op("visit " + from + ".." + to + (reverse ? " reversed" : "") + " size=" + size());
            List<El> want = new ArrayList<>(list.subList(from, to + 1));
            if (reverse) {
                Collections.reverse(want);
            }
            assertElements(want, collect(store, from, to, reverse), where());
        }

        void removeRange(int from, int to) {
            op("removeRange " + from + ".." + to + " size=" + size());
            store.removeRange(from, to);
            List<El> gone = list.subList(from, to + 1);
            for (El e : gone) {
                byMember.remove(key(e.m));
            }
            gone.clear();
            assertEquals(list.size(), store.size(), this::where);
        }

        /** Copies the store; the run goes on with one of the two while the other must keep the copied content. */
        void copy(boolean continueOnCopy) {
            op("copy" + (continueOnCopy ? ", continuing on the copy" : ""));
            ZStore c = store.copy();
            Frozen f = new Frozen(continueOnCopy ? store : c, List.copyOf(list), new HashMap<>(byMember), step);
            if (continueOnCopy) {
                store = c;
            }
            if (frozen.size() == 3) {
                frozen.remove(0);
            }
            frozen.add(f);
            fullCheck();
        }

        void updateNear() {
            int n = size();
            int i = r.nextInt(n);
            El e = list.get(i);
            double lo = i > 0 ? list.get(i - 1).s : Double.NEGATIVE_INFINITY;
            double hi = i < n - 1 ? list.get(i + 1).s : Double.POSITIVE_INFINITY;
            double s = switch (r.nextInt(5)) {
                case 0 -> e.s;
                case 1 -> between(lo, e.s);
                case 2 -> between(e.s, hi);
                // equal to a neighbour's score: the member bytes decide the side
                case 3 -> r.nextBoolean() ? lo : hi;
                default -> r.nextBoolean() ? Math.nextUp(e.s) : Math.nextDown(e.s);
            };
            update(e.m, s);
        }

        private static double between(double a, double b) {
            return Double.isFinite(a) && Double.isFinite(b) ? a / 2 + b / 2 : b;
        }

        void updateFar() {
            El e = randomEl();
            double s = switch (r.nextInt(4)) {
                case 0 -> list.get(0).s;
                case 1 -> list.get(size() - 1).s;
                case 2 -> randomEl().s;
                default -> randomScore();
            };
            update(e.m, s);
        }

        void removeRandomRange(int maxLen) {
            int n = size();
            if (n <= maxLen && r.nextInt(8) == 0) {
                removeRange(0, n - 1);
                return;
            }
            int len = 1 + r.nextInt(Math.min(n, maxLen));
            int from = switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> n - len;
                default -> r.nextInt(n - len + 1);
            };
            removeRange(from, from + len - 1);
        }

        void randomQuery() {
            int n = size();
            switch (r.nextInt(n == 0 ? 2 : 6)) {
                case 0 -> countPrefix(prefixPred());
                case 1 -> checkScore(n > 0 && r.nextBoolean() ? tweak(randomEl().m) : freshMember());
                case 2 -> checkScore(randomEl().m);
                case 3 -> {
                    boolean rev = r.nextBoolean();
                    int from = r.nextInt(4) == 0 ? (rev ? n - 1 : 0) : r.nextInt(n);
                    run(from, rev, randomMax(n), runPred(rev));
                }
                case 4 -> {
                    int[] g = randomRange();
                    visit(g[0], g[1], r.nextBoolean());
                }
                default -> {
                    op("size");
                    assertEquals(n, store.size(), this::where);
                }
            }
        }

        /** One random operation; {@code pInsert} and {@code pRemove} (percent) steer the size. */
        void randomStep(int pInsert, int pRemove, int maxRange) {
            int n = size();
            int k = r.nextInt(100);
            if (k < pInsert) {
                // sometimes on an existing score, so the member bytes decide the place
                insert(freshMember(), n > 0 && r.nextInt(6) == 0 ? randomEl().s : randomScore());
                return;
            }
            if (n == 0) {
                if (r.nextBoolean()) {
                    remove(freshMember());
                } else {
                    randomQuery();
                }
                return;
            }
            if (k - pInsert < pRemove) {
                remove(randomEl().m);
                return;
            }
            switch (r.nextInt(20)) {
                case 0, 1, 2, 3 -> updateNear();
                case 4, 5, 6, 7 -> updateFar();
                case 8 -> remove(freshMember());
                case 9 -> removeRandomRange(maxRange);
                default -> randomQuery();
            }
        }

        void fullCheck() {
            op("full check");
            if (store instanceof ZBTree tree) {
                // counts, first elements, fill and leaf links: a wrong one may not show in any reply for a while
                assertDoesNotThrow(tree::checkStructure, this::where);
            }
            int n = size();
            assertEquals(n, store.size(), () -> where() + ": size");
            if (n > 0) {
                assertElements(list, collect(store, 0, n - 1, false), where() + " forward");
                List<El> rev = new ArrayList<>(list);
                Collections.reverse(rev);
                assertElements(rev, collect(store, 0, n - 1, true), where() + " reversed");
                checkScore(list.get(0).m);
                checkScore(list.get(n - 1).m);
                for (int i = 0; i < 24; i++) {
                    checkScore(randomEl().m);
                }
                checkScore(tweak(randomEl().m));
            }
            for (int i = 0; i < 4; i++) {
                checkScore(freshMember());
            }
            op("full check: countPrefix/lastMatch true/false");
            assertEquals(n, store.countPrefix((b, o, l, s) -> true), this::where);
            assertEquals(0, store.countPrefix((b, o, l, s) -> false), this::where);
            assertEquals(n - 1, store.lastMatch((b, o, l, s) -> true), this::where);
            assertEquals(-1, store.lastMatch((b, o, l, s) -> false), this::where);
            for (Frozen f : frozen) {
                verifyFrozen(f);
            }
        }

        private void verifyFrozen(Frozen f) {
            String w = where() + ", store frozen by the copy at step " + f.step;
            int n = f.els.size();
            assertEquals(n, f.store.size(), w);
            if (n > 0) {
                assertElements(f.els, collect(f.store, 0, n - 1, false), w);
                for (int i = 0; i < 8; i++) {
                    El e = f.els.get(r.nextInt(n));
                    assertTrue(sameScore(e.s, f.store.score(e.m.clone())), w + ": score of " + hex(e.m));
                }
            }
            for (int i = 0; i < 8 && !list.isEmpty(); i++) {
                // members the live store gained or changed since must not show in the frozen one
                El live = randomEl();
                El then = f.byMember.get(key(live.m));
                double got = f.store.score(live.m.clone());
                assertTrue(sameScore(then == null ? Double.NaN : then.s, got), w + ": score of " + hex(live.m) + " " + got);
            }
        }
    }

    // ---- random mixes ----

    /** Sizes swing between a few and ~250 elements (the listpack's working range), with copies on the way. */
    private static void smallSizes(Check c, int steps) {
        for (int i = 0; i < steps; i++) {
            boolean growing = (i / 1000) % 2 == 0;
            if (growing && c.size() >= 250) {
                growing = false;
            }
            c.randomStep(growing ? 50 : 10, growing ? 5 : 40, 40);
            if (i % 7 == 0) {
                c.fullCheck();
            }
            if (i % 700 == 350) {
                c.copy(c.r.nextBoolean());
            }
        }
        c.fullCheck();
    }

    @Test
    void listpackRandomOperations() {
        for (long seed : SEEDS) {
            smallSizes(new Check("listpack", seed, newSmallStore(), false, true), 5_000);
        }
    }

    @Test
    void largeStoreAtSmallSizes() {
        int[] expected = {0, 1, 300};
        for (int j = 0; j < SEEDS.length; j++) {
            smallSizes(new Check("large store, small sizes", SEEDS[j], newLargeStore(expected[j % 3]), true, true), 5_000);
        }
    }

    @Test
    void largeStoreRandomOperations() {
        int[] expected = {0, 16, 4096};
        for (int j = 0; j < SEEDS.length; j++) {
            Check c = new Check("large store random", SEEDS[j], newLargeStore(expected[j % 3]), true, false);
            for (int i = 0; i < 12_000; i++) {
                // alternate between growing to ~2000 and shrinking to ~200
                boolean growing = (i / 3000) % 2 == 0 ? c.size() < 2000 : c.size() < 200;
                c.randomStep(growing ? 50 : 10, growing ? 5 : 40, 16);
                if (i % 97 == 0) {
                    c.fullCheck();
                }
                if (i % 3001 == 1500) {
                    c.copy(c.r.nextBoolean());
                }
            }
            c.fullCheck();
        }
    }

    @Test
    void largeStoreGrowsShrinksToEmptyAndRegrows() {
        for (long seed : new long[]{3, 11}) {
            Check c = new Check("grow/shrink/regrow", seed, newLargeStore(0), true, false);
            int i = 0;
            while (c.size() < 20_000) {
                c.randomStep(85, 3, 20);
                if (++i % 2000 == 0) {
                    c.fullCheck();
                }
            }
            c.fullCheck();
            while (c.size() > 0) {
                c.randomStep(3, 85, 20);
                if (++i % 2000 == 0) {
                    c.fullCheck();
                }
            }
            c.fullCheck();
            while (c.size() < 5_000) {
                c.randomStep(85, 3, 20);
                if (++i % 1000 == 0) {
                    c.fullCheck();
                }
            }
            c.fullCheck();
        }
    }

    @Test
    void largeStoreSequentialInsertsAndPopsFromBothEnds() {
        // 0: ascending scores (appends); 1: descending scores (prepends); 2, 3: one score, members ascending/descending
        for (int pattern = 0; pattern < 4; pattern++) {
            Check c = new Check("sequential pattern " + pattern, pattern, newLargeStore(pattern * 1000), true, false);
            int n = 10_000;
            for (int i = 0; i < n; i++) {
                int j = pattern % 2 == 0 ? i : n - 1 - i;
                if (pattern < 2) {
                    c.insert(c.freshMember(), j * 0.5 - 1000);
                } else {
                    c.insert(counter(j), 7.0);
                }
                if (i % 1000 == 999) {
                    c.fullCheck();
                    for (int q = 0; q < 20; q++) {
                        c.randomQuery();
                    }
                }
            }
            c.fullCheck();
            for (int i = 0; i < 3000; i++) {
                int last = c.size() - 1;
                switch (i % 4) {
                    case 0 -> c.removeRange(0, 0);
                    case 1 -> c.removeRange(last, last);
                    case 2 -> c.remove(c.list.get(0).m);
                    default -> c.remove(c.list.get(last).m);
                }
                if (i % 10 == 0) {
                    c.randomQuery();
                }
                if (i % 500 == 0) {
                    c.fullCheck();
                }
            }
            c.fullCheck();
        }
    }

    @Test
    void largeStoreManyUpdatesOfExistingMembers() {
        for (long seed : new long[]{5, 77}) {
            Check c = new Check("ZADD updates", seed, newLargeStore(5000), true, false);
            List<byte[]> members = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                byte[] m = c.freshMember();
                c.insert(m, c.randomScore());
                members.add(m);
            }
            c.fullCheck();
            SplittableRandom r = c.r;
            for (int i = 0; i < 50_000; i++) {
                byte[] m = members.get(r.nextInt(members.size()));
                double cur = c.byMember.get(key(m)).s;
                switch (r.nextInt(10)) {
                    case 0, 1, 2, 3 -> c.update(m, c.randomScore());
                    case 4 -> c.update(m, r.nextBoolean() ? Math.nextUp(cur) : Math.nextDown(cur));
                    case 5 -> c.update(m, cur + r.nextDouble(-2, 2));
                    case 6 -> c.updateNear();
                    case 7 -> c.update(m, r.nextInt(3));
                    case 8 -> c.update(m, cur);
                    default -> c.randomQuery();
                }
                if (i % 2500 == 0) {
                    c.fullCheck();
                }
            }
            c.fullCheck();
        }
    }

    @Test
    void largeStoreRemoveRangeChunksUntilEmpty() {
        for (long seed : new long[]{9, 13}) {
            Check c = new Check("removeRange chunks", seed, newLargeStore(20_000), true, false);
            SplittableRandom r = c.r;
            while (c.size() < 20_000) {
                c.insert(c.freshMember(), c.randomScore());
            }
            c.fullCheck();
            for (int chunk = 1; c.size() > 0; chunk++) {
                int n = c.size();
                int len = Math.min(n, switch (r.nextInt(4)) {
                    case 0 -> 1;
                    case 1 -> r.nextInt(1, 20);
                    default -> r.nextInt(100, 700);
                });
                int from = switch (r.nextInt(3)) {
                    case 0 -> 0;
                    case 1 -> n - len;
                    default -> r.nextInt(n - len + 1);
                };
                c.removeRange(from, from + len - 1);
                if (chunk % 3 == 0) {
                    for (int k = r.nextInt(6); k > 0; k--) {
                        c.randomStep(70, 0, 1);
                    }
                }
                if (c.size() > 0) {
                    c.randomQuery();
                }
                if (chunk % 8 == 0) {
                    c.fullCheck();
                }
            }
            c.fullCheck();
            // a large set removed whole in one call must be reusable
            while (c.size() < 3000) {
                c.insert(c.freshMember(), c.randomScore());
            }
            c.removeRange(0, 2999);
            c.fullCheck();
            for (int i = 0; i < 300; i++) {
                c.randomStep(80, 5, 10);
            }
            c.fullCheck();
        }
    }

    @Test
    void copiesAreIndependent() {
        for (long seed : SEEDS) {
            for (boolean large : new boolean[]{true, false}) {
                Check c = large ? new Check("copy, large store", seed, newLargeStore(0), true, false)
                        : new Check("copy, listpack", seed, newSmallStore(), false, true);
                c.copy(false); // of the empty store
                int size = large ? 3000 : 150;
                while (c.size() < size) {
                    c.insert(c.freshMember(), c.randomScore());
                }
                for (boolean continueOnCopy : new boolean[]{false, true, true, false}) {
                    c.copy(continueOnCopy);
                    for (int i = 0; i < 400; i++) {
                        c.randomStep(30, 30, large ? 50 : 10);
                    }
                    c.fullCheck();
                }
            }
        }
    }

    @Test
    void tiesBreakOnUnsignedMemberBytes() {
        byte[][] members = {{}, {0}, {0, 0}, {1}, {'a'}, {'a', 0}, {'a', 'b'}, {'a', 'b', 'c'}, {'a', 0x7f},
                {'a', (byte) 0x80}, {0x7f}, {(byte) 0x80}, {(byte) 0x80, 0}, {(byte) 0xfe, (byte) 0xff}, {(byte) 0xff},
                {(byte) 0xff, (byte) 0xff}, {(byte) 0xff, (byte) 0xff, 0}};
        double[] scores = {-0.0, 0.0, 1, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (long seed : SEEDS) {
            for (boolean large : new boolean[]{true, false}) {
                Check c = large ? new Check("ties, large store", seed, newLargeStore(0), true, false)
                        : new Check("ties, listpack", seed, newSmallStore(), false, false);
                SplittableRandom r = c.r;
                List<byte[]> order = new ArrayList<>(Arrays.asList(members));
                Collections.shuffle(order, r);
                for (byte[] m : order) {
                    c.insert(m, 1.0);
                }
                c.fullCheck();
                for (int round = 0; round < 6; round++) {
                    for (El e : List.copyOf(c.list)) {
                        for (boolean incl : new boolean[]{false, true}) {
                            c.countPrefix(before(e, incl));
                            c.run(c.size() - 1, true, Long.MAX_VALUE, not(before(e, incl), "not " + (incl ? "<=" : "<") + fmt(e)));
                        }
                    }
                    for (byte[] m : order) {
                        // same-score moves and -0.0/0.0 swaps: only the member bytes may decide the order
                        double s = round % 2 == 0 ? scores[r.nextInt(scores.length)] : (r.nextBoolean() ? -0.0 : 0.0);
                        c.update(m, s);
                    }
                    c.fullCheck();
                    for (int q = 0; q < 20; q++) {
                        c.randomQuery();
                    }
                }
            }
        }
    }

    // ---- SCAN (large encoding only) ----

    /** Runs a full SCAN, calling {@code between} before each step; returns the members seen, checking each score. */
    private static Set<String> scanAll(Check c, Runnable between) {
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int calls = 0;
        do {
            between.run();
            long at = cursor;
            c.op = "scan cursor=" + at;
            cursor = scanStep(c.store, cursor, (b, o, l, s) -> {
                byte[] m = Arrays.copyOfRange(b, o, o + l);
                El e = c.byMember.get(key(m));
                assertNotNull(e, () -> c.where() + ": scan returned " + hex(m) + ", not in the set");
                assertTrue(sameScore(e.s, s), () -> c.where() + ": scan score of " + hex(m) + " " + s + ", expected " + e.s);
                seen.add(key(m));
            });
            assertTrue(++calls < 1 << 20, () -> c.where() + ": scan does not end");
        } while (cursor != 0);
        return seen;
    }

    @Test
    void scanReturnsEveryMember() {
        for (int n : new int[]{0, 1, 7, 100, 5000}) {
            for (int expected : new int[]{0, n}) {
                Check c = new Check("scan of " + n + ", expected " + expected, n, newLargeStore(expected), true, false);
                while (c.size() < n) {
                    c.insert(c.freshMember(), c.randomScore());
                }
                Set<String> seen = scanAll(c, () -> {
                });
                assertEquals(c.byMember.keySet(), seen, c.where());
            }
        }
    }

    /**
     * Members present for the whole scan must be returned even while the table grows and shrinks under it
     * (Redis' reverse-binary cursor guarantee); members added or removed meanwhile may or may not be.
     */
    @Test
    void scanReturnsMembersPresentThroughoutWhileTheSetChanges() {
        // 0: grows (table doubles several times); 1: shrinks (table halves); 2: grows then shrinks; 3: mixed
        for (int scenario = 0; scenario < 4; scenario++) {
            for (long seed : new long[]{2, 31}) {
                Check c = new Check("scan while changing, scenario " + scenario, seed, newLargeStore(0), true, false);
                SplittableRandom r = c.r;
                int initial = scenario == 1 ? 8000 : 1000;
                while (c.size() < initial) {
                    c.insert(c.freshMember(), c.randomScore());
                }
                Set<String> throughout = new HashSet<>(c.byMember.keySet());
                int[] calls = {0};
                int sc = scenario;
                Set<String> seen = scanAll(c, () -> {
                    int call = calls[0]++;
                    if (call == 0) {
                        return;
                    }
                    boolean grow = switch (sc) {
                        case 0 -> c.size() < 8000;
                        case 1 -> false;
                        case 2 -> call < 600 && c.size() < 8000;
                        default -> r.nextBoolean();
                    };
                    int ops = sc == 3 ? r.nextInt(3) : 6;
                    for (int k = 0; k < ops; k++) {
                        if (grow) {
                            c.insert(c.freshMember(), c.randomScore());
                        } else if (c.size() > 300 && r.nextInt(4) != 0) {
                            byte[] m = c.randomEl().m;
                            throughout.remove(key(m));
                            c.remove(m);
                        } else if (c.size() > 0) {
                            c.update(c.randomEl().m, c.randomScore());
                        }
                    }
                });
                for (String k : throughout) {
                    if (!seen.contains(k)) {
                        fail(c.where() + ": scan missed " + hex(k.getBytes(StandardCharsets.ISO_8859_1))
                                + ", present throughout (" + seen.size() + " seen, " + calls[0] + " calls)");
                    }
                }
                c.fullCheck();
            }
        }
    }
}
