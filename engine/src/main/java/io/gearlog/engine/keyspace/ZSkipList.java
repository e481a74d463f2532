package io.gearlog.engine.keyspace;

import java.util.Arrays;

/**
 * The large encoding of sorted sets (OBJECT ENCODING "skiplist"): a skip list ordered by (score, member) whose
 * links above level 0 carry spans, so ranks cost O(log n), plus a hash index member → node. The index is
 * intrusive (nodes chain through {@code hnext}) and only level 0 is stored inline, which keeps the per-element
 * cost near one small object and the member bytes. The index supports Redis' reverse-binary SCAN cursor.
 * Node levels come from a deterministic generator: they shape only performance, never what clients see.
 * Owned by the engine thread.
 */
final class ZSkipList implements ZStore {
    private static final int MAX_LEVEL = 32;
    private static final int MIN_TABLE = 4;

    static class Node {
        final byte[] member;
        final int hash;
        double score;
        Node back;
        /** Forward link at level 0 (its span is always 1). */
        Node next;
        Node hnext;

        Node(byte[] member, int hash, double score) {
            this.member = member;
            this.hash = hash;
            this.score = score;
        }
    }

    /**
     * A node with levels above 0. Levels 1 to 3 live in fields of the node itself, so a hop at those levels reads
     * no second object (a node is taller than 4 with probability 1/256); higher levels go to arrays.
     */
    static final class Tall extends Node {
        /** How many levels above 0 this node has. */
        final int extra;
        Node up1;
        Node up2;
        Node up3;
        int span1;
        int span2;
        int span3;
        /** Levels 4 and above (index level - 4), or null. */
        final Node[] upHigh;
        final int[] spanHigh;

        Tall(byte[] member, int hash, double score, int extraLevels) {
            super(member, hash, score);
            extra = extraLevels;
            upHigh = extraLevels > 3 ? new Node[extraLevels - 3] : null;
            spanHigh = extraLevels > 3 ? new int[extraLevels - 3] : null;
        }

        void clearLinks() {
            up1 = null;
            up2 = null;
            up3 = null;
            if (upHigh != null) {
                Arrays.fill(upHigh, null);
            }
        }
    }

    private final Tall head = new Tall(null, 0, 0, MAX_LEVEL - 1);
    private Node tail;
    private int level = 1;
    private int length;
    private Node[] table;
    private long levelState;
    /** Search scratch, allocated at the first write (a loaded snapshot may never need it). */
    private Node[] scratchUpdate;
    private int[] scratchRanks;

    ZSkipList(int expected) {
        int n = MIN_TABLE;
        while (n < expected) {
            n <<= 1;
        }
        table = new Node[n];
    }

    // ---- level helpers ----

    private static Node fwd(Node x, int i) {
        if (i == 0) {
            return x.next;
        }
        Tall t = (Tall) x;
        return switch (i) {
            case 1 -> t.up1;
            case 2 -> t.up2;
            case 3 -> t.up3;
            default -> t.upHigh[i - 4];
        };
    }

    private static void setFwd(Node x, int i, Node n) {
        if (i == 0) {
            x.next = n;
            return;
        }
        Tall t = (Tall) x;
        switch (i) {
            case 1 -> t.up1 = n;
            case 2 -> t.up2 = n;
            case 3 -> t.up3 = n;
            default -> t.upHigh[i - 4] = n;
        }
    }

    private static int span(Node x, int i) {
        if (i == 0) {
            return 1;
        }
        Tall t = (Tall) x;
        return switch (i) {
            case 1 -> t.span1;
            case 2 -> t.span2;
            case 3 -> t.span3;
            default -> t.spanHigh[i - 4];
        };
    }

    private static void setSpan(Node x, int i, int s) {
        if (i == 0) {
            return;
        }
        Tall t = (Tall) x;
        switch (i) {
            case 1 -> t.span1 = s;
            case 2 -> t.span2 = s;
            case 3 -> t.span3 = s;
            default -> t.spanHigh[i - 4] = s;
        }
    }

    private static int levelOf(Node x) {
        return x instanceof Tall t ? t.extra + 1 : 1;
    }

