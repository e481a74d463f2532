package io.gearlog.engine.gears;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
 *   EXEC_SYNC     a sync registration execution that nothing else was journaled during, as one record: int n,
 *                 n x long (EXEC_DROPPED before it), long number, byte flags (2 = drop when done), long createdAt,
 *                 long seed, long registration, byte kind (steps: the registration's; input: none), then the
 *                 EXEC_FINISHED body (no results when it drops itself), int m, m x long (EXEC_DROPPED after it)
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
    public static final byte EXEC_SYNC = 15;

    private GearsRecord() {
    }

    /** Builds one payload (a plain growable array: records are built on the engine's hot path). */
    public static final class Writer {
        private byte[] buf = new byte[96];
        private int len;

        public Writer(byte subType, long nextExecution, long nextPlan) {
            i8(VERSION);
            i8(subType);
            i64(nextExecution);
            i64(nextPlan);
        }

        private void room(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        public Writer i8(int v) {
            room(1);
            buf[len++] = (byte) v;
            return this;
        }

        public Writer i32(int v) {
            room(4);
            INT.set(buf, len, v);
            len += 4;
            return this;
        }

        public Writer i64(long v) {
            room(8);
            LONG.set(buf, len, v);
            len += 8;
            return this;
        }

        public Writer bytes(byte[] b) {
            i32(b.length);
            room(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
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
            return Arrays.copyOf(buf, len);
        }
    }

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

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
