package io.gearlog.engine.keyspace;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * SPOP's choice must depend only on the members and the random stream. A client cannot build two equal sets with
 * different histories and pop them with the same seed, and no snapshot restore exists yet to exercise it, so this
 * checks the value directly: the same members reached by different histories and encodings pop identically.
 */
class SetValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> popAll(SetValue s, long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new String(s.pop(r), StandardCharsets.US_ASCII));
        }
        return out;
    }

    @Test
    void popsDependOnContentNotOnHistory() {
        SetValue fresh = new SetValue();
        for (int i = 0; i < 300; i++) {
            fresh.add(b("m" + i), 512);
        }
        // the same members after a long history: grown to 20k members (a much larger table), shrunk back,
        // inserted in the reverse order
        SetValue shrunk = new SetValue();
        for (int i = 19_999; i >= 0; i--) {
            shrunk.add(b("m" + i), 512);
        }
        for (int i = 300; i < 20_000; i++) {
            shrunk.remove(b("m" + i));
        }
        assertEquals(fresh.size(), shrunk.size());
        for (long seed : new long[]{1, 42, -7, 123456789}) {
            assertEquals(popAll((SetValue) fresh.copy(), seed, 299), popAll((SetValue) shrunk.copy(), seed, 299));
        }
        assertNotEquals(popAll((SetValue) fresh.copy(), 1, 50), popAll((SetValue) fresh.copy(), 2, 50),
                "different seeds pick differently");
    }

    @Test
    void popsDependOnContentNotOnEncoding() {
        SetValue intset = new SetValue();
        SetValue table = new SetValue();
        SetValue converted = new SetValue();
        converted.add(b("x"), 512);
        for (int i = 0; i < 400; i++) {
            long v = (i * 7919L) % 100_003 - 50_000;
            intset.add(b(Long.toString(v)), 512);
            table.add(b(Long.toString(v)), 0);
            converted.add(b(Long.toString(v)), 512);
        }
        converted.remove(b("x"));
        assertEquals("intset", intset.encoding());
        assertEquals("hashtable", table.encoding());
        assertEquals("hashtable", converted.encoding());
        for (long seed : new long[]{3, 99, 2024}) {
            List<String> expected = popAll((SetValue) intset.copy(), seed, 399);
            assertEquals(expected, popAll((SetValue) table.copy(), seed, 399));
            assertEquals(expected, popAll((SetValue) converted.copy(), seed, 399));
        }
    }
}
