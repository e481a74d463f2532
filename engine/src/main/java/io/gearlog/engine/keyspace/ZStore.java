package io.gearlog.engine.keyspace;

/**
 * The operations both sorted-set encodings provide. Elements are ordered by score, then by member bytes
 * (unsigned); ranks are 0-based in that order. Owned by the engine thread, like the value holding it.
 */
interface ZStore {
    int size();

    /** The member's score, or NaN when absent (a stored score is never NaN). */
    double score(byte[] member);

    /** Adds a member known to be absent. */
    void insert(byte[] member, double score);

    /** Changes the score of a member known to be present with {@code oldScore}. */
    void update(byte[] member, double oldScore, double newScore);

    boolean remove(byte[] member);

    /** How many leading elements satisfy {@code p}, which must hold for a prefix of the order. */
    int countPrefix(ZSetValue.ElementTest p);

    /** Visits ranks {@code from..to} (inclusive, valid), ascending or descending. */
    void visit(int from, int to, boolean reverse, ZSetValue.ElementVisitor v);

    /** Removes ranks {@code from..to} (inclusive, valid). */
    void removeRange(int from, int to);

    ZStore copy();
}