    /** Level with P(level > k) = 4^-k, from a splitmix64 sequence. */
    private int randomLevel() {
        long z = (levelState += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return Math.min(MAX_LEVEL, 1 + Long.numberOfTrailingZeros(z | (1L << 62)) / 2);
    }

    private static boolean less(Node f, double score, byte[] member) {
        return f.score < score || (f.score == score && Arrays.compareUnsigned(f.member, member) < 0);
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
        return table[hash(m) & (table.length - 1)];
    }

    private Node find(byte[] m) {
        int h = hash(m);
        for (Node n = table[h & (table.length - 1)]; n != null; n = n.hnext) {
            if (n.hash == h && Arrays.equals(n.member, m)) {
                return n;
            }
        }
        return null;
    }

    private void hashAdd(Node n) {
        int i = n.hash & (table.length - 1);
        n.hnext = table[i];
        table[i] = n;
        if (length > table.length) {
            resize(table.length << 1);
        }
    }

    private void hashRemove(Node x) {
        int i = x.hash & (table.length - 1);
        Node prev = null;
        for (Node n = table[i]; n != null; prev = n, n = n.hnext) {
            if (n == x) {
                if (prev == null) {
                    table[i] = n.hnext;
                } else {
                    prev.hnext = n.hnext;
                }
                n.hnext = null;
                break;
            }
        }
        if (table.length > MIN_TABLE && length < table.length / 8) {
            int target = MIN_TABLE;
            while (target < length * 2) {
                target <<= 1;
            }
            resize(target);
        }
    }

    private void resize(int size) {
        Node[] t = new Node[size];
        int mask = size - 1;
        for (Node head : table) {
            Node n = head;
            while (n != null) {
                Node next = n.hnext;
                int i = n.hash & mask;
                n.hnext = t[i];
                t[i] = n;
                n = next;
            }
        }
        table = t;
    }

    /** Visits the bucket at {@code cursor} and returns the next cursor, 0 when done (as Dict.scan). */
    long scan(long cursor, ZSetValue.ElementVisitor v) {
        if (length == 0) {
            return 0;
        }
        long mask = table.length - 1;
        for (Node n = table[(int) (cursor & mask)]; n != null; n = n.hnext) {
            v.visit(n.member, 0, n.member.length, n.score);
        }
        cursor |= ~mask;
        cursor = Long.reverse(cursor);
        cursor++;
        return Long.reverse(cursor);
    }

    // ---- skip list ----

    @Override
    public int size() {
        return length;
    }

    @Override
    public double score(byte[] member) {
        Node n = find(member);
        return n == null ? Double.NaN : n.score;
    }

    @Override
    public void insert(byte[] member, double score) {
        int lvl = randomLevel();
        Node n = lvl == 1 ? new Node(member, hash(member), score) : new Tall(member, hash(member), score, lvl - 1);
        link(n);
        hashAdd(n);
    }

    /** Links a node (with its own level) at the place its score and member give it. */
    private void link(Node n) {
        Node[] update = scratchNodes();
        int[] rank = scratchRanks == null ? (scratchRanks = new int[MAX_LEVEL]) : scratchRanks;
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            Node f;
            while ((f = fwd(x, i)) != null && less(f, n.score, n.member)) {
                rank[i] += span(x, i);
                x = f;
            }
            update[i] = x;
        }
        int lvl = levelOf(n);
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = head;
                setSpan(head, i, length);
            }
            level = lvl;
        }
        for (int i = 0; i < lvl; i++) {
            setFwd(n, i, fwd(update[i], i));
            setFwd(update[i], i, n);
            if (i > 0) {
                // spans are kept exact only where the forward link is non-null; the others are never read
                setSpan(n, i, span(update[i], i) - (rank[0] - rank[i]));
                setSpan(update[i], i, rank[0] - rank[i] + 1);
            }
        }
        for (int i = lvl; i < level; i++) {
            setSpan(update[i], i, span(update[i], i) + 1);
        }
        n.back = update[0] == head ? null : update[0];
        if (n.next != null) {
            n.next.back = n;
        } else {
            tail = n;
        }
        length++;
    }

    /**
     * The update vector of a search, reused: no caller holds one across another search (update() hands the one
     * of its unlink to link only after unlink is done with it).
     */
    private Node[] scratchNodes() {
        return scratchUpdate == null ? (scratchUpdate = new Node[MAX_LEVEL]) : scratchUpdate;
    }

    private Node[] updateVector(double score, byte[] member) {
        Node[] update = scratchNodes();
        Node x = head;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = fwd(x, i)) != null && less(f, score, member)) {
                x = f;
            }
            update[i] = x;
        }
        return update;
    }

    private void unlink(Node x, Node[] update) {
        for (int i = 0; i < level; i++) {
            if (fwd(update[i], i) == x) {
                setSpan(update[i], i, span(update[i], i) + span(x, i) - 1);
                setFwd(update[i], i, fwd(x, i));
            } else {
                setSpan(update[i], i, span(update[i], i) - 1);
            }
        }
        if (x.next != null) {
            x.next.back = x.back;
        } else {
            tail = x.back;
        }
        while (level > 1 && fwd(head, level - 1) == null) {
            level--;
        }
        length--;
    }

    @Override
    public void update(byte[] member, double newScore) {
        Node n = find(member);
        if ((n.back == null || n.back.score < newScore) && (n.next == null || n.next.score > newScore)) {
            n.score = newScore;
            return;
        }
        unlink(n, updateVector(n.score, n.member));
        n.score = newScore;
        n.back = null;
        n.next = null;
        if (n instanceof Tall t) {
            t.clearLinks();
        }
        link(n);
    }

    @Override
    public boolean remove(byte[] member) {
        Node n = find(member);
        if (n == null) {
            return false;
        }
        unlink(n, updateVector(n.score, n.member));
        hashRemove(n);
        return true;
    }

    /** The node at 1-based rank {@code rank}. */
    private Node byRank(int rank) {
        Node x = head;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = fwd(x, i)) != null && traversed + span(x, i) <= rank) {
                traversed += span(x, i);
                x = f;
            }
            if (traversed == rank) {
                return x;
            }
        }
        throw new IllegalStateException("rank " + rank + " outside 1.." + length);
    }

    @Override
    public int countPrefix(ZSetValue.ElementTest p) {
        Node x = head;
        int r = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = fwd(x, i)) != null && p.test(f.member, 0, f.member.length, f.score)) {
                r += span(x, i);
                x = f;
            }
        }
        return r;
    }

    @Override
    public int lastMatch(ZSetValue.ElementTest p) {
        return countPrefix(p) - 1;
    }

    @Override
    public int run(int from, boolean reverse, long max, ZSetValue.ElementTest p) {
        int n = 0;
        for (Node x = byRank(from + 1); x != null && n < max && p.test(x.member, 0, x.member.length, x.score);
             x = reverse ? x.back : x.next) {
            n++;
        }
        return n;
    }

    @Override
    public void visit(int from, int to, boolean reverse, ZSetValue.ElementVisitor v) {
        if (reverse) {
            Node x = byRank(to + 1);
            for (int r = to; r >= from; r--) {
                v.visit(x.member, 0, x.member.length, x.score);
                x = x.back;
            }
        } else {
            Node x = byRank(from + 1);
            for (int r = from; r <= to; r++) {
                v.visit(x.member, 0, x.member.length, x.score);
                x = x.next;
            }
        }
    }

    @Override
    public void removeRange(int from, int to) {
        Node[] update = new Node[MAX_LEVEL];
        Node x = head;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            Node f;
            while ((f = fwd(x, i)) != null && traversed + span(x, i) < from + 1) {
                traversed += span(x, i);
                x = f;
            }
            update[i] = x;
        }
        x = x.next;
        for (int r = from; r <= to; r++) {
            Node next = x.next;
            unlink(x, update);
            hashRemove(x);
            x = next;
        }
    }

    @Override
    public ZStore copy() {
        ZSkipList c = new ZSkipList(length);
        for (Node n = head.next; n != null; n = n.next) {
            c.insert(n.member, n.score);
        }
        return c;
    }
}
