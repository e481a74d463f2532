package io.gearlog.engine.keyspace;

import java.util.Arrays;

/**
 * The large encoding of sorted sets (OBJECT ENCODING still "skiplist", the name clients know): a B+tree ordered by
 * (score, member) whose inner nodes count the elements below each child, so ranks cost O(log n), plus a hash index
 * member → entry. Leaves keep scores and members in arrays, so a search reads a few contiguous arrays per level
 * instead of one object per hop as a skip list does. The index is an {@link EntryDict} (entries are their own chain
 * nodes; it gives Redis' reverse-binary SCAN cursor) placed by this class' own member hash. Owned by the engine
 * thread.
 */
final class ZBTree implements ZStore {
    private static final int LEAF_CAP = 64;
    private static final int INNER_CAP = 64;
    /** Below this a node borrows from or merges with a sibling. */
    private static final int LEAF_MIN = LEAF_CAP / 4;
    private static final int INNER_MIN = INNER_CAP / 4;
    /** Depth bound: INNER_MIN^15 exceeds any int count. */
    private static final int MAX_DEPTH = 16;

    /** A member in the hash index; the score is kept here and in its leaf. */
    static final class Entry extends EntryDict.Entry {
        final byte[] member;
        double score;

        Entry(byte[] member, int hash, double score) {
            super(hash);
            this.member = member;
            this.score = score;
        }

        @Override
        boolean keyEquals(byte[] k, int off, int len) {
            return Arrays.equals(member, 0, member.length, k, off, off + len);
        }

        @Override
        int firstKeyByte() {
            return BatchTouch.firstByte(member);
        }
    }

    private static final class Leaf {
        final double[] scores = new double[LEAF_CAP];
        final byte[][] members = new byte[LEAF_CAP][];
        int n;
        Leaf prev;
        Leaf next;
    }

    /** Child i holds counts[i] elements, the first of which is (minScore[i], minMember[i]). */
    private static final class Inner {
        final Object[] kids = new Object[INNER_CAP];
        final int[] counts = new int[INNER_CAP];
        final double[] minScore = new double[INNER_CAP];
        final byte[][] minMember = new byte[INNER_CAP][];
        int n;

        int total() {
            int t = 0;
            for (int i = 0; i < n; i++) {
                t += counts[i];
            }
            return t;
        }
    }

    private Object root = new Leaf();
    /** Inner levels above the leaves. */
    private int height;
    private int length;
    private final EntryDict<Entry> index;
    /** The inner nodes and child indexes of the last descent, root first; valid until the tree changes shape. */
    private final Inner[] pathNode = new Inner[MAX_DEPTH];
    private final int[] pathIdx = new int[MAX_DEPTH];
    /** The position inside the leaf of the last {@link #descendToRank}. */
    private int rankPos;

    ZBTree(int expected) {
        index = new EntryDict<>(expected);
    }

    // ---- order ----

    /**
     * (s1, m1) < (s2, m2): score first (-0.0 equals 0.0), then member bytes unsigned. Leaves, separators and the
     * index share member arrays, so a search for a stored element meets itself by reference and reads no bytes.
     */
    private static boolean less(double s1, byte[] m1, double s2, byte[] m2) {
        return s1 < s2 || (s1 == s2 && m1 != m2 && Arrays.compareUnsigned(m1, m2) < 0);
    }

