package io.gearlog.journal;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The binary layouts of a journal record (little-endian). Format 2, which the journal writes:
 * <pre>
 *  0  u8   format version (2)
 *  1  u8   record type ({@link RecordType})
 *  2  i64  time: engine milliseconds used when applying the record
 * 10  i32  body length n
 * 14  n    body: varint origin (client id for COMMAND and TRANSACTION, execution id for EFFECT, else 0),
 *          varint database index, then the payload
 * 14+n i32 CRC-32C of bytes [0, 14+n)
 * </pre>
 * Its argv payload is {@code varint argc} followed by argc times {@code varint length, bytes}; a transaction payload
 * is {@code varint count} followed by count argv payloads. Varints are unsigned LEB128 (7 bits a byte, low first).
 * Format 1, which snapshots write and which journals written before format 2 hold:
 * <pre>
 *  0  u8   format version (1)
 *  1  u8   record type
 *  2  i64  time
 * 10  i64  origin
 * 18  i32  database index
 * 22  i32  payload length n
 * 26  n    payload
 * 26+n i32 CRC-32C of bytes [0, 26+n)
 * </pre>
 * with {@code i32} in place of every varint. Format 2 takes about a third less journal for small commands (INCR:
 * 43 bytes instead of 62), and every journal byte costs a copy, a checksum and page cache. A Chronicle document holds
 * one record, or the records of one group back to back ({@link JournalAppender#beginGroup}).
 */
public final class RecordCodec {
    /** Format 1: fixed-width header and lengths (snapshots, and journals of earlier releases). */
    public static final int VERSION = 1;
    /** Format 2: varint origin, database and lengths (the journal). */
    public static final int COMPACT_VERSION = 2;
    /** Header bytes of format 1, up to its payload. */
    public static final int HEADER = 26;
    /** Fixed header bytes of format 2, up to its body. */
    public static final int COMPACT_HEADER = 14;
    public static final int TRAILER = 4;

    private byte[] buf = new byte[1024];
    private int len;
    private final CRC32C crc = new CRC32C();
    private final boolean compact;

    /** A codec writing format 1. */
    public RecordCodec() {
        this(false);
    }

    /** A codec writing format 2 when {@code compact}, else format 1. */
    public RecordCodec(boolean compact) {
        this.compact = compact;
    }

    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return len;
    }

    public void begin(int type, long time, long origin, int db) {
        len = 0;
        putByte(compact ? COMPACT_VERSION : VERSION);
        putByte(type);
        putLong(time);
        if (compact) {
            putInt(0);
            putVarLong(origin);
            putVarLong(db & 0xffffffffL);
        } else {
            putLong(origin);
            putInt(db);
            putInt(0);
        }
    }

    public void argv(byte[][] argv) {
        putCount(argv.length);
        for (byte[] a : argv) {
            putCount(a.length);
            putBytes(a, 0, a.length);
        }
    }

    public void argvList(java.util.List<byte[][]> list) {
        putCount(list.size());
        for (byte[][] argv : list) {
            argv(argv);
        }
    }

    private void putCount(int n) {
        if (compact) {
            putVarLong(n & 0xffffffffL);
        } else {
            putInt(n);
        }
    }

    private void putVarLong(long v) {
        ensure(10);
        while ((v & ~0x7fL) != 0) {
            buf[len++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    public void payload(byte[] b, int off, int n) {
        putBytes(b, off, n);
    }

    /** Finishes the record: writes payload length and checksum. */
    public void end() {
        if (compact) {
            writeInt(buf, 10, len - COMPACT_HEADER);
        } else {
            writeInt(buf, 22, len - HEADER);
        }
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
        if (n < 1) {
            return "record too short (" + n + " bytes)";
        }
        int version = b[off] & 0xff;
        int header = lengthHeader(version);
        if (header < 0) {
            return "unknown record format version " + version;
        }
        if (n < header + TRAILER) {
            return "record too short (" + n + " bytes)";
        }
        if (recordLength(b, off) != n) {
            return "record length mismatch";
        }
        c.reset();
        c.update(b, off, n - TRAILER);
        if ((int) c.getValue() != readInt(b, off + n - TRAILER)) {
            return "checksum mismatch";
        }
        return null;
    }

    /**
     * The length of the record starting at {@code b[off]} as its header gives it (its {@link #lengthHeader} bytes
     * must be there), or -1 for an unknown format or a negative length.
     */
    public static int recordLength(byte[] b, int off) {
        int header = lengthHeader(b[off] & 0xff);
        if (header < 0) {
            return -1;
        }
        // both formats end their fixed header with the i32 length of what follows up to the checksum
        int body = readInt(b, off + header - 4);
        long n = (long) header + body + TRAILER;
        return body < 0 || n > Integer.MAX_VALUE ? -1 : (int) n;
    }

    /** Header bytes a record of {@code version} has up to and including its length field, or -1 if unknown. */
    static int lengthHeader(int version) {
        return version == COMPACT_VERSION ? COMPACT_HEADER : version == VERSION ? HEADER : -1;
    }
}
