package io.gearlog.journal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A journal record read back; a reusable view over the bytes of the current record. */
public final class JournalRecord {
    byte[] buf = new byte[1024];
    int len;
    long index;

    /**
     * Makes this record a copy of the encoded record {@code b[off, off+n)} (as {@link RecordCodec} lays it out),
     * e.g. one read from a snapshot file, and gives it {@code index}.
     *
     * @throws CorruptRecordException when the bytes fail the record's structure or checksum checks
     */
    public JournalRecord decode(byte[] b, int off, int n, long index) {
        if (buf.length < n) {
            buf = new byte[Math.max(n, buf.length * 2)];
        }
        System.arraycopy(b, off, buf, 0, n);
        len = n;
        this.index = index;
        String problem = RecordCodec.verify(buf, n);
        if (problem != null) {
            throw new CorruptRecordException(index, problem);
        }
        return this;
    }

    /** The encoded bytes of this record (a copy). */
    public byte[] encoded() {
        return java.util.Arrays.copyOf(buf, len);
    }

    public long index() {
        return index;
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
        return RecordCodec.readLong(buf, 10);
    }

    public int db() {
        return RecordCodec.readInt(buf, 18);
    }

    public int payloadLength() {
        return RecordCodec.readInt(buf, 22);
    }

    public byte[] payload() {
        byte[] p = new byte[payloadLength()];
        System.arraycopy(buf, RecordCodec.HEADER, p, 0, p.length);
        return p;
    }

    /** The argv of a COMMAND or EFFECT record. */
    public byte[][] argv() {
        int[] pos = {RecordCodec.HEADER};
        return readArgv(pos);
    }

    /** The commands of a TRANSACTION record. */
    public List<byte[][]> argvList() {
        int[] pos = {RecordCodec.HEADER};
        int n = RecordCodec.readInt(buf, pos[0]);
        pos[0] += 4;
        List<byte[][]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readArgv(pos));
        }
        return out;
    }

    private byte[][] readArgv(int[] pos) {
        int argc = RecordCodec.readInt(buf, pos[0]);
        pos[0] += 4;
        byte[][] argv = new byte[argc][];
        for (int i = 0; i < argc; i++) {
            int l = RecordCodec.readInt(buf, pos[0]);
            pos[0] += 4;
            argv[i] = new byte[l];
            System.arraycopy(buf, pos[0], argv[i], 0, l);
            pos[0] += l;
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
