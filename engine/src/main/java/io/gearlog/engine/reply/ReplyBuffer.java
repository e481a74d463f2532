package io.gearlog.engine.reply;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Growable byte buffer that encodes replies in RESP2 or RESP3. Owned by the engine thread; one per client.
 * RESP3-only shapes (map, set, double, null, boolean, push) degrade to their RESP2 equivalents.
 */
public final class ReplyBuffer {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESP3_NULL = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SMALL_INTS = new byte[1024][];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private byte[] buf;
    private int len;
    private int protocol = 2;

    public ReplyBuffer() {
        this(256);
    }

    public ReplyBuffer(int initial) {
        buf = new byte[initial];
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int protocol) {
        this.protocol = protocol;
    }

    public boolean resp3() {
        return protocol >= 3;
    }

    public int length() {
        return len;
    }

    public byte[] array() {
        return buf;
    }

    public boolean isEmpty() {
        return len == 0;
    }

    public void clear() {
        len = 0;
        if (buf.length > 1 << 20) {
            buf = new byte[256];
        }
    }

    /** Drops everything written after {@code mark}; used to discard a partially written reply. */
    public void truncate(int mark) {
        len = mark;
    }

    public byte[] copy() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int extra) {
        int need = len + extra;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void put(byte[] b) {
        put(b, 0, b.length);
    }

    private void put(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    private void putAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void putLong(long v) {
        if (v == Long.MIN_VALUE) {
            putAscii("-9223372036854775808");
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        if (v < 10) {
            // lengths and small counts: most headers
            buf[len++] = (byte) ('0' + v);
            return;
        }
        int digits = 2;
        for (long t = 100; digits < 19 && v >= t; t *= 10) {
            digits++;
        }
        int end = len + digits;
        for (int i = end - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        len = end;
    }

    private void crlf() {
        ensure(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    private void header(byte type, long n) {
        put(type);
        putLong(n);
        crlf();
    }

    // ---- replies ----

    public void ok() {
        put(OK);
    }

    public void simple(String s) {
        put((byte) '+');
        putUtf8Line(s);
        crlf();
    }

    /** An error reply; {@code message} is sent as is (it carries its own prefix such as {@code ERR}). */
    public void error(String message) {
        put((byte) '-');
        putUtf8Line(message);
        crlf();
    }

    private void putUtf8Line(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        ensure(b.length);
        for (byte x : b) {
            buf[len++] = (x == '\r' || x == '\n') ? (byte) ' ' : x;
        }
    }

    public void integer(long v) {
        if (v >= 0 && v < SMALL_INTS.length) {
            put(SMALL_INTS[(int) v]);
        } else {
            put((byte) ':');
            putLong(v);
            crlf();
        }
    }

    public void bulk(byte[] b) {
        if (b == null) {
            nullBulk();
            return;
        }
        bulk(b, 0, b.length);
    }

    public void bulk(byte[] b, int off, int n) {
        header((byte) '$', n);
        put(b, off, n);
        crlf();
    }

    public void bulk(String s) {
        if (s == null) {
            nullBulk();
        } else {
            bulk(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    public void bulk(long v) {
        bulk(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
    }

    /** Null bulk string in RESP2, null in RESP3. */
    public void nullBulk() {
        put(resp3() ? RESP3_NULL : NULL_BULK);
    }

    /** Null array in RESP2, null in RESP3. */
    public void nullArray() {
        put(resp3() ? RESP3_NULL : NULL_ARRAY);
    }

    public void array(long n) {
        header((byte) '*', n);
    }

    /** A map of {@code n} pairs: RESP3 map, RESP2 flat array of 2n. */
    public void map(long n) {
        if (resp3()) {
            header((byte) '%', n);
        } else {
            header((byte) '*', n * 2);
        }
    }

    public void set(long n) {
        header(resp3() ? (byte) '~' : (byte) '*', n);
    }

    public void push(long n) {
        header(resp3() ? (byte) '>' : (byte) '*', n);
    }

    /** A double: RESP3 double, RESP2 bulk string, both in Redis' shortest round-trip format. */
    public void dbl(double d) {
        String s = NumberFormat.formatDouble(d);
        if (resp3()) {
            put((byte) ',');
            putAscii(s);
            crlf();
        } else {
            bulk(s.getBytes(StandardCharsets.US_ASCII));
        }
    }

    public void bool(boolean b) {
        if (resp3()) {
            putAscii(b ? "#t\r\n" : "#f\r\n");
        } else {
            integer(b ? 1 : 0);
        }
    }

    /** Verbatim text (RESP3 '=' with "txt:"), bulk string in RESP2. */
    public void verbatim(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (resp3()) {
            header((byte) '=', b.length + 4);
            putAscii("txt:");
            put(b);
            crlf();
        } else {
            bulk(b);
        }
    }

    /** Raw, already encoded RESP bytes. */
    public void raw(byte[] b) {
        put(b);
    }

    public void raw(byte[] b, int off, int n) {
        put(b, off, n);
    }

    public void emptyArray() {
        putAscii("*0\r\n");
    }
}
