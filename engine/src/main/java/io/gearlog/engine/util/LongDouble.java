package io.gearlog.engine.util;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * The x87 80-bit {@code long double} that Redis uses for INCRBYFLOAT and HINCRBYFLOAT on x86-64, emulated exactly
 * so results print digit for digit as Redis prints them: a 64-bit significand, round-half-even after every
 * operation, parsing with strtold rules and formatting with {@code %.17Lf} minus trailing zeros. Immutable.
 */
public final class LongDouble {
    private static final int SIGNIFICAND_BITS = 64;
    /** Smallest exponent of the lowest significand bit (subnormals included): 2^-16445. */
    private static final int MIN_EXP = -16445;
    /** A finite value is below 2^16384. */
    private static final int MAX_BINARY_EXP = 16384;
    private static final int MAX_CHARS = 5 * 1024;

    public static final LongDouble ZERO = new LongDouble(0, BigInteger.ZERO, 0);
    public static final LongDouble POSITIVE_INFINITY = new LongDouble(1, null, 0);
    public static final LongDouble NEGATIVE_INFINITY = new LongDouble(-1, null, 0);

    /** -1, 0 or 1; the value is sign * significand * 2^exponent, or an infinity when significand is null. */
    private final int sign;
    private final BigInteger significand;
    private final int exponent;

    private LongDouble(int sign, BigInteger significand, int exponent) {
        this.sign = sign;
        this.significand = significand;
        this.exponent = exponent;
    }

    public boolean isInfinite() {
        return significand == null;
    }

    /** Parses like Redis' string2ld: strtold syntax, no leading space, nothing after the number, no NaN, no overflow. */
    public static LongDouble parse(byte[] b) {
        if (b.length == 0 || b.length >= MAX_CHARS) {
            return null;
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int i = 0;
        int sign = 1;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            sign = s.charAt(0) == '-' ? -1 : 1;
            i = 1;
        }
        String rest = s.substring(i).toLowerCase(java.util.Locale.ROOT);
        if (rest.equals("inf") || rest.equals("infinity")) {
            return sign > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
        }
        if (rest.startsWith("0x")) {
            return parseHex(sign, rest.substring(2));
        }
        return parseDecimal(sign, rest);
    }

    private static LongDouble parseDecimal(int sign, String s) {
        StringBuilder digits = new StringBuilder();
        int i = 0;
        int n = s.length();
        int pointShift = 0;
        boolean any = false;
        while (i < n && isDigit(s.charAt(i))) {
            digits.append(s.charAt(i++));
            any = true;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                digits.append(s.charAt(i++));
                pointShift--;
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        long exp10 = 0;
        if (i < n && s.charAt(i) == 'e') {
            int j = i + 1;
            boolean negExp = false;
            if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                negExp = s.charAt(j) == '-';
                j++;
            }
            if (j >= n || !isDigit(s.charAt(j))) {
                return null; // strtold would stop before the 'e', leaving trailing characters
            }
            while (j < n && isDigit(s.charAt(j))) {
                exp10 = Math.min(exp10 * 10 + (s.charAt(j) - '0'), 1_000_000_000L);
                j++;
            }
            exp10 = negExp ? -exp10 : exp10;
            i = j;
        }
        if (i != n) {
            return null;
        }
        BigInteger mant = new BigInteger(digits.toString());
        if (mant.signum() == 0) {
            return ZERO;
        }
        long e = exp10 + pointShift;
        // value = mant * 10^e; decide overflow and underflow from the magnitude before computing powers
        long magnitude = e + mant.toString().length();
        if (magnitude > 4934) {
            return null; // ERANGE with HUGE_VAL
        }
        if (magnitude < -4952) {
            return null; // ERANGE with zero
        }
        BigInteger num;
        BigInteger den;
        if (e >= 0) {
            num = mant.multiply(BigInteger.TEN.pow((int) e));
            den = BigInteger.ONE;
        } else {
            num = mant;
            den = BigInteger.TEN.pow((int) -e);
        }
        LongDouble r = round(sign, num, den, 0);
        return r == null || r.isInfinite() || r.sign == 0 ? null : r;
    }

