package io.gearlog.engine.gears;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload of {@code RecordType.GEARS} journal records. Every payload starts with
 * <pre>
 *   byte version (1) | byte subType | long nextExecution | long nextPlan
 * </pre>
 * (the id counters after the record, so recovery never hands out an id twice), then the sub-type's body.
 * Integers are big-endian; {@code str} is an int byte length (-1 = null) and UTF-8 bytes; {@code bytes}
 * is an int length and raw bytes.
 * <pre>
 *   SCRIPT        str sessionId, str description, byte flags (1 = UNBLOCKING, 2 = code left out: too large),
 *                 bytes code
 *   EXEC_CREATED  long number, byte flags (1 = registered, 2 = drop when done), long createdAt, long seed,
 *                 int steps, steps x (str type, str name, str arg)
 *   EXEC_FINISHED long number, long totalMillis, long readMillis, int n, n x long stepMillis,
 *                 int results, results x bytes (RESP), int errors, errors x str (results over 8 MB are left
 *                 out and an error says so)
 *   EXEC_ABORTED  long number, int errors, errors x str
 *   EXEC_DROPPED  long number
 *   COUNTERS      (header only)
 *   SESSION       str id, str description, long serial, long scriptTime, long scriptSeed, int home, bytes code
 *   REGISTER      long number, str sessionId, long sessionSerial, str reader, str mode, str desc,
 *                 byte flags (1 = onRegistered), int scriptOrdinal, bytes pickledPlan (empty: none),
 *                 int steps, steps x (str type, str name, str arg), then by reader:
 *                 KeysReader    str prefix, strs eventTypes, strs keyTypes, byte readValue, strs commands
 *                 StreamReader  str prefix, long batch, long durationMs, str policy, long retrySec, byte trim
 *                 CommandReader str trigger, str hook, str keyprefix, byte inorder
 *                 (strs: int n (-1 = null), n x str)
 *   UNREGISTER    long number
 *   REG_STATUS    long number, str status
 *   CLEAR_STATS   (header only): RG.CLEARREGISTRATIONSSTATS
 *   REG_STATS     long number, long triggered, success, failures, aborted, lastRunMs, totalRunMs, lastLagMs,
 *                 totalLagMs, str lastError (snapshots: the statistics as they are)
 *   FIXUP         int n, n x (int db, bytes key, int m, m x argv): the final value of keys a command and the
 *                 sync executions inside it both touched (delete, then apply the argvs)
 *   REG_LAG       long number, long lastLagMs, long totalLagMs (a StreamReader batch completed)
 *   EXEC_CREATED  flag 4 = made by a registration, followed by long registration, byte kind, int n, n x bytes input
 * </pre>
 * Records are pure data: applying them never needs Python (recovery, snapshot shadow engines).
 */
public final class GearsRecord {
    public static final byte VERSION = 1;
    public static final byte SCRIPT = 1;
    public static final byte EXEC_CREATED = 2;
    public static final byte EXEC_FINISHED = 3;
    public static final byte EXEC_ABORTED = 4;
    public static final byte EXEC_DROPPED = 5;
    public static final byte COUNTERS = 6;
    public static final byte SESSION = 7;
    public static final byte REGISTER = 8;
    public static final byte UNREGISTER = 9;
    public static final byte REG_STATUS = 10;
    public static final byte CLEAR_STATS = 11;
    public static final byte REG_STATS = 12;
    public static final byte FIXUP = 13;
    public static final byte REG_LAG = 14;

    private GearsRecord() {
    }

    /** Builds one payload. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

        public Writer(byte subType, long nextExecution, long nextPlan) {
            out.write(VERSION);
            out.write(subType);
            i64(nextExecution);
            i64(nextPlan);
        }

        public Writer i8(int v) {
            out.write(v);
            return this;
        }

        public Writer i32(int v) {
            for (int s = 24; s >= 0; s -= 8) {
                out.write(v >>> s);
            }
            return this;
        }

        public Writer i64(long v) {
            for (int s = 56; s >= 0; s -= 8) {
                out.write((int) (v >>> s));
            }
            return this;
        }

        public Writer bytes(byte[] b) {
            i32(b.length);
            out.writeBytes(b);
            return this;
        }

        public Writer str(String s) {
            if (s == null) {
                return i32(-1);
            }
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        public Writer strs(List<String> l) {
            if (l == null) {
                return i32(-1);
            }
            i32(l.size());
            for (String s : l) {
                str(s);
            }
            return this;
        }

        public Writer argv(byte[][] argv) {
            i32(argv.length);
            for (byte[] a : argv) {
                bytes(a);
            }
            return this;
        }

        public byte[] build() {
            return out.toByteArray();
        }
    }

    /** Reads one payload; the header is read by the constructor. */
    public static final class Reader {
        private final ByteBuffer in;
        public final int subType;
        public final long nextExecution;
        public final long nextPlan;

        public Reader(byte[] payload) {
            in = ByteBuffer.wrap(payload);
            int version = in.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown gears record version " + version);
            }
            subType = in.get();
            nextExecution = in.getLong();
            nextPlan = in.getLong();
        }

        public int i8() {
            return in.get();
        }

        public int i32() {
            return in.getInt();
        }

        public long i64() {
            return in.getLong();
        }

        public byte[] bytes() {
            byte[] b = new byte[in.getInt()];
            in.get(b);
            return b;
        }

        public String str() {
            int n = in.getInt();
            if (n < 0) {
                return null;
            }
            byte[] b = new byte[n];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        public List<String> strs() {
            int n = i32();
            List<String> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                l.add(str());
            }
            return l;
        }

        /** A string list written by {@link Writer#strs}, null when it was null. */
        public List<String> strsOrNull() {
            int n = i32();
            if (n < 0) {
                return null;
            }
            List<String> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                l.add(str());
            }
            return l;
        }

        public byte[][] argv() {
            int n = i32();
            byte[][] a = new byte[n][];
            for (int i = 0; i < n; i++) {
                a[i] = bytes();
            }
            return a;
        }

        public boolean more() {
            return in.hasRemaining();
        }

        public List<byte[]> byteList() {
            int n = i32();
            List<byte[]> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                l.add(bytes());
            }
            return l;
        }
    }
}
