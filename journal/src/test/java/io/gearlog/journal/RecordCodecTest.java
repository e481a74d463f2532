package io.gearlog.journal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Both record formats, encoded and read back, at the sizes where a varint grows a byte. */
class RecordCodecTest {
    private static final long[] ORIGINS = {0, 1, 127, 128, 16_383, 16_384, 1L << 35, Long.MAX_VALUE, -1};
    private static final int[] DBS = {0, 15, 127, 128, 65_535, Integer.MAX_VALUE};
    private static final int[] LENGTHS = {0, 1, 127, 128, 16_383, 16_384, 70_000};

    private static byte[] filled(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static JournalRecord roundTrip(RecordCodec codec) {
        String problem = RecordCodec.verify(codec.buffer(), 0, codec.length(), new CRC32C());
        assertNull(problem);
        assertEquals(codec.length(), RecordCodec.recordLength(codec.buffer(), 0));
        return new JournalRecord().decode(codec.buffer(), 0, codec.length(), 42);
    }

    @Test
    void argvRecordsReadBackWithEveryFieldInBothFormats() {
        for (boolean compact : new boolean[]{true, false}) {
            RecordCodec codec = new RecordCodec(compact);
            for (long origin : ORIGINS) {
                for (int db : DBS) {
                    for (int len : LENGTHS) {
                        byte[][] argv = {"SET".getBytes(), filled(len, 1), filled(len / 2, 2)};
                        codec.begin(RecordType.COMMAND, 1_764_000_000_000L + len, origin, db);
                        codec.argv(argv);
                        codec.end();
                        JournalRecord r = roundTrip(codec);
                        assertEquals(compact ? 2 : 1, r.version());
                        assertEquals(RecordType.COMMAND, r.type());
                        assertEquals(1_764_000_000_000L + len, r.time());
                        assertEquals(origin, r.origin(), () -> "origin " + origin);
                        assertEquals(db, r.db());
                        assertArrayEquals(argv, r.argv());
                        assertArrayEquals(argv, r.argvReused());
                    }
                }
            }
        }
    }

    @Test
    void transactionsPayloadsAndEmptyArgumentsReadBackInBothFormats() {
        for (boolean compact : new boolean[]{true, false}) {
            RecordCodec codec = new RecordCodec(compact);
            List<byte[][]> tx = new ArrayList<>();
            for (int i = 0; i < 130; i++) {
                tx.add(new byte[][]{"INCR".getBytes(), filled(i, i), new byte[0]});
            }
            codec.begin(RecordType.TRANSACTION, 5, 300, 2);
            codec.argvList(tx);
            codec.end();
            List<byte[][]> back = roundTrip(codec).argvList();
            assertEquals(tx.size(), back.size());
            for (int i = 0; i < tx.size(); i++) {
                assertArrayEquals(tx.get(i), back.get(i));
            }
            byte[] payload = filled(200, 9);
            codec.begin(RecordType.GEARS, 6, 0, 0);
            codec.payload(payload, 0, payload.length);
            codec.end();
            JournalRecord r = roundTrip(codec);
            assertEquals(200, r.payloadLength());
            assertArrayEquals(payload, r.payload());
            codec.begin(RecordType.TICK, 7, 0, 0);
            codec.end();
            r = roundTrip(codec);
            assertEquals(RecordType.TICK, r.type());
            assertEquals(7, r.time());
            assertEquals(0, r.payloadLength());
        }
    }

    @Test
    void theCompactFormatTakesAboutAThirdLessForAnIncr() {
        byte[][] incr = {"INCR".getBytes(), "counter:000000012345".getBytes()};
        RecordCodec wide = new RecordCodec(false);
        wide.begin(RecordType.COMMAND, 1_764_000_000_000L, 57, 0);
        wide.argv(incr);
        wide.end();
        RecordCodec compact = new RecordCodec(true);
        compact.begin(RecordType.COMMAND, 1_764_000_000_000L, 57, 0);
        compact.argv(incr);
        compact.end();
        assertEquals(66, wide.length());
        assertEquals(47, compact.length());
    }

    @Test
    void everyDamagedByteOfACompactRecordIsCaughtWithoutAnException() {
        RecordCodec codec = new RecordCodec(true);
        codec.begin(RecordType.COMMAND, 99, 200, 3);
        codec.argv(new byte[][]{"LPUSH".getBytes(), "list".getBytes(), filled(150, 3)});
        codec.end();
        byte[] good = Arrays.copyOf(codec.buffer(), codec.length());
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                assertNotNull(RecordCodec.verify(bad, 0, bad.length, new CRC32C()), "byte " + i + " bit " + bit);
                assertThrows(CorruptRecordException.class, () -> new JournalRecord().decode(bad, 0, bad.length, 1));
            }
        }
        assertEquals("record length mismatch", RecordCodec.verify(good, 0, good.length - 1, new CRC32C()));
    }
}
