package io.gearlog.journal;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The binary layout of a journal record (little-endian):
 * <pre>
 *  0  u8   format version (1)
 *  1  u8   record type ({@link RecordType})
 *  2  i64  time: engine milliseconds used when applying the record
 * 10  i64  origin: client id (COMMAND, TRANSACTION), execution id (EFFECT), 0 otherwise
 * 18  i32  database index
 * 22  i32  payload length n
 * 26  n    payload
 * 26+n i32 CRC-32C of bytes [0, 26+n)
 * </pre>
 * An argv payload is {@code i32 argc} followed by argc times {@code i32 length, bytes}; a transaction payload
 * is {@code i32 count} followed by count argv payloads. A Chronicle document holds one record, or the records of
 * one group back to back ({@link JournalAppender#beginGroup}).
 */
public final class RecordCodec {
    public static final int VERSION = 1;
    public static final int HEADER = 26;
    public static final int TRAILER = 4;

    private byte[] buf = new byte[1024];
    private int len;
    private final CRC32C crc = new CRC32C();

    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return len;
    }

    public void begin(int type, long time, long origin, int db) {
        len = 0;
        putByte(VERSION);
        putByte(type);
        putLong(time);
        putLong(origin);
        putInt(db);
        putInt(0);
    }

    public void argv(byte[][] argv) {
        putInt(argv.length);
        for (byte[] a : argv) {
            putInt(a.length);
            putBytes(a, 0, a.length);
        }
    }

    public void argvList(java.util.List<byte[][]> list) {
        putInt(list.size());
        for (byte[][] argv : list) {
            argv(argv);
        }
    }

    public void payload(byte[] b, int off, int n) {
        putBytes(b, off, n);
    }

    /** Finishes the record: writes payload length and checksum. */
    public void end() {
        int payload = len - HEADER;
        writeInt(buf, 22, payload);
        crc.reset();
        crc.update(buf, 0, len);
        putInt((int) crc.getValue());
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(len + n, buf.length * 2));
        }
    }

    private void putByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    public void putInt(int v) {
        ensure(4);
        writeInt(buf, len, v);
        len += 4;
    }

    public void putLong(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[len + i] = (byte) (v >>> (8 * i));
        }
        len += 8;
    }

    public void putBytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    public static int readInt(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    /** Checks structure and checksum of an encoded record; returns null when valid, else what is wrong. */
    static String verify(byte[] b, int n) {
        return verify(b, 0, n, new CRC32C());
    }

    static String verify(byte[] b, int n, CRC32C c) {
        return verify(b, 0, n, c);
    }

    /**
     * Checks the encoded record {@code b[off, off+n)} in place, with a checksum object the caller reuses (one per
     * reading thread); returns null when valid, else what is wrong.
     */
    public static String verify(byte[] b, int off, int n, CRC32C c) {
        if (n < HEADER + TRAILER) {
            return "record too short (" + n + " bytes)";
        }
        if (b[off] != VERSION) {
            return "unknown record format version " + (b[off] & 0xff);
        }
        int payload = readInt(b, off + 22);
        if (payload < 0 || HEADER + payload + TRAILER != n) {
            return "record length mismatch";
        }
        c.reset();
        c.update(b, off, HEADER + payload);
        if ((int) c.getValue() != readInt(b, off + HEADER + payload)) {
            return "checksum mismatch";
        }
        return null;
    }
}
