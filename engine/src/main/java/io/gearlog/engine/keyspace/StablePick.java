package io.gearlog.engine.keyspace;


import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random picks of set members that depend only on the members and the random stream: not on the table's history
 * (its size after shrinks, chain order after inserts) and not on the encoding. SPOP journals the command, not the
 * members it chose, so a state rebuilt another way (from a snapshot's SADD commands, or under different
 * set-max-intset-entries, where the same members may be an intset instead of a hashtable) must still pop the same
 * members when the journal replays.
 *
 * <p>How: with {@code C} the smallest power of two {@code >= max(size, 4)}, a member belongs to "canonical bucket"
 * {@code EntryDict.bucketHash(hash of its bytes) & (C-1)}. A pick draws canonical buckets until one is not empty, orders
 * its members by their bytes and draws one of them. The table (an EntryDict, laid out as a Dict) always has at
 * least {@code C} buckets (it grows at load 1 and shrinks to twice its size), so a canonical bucket is the union of
 * its buckets {@code b, b+C, b+2C...}; an intset computes each member's bucket.
 */
final class StablePick {
    private StablePick() {
    }

    private static int canonicalBuckets(int size) {
        return Math.max(4, Integer.highestOneBit(Math.max(size - 1, 1)) << 1);
    }

    /** A member of a non-empty hashtable set. */
    static SetValue.Member pick(EntryDict<SetValue.Member> dict, SplittableRandom random) {
        int canonical = canonicalBuckets(dict.size());
        int buckets = dict.buckets();
        if (buckets < canonical) {
            throw new IllegalStateException("Dict has fewer buckets than members");
        }
        List<SetValue.Member> candidates = new ArrayList<>(4);
        while (true) {
            int b = random.nextInt(canonical);
            for (int i = b; i < buckets; i += canonical) {
                dict.scan(i, candidates::add);
            }
            if (!candidates.isEmpty()) {
                candidates.sort((x, y) -> Arrays.compareUnsigned(x.bytes, y.bytes));
                return candidates.get(random.nextInt(candidates.size()));
            }
        }
    }

    /** The index of a member of a non-empty intset, chosen exactly as {@link #pick} would choose among equal members. */
    static int pickIndex(IntSet ints, SplittableRandom random) {
        int n = ints.size();
        int canonical = canonicalBuckets(n);
        int[] bucketOf = new int[n];
        int[] perBucket = new int[canonical];
        for (int i = 0; i < n; i++) {
            byte[] m = Long.toString(ints.get(i)).getBytes(StandardCharsets.US_ASCII);
            bucketOf[i] = EntryDict.bucketHash(Arrays.hashCode(m)) & (canonical - 1); // Key.hashCode() of the member
            perBucket[bucketOf[i]]++;
        }
        int b;
        do {
            b = random.nextInt(canonical);
        } while (perBucket[b] == 0);
        List<Integer> candidates = new ArrayList<>(perBucket[b]);
        for (int i = 0; i < n; i++) {
            if (bucketOf[i] == b) {
                candidates.add(i);
            }
        }
        candidates.sort((x, y) -> Arrays.compareUnsigned(
                Long.toString(ints.get(x)).getBytes(StandardCharsets.US_ASCII),
                Long.toString(ints.get(y)).getBytes(StandardCharsets.US_ASCII)));
        return candidates.get(random.nextInt(candidates.size()));
    }
}
