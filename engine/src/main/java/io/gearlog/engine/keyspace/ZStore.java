package io.gearlog.engine.keyspace;

/**
 * The operations both sorted-set encodings provide. Elements are ordered by score, then by member bytes
 * (unsigned); ranks are 0-based in that order. Owned by the engine thread, like the value holding it.
 */
interface ZStore {
    int size();

    /** The head of the index chain where {@code member} would be found, or null (see BatchTouch). */
    default Object bucketOf(byte[] member) {
        return null;
    }

    /** The member's score, or NaN when absent (a stored score is never NaN). */
    double score(byte[] member);

    /** Adds a member known to be absent. */
    void insert(byte[] member, double score);

    /** Changes the score of a member known to be present. */
    void update(byte[] member, double newScore);

    boolean remove(byte[] member);

    /** How many leading elements satisfy {@code p}, which must hold for a prefix of the order. */
    int countPrefix(ZSetValue.ElementTest p);

    /**
     * Rank of the last element satisfying {@code p}, or -1. The compact encoding scans the whole set (as Redis'
     * listpack does from its tail); the tree descends, which agrees whenever {@code p} holds for a prefix.
     */
    int lastMatch(ZSetValue.ElementTest p);

    /** How many consecutive elements from rank {@code from} (valid) satisfy {@code p}, going up or down, at most max. */
    int run(int from, boolean reverse, long max, ZSetValue.ElementTest p);

    /** Visits ranks {@code from..to} (inclusive, valid), ascending or descending. */
    void visit(int from, int to, boolean reverse, ZSetValue.ElementVisitor v);

    /** Removes ranks {@code from..to} (inclusive, valid). */
    void removeRange(int from, int to);

    ZStore copy();
}