    /** First position whose element is not less than (s, m). */
    private static int lowerBound(Leaf leaf, double s, byte[] m) {
        int lo = 0;
        int hi = leaf.n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (less(leaf.scores[mid], leaf.members[mid], s, m)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The last child whose first element is not greater than (s, m), or 0. */
    private static int route(Inner in, double s, byte[] m) {
        int lo = 1;
        int hi = in.n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (less(s, m, in.minScore[mid], in.minMember[mid])) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo - 1;
    }

    private Leaf descend(double s, byte[] m) {
        Object x = root;
        for (int d = 0; d < height; d++) {
            Inner in = (Inner) x;
            int i = route(in, s, m);
            pathNode[d] = in;
            pathIdx[d] = i;
            x = in.kids[i];
        }
        return (Leaf) x;
    }

    /** The leaf holding 0-based rank {@code rank} (valid); the position inside it is left in {@link #rankPos}. */
    private Leaf descendToRank(int rank) {
        Object x = root;
        for (int d = 0; d < height; d++) {
            Inner in = (Inner) x;
            int i = 0;
            while (rank >= in.counts[i]) {
                rank -= in.counts[i];
                i++;
            }
            pathNode[d] = in;
            pathIdx[d] = i;
            x = in.kids[i];
        }
        rankPos = rank;
        return (Leaf) x;
    }


    private void addToPathCounts(int delta) {
        for (int d = 0; d < height; d++) {
            pathNode[d].counts[pathIdx[d]] += delta;
        }
    }

    /** The first element of the child at path depth {@code d} changed: record it there and in the ancestors. */
    private void setPathMin(int d, double s, byte[] m) {
        for (int e = d; e >= 0; e--) {
            pathNode[e].minScore[pathIdx[e]] = s;
            pathNode[e].minMember[pathIdx[e]] = m;
            if (pathIdx[e] != 0) {
                return;
            }
        }
    }

    // ---- tree insert ----

    private void treeInsert(double s, byte[] m) {
        Leaf leaf = descend(s, m);
        int pos = lowerBound(leaf, s, m);
        addToPathCounts(1);
        length++;
        if (leaf.n < LEAF_CAP) {
            leafInsert(leaf, pos, s, m);
            if (pos == 0) {
                setPathMin(height - 1, s, m);
            }
            return;
        }
        // Loads in order (snapshots, copies, conversions) fill leaves: at either end of the set a full leaf gives the
        // new element a leaf of its own instead of splitting in half.
        int split = pos == LEAF_CAP && leaf.next == null ? LEAF_CAP : pos == 0 && leaf.prev == null ? 0 : LEAF_CAP / 2;
        Leaf right = new Leaf();
        int moved = LEAF_CAP - split;
        move(leaf, split, right, 0, moved);
        Arrays.fill(leaf.members, split, LEAF_CAP, null);
        leaf.n = split;
        right.n = moved;
        right.prev = leaf;
        right.next = leaf.next;
        if (leaf.next != null) {
            leaf.next.prev = right;
        }
        leaf.next = right;
        if (split == 0 || (pos <= split && split < LEAF_CAP)) {
            leafInsert(leaf, pos, s, m);
            if (pos == 0) {
                setPathMin(height - 1, s, m);
            }
        } else {
            leafInsert(right, pos - split, s, m);
        }
        addChild(height - 1, right, right.n, right.scores[0], right.members[0], leaf, leaf.n);
    }

    private static void leafInsert(Leaf leaf, int pos, double s, byte[] m) {
        int tail = leaf.n - pos;
        move(leaf, pos, leaf, pos + 1, tail);
        leaf.scores[pos] = s;
        leaf.members[pos] = m;
        leaf.n++;
    }

    /**
     * Puts {@code child} right after the path's child at depth {@code d} (or makes a new root above {@code left}
     * when d is -1), with {@code leftCount} the new count of that left neighbour.
     */
    private void addChild(int d, Object child, int count, double s, byte[] m, Object left, int leftCount) {
        if (d < 0) {
            Inner r = new Inner();
            r.kids[0] = left;
            r.counts[0] = leftCount;
            r.minScore[0] = minScoreOf(left);
            r.minMember[0] = minMemberOf(left);
            r.kids[1] = child;
            r.counts[1] = count;
            r.minScore[1] = s;
            r.minMember[1] = m;
            r.n = 2;
            root = r;
            height++;
            return;
        }
        Inner p = pathNode[d];
        int at = pathIdx[d] + 1;
        p.counts[at - 1] = leftCount;
        if (p.n < INNER_CAP) {
            innerInsert(p, at, child, count, s, m);
            return;
        }
        Inner r = new Inner();
        int split = INNER_CAP / 2;
        int moved = INNER_CAP - split;
        move(p, split, r, 0, moved);
        Arrays.fill(p.kids, split, INNER_CAP, null);
        Arrays.fill(p.minMember, split, INNER_CAP, null);
        p.n = split;
        r.n = moved;
        if (at <= split) {
            innerInsert(p, at, child, count, s, m);
        } else {
            innerInsert(r, at - split, child, count, s, m);
        }
        addChild(d - 1, r, r.total(), r.minScore[0], r.minMember[0], p, p.total());
    }

    private static void innerInsert(Inner p, int at, Object child, int count, double s, byte[] m) {
        int tail = p.n - at;
        move(p, at, p, at + 1, tail);
        p.kids[at] = child;
        p.counts[at] = count;
        p.minScore[at] = s;
        p.minMember[at] = m;
        p.n++;
    }

    /** Copies {@code n} elements of leaf {@code a} from {@code from} to leaf {@code b} at {@code to} (a may be b). */
    private static void move(Leaf a, int from, Leaf b, int to, int n) {
        System.arraycopy(a.scores, from, b.scores, to, n);
        System.arraycopy(a.members, from, b.members, to, n);
    }

    /** The same for {@code n} children with their counts and first elements. */
    private static void move(Inner a, int from, Inner b, int to, int n) {
        System.arraycopy(a.kids, from, b.kids, to, n);
        System.arraycopy(a.counts, from, b.counts, to, n);
        System.arraycopy(a.minScore, from, b.minScore, to, n);
        System.arraycopy(a.minMember, from, b.minMember, to, n);
    }

    private static double minScoreOf(Object node) {
        return node instanceof Leaf l ? l.scores[0] : ((Inner) node).minScore[0];
    }

    private static byte[] minMemberOf(Object node) {
        return node instanceof Leaf l ? l.members[0] : ((Inner) node).minMember[0];
    }

    // ---- tree delete ----

    /** Removes {@code count} elements from position {@code pos} of the path's leaf, then rebalances. */
    private void leafRemove(Leaf leaf, int pos, int count) {
        int tail = leaf.n - pos - count;
        move(leaf, pos + count, leaf, pos, tail);
        Arrays.fill(leaf.members, leaf.n - count, leaf.n, null);
        leaf.n -= count;
        addToPathCounts(-count);
        length -= count;
        if (pos == 0 && leaf.n > 0) {
            setPathMin(height - 1, leaf.scores[0], leaf.members[0]);
        }
        if (leaf.n < LEAF_MIN && height > 0) {
            rebalanceLeaf(height - 1);
        }
    }

    /** The path's leaf under pathNode[d] is short: merge it with a sibling or take elements from one. */
    private void rebalanceLeaf(int d) {
        Inner p = pathNode[d];
        int j = pathIdx[d] + 1 < p.n ? pathIdx[d] : pathIdx[d] - 1;
        Leaf l = (Leaf) p.kids[j];
        Leaf r = (Leaf) p.kids[j + 1];
        int total = l.n + r.n;
        // only the path's leaf can be empty; when it is l, its first element is about to change
        boolean newFirst = l.n == 0;
        if (total <= LEAF_CAP) {
            move(r, 0, l, l.n, r.n);
            l.n = total;
            l.next = r.next;
            if (r.next != null) {
                r.next.prev = l;
            }
            p.counts[j] = total;
            if (newFirst) {
                setPathMin(d, l.scores[0], l.members[0]);
            }
            removeChild(d, j + 1);
            return;
        }
        int want = total / 2;
        if (l.n < want) {
            int k = want - l.n;
            move(r, 0, l, l.n, k);
            move(r, k, r, 0, r.n - k);
            Arrays.fill(r.members, r.n - k, r.n, null);
            l.n += k;
            r.n -= k;
        } else {
            int k = l.n - want;
            move(r, 0, r, k, r.n);
            move(l, want, r, 0, k);
            Arrays.fill(l.members, want, l.n, null);
            l.n = want;
            r.n += k;
        }
        p.counts[j] = l.n;
        p.counts[j + 1] = r.n;
        p.minScore[j + 1] = r.scores[0];
        p.minMember[j + 1] = r.members[0];
        if (newFirst) {
            setPathMin(d, l.scores[0], l.members[0]);
        }
    }

    /** Drops child {@code at} of pathNode[d] (already emptied into its left neighbour), then rebalances upwards. */
    private void removeChild(int d, int at) {
        Inner p = pathNode[d];
        int tail = p.n - at - 1;
        move(p, at + 1, p, at, tail);
        p.n--;
        p.kids[p.n] = null;
        p.minMember[p.n] = null;
        if (d == 0) {
            if (p.n == 1) {
                root = p.kids[0];
                height--;
            }
        } else if (p.n < INNER_MIN) {
            rebalanceInner(d - 1);
        }
    }

    /** The path's inner child under pathNode[d] is short: merge it with a sibling or take children from one. */
    private void rebalanceInner(int d) {
        Inner p = pathNode[d];
        int j = pathIdx[d] + 1 < p.n ? pathIdx[d] : pathIdx[d] - 1;
        Inner l = (Inner) p.kids[j];
        Inner r = (Inner) p.kids[j + 1];
        int total = l.n + r.n;
        if (total <= INNER_CAP) {
            move(r, 0, l, l.n, r.n);
            l.n = total;
            p.counts[j] = l.total();
            removeChild(d, j + 1);
        } else {
            int want = total / 2;
            if (l.n < want) {
                int k = want - l.n;
                move(r, 0, l, l.n, k);
                int rest = r.n - k;
                move(r, k, r, 0, rest);
                Arrays.fill(r.kids, rest, r.n, null);
                Arrays.fill(r.minMember, rest, r.n, null);
                l.n += k;
                r.n = rest;
            } else {
                int k = l.n - want;
                move(r, 0, r, k, r.n);
                move(l, want, r, 0, k);
                Arrays.fill(l.kids, want, l.n, null);
                Arrays.fill(l.minMember, want, l.n, null);
                l.n = want;
                r.n += k;
            }
            p.counts[j] = l.total();
            p.counts[j + 1] = r.total();
            p.minScore[j + 1] = r.minScore[0];
            p.minMember[j + 1] = r.minMember[0];
        }
    }

    // ---- hash index ----

    private static int hash(byte[] m) {
        int h = Arrays.hashCode(m);
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    @Override
    public Object bucketOf(byte[] m) {
        return index.bucketHead(hash(m));
    }

    /** Walks the chain itself: EntryDict.get's keyEquals call serves every entry type, so it is not inlined. */
    private Entry find(byte[] m) {
        int h = hash(m);
        for (EntryDict.Entry e = index.bucketHead(h); e != null; e = e.next) {
            if (e.hash == h && Arrays.equals(((Entry) e).member, m)) {
                return (Entry) e;
            }
        }
        return null;
    }

    /** Visits the bucket at {@code cursor} and returns the next cursor, 0 when done (as Dict.scan). */
    long scan(long cursor, ZSetValue.ElementVisitor v) {
        return index.scan(cursor, e -> v.visit(e.member, 0, e.member.length, e.score));
    }

    // ---- ZStore ----

    @Override
    public int size() {
        return length;
    }

    @Override
    public double score(byte[] member) {
        Entry e = find(member);
        return e == null ? Double.NaN : e.score;
    }

    @Override
    public void insert(byte[] member, double score) {
        treeInsert(score, member);
        index.add(new Entry(member, hash(member), score));
    }

    @Override
    public void update(byte[] member, double newScore) {
        Entry e = find(member);
        byte[] m = e.member;
        Leaf leaf = descend(e.score, m);
        int pos = lowerBound(leaf, e.score, m);
        e.score = newScore;
        // inside its leaf and still between its neighbours: the order, counts and first elements stay as they are
        if (pos > 0 && pos < leaf.n - 1 && less(leaf.scores[pos - 1], leaf.members[pos - 1], newScore, m)
                && less(newScore, m, leaf.scores[pos + 1], leaf.members[pos + 1])) {
            leaf.scores[pos] = newScore;
            return;
        }
        leafRemove(leaf, pos, 1);
        treeInsert(newScore, m);
    }

    @Override
    public boolean remove(byte[] member) {
        Entry e = find(member);
        if (e == null) {
            return false;
        }
        Leaf leaf = descend(e.score, e.member);
        leafRemove(leaf, lowerBound(leaf, e.score, e.member), 1);
        index.remove(e.member, e.hash);
        return true;
    }

    @Override
    public int countPrefix(ZSetValue.ElementTest p) {
        Object x = root;
        int r = 0;
        for (int d = 0; d < height; d++) {
            Inner in = (Inner) x;
            // children 1..i-1 start with a matching element, so everything before child i matches
            int lo = 1;
            int hi = in.n;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                byte[] mm = in.minMember[mid];
                if (p.test(mm, 0, mm.length, in.minScore[mid])) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            int i = lo - 1;
            for (int k = 0; k < i; k++) {
                r += in.counts[k];
            }
            x = in.kids[i];
        }
        Leaf leaf = (Leaf) x;
        int lo = 0;
        int hi = leaf.n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            byte[] mm = leaf.members[mid];
            if (p.test(mm, 0, mm.length, leaf.scores[mid])) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return r + lo;
    }

    @Override
    public int lastMatch(ZSetValue.ElementTest p) {
        return countPrefix(p) - 1;
    }

    @Override
    public int run(int from, boolean reverse, long max, ZSetValue.ElementTest p) {
        Leaf leaf = descendToRank(from);
        int pos = rankPos;
        int n = 0;
        while (leaf != null && n < max) {
            byte[] m = leaf.members[pos];
            if (!p.test(m, 0, m.length, leaf.scores[pos])) {
                break;
            }
            n++;
            if (reverse) {
                if (--pos < 0) {
                    leaf = leaf.prev;
                    pos = leaf == null ? 0 : leaf.n - 1;
                }
            } else if (++pos == leaf.n) {
                leaf = leaf.next;
                pos = 0;
            }
        }
        return n;
    }

    @Override
    public void visit(int from, int to, boolean reverse, ZSetValue.ElementVisitor v) {
        if (reverse) {
            Leaf leaf = descendToRank(to);
            int pos = rankPos;
            for (int r = to; r >= from; r--) {
                byte[] m = leaf.members[pos];
                v.visit(m, 0, m.length, leaf.scores[pos]);
                if (--pos < 0 && r > from) {
                    leaf = leaf.prev;
                    pos = leaf.n - 1;
                }
            }
        } else {
            Leaf leaf = descendToRank(from);
            int pos = rankPos;
            for (int r = from; r <= to; r++) {
                byte[] m = leaf.members[pos];
                v.visit(m, 0, m.length, leaf.scores[pos]);
                if (++pos == leaf.n && r < to) {
                    leaf = leaf.next;
                    pos = 0;
                }
            }
        }
    }

    @Override
    public void removeRange(int from, int to) {
        int left = to - from + 1;
        while (left > 0) {
            Leaf leaf = descendToRank(from);
            int pos = rankPos;
            int k = Math.min(left, leaf.n - pos);
            for (int i = pos; i < pos + k; i++) {
                byte[] m = leaf.members[i];
                index.remove(m, hash(m));
            }
            leafRemove(leaf, pos, k);
            left -= k;
        }
    }

    @Override
    public ZStore copy() {
        ZBTree c = new ZBTree(length);
        Object x = root;
        while (x instanceof Inner in) {
            x = in.kids[0];
        }
        for (Leaf leaf = (Leaf) x; leaf != null; leaf = leaf.next) {
            for (int i = 0; i < leaf.n; i++) {
                c.insert(leaf.members[i], leaf.scores[i]);
            }
        }
        return c;
    }

    /** Checks counts, first elements, order, fill and leaf links; for tests. */
    void checkStructure() {
        Leaf[] prev = new Leaf[1];
        int n = checkNode(root, 0, prev);
        if (n != length || (prev[0] != null && prev[0].next != null)) {
            throw new IllegalStateException("length " + length + ", counted " + n);
        }
        int[] hashed = {0};
        index.forEach(e -> hashed[0]++);
        if (hashed[0] != length) {
            throw new IllegalStateException("index holds " + hashed[0] + " of " + length);
        }
    }

    private int checkNode(Object x, int depth, Leaf[] prev) {
        if (x instanceof Leaf leaf) {
            if (depth != height || leaf.prev != prev[0] || (prev[0] != null && prev[0].next != leaf)) {
                throw new IllegalStateException("leaf at depth " + depth + " of " + height + " or links broken");
            }
            if (depth > 0 && leaf.n == 0) {
                throw new IllegalStateException("empty leaf");
            }
            for (int i = 0; i < leaf.n; i++) {
                if (i > 0 && !less(leaf.scores[i - 1], leaf.members[i - 1], leaf.scores[i], leaf.members[i])) {
                    throw new IllegalStateException("leaf out of order at " + i);
                }
                if (prev[0] != null && i == 0 && prev[0].n > 0 && !less(prev[0].scores[prev[0].n - 1],
                        prev[0].members[prev[0].n - 1], leaf.scores[0], leaf.members[0])) {
                    throw new IllegalStateException("leaves out of order");
                }
                if (score(leaf.members[i]) != leaf.scores[i]) {
                    throw new IllegalStateException("index score differs");
                }
            }
            prev[0] = leaf;
            return leaf.n;
        }
        Inner in = (Inner) x;
        if (in.n < (depth == 0 ? 2 : INNER_MIN)) {
            throw new IllegalStateException("inner node with " + in.n + " children at depth " + depth);
        }
        int t = 0;
        for (int i = 0; i < in.n; i++) {
            int c = checkNode(in.kids[i], depth + 1, prev);
            if (c != in.counts[i] || in.minScore[i] != minScoreOf(in.kids[i])
                    || in.minMember[i] != minMemberOf(in.kids[i])) {
                throw new IllegalStateException("child " + i + " at depth " + depth + " misdescribed");
            }
            t += c;
        }
        return t;
    }
}
