package io.gearlog.engine.keyspace;

import io.gearlog.engine.util.Dict;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * EntryDict replaced Dict under hashes, sets and the keyspace. SCAN cursors, chain order and random picks are what
 * clients see (SCAN, RANDOMKEY, SRANDMEMBER, HRANDFIELD), and a journal written before the change must replay to the
 * same picks, so after the same history both tables must visit and pick exactly the same keys.
 */
class EntryDictTest {
    private static final class Item extends EntryDict.Entry {
        final byte[] key;

        Item(byte[] key) {
            super(EntryDict.hash(key));
            this.key = key;
        }

        @Override
        boolean keyEquals(byte[] k, int off, int len) {
            return java.util.Arrays.equals(key, 0, key.length, k, off, off + len);
        }

        @Override
        int firstKeyByte() {
            return key.length > 0 ? key[0] : 0;
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void sameScanOrderCursorsAndRandomPicksAsDictAcrossGrowthAndShrinking() {
        Dict<Key, Boolean> dict = new Dict<>();
        EntryDict<Item> entries = new EntryDict<>();
        SplittableRandom ops = new SplittableRandom(7);
        for (int step = 0; step < 60_000; step++) {
            // grow to a few thousand keys, then mostly delete, so tables both grow and shrink
            boolean adding = step < 30_000 ? ops.nextInt(10) < 7 : ops.nextInt(10) < 2;
            byte[] k = b("k" + ops.nextInt(8000));
            if (adding) {
                if (entries.get(k) == null) {
                    entries.add(new Item(k));
                }
                dict.put(new Key(k), Boolean.TRUE);
            } else {
                assertEquals(dict.remove(new Key(k)) != null, entries.remove(k) != null);
            }
            if (step % 5000 == 4999) {
                assertEquals(dict.size(), entries.size());
                assertEquals(dict.buckets(), entries.buckets());
                assertEquals(scan(dict), scan(entries));
                long seed = step;
                SplittableRandom r1 = new SplittableRandom(seed);
                SplittableRandom r2 = new SplittableRandom(seed);
                for (int i = 0; i < 50 && dict.size() > 0; i++) {
                    assertEquals(dict.randomNode(r1::nextLong).key().toString(), s(entries.random(r2::nextLong).key));
                }
            }
        }
    }

    /** Every SCAN step: the cursor returned and the keys of the bucket, in order. */
    private static List<String> scan(Dict<Key, Boolean> d) {
        List<String> out = new ArrayList<>();
        long cursor = 0;
        do {
            cursor = d.scan(cursor, (k, v) -> out.add(k.toString()));
            out.add("@" + cursor);
        } while (cursor != 0);
        return out;
    }

    private static List<String> scan(EntryDict<Item> d) {
        List<String> out = new ArrayList<>();
        long cursor = 0;
        do {
            cursor = d.scan(cursor, e -> out.add(s(e.key)));
            out.add("@" + cursor);
        } while (cursor != 0);
        return out;
    }
}
