package io.gearlog.engine.reply;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/** Number parsing and formatting with Redis' rules (string2ll, strtod, %.17g). */
public final class NumberFormat {
    private static final MathContext SEVENTEEN = new MathContext(17, RoundingMode.HALF_EVEN);

    private NumberFormat() {
    }

    /** Formats like C's {@code %.17g}; infinities as {@code inf}/{@code -inf}. */
    public static String formatDouble(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e17) {
            return Long.toString((long) d);
        }
        BigDecimal bd = new BigDecimal(d).round(SEVENTEEN);
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < -4 || exponent >= 17) {
            BigDecimal unscaled = bd.movePointLeft(exponent);
            String mant = stripZeros(unscaled.setScale(16, RoundingMode.HALF_EVEN).toPlainString());
            String exp = (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
            return mant + "e" + exp;
        }
        return stripZeros(bd.toPlainString());
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * Formats the result of INCRBYFLOAT/HINCRBYFLOAT: fixed notation, at most 17 decimals, trailing zeros
     * removed (Redis' "human friendly" long double format).
     */
    public static String formatHuman(BigDecimal v) {
        BigDecimal r = v.setScale(17, RoundingMode.HALF_EVEN).stripTrailingZeros();
        if (r.signum() == 0) {
            return "0";
        }
        return r.toPlainString();
    }

    public static final long NOT_A_LONG = Long.MIN_VALUE + 0x5a5a;

    /** Values below this are stored from one shared array each, as Redis shares its integer objects below 10000. */
    private static final int SHARED_VALUES = 10_000;
    private static final byte[][] SHARED = new byte[SHARED_VALUES][];

    static {
        for (int i = 0; i < SHARED_VALUES; i++) {
            SHARED[i] = longBytes(i);
        }
    }

    /**
     * Like {@link #longBytes}, but small non-negative values come from a table shared by every caller: INCR on
     * counters then allocates nothing. Only for arrays nobody writes into (string values are replaced, never
     * written in place).
     */
    public static byte[] sharedLongBytes(long v) {
        return v >= 0 && v < SHARED_VALUES ? SHARED[(int) v] : longBytes(v);
    }

    /** The decimal text of {@code v} in ASCII, without a String in between (INCR stores one per call). */
    public static byte[] longBytes(long v) {
        if (v == Long.MIN_VALUE) {
            return "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        long u = Math.abs(v);
        int digits = 1;
        for (long t = u; t >= 10; t /= 10) {
            digits++;
        }
        int n = v < 0 ? digits + 1 : digits;
        byte[] b = new byte[n];
        for (int i = n - 1; i >= n - digits; i--) {
            b[i] = (byte) ('0' + u % 10);
            u /= 10;
        }
        if (v < 0) {
            b[0] = '-';
        }
        return b;
    }

    /** Strict Redis string-to-long: optional '-', digits, no leading zeros or '+', no spaces. */
    public static boolean isLong(byte[] b) {
        return parseLongOrFail(b) != null;
    }

    /** Returns the parsed value or {@code null} when {@code b} is not a strict 64-bit integer. */
    public static Long parseLongOrFail(byte[] b) {
        int n = b.length;
        if (n == 0 || n > 20) {
            return null;
        }
        int i = 0;
        boolean neg = false;
        if (b[0] == '-') {
            neg = true;
            i = 1;
            if (n == 1) {
                return null;
            }
        }
        if (b[i] == '0') {
            return (n == i + 1 && !neg) ? 0L : null;
        }
        long v = 0;
        for (; i < n; i++) {
            int c = b[i] - '0';
            if (c < 0 || c > 9) {
                return null;
            }
            if (v > (Long.MAX_VALUE - c) / 10) {
                // allow exactly Long.MIN_VALUE
                if (neg && i == n - 1 && v == 922337203685477580L && c == 8) {
                    return Long.MIN_VALUE;
                }
                return null;
            }
            v = v * 10 + c;
        }
        return neg ? -v : v;
    }

    /**
     * Parses a double the way Redis' strtod-based helpers do: no surrounding spaces, "inf"/"-inf"/"+inf"/
     * "infinity" accepted, NaN rejected. Returns {@code null} on failure.
     */
    public static Double parseDouble(byte[] b) {
        if (b.length == 0 || b.length > 5000) {
            return null;
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        if (Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(s.length() - 1))) {
            return null;
        }
        String lower = s.toLowerCase();
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        if (lower.contains("nan") || lower.contains("inf")) {
            return null;
        }
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == '-' || c == '+' || c == 'x'
                    || (c >= 'a' && c <= 'f') || c == 'p')) {
                return null;
            }
        }
        try {
            if (lower.contains("x")) {
                return Double.parseDouble(lower.contains("p") ? lower : lower + "p0");
            }
            if (lower.endsWith("d") || lower.endsWith("f")) {
                return null;
            }
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Parses a decimal for INCRBYFLOAT: like {@link #parseDouble} but exact. */
    public static BigDecimal parseDecimal(byte[] b) {
        Double d = parseDouble(b);
        if (d == null || d.isInfinite()) {
            return null;
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return new BigDecimal(d);
        }
    }
}