    private static LongDouble parseHex(int sign, String s) {
        BigInteger mant = BigInteger.ZERO;
        int i = 0;
        int n = s.length();
        long exp2 = 0;
        boolean any = false;
        while (i < n && Character.digit(s.charAt(i), 16) >= 0) {
            mant = mant.shiftLeft(4).add(BigInteger.valueOf(Character.digit(s.charAt(i++), 16)));
            any = true;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.digit(s.charAt(i), 16) >= 0) {
                mant = mant.shiftLeft(4).add(BigInteger.valueOf(Character.digit(s.charAt(i++), 16)));
                exp2 -= 4;
                any = true;
            }
        }
        if (!any) {
            return null; // strtold reads "0" and stops at 'x'
        }
        if (i < n && s.charAt(i) == 'p') {
            int j = i + 1;
            boolean negExp = false;
            if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                negExp = s.charAt(j) == '-';
                j++;
            }
            if (j >= n || !isDigit(s.charAt(j))) {
                return null;
            }
            long p = 0;
            while (j < n && isDigit(s.charAt(j))) {
                p = Math.min(p * 10 + (s.charAt(j) - '0'), 1_000_000_000L);
                j++;
            }
            exp2 += negExp ? -p : p;
            i = j;
        }
        if (i != n) {
            return null;
        }
        if (mant.signum() == 0) {
            return ZERO;
        }
        long magnitude = exp2 + mant.bitLength();
        if (magnitude > MAX_BINARY_EXP || magnitude < MIN_EXP - 1) {
            return null;
        }
        LongDouble r = round(sign, mant, BigInteger.ONE, (int) exp2);
        return r == null || r.isInfinite() || r.sign == 0 ? null : r;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Rounds sign * num / den * 2^exp2 (num, den positive) to the nearest long double, ties to even. */
    private static LongDouble round(int sign, BigInteger num, BigInteger den, int exp2) {
        if (num.signum() == 0) {
            return ZERO;
        }
        // choose e so that q = floor(num / den * 2^(exp2 - e)) has exactly 64 bits (or fewer for subnormals)
        int e = num.bitLength() - den.bitLength() - SIGNIFICAND_BITS + 1 + exp2;
        BigInteger[] qr = divide(num, den, e - exp2);
        if (qr[0].bitLength() < SIGNIFICAND_BITS) {
            e--;
            qr = divide(num, den, e - exp2);
        }
        if (e < MIN_EXP) {
            e = MIN_EXP;
            qr = divide(num, den, e - exp2);
        }
        BigInteger q = qr[0];
        int cmp = qr[1].shiftLeft(1).compareTo(qr[2]);
        if (cmp > 0 || (cmp == 0 && q.testBit(0))) {
            q = q.add(BigInteger.ONE);
            if (q.bitLength() > SIGNIFICAND_BITS) {
                q = q.shiftRight(1);
                e++;
            }
        }
        if (q.signum() == 0) {
            return ZERO;
        }
        if (e + q.bitLength() > MAX_BINARY_EXP) {
            return sign > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
        }
        return new LongDouble(sign, q, e);
    }

    /** Returns {quotient, remainder, divisor} of num / (den * 2^shift) (shift may be negative). */
    private static BigInteger[] divide(BigInteger num, BigInteger den, int shift) {
        BigInteger n = num;
        BigInteger d = den;
        if (shift >= 0) {
            d = d.shiftLeft(shift);
        } else {
            n = n.shiftLeft(-shift);
        }
        BigInteger[] qr = n.divideAndRemainder(d);
        return new BigInteger[]{qr[0], qr[1], d};
    }

    /** The rounded sum; infinities propagate, and +inf + -inf gives null (NaN). */
    public LongDouble add(LongDouble o) {
        if (isInfinite() || o.isInfinite()) {
            if (isInfinite() && o.isInfinite() && sign != o.sign) {
                return null;
            }
            return isInfinite() ? this : o;
        }
        if (sign == 0) {
            return o;
        }
        if (o.sign == 0) {
            return this;
        }
        int e = Math.min(exponent, o.exponent);
        BigInteger a = significand.shiftLeft(exponent - e);
        BigInteger b = o.significand.shiftLeft(o.exponent - e);
        BigInteger sum = (sign > 0 ? a : a.negate()).add(o.sign > 0 ? b : b.negate());
        if (sum.signum() == 0) {
            return ZERO;
        }
        return round(sum.signum(), sum.abs(), BigInteger.ONE, e);
    }

    /** The exact value (finite values only). */
    public BigDecimal toBigDecimal() {
        BigDecimal m = new BigDecimal(significand);
        BigDecimal v = exponent >= 0 ? new BigDecimal(significand.shiftLeft(exponent))
                : m.multiply(new BigDecimal(BigInteger.valueOf(5).pow(-exponent))).movePointLeft(-exponent);
        return sign < 0 ? v.negate() : v;
    }

    /** Redis' human-friendly format: {@code %.17Lf}, trailing zeros and a trailing point removed, "-0" as "0". */
    public String toHumanString() {
        if (isInfinite()) {
            return sign > 0 ? "inf" : "-inf";
        }
        if (sign == 0) {
            return "0";
        }
        String s = toBigDecimal().setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        s = s.substring(0, end);
        return s.equals("-0") ? "0" : s;
    }

    @Override
    public String toString() {
        return toHumanString();
    }
}
