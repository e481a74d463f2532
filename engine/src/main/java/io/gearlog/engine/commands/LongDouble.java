package io.gearlog.engine.commands;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The arithmetic of Redis' HINCRBYFLOAT, which parses with {@code strtold} and adds in x87 80-bit long double
 * (64-bit significand, exponents to about 10^±4932). Values are held as exact BigDecimals and every parse and sum is
 * rounded to the nearest long double (ties to even), so results match redis-server digit for digit, including sums
 * beyond double's range or precision. Stateless.
 */
final class LongDouble {
    private static final int SIGNIFICAND_BITS = 64;
    /** Exponent of the smallest subnormal's unit: 2^-16445. */
    private static final int MIN_UNIT_EXP = -16445;
    /** Values at or above 2^16384 overflow to infinity. */
    private static final int MAX_BITS = 16384;
    /** Stored hash values are parsed in a MAX_LONG_DOUBLE_CHARS (5 KiB) buffer; longer ones are refused. */
    private static final int MAX_STORED_CHARS = 5 * 1024;
    private static final BigInteger FIVE = BigInteger.valueOf(5);

    private LongDouble() {
    }

    /** +1 or -1 when {@code b} spells an infinity strtold accepts ("inf", "-Infinity"...), else 0. */
    static int infinity(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        int sign = 1;
        if (s.startsWith("+") || s.startsWith("-")) {
            sign = s.charAt(0) == '-' ? -1 : 1;
            s = s.substring(1);
        }
        return s.equals("inf") || s.equals("infinity") ? sign : 0;
    }

    /**
     * The finite long double {@code b} denotes, or null when Redis would refuse it: not a whole number in strtold's
     * syntax, leading space, NaN, infinity (check {@link #infinity} first), overflow, or underflow to zero.
     * {@code stored}: a value read from the hash, which Redis also refuses when 5 KiB or longer.
     */
    static BigDecimal parse(byte[] b, boolean stored) {
        int n = b.length;
        if (n == 0 || (stored && n >= MAX_STORED_CHARS) || infinity(b) != 0) {
            return null;
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        BigDecimal exact;
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        int digitsAt = (lower.startsWith("-") || lower.startsWith("+")) ? 1 : 0;
        if (lower.startsWith("0x", digitsAt)) {
            exact = parseHex(lower);
        } else {
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
                    return null;
                }
            }
            try {
                exact = new BigDecimal(s);
            } catch (NumberFormatException | ArithmeticException e) {
                return null;
            }
        }
        if (exact == null) {
            return null;
        }
        BigDecimal r = round(exact);
        if (r == null || (r.signum() == 0 && exact.signum() != 0)) {
            return null; // strtold's ERANGE with HUGE_VAL or zero
        }
        return r;
    }

    private static BigDecimal parseHex(String lower) {
        int p = lower.indexOf('p');
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            boolean ok = p >= 0 && i > p ? (c >= '0' && c <= '9') || c == '+' || c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == 'x' || c == '.' || c == 'p'
                    || c == '+' || c == '-';
            if (!ok) {
                return null; // Java would also take whitespace and a 'd'/'f' suffix; strtold does not
            }
        }
        String t = lower.indexOf('p') >= 0 ? lower : lower + "p0";
        try {
            double d = Double.parseDouble(t);
            return Double.isInfinite(d) ? null : new BigDecimal(d);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code a + b} rounded to long double, or null when it overflows (Redis: "would produce NaN or Infinity"). */
    static BigDecimal add(BigDecimal a, BigDecimal b) {
        return round(a.add(b));
    }

    /** The long double nearest to {@code x} (ties to even), exactly; null when it overflows to infinity. */
    static BigDecimal round(BigDecimal x) {
        if (x.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long decimalExp = (long) x.precision() - x.scale(); // 10^(decimalExp-1) <= |x| < 10^decimalExp
        if (decimalExp > 4934) {
            return null;
        }
        if (decimalExp < -4952) {
            return BigDecimal.ZERO; // below half the smallest subnormal
        }
        BigInteger num = x.unscaledValue().abs();
        BigInteger den = BigInteger.ONE;
        if (x.scale() <= 0) {
            num = num.multiply(BigInteger.TEN.pow(-x.scale()));
        } else {
            den = BigInteger.TEN.pow(x.scale());
        }
        int t = num.bitLength() - den.bitLength();
        boolean atLeast = t >= 0 ? num.compareTo(den.shiftLeft(t)) >= 0 : num.shiftLeft(-t).compareTo(den) >= 0;
        int log2 = atLeast ? t : t - 1; // floor(log2 |x|)
        int e = Math.max(log2 - (SIGNIFICAND_BITS - 1), MIN_UNIT_EXP);
        BigInteger n = e >= 0 ? num : num.shiftLeft(-e);
        BigInteger d = e >= 0 ? den.shiftLeft(e) : den;
        BigInteger[] qr = n.divideAndRemainder(d);
        BigInteger m = qr[0];
        int half = qr[1].shiftLeft(1).compareTo(d);
        if (half > 0 || (half == 0 && m.testBit(0))) {
            m = m.add(BigInteger.ONE);
        }
        if (m.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (m.bitLength() + e > MAX_BITS) {
            return null;
        }
        BigDecimal v = e >= 0 ? new BigDecimal(m.shiftLeft(e)) : new BigDecimal(m.multiply(FIVE.pow(-e)), -e);
        return x.signum() < 0 ? v.negate() : v;
    }
}
