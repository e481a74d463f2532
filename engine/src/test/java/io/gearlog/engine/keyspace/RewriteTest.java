package io.gearlog.engine.keyspace;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RValue.rewrite is the snapshot format (no snapshot writer exists yet to test it end to end): the commands a hash
 * or set emits must rebuild an equal value, in chunks, keeping the order a listpack shows, and the digest must not
 * depend on encoding or order.
 */
class RewriteTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private static List<String> pairs(HashValue h) {
        List<String> out = new ArrayList<>();
        h.forEach((f, fo, fl, v, vo, vl) -> out.add(new String(f, fo, fl, StandardCharsets.US_ASCII) + "="
                + new String(v, vo, vl, StandardCharsets.US_ASCII)));
        return out;
    }

    private static HashValue replayHash(HashValue h, int maxEntries) {
        HashValue rebuilt = new HashValue();
        List<byte[][]> commands = new ArrayList<>();
        h.rewrite(b("k"), commands::add);
        for (byte[][] argv : commands) {
            assertEquals("HSET", s(argv[0]));
            assertEquals("k", s(argv[1]));
            assertTrue(argv.length <= 2 + 2 * 64, "at most 64 pairs per command");
            for (int i = 2; i < argv.length; i += 2) {
                rebuilt.set(argv[i], argv[i + 1], maxEntries, 64);
            }
        }
        return rebuilt;
    }

    @Test
    void hashRewriteRebuildsTheSameHashInOrder() {
        HashValue small = new HashValue();
        for (int i = 9; i >= 0; i--) {
            small.set(b("f" + i), b("v" + i), 128, 64);
        }
        small.set(b("f5"), b("changed"), 128, 64);
        small.delete(b("f7"));
        HashValue again = replayHash(small, 128);
        assertEquals(pairs(small), pairs(again));
        assertEquals("listpack", again.encoding());
        assertEquals(KeyspaceDigest.valueDigest(small), KeyspaceDigest.valueDigest(again));

        HashValue big = new HashValue();
        for (int i = 0; i < 300; i++) {
            big.set(b("f" + i), b("v" + i), 128, 64);
        }
        List<byte[][]> commands = new ArrayList<>();
        big.rewrite(b("k"), commands::add);
        assertEquals(5, commands.size(), "300 pairs in chunks of 64");
        HashValue rebuilt = replayHash(big, 128);
        assertEquals("hashtable", rebuilt.encoding());
        assertEquals(KeyspaceDigest.valueDigest(big), KeyspaceDigest.valueDigest(rebuilt));
        // the same content as a listpack digests the same: the digest ignores encoding and order
        assertEquals(KeyspaceDigest.valueDigest(big), KeyspaceDigest.valueDigest(replayHash(big, 1000)));
        assertEquals("listpack", replayHash(big, 1000).encoding());
        assertTrue(!KeyspaceDigest.valueDigest(big).equals(KeyspaceDigest.valueDigest(small)));
    }

    @Test
    void setRewriteRebuildsTheSameSet() {
        SetValue set = new SetValue();
        for (int i = 0; i < 200; i++) {
            set.add(b(i % 2 == 0 ? Integer.toString(i) : "m" + i), 512);
        }
        List<byte[][]> commands = new ArrayList<>();
        set.rewrite(b("k"), commands::add);
        assertEquals(4, commands.size(), "200 members in chunks of 64");
        SetValue rebuilt = new SetValue();
        for (byte[][] argv : commands) {
            assertEquals("SADD", s(argv[0]));
            for (int i = 2; i < argv.length; i++) {
                rebuilt.add(argv[i], 512);
            }
        }
        assertEquals(set.size(), rebuilt.size());
        assertEquals(KeyspaceDigest.valueDigest(set), KeyspaceDigest.valueDigest(rebuilt));

        SetValue ints = new SetValue();
        for (int i = 5; i > 0; i--) {
            ints.add(b(Integer.toString(i * 10)), 512);
        }
        List<byte[][]> intCommands = new ArrayList<>();
        ints.rewrite(b("k"), intCommands::add);
        List<String> args = new ArrayList<>();
        for (byte[] a : intCommands.get(0)) {
            args.add(s(a));
        }
        assertEquals(List.of("SADD", "k", "10", "20", "30", "40", "50"), args, "an intset rewrites in sorted order");
    }
}
