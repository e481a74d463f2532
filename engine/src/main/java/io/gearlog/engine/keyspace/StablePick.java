package io.gearlog.engine.keyspace;

import io.gearlog.engine.util.Dict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random picks from a {@link Dict} that depend only on its contents and the random stream, not on the table's
 * history (its size after shrinks, chain order after inserts). SPOP journals the command, not the members it
 * chose, so a state rebuilt differently (from a snapshot's rewrite commands instead of the original history) must
 * still pop the same members when the journal replays.
 *
 * <p>How: the table always has at least as many buckets as the smallest power of two {@code C >= size} (Dict grows
 * at load 1 and shrinks to at least twice the size), so the {@code C} "canonical" buckets are unions of the real
 * buckets {@code b, b+C, b+2C...}. A pick draws a canonical bucket, collects its entries and takes one by rank in a
 * content order.
 */
final class StablePick {
    private StablePick() {
    }

    static <K> K pick(Dict<K, ?> dict, SplittableRandom random, Comparator<? super K> order) {
        int size = dict.size();
        if (size == 0) {
            return null;
        }
        int canonical = Math.max(4, Integer.highestOneBit(Math.max(size - 1, 1)) << 1);
        int buckets = dict.buckets();
        if (buckets < canonical) {
            canonical = buckets; // not expected with Dict's resize policy; stays correct, only less stable
        }
        List<K> candidates = new ArrayList<>(4);
        while (true) {
            int b = random.nextInt(canonical);
            for (int i = b; i < buckets; i += canonical) {
                dict.scan(i, (k, v) -> candidates.add(k));
            }
            if (!candidates.isEmpty()) {
                if (candidates.size() > 1) {
                    candidates.sort(order);
                }
                return candidates.get(random.nextInt(candidates.size()));
            }
        }
    }
}
