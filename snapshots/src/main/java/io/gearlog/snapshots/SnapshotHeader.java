package io.gearlog.snapshots;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The fixed header of a snapshot file (little-endian, 48 bytes):
 * <pre>
 *  0  8  magic "GLSNAPSH"
 *  8  i32 format version (1)
 * 12  i64 journal index covered: the state is that after applying every record up to it (-1: none)
 * 20  i64 engine time (ms) of that state; the snapshot's records are applied with it
 * 28  i64 creation time, Unix ms (for people)
 * 36  i32 number of databases of the server that wrote it
 * 40  i32 reserved (0)
 * 44  i32 CRC-32C of bytes [0, 44)
 * </pre>
 * The body is a sequence of frames {@code i32 length, length bytes}, each a record in the journal's layout
 * ({@link io.gearlog.journal.RecordCodec}, with its own CRC). A frame length of -1 ends the body; the trailer
 * follows: {@code i64 record count, i64 key count, i32 CRC-32C of every byte of the file before this field}.
 */
public record SnapshotHeader(int version, long index, long engineTime, long createdMillis, int databases) {
    static final byte[] MAGIC = "GLSNAPSH".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    static final int SIZE = 48;
    static final int END_OF_RECORDS = -1;
    /** No single record is larger than this (a frame length above it means damage). */
    static final int MAX_RECORD = 1 << 30;

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(version).putLong(index).putLong(engineTime).putLong(createdMillis).putInt(databases).putInt(0);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 44);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    static SnapshotHeader decode(byte[] h) {
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new SnapshotException("not a Gearlog snapshot (bad magic)");
        }
        CRC32C crc = new CRC32C();
        crc.update(h, 0, 44);
        if ((int) crc.getValue() != b.getInt(44)) {
            throw new SnapshotException("header checksum mismatch");
        }
        int version = b.getInt();
        if (version != FORMAT_VERSION) {
            throw new SnapshotException("unknown snapshot format version " + version);
        }
        return new SnapshotHeader(version, b.getLong(), b.getLong(), b.getLong(), b.getInt());
    }
}
