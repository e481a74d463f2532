package io.gearlog.journal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/** A journal record read back; a reusable view over the bytes of the current record. */
public final class JournalRecord {
    byte[] buf = new byte[1024];
    int len;
    long index;
    int position;
    private final CRC32C crc = new CRC32C();
    /**
     * The command name decoded last. Consecutive records mostly name the same command, and nothing modifies an
     * argv element, so equal names share one array instead of allocating one per record (recovery speed).
     */
    private byte[] lastName = new byte[0];
    /** Read position while decoding argvs. */
    private int cursor;
    /** The array {@link #argvReused()} handed out last. */
    private byte[][] spareArgv = new byte[0][];

    /**
     * Makes this record a copy of the encoded record {@code b[off, off+n)} (as {@link RecordCodec} lays it out),
     * e.g. one read from a snapshot file, and gives it {@code index}.
     *
     * @throws CorruptRecordException when the bytes fail the record's structure or checksum checks
     */
    public JournalRecord decode(byte[] b, int off, int n, long index) {
        return decode(b, off, n, index, 0);
    }

    /** {@link #decode(byte[], int, int, long)} of a record at {@code position} in its journal document. */
    public JournalRecord decode(byte[] b, int off, int n, long index, int position) {
        set(b, off, n, index, position);
        String problem = RecordCodec.verify(buf, n, crc);
        if (problem != null) {
            throw new CorruptRecordException(index, problem);
        }
        return this;
    }

    /** Makes this record a copy of {@code b[off, off+n)}, unchecked (the caller verified it). */
    void set(byte[] b, int off, int n, long index, int position) {
        if (buf.length < n) {
            buf = new byte[Math.max(n, buf.length * 2)];
        }
        System.arraycopy(b, off, buf, 0, n);
        loaded(n, index, position);
    }

    /** Takes the {@code n} bytes now at the start of {@link #buf} as this record and reads its header. */
    void loaded(int n, long index, int position) {
        len = n;
        this.index = index;
        this.position = position;
        compact = n > 0 && buf[0] == RecordCodec.COMPACT_VERSION;
        if (compact) {
            // reads stop at the checksum, so a damaged record gives wrong numbers, never an exception
            int end = Math.max(RecordCodec.COMPACT_HEADER, n - RecordCodec.TRAILER);
            cursor = RecordCodec.COMPACT_HEADER;
            origin = readVarLong(end);
            db = (int) readVarLong(end);
            payloadStart = cursor;
            payloadLength = end - cursor;
        } else if (n >= RecordCodec.HEADER) {
            origin = RecordCodec.readLong(buf, 10);
            db = RecordCodec.readInt(buf, 18);
            payloadStart = RecordCodec.HEADER;
            payloadLength = RecordCodec.readInt(buf, 22);
        } else {
            origin = db = payloadStart = payloadLength = 0;
        }
    }

    // the header, read once per record
    private boolean compact;
    private long origin;
    private int db;
    private int payloadStart;
    private int payloadLength;

    /** The varint at {@link #cursor}, not reading at or past {@code end}. */
    private long readVarLong(int end) {
        long v = 0;
        int shift = 0;
        while (cursor < end && shift < 64) {
            byte x = buf[cursor++];
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                break;
            }
            shift += 7;
        }
        return v;
    }

    /** A count or length at {@link #cursor}: a varint in format 2, an i32 in format 1. */
    private int readCount() {
        if (compact) {
            return (int) readVarLong(len - RecordCodec.TRAILER);
        }
        int v = RecordCodec.readInt(buf, cursor);
        cursor += 4;
        return v;
    }

    /** The encoded bytes of this record (a copy). */
    public byte[] encoded() {
        return java.util.Arrays.copyOf(buf, len);
    }

    /** Index of the journal document holding this record; the records of a group share it. */
    public long index() {
        return index;
    }

    /** Position of this record in its document: 0 for the first (and for every record not grouped). */
    public int position() {
        return position;
    }

    /** What deterministic choices made for this record (random picks) are seeded with; see {@link #seed(long, int)}. */
    public long seed() {
        return seed(index, position);
    }

    /**
     * The seed of the record at {@code position} of the document at {@code index}: the index itself for the first
     * record (so journals written before grouping replay with the seeds they were written with), a mix of both for
     * the others. Never negative.
     */
    public static long seed(long index, int position) {
        return position == 0 ? index : (index * 0x9E3779B97F4A7C15L + position) & Long.MAX_VALUE;
    }

    public int version() {
        return buf[0] & 0xff;
    }

    public int type() {
        return buf[1];
    }

    public long time() {
        return RecordCodec.readLong(buf, 2);
    }

    public long origin() {
        return origin;
    }

    public int db() {
        return db;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public byte[] payload() {
        byte[] p = new byte[payloadLength];
        System.arraycopy(buf, payloadStart, p, 0, p.length);
        return p;
    }

    /** The argv of a COMMAND or EFFECT record. */
    public byte[][] argv() {
        cursor = payloadStart;
        return readArgv();
    }

    /**
     * The argv of a COMMAND or EFFECT record in an array that the next call refills when the argument count is
     * the same; the elements are fresh arrays, as with {@link #argv()}. For recovery, which applies a record
     * before reading the next and keeps argument arrays but never the argv array (40 bytes less per SET record,
     * and on a fresh heap every allocated byte costs a first-touch page fault).
     */
    public byte[][] argvReused() {
        cursor = payloadStart;
        int argc = readCount();
        if (spareArgv.length != argc) {
            spareArgv = new byte[argc][];
        }
        return readArgv(spareArgv);
    }

    /** The commands of a TRANSACTION record. */
    public List<byte[][]> argvList() {
        cursor = payloadStart;
        int n = readCount();
        List<byte[][]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readArgv());
        }
        return out;
    }

    private byte[][] readArgv() {
        return readArgv(new byte[readCount()][]);
    }

    /** Decodes the arguments at {@link #cursor}, just past their count, into {@code argv}, which has room for them. */
    private byte[][] readArgv(byte[][] argv) {
        int argc = argv.length;
        for (int i = 0; i < argc; i++) {
            int l = readCount();
            int pos = cursor;
            if (i == 0 && l == lastName.length && Arrays.equals(buf, pos, pos + l, lastName, 0, l)) {
                argv[0] = lastName;
            } else {
                argv[i] = Arrays.copyOfRange(buf, pos, pos + l);
                if (i == 0) {
                    lastName = argv[0];
                }
            }
            cursor = pos + l;
        }
        return argv;
    }

    /** A one-line human rendering, used by the journal tool. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(RecordType.name(type()));
        switch (type()) {
            case RecordType.COMMAND, RecordType.EFFECT -> appendArgv(sb, argv());
            case RecordType.TRANSACTION -> {
                for (byte[][] a : argvList()) {
                    sb.append(" |");
                    appendArgv(sb, a);
                }
            }
            default -> sb.append(" (").append(payloadLength()).append(" bytes)");
        }
        return sb.toString();
    }

    static void appendArgv(StringBuilder sb, byte[][] argv) {
        for (byte[] a : argv) {
            sb.append(' ').append(quote(a));
        }
    }

    /** Quotes a binary-safe string the way redis-cli does. */
    public static String quote(byte[] a) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte x : a) {
            int c = x & 0xff;
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c >= 32 && c < 127) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    public String argString(byte[] a) {
        return new String(a, StandardCharsets.UTF_8);
    }
}
