package io.gearlog.engine.commands;

import io.gearlog.engine.Client;
import io.gearlog.engine.CommandContext;
import io.gearlog.engine.CommandError;
import io.gearlog.engine.Engine;
import io.gearlog.engine.Errors;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.keyspace.EventClass;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.keyspace.ValueType;
import io.gearlog.engine.keyspace.ZSetValue;
import io.gearlog.engine.keyspace.ZSetValue.LexBound;
import io.gearlog.engine.keyspace.ZSetValue.LexRange;
import io.gearlog.engine.keyspace.ZSetValue.ScoreRange;
import io.gearlog.engine.reply.NumberFormat;
import io.gearlog.engine.reply.ReplyBuffer;
import io.gearlog.journal.RecordType;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static io.gearlog.engine.command.CommandFlags.*;

/** The sorted set commands of Redis 7.0. */
public final class SortedSetCommands {
    static final String XX_AND_NX = "ERR XX and NX options at the same time are not compatible";
    static final String GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible";
    static final String INCR_PAIR = "ERR INCR option supports a single increment-element pair";
    static final String NAN_SCORE = "ERR resulting score is not a number (NaN)";
    static final String RANGE_NOT_FLOAT = "ERR min or max is not a float";
    static final String RANGE_NOT_LEX = "ERR min or max not valid string range item";
    static final String LIMIT_NEEDS_BY = "ERR syntax error, LIMIT is only supported in combination with either "
            + "BYSCORE or BYLEX";
    static final String WITHSCORES_BYLEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
    static final String MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
    static final String WEIGHT_NOT_FLOAT = "ERR weight value is not a float";

    private SortedSetCommands() {
    }

    static void register(CommandTable t) {
        t.add("zadd", -4, WRITE | DENYOOM | FAST, 1, 1, 1, ctx -> zadd(ctx, 0));
        t.add("zincrby", 4, WRITE | DENYOOM | FAST, 1, 1, 1, ctx -> zadd(ctx, Z_INCR));
        t.add("zrem", -3, WRITE | FAST | NOOP_WHEN_NO_MEMBER_PRESENT, 1, 1, 1, SortedSetCommands::zrem);
        t.add("zscore", 3, READONLY | FAST, 1, 1, 1, SortedSetCommands::zscore);
        t.add("zmscore", -3, READONLY | FAST, 1, 1, 1, SortedSetCommands::zmscore);
        t.add("zcard", 2, READONLY | FAST, 1, 1, 1, SortedSetCommands::zcard);
        t.add("zcount", 4, READONLY | FAST, 1, 1, 1, SortedSetCommands::zcount);
        t.add("zlexcount", 4, READONLY | FAST, 1, 1, 1, SortedSetCommands::zlexcount);
        t.add("zrank", 3, READONLY | FAST, 1, 1, 1, ctx -> zrank(ctx, false));
        t.add("zrevrank", 3, READONLY | FAST, 1, 1, 1, ctx -> zrank(ctx, true));
        t.add("zrange", -4, READONLY, 1, 1, 1, ctx -> zrange(ctx, 1, null, AUTO, 0));
        t.add("zrangestore", -5, WRITE | DENYOOM, 1, 2, 1, ctx -> zrange(ctx, 2, ctx.key(1), AUTO, 0));
        t.add("zrangebyscore", -4, READONLY, 1, 1, 1, ctx -> zrange(ctx, 1, null, BY_SCORE, 1));
        t.add("zrevrangebyscore", -4, READONLY, 1, 1, 1, ctx -> zrange(ctx, 1, null, BY_SCORE, -1));
        t.add("zrangebylex", -4, READONLY, 1, 1, 1, ctx -> zrange(ctx, 1, null, BY_LEX, 1));
        t.add("zrevrangebylex", -4, READONLY, 1, 1, 1, ctx -> zrange(ctx, 1, null, BY_LEX, -1));
        t.add("zrevrange", -4, READONLY, 1, 1, 1, ctx -> zrange(ctx, 1, null, BY_RANK, -1));
        t.add("zremrangebyrank", 4, WRITE, 1, 1, 1, ctx -> zremrange(ctx, BY_RANK));
        t.add("zremrangebyscore", 4, WRITE, 1, 1, 1, ctx -> zremrange(ctx, BY_SCORE));
        t.add("zremrangebylex", 4, WRITE, 1, 1, 1, ctx -> zremrange(ctx, BY_LEX));
        t.add("zpopmin", -2, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, ctx -> zpop(ctx, false));
        t.add("zpopmax", -2, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, ctx -> zpop(ctx, true));
        t.add("bzpopmin", -3, WRITE | NOSCRIPT | BLOCKING | FAST, 1, -2, 1, ctx -> bzpop(ctx, false));
        t.add("bzpopmax", -3, WRITE | NOSCRIPT | BLOCKING | FAST, 1, -2, 1, ctx -> bzpop(ctx, true));
        t.add("zmpop", -4, WRITE, 0, 0, 0, ctx -> zmpop(ctx, 1, false));
        t.add("bzmpop", -5, WRITE | BLOCKING, 0, 0, 0, ctx -> zmpop(ctx, 2, true));
        t.add("zrandmember", -2, READONLY, 1, 1, 1, SortedSetCommands::zrandmember);
        t.add("zunion", -3, READONLY, 0, 0, 0, ctx -> setOp(ctx, null, 1, UNION, false));
        t.add("zinter", -3, READONLY, 0, 0, 0, ctx -> setOp(ctx, null, 1, INTER, false));
        t.add("zdiff", -3, READONLY, 0, 0, 0, ctx -> setOp(ctx, null, 1, DIFF, false));
        t.add("zunionstore", -4, WRITE | DENYOOM, 1, 1, 1, ctx -> setOp(ctx, ctx.key(1), 2, UNION, false));
        t.add("zinterstore", -4, WRITE | DENYOOM, 1, 1, 1, ctx -> setOp(ctx, ctx.key(1), 2, INTER, false));
        t.add("zdiffstore", -4, WRITE | DENYOOM, 1, 1, 1, ctx -> setOp(ctx, ctx.key(1), 2, DIFF, false));
        t.add("zintercard", -3, READONLY, 0, 0, 0, ctx -> setOp(ctx, null, 1, INTER, true));
        t.add("zscan", -3, READONLY, 1, 1, 1, SortedSetCommands::zscan);
    }

    // ---- shared helpers ----

    private static int maxEntries(CommandContext ctx) {
        return ctx.engine().config().zsetMaxListpackEntries;
    }

    private static int maxValue(CommandContext ctx) {
        return ctx.engine().config().zsetMaxListpackValue;
    }

    /** Array header for {@code n} elements; with scores RESP2 flattens the pairs, RESP3 nests them. */
    private static void rangeHeader(ReplyBuffer r, long n, boolean withScores) {
        r.array(withScores && !r.resp3() ? n * 2 : n);
    }

    private static void element(ReplyBuffer r, byte[] b, int off, int len, double score, boolean withScores) {
        if (withScores && r.resp3()) {
            r.array(2);
        }
        r.bulk(b, off, len);
        if (withScores) {
            r.dbl(score);
        }
    }

    /** Deletes the key when the last element went, with the "del" event Redis sends. */
    private static void deleteIfEmpty(CommandContext ctx, Key key, ZSetValue z) {
        if (z.size() == 0) {
            ctx.db().remove(key);
            ctx.notify(EventClass.GENERIC, "del", key);
        }
    }

    /** Like getRangeLongFromObjectOrReply: {@code msg} (or Redis' default texts) when not an integer in range. */
    private static long rangeLong(byte[] b, long min, long max, String msg) {
        Long v = NumberFormat.parseLongOrFail(b);
        if (v == null) {
            throw new CommandError(msg != null ? msg : Errors.NOT_INTEGER);
        }
        if (v < min || v > max) {
            throw new CommandError(msg != null ? msg
                    : "ERR value is out of range, value must between " + min + " and " + max);
        }
        return v;
    }

    // ---- number parsing (C strtod semantics) ----

    /** A prefix parse like C's strtod: the value, how many bytes it used (0: none) and range errors. */
    static final class Strtod {
        double value;
        int end;
        boolean overflow;
        boolean underflow;
        String text;

        private static boolean isSpace(int c) {
            return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
        }

        private static boolean word(byte[] s, int i, String w) {
            if (i + w.length() > s.length) {
                return false;
            }
            for (int k = 0; k < w.length(); k++) {
                if (Character.toLowerCase((char) (s[i + k] & 0xff)) != w.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean digit(byte[] s, int i) {
            return i < s.length && s[i] >= '0' && s[i] <= '9';
        }

        private static boolean hexDigit(byte[] s, int i) {
            return i < s.length && Character.digit((char) (s[i] & 0xff), 16) >= 0;
        }

        static Strtod parse(byte[] s, int start) {
            Strtod r = new Strtod();
            int i = start;
            while (i < s.length && isSpace(s[i])) {
                i++;
            }
            boolean neg = false;
            if (i < s.length && (s[i] == '+' || s[i] == '-')) {
                neg = s[i] == '-';
                i++;
            }
            if (word(s, i, "inf")) {
                r.end = word(s, i + 3, "inity") ? i + 8 : i + 3;
                r.value = neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                return r;
            }
            if (word(s, i, "nan")) {
                int j = i + 3;
                if (j < s.length && s[j] == '(') {
                    int k = j + 1;
                    while (k < s.length && (Character.isLetterOrDigit((char) (s[k] & 0xff)) || s[k] == '_')) {
                        k++;
                    }
                    if (k < s.length && s[k] == ')') {
                        j = k + 1;
                    }
                }
                r.end = j;
                r.value = Double.NaN;
                return r;
            }
            String body;
            boolean nonZero = false;
            if (i + 1 < s.length && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')
                    && (hexDigit(s, i + 2) || (i + 2 < s.length && s[i + 2] == '.' && hexDigit(s, i + 3)))) {
                int j = i + 2;
                StringBuilder mant = new StringBuilder();
                while (hexDigit(s, j)) {
                    nonZero |= s[j] != '0';
                    mant.append((char) s[j++]);
                }
                if (j < s.length && s[j] == '.') {
                    mant.append('.');
                    j++;
                    while (hexDigit(s, j)) {
                        nonZero |= s[j] != '0';
                        mant.append((char) s[j++]);
                    }
                }
                String exp = "0";
                if (j < s.length && (s[j] == 'p' || s[j] == 'P')) {
                    int k = j + 1;
                    if (k < s.length && (s[k] == '+' || s[k] == '-')) {
                        k++;
                    }
                    if (digit(s, k)) {
                        while (digit(s, k)) {
                            k++;
                        }
                        exp = new String(s, j + 1, k - j - 1, StandardCharsets.US_ASCII);
                        j = k;
                    }
                }
                body = "0x" + mant + "p" + exp;
                r.end = j;
            } else {
                int j = i;
                int digits = 0;
                while (digit(s, j)) {
                    nonZero |= s[j] != '0';
                    j++;
                    digits++;
                }
                if (j < s.length && s[j] == '.') {
                    j++;
                    while (digit(s, j)) {
                        nonZero |= s[j] != '0';
                        j++;
                        digits++;
                    }
                }
                if (digits == 0) {
                    r.end = start;
                    return r;
                }
                if (j < s.length && (s[j] == 'e' || s[j] == 'E')) {
                    int k = j + 1;
                    if (k < s.length && (s[k] == '+' || s[k] == '-')) {
                        k++;
                    }
                    if (digit(s, k)) {
                        while (digit(s, k)) {
                            k++;
                        }
                        j = k;
                    }
                }
                body = new String(s, i, j - i, StandardCharsets.US_ASCII);
                r.end = j;
            }
            double v = Double.parseDouble(body);
            r.overflow = Double.isInfinite(v);
            r.underflow = v == 0 && nonZero;
            r.value = neg ? -v : v;
            r.text = body;
            return r;
        }
    }

    /** A score or weight argument (Redis' string2d): strict syntax, no overflow, no total underflow, no NaN. */
    static Double parseScore(byte[] b) {
        if (b.length == 0 || Strtod.isSpace(b[0])) {
            return null;
        }
        Strtod p = Strtod.parse(b, 0);
        if (p.end != b.length || p.overflow || p.underflow || Double.isNaN(p.value)) {
            return null;
        }
        return p.value;
    }

    private static double scoreArg(byte[] b, String error) {
        Double d = parseScore(b);
        if (d == null) {
            throw new CommandError(error);
        }
        return d;
    }

    /** One end of a score range (zslParseRange): C strtod up to the end of the string, NaN refused. */
    private static double rangeEnd(byte[] b, int from) {
        Strtod p = Strtod.parse(b, from);
        if ((p.end != b.length && b[p.end] != 0) || Double.isNaN(p.value)) {
            throw new CommandError(RANGE_NOT_FLOAT);
        }
        return p.value;
    }

    static ScoreRange scoreRange(byte[] min, byte[] max) {
        boolean minEx = min.length > 0 && min[0] == '(';
        boolean maxEx = max.length > 0 && max[0] == '(';
        double lo = rangeEnd(min, minEx ? 1 : 0);
        double hi = rangeEnd(max, maxEx ? 1 : 0);
        return new ScoreRange(lo, minEx, hi, maxEx);
    }

    private static LexBound lexBound(byte[] b) {
        if (b.length == 0) {
            throw new CommandError(RANGE_NOT_LEX);
        }
        switch (b[0]) {
            case '+':
            case '-':
                if (b.length != 1) {
                    throw new CommandError(RANGE_NOT_LEX);
                }
                return new LexBound(b[0] == '+' ? LexBound.MAX : LexBound.MIN, null, true);
            case '(':
            case '[':
                return new LexBound(LexBound.VALUE, Arrays.copyOfRange(b, 1, b.length), b[0] == '(');
            default:
                throw new CommandError(RANGE_NOT_LEX);
        }
    }

    static LexRange lexRange(byte[] min, byte[] max) {
        LexBound lo = lexBound(min);
        LexBound hi = lexBound(max);
        return new LexRange(lo, hi);
    }

    private static final BigDecimal LONG_DOUBLE_MAX = new BigDecimal("1.18973149535723176502e4932");
    private static final BigDecimal LONG_DOUBLE_MIN = new BigDecimal("3.6e-4951");

    /**
     * A blocking timeout in seconds, as Redis 7.0 reads it (strtold, times 1000, truncated to a long): the
     * relative milliseconds, 0 for no timeout. Out-of-range products become negative like the x86 conversion.
     */
    static long timeoutMillis(byte[] b) {
        if (b.length == 0 || b.length >= 5 * 1024 || Strtod.isSpace(b[0])) {
            throw new CommandError(Errors.TIMEOUT_NOT_FLOAT);
        }
        Strtod p = Strtod.parse(b, 0);
        if (p.end != b.length || Double.isNaN(p.value)) {
            throw new CommandError(Errors.TIMEOUT_NOT_FLOAT);
        }
        if ((p.overflow || p.underflow) && p.text != null && !p.text.startsWith("0x")) {
            // beyond double but maybe within long double, which strtold accepts
            BigDecimal exact = new BigDecimal(p.text);
            if (p.overflow ? exact.compareTo(LONG_DOUBLE_MAX) > 0 : exact.compareTo(LONG_DOUBLE_MIN) < 0) {
                throw new CommandError(Errors.TIMEOUT_NOT_FLOAT);
            }
        }
        double ms = p.value * 1000.0;
        long tval = (Double.isInfinite(ms) || ms >= 0x1p63 || ms < -0x1p63) ? Long.MIN_VALUE : (long) ms;
        if (tval < 0) {
            throw new CommandError(Errors.TIMEOUT_NEGATIVE);
        }
        return tval;
    }

    // ---- ZADD / ZINCRBY ----

    private static final int Z_NX = 1;
    private static final int Z_XX = 2;
    private static final int Z_GT = 4;
    private static final int Z_LT = 8;
    private static final int Z_CH = 16;
    private static final int Z_INCR = 32;

    private static void zadd(CommandContext ctx, int flags) {
        int idx = 2;
        for (; idx < ctx.argc(); idx++) {
            if (ctx.is(idx, "NX")) {
                flags |= Z_NX;
            } else if (ctx.is(idx, "XX")) {
                flags |= Z_XX;
            } else if (ctx.is(idx, "CH")) {
                flags |= Z_CH;
            } else if (ctx.is(idx, "INCR")) {
                flags |= Z_INCR;
            } else if (ctx.is(idx, "GT")) {
                flags |= Z_GT;
            } else if (ctx.is(idx, "LT")) {
                flags |= Z_LT;
            } else {
                break;
            }
        }
        boolean nx = (flags & Z_NX) != 0;
        boolean xx = (flags & Z_XX) != 0;
        boolean gt = (flags & Z_GT) != 0;
        boolean lt = (flags & Z_LT) != 0;
        boolean incr = (flags & Z_INCR) != 0;
        int elements = ctx.argc() - idx;
        if (elements == 0 || elements % 2 != 0) {
            throw new CommandError(Errors.SYNTAX);
        }
        elements /= 2;
        if (nx && xx) {
            throw new CommandError(XX_AND_NX);
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw new CommandError(GT_LT_NX);
        }
        if (incr && elements > 1) {
            throw new CommandError(INCR_PAIR);
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            scores[j] = scoreArg(ctx.arg(idx + 2 * j), Errors.NOT_FLOAT);
        }
        Key key = ctx.key(1);
        ZSetValue z = ctx.write(key, ValueType.ZSET);
        if (z == null) {
            if (xx) {
                if (incr) {
                    ctx.reply().nullBulk();
                } else {
                    ctx.reply().integer(0);
                }
                return;
            }
            z = new ZSetValue();
            ctx.db().put(key, z);
        }
        int added = 0;
        int updated = 0;
        int processed = 0;
        double last = 0;
        boolean nan = false;
        for (int j = 0; j < elements; j++) {
            byte[] member = ctx.arg(idx + 2 * j + 1);
            double score = scores[j];
            double cur = z.score(member);
            if (!Double.isNaN(cur)) {
                if (nx) {
                    continue;
                }
                if (incr) {
                    score += cur;
                    if (Double.isNaN(score)) {
                        nan = true;
                        break;
                    }
                }
                if ((lt && score >= cur) || (gt && score <= cur)) {
                    continue;
                }
                processed++;
                last = score;
                if (score != cur) {
                    z.update(member, score);
                    updated++;
                }
            } else if (!xx) {
                z.insert(member, score, maxEntries(ctx), maxValue(ctx));
                added++;
                processed++;
                last = score;
            }
        }
        if (added + updated > 0) {
            ctx.modified(key);
            ctx.notify(EventClass.ZSET, incr ? "zincr" : "zadd", key);
        } else if (z.size() == 0) {
            ctx.db().remove(key);
        }
        if (nan) {
            throw new CommandError(NAN_SCORE);
        }
        ReplyBuffer r = ctx.reply();
        if (incr) {
            if (processed > 0) {
                r.dbl(last);
            } else {
                r.nullBulk();
            }
        } else {
            r.integer((flags & Z_CH) != 0 ? added + updated : added);
        }
    }

    // ---- simple reads and removals ----

    private static void zrem(CommandContext ctx) {
        Key key = ctx.key(1);
        ZSetValue z = ctx.write(key, ValueType.ZSET);
        if (z == null) {
            ctx.reply().integer(0);
            return;
        }
        int deleted = 0;
        for (int j = 2; j < ctx.argc(); j++) {
            if (z.remove(ctx.arg(j))) {
                deleted++;
            }
            if (z.size() == 0) {
                break;
            }
        }
        if (deleted > 0) {
            ctx.modified(key);
            ctx.notify(EventClass.ZSET, "zrem", key);
            deleteIfEmpty(ctx, key, z);
        }
        ctx.reply().integer(deleted);
    }

    private static void zscore(CommandContext ctx) {
        ZSetValue z = ctx.read(ctx.key(1), ValueType.ZSET);
        double s = z == null ? Double.NaN : z.score(ctx.arg(2));
        if (Double.isNaN(s)) {
            ctx.reply().nullBulk();
        } else {
            ctx.reply().dbl(s);
        }
    }

    private static void zmscore(CommandContext ctx) {
        ZSetValue z = ctx.read(ctx.key(1), ValueType.ZSET);
        ReplyBuffer r = ctx.reply();
        r.array(ctx.argc() - 2);
        for (int j = 2; j < ctx.argc(); j++) {
            double s = z == null ? Double.NaN : z.score(ctx.arg(j));
            if (Double.isNaN(s)) {
                r.nullBulk();
            } else {
                r.dbl(s);
            }
        }
    }

    private static void zcard(CommandContext ctx) {
        ZSetValue z = ctx.read(ctx.key(1), ValueType.ZSET);
        ctx.reply().integer(z == null ? 0 : z.size());
    }

    private static void zcount(CommandContext ctx) {
        ScoreRange range = scoreRange(ctx.arg(2), ctx.arg(3));
        ZSetValue z = ctx.read(ctx.key(1), ValueType.ZSET);
        ctx.reply().integer(z == null ? 0 : Math.max(0, z.scoreEnd(range) - z.scoreStart(range)));
    }

    private static void zlexcount(CommandContext ctx) {
        LexRange range = lexRange(ctx.arg(2), ctx.arg(3));
        ZSetValue z = ctx.read(ctx.key(1), ValueType.ZSET);
        ctx.reply().integer(z == null ? 0 : z.lexCount(range));
    }

    private static void zrank(CommandContext ctx, boolean reverse) {
        ZSetValue z = ctx.read(ctx.key(1), ValueType.ZSET);
        int rank = z == null ? -1 : z.rank(ctx.arg(2));
        if (rank < 0) {
            ctx.reply().nullBulk();
        } else {
            ctx.reply().integer(reverse ? z.size() - 1 - rank : rank);
        }
    }

    // ---- ZRANGE family ----

    private static final int AUTO = -1;
    private static final int BY_RANK = 0;
    private static final int BY_SCORE = 1;
    private static final int BY_LEX = 2;

    /** Inclusive ascending ranks {@code from..to}; empty when from > to. */
    private record Ranks(int from, int to) {
        static final Ranks EMPTY = new Ranks(0, -1);

        int count() {
            return Math.max(0, to - from + 1);
        }
    }

    /** Normalizes Redis rank indexes (negative from the end) against {@code n} elements. */
    private static Ranks rankRange(long start, long end, int n) {
        if (start < 0) {
            start += n;
        }
        if (end < 0) {
            end += n;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= n) {
            return Ranks.EMPTY;
        }
        if (end >= n) {
            end = n - 1;
        }
        return new Ranks((int) start, (int) end);
    }

    /** Applies LIMIT to the in-range ranks {@code lo..hi-1}, counting the offset from the end when reversed. */
    private static Ranks limited(int lo, int hi, long offset, long limit, boolean reverse, int n) {
        if (offset < 0 || (offset > 0 && offset >= n) || lo >= hi) {
            return Ranks.EMPTY;
        }
        long from;
        long to;
        if (!reverse) {
            from = lo + offset;
            to = hi - 1;
            if (limit >= 0) {
                to = Math.min(to, from + Math.min(limit, n) - 1);
            }
        } else {
            to = hi - 1 - offset;
            from = lo;
            if (limit >= 0) {
                from = Math.max(from, to - Math.min(limit, n) + 1);
            }
        }
        if (from > to) {
            return Ranks.EMPTY;
        }
        return new Ranks((int) from, (int) to);
    }

    /**
     * The lex range with LIMIT, walked as Redis does: from the first (or last) element in range, skip the offset,
     * then take elements while they stay in range.
     */
    private static Ranks lexRanks(ZSetValue z, LexRange lex, long offset, long limit, boolean reverse) {
        int start = reverse ? z.lexLast(lex) : z.lexFirst(lex);
        if (start < 0 || offset < 0) {
            return Ranks.EMPTY;
        }
        long pos = reverse ? start - offset : start + offset;
        if (pos < 0 || pos >= z.size()) {
            return Ranks.EMPTY;
        }
        int p = (int) pos;
        int k = z.lexRun(p, reverse, lex, limit < 0 ? Long.MAX_VALUE : limit);
        if (k == 0) {
            return Ranks.EMPTY;
        }
        return reverse ? new Ranks(p - k + 1, p) : new Ranks(p, p + k - 1);
    }

    /**
     * ZRANGE and its older forms. {@code type} and {@code dir} are fixed by the older commands (AUTO / 0 let
     * ZRANGE's BYSCORE, BYLEX and REV choose); {@code dst} is the destination for ZRANGESTORE.
     */
    private static void zrange(CommandContext ctx, int keyIdx, Key dst, int type, int dir) {
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = keyIdx + 3; j < ctx.argc(); j++) {
            int left = ctx.argc() - j - 1;
            if (dst == null && ctx.is(j, "WITHSCORES")) {
                withScores = true;
            } else if (ctx.is(j, "LIMIT") && left >= 2) {
                offset = ctx.longArg(j + 1);
                limit = ctx.longArg(j + 2);
                j += 2;
            } else if (dir == 0 && ctx.is(j, "REV")) {
                dir = -1;
            } else if (type == AUTO && ctx.is(j, "BYLEX")) {
                type = BY_LEX;
            } else if (type == AUTO && ctx.is(j, "BYSCORE")) {
                type = BY_SCORE;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (dir == 0) {
            dir = 1;
        }
        if (type == AUTO) {
            type = BY_RANK;
        }
        if (limit != -1 && type == BY_RANK) {
            throw new CommandError(LIMIT_NEEDS_BY);
        }
        if (withScores && type == BY_LEX) {
            throw new CommandError(WITHSCORES_BYLEX);
        }
        boolean reverse = dir < 0;
        int minIdx = keyIdx + 1;
        int maxIdx = keyIdx + 2;
        if (reverse && type != BY_RANK) {
            // the range is given as max, min
            minIdx = keyIdx + 2;
            maxIdx = keyIdx + 1;
        }
        long start = 0;
        long end = 0;
        ScoreRange scores = null;
        LexRange lex = null;
        switch (type) {
            case BY_RANK -> {
                start = ctx.longArg(minIdx);
                end = ctx.longArg(maxIdx);
            }
            case BY_SCORE -> scores = scoreRange(ctx.arg(minIdx), ctx.arg(maxIdx));
            default -> lex = lexRange(ctx.arg(minIdx), ctx.arg(maxIdx));
        }
        ZSetValue z = ctx.read(ctx.key(keyIdx), ValueType.ZSET);
        Ranks ranks = Ranks.EMPTY;
        if (z != null) {
            int n = z.size();
            if (type == BY_RANK) {
                ranks = rankRange(start, end, n);
                if (reverse && ranks.count() > 0) {
                    ranks = new Ranks(n - 1 - ranks.to(), n - 1 - ranks.from());
                }
            } else if (type == BY_SCORE) {
                ranks = limited(z.scoreStart(scores), z.scoreEnd(scores), offset, limit, reverse, n);
            } else {
                ranks = lexRanks(z, lex, offset, limit, reverse);
            }
        }
        if (dst != null) {
            ZSetValue result = new ZSetValue();
            if (z != null) {
                int me = maxEntries(ctx);
                int mv = maxValue(ctx);
                z.visit(ranks.from(), ranks.to(), reverse,
                        (b, o, l, s) -> result.insert(Arrays.copyOfRange(b, o, o + l), s, me, mv));
            }
            storeResult(ctx, dst, result, "zrangestore");
            return;
        }
        ReplyBuffer r = ctx.reply();
        if (z == null) {
            r.emptyArray();
            return;
        }
        boolean ws = withScores;
        rangeHeader(r, ranks.count(), ws);
        z.visit(ranks.from(), ranks.to(), reverse, (b, o, l, s) -> element(r, b, o, l, s, ws));
    }

    /** Stores a computed result (setKey semantics: replaces any value and TTL) or deletes dst when empty. */
    private static void storeResult(CommandContext ctx, Key dst, ZSetValue result, String event) {
        if (result.size() > 0) {
            ctx.db().put(dst, result);
            ctx.modified(dst);
            ctx.notify(EventClass.ZSET, event, dst);
            ctx.reply().integer(result.size());
        } else {
            ctx.reply().integer(0);
            if (ctx.db().delete(dst, ctx.now())) {
                ctx.modified(dst);
                ctx.notify(EventClass.GENERIC, "del", dst);
            }
        }
    }

    private static void zremrange(CommandContext ctx, int type) {
        Key key = ctx.key(1);
        long start = 0;
        long end = 0;
        ScoreRange scores = null;
        LexRange lex = null;
        switch (type) {
            case BY_RANK -> {
                start = ctx.longArg(2);
                end = ctx.longArg(3);
            }
            case BY_SCORE -> scores = scoreRange(ctx.arg(2), ctx.arg(3));
            default -> lex = lexRange(ctx.arg(2), ctx.arg(3));
        }
        ZSetValue z = ctx.write(key, ValueType.ZSET);
        if (z == null) {
            ctx.reply().integer(0);
            return;
        }
        Ranks ranks = switch (type) {
            case BY_RANK -> rankRange(start, end, z.size());
            case BY_SCORE -> new Ranks(z.scoreStart(scores), z.scoreEnd(scores) - 1);
            default -> {
                int first = z.lexFirst(lex);
                yield first < 0 ? Ranks.EMPTY : new Ranks(first, first + z.lexRun(first, false, lex, Long.MAX_VALUE) - 1);
            }
        };
        int removed = ranks.count();
        if (removed > 0) {
            z.removeRange(ranks.from(), ranks.to());
            ctx.modified(key);
            String event = switch (type) {
                case BY_RANK -> "zremrangebyrank";
                case BY_SCORE -> "zremrangebyscore";
                default -> "zremrangebylex";
            };
            ctx.notify(EventClass.ZSET, event, key);
            deleteIfEmpty(ctx, key, z);
        }
        ctx.reply().integer(removed);
    }

    // ---- pops ----

    /** Reply shapes of the pop commands. */
    private static final int POP_FLAT = 0;
    private static final int POP_NESTED = 1;
    private static final int POP_KEY_FLAT = 2;
    private static final int POP_KEY_NESTED = 3;

    /** Pops up to {@code count} elements from the non-empty set at {@code key}, replying in {@code shape}. */
    private static void pop(CommandContext ctx, Key key, ZSetValue z, boolean max, long count, int shape) {
        int n = (int) Math.min(count, z.size());
        ReplyBuffer r = ctx.reply();
        switch (shape) {
            case POP_FLAT -> r.array(n * 2L);
            case POP_NESTED -> r.array(n);
            case POP_KEY_FLAT -> {
                r.array(n * 2L + 1);
                r.bulk(key.bytes());
            }
            default -> {
                r.array(2);
                r.bulk(key.bytes());
                r.array(n);
            }
        }
        boolean nested = shape == POP_NESTED || shape == POP_KEY_NESTED;
        int from = max ? z.size() - n : 0;
        int to = max ? z.size() - 1 : n - 1;
        z.visit(from, to, max, (b, o, l, s) -> {
            if (nested) {
                r.array(2);
            }
            r.bulk(b, o, l);
            r.dbl(s);
        });
        z.removeRange(from, to);
        ctx.modified(key);
        ctx.notify(EventClass.ZSET, max ? "zpopmax" : "zpopmin", key);
        deleteIfEmpty(ctx, key, z);
    }

    private static void zpop(CommandContext ctx, boolean max) {
        if (ctx.argc() > 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        long count = 1;
        boolean counted = ctx.argc() == 3;
        if (counted) {
            count = rangeLong(ctx.arg(2), 0, Long.MAX_VALUE, MUST_BE_POSITIVE);
        }
        Key key = ctx.key(1);
        ZSetValue z = ctx.write(key, ValueType.ZSET);
        if (z == null || count == 0) {
            ctx.reply().emptyArray();
            return;
        }
        pop(ctx, key, z, max, count, counted && ctx.reply().resp3() ? POP_NESTED : POP_FLAT);
    }

    private static void bzpop(CommandContext ctx, boolean max) {
        List<Key> keys = new ArrayList<>();
        for (int i = 1; i < ctx.argc() - 1; i++) {
            keys.add(ctx.key(i));
        }
        blockingPop(ctx, keys, max, 1, POP_KEY_FLAT, ctx.argc() - 1);
    }

    private static void zmpop(CommandContext ctx, int numIdx, boolean block) {
        long numkeys = rangeLong(ctx.arg(numIdx), 1, Long.MAX_VALUE, "ERR numkeys should be greater than 0");
        if (numkeys >= ctx.argc()) {
            throw new CommandError(Errors.SYNTAX);
        }
        int whereIdx = numIdx + (int) numkeys + 1;
        if (whereIdx >= ctx.argc()) {
            throw new CommandError(Errors.SYNTAX);
        }
        boolean max;
        if (ctx.is(whereIdx, "MIN")) {
            max = false;
        } else if (ctx.is(whereIdx, "MAX")) {
            max = true;
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        long count = -1;
        for (int j = whereIdx + 1; j < ctx.argc(); j++) {
            int more = ctx.argc() - 1 - j;
            if (count == -1 && ctx.is(j, "COUNT") && more > 0) {
                count = rangeLong(ctx.arg(++j), 1, Long.MAX_VALUE, "ERR count should be greater than 0");
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (count == -1) {
            count = 1;
        }
        List<Key> keys = new ArrayList<>();
        for (int i = numIdx + 1; i < whereIdx; i++) {
            keys.add(ctx.key(i));
        }
        if (block) {
            blockingPop(ctx, keys, max, count, POP_KEY_NESTED, 1);
            return;
        }
        for (Key key : keys) {
            ZSetValue z = ctx.write(key, ValueType.ZSET);
            if (z != null && z.size() > 0) {
                pop(ctx, key, z, max, count, POP_KEY_NESTED);
                return;
            }
        }
        ctx.reply().nullArray();
    }

    /**
     * Whether this command may block: only a live, top-level client command. Inside EXEC, during recovery and
     * for commands run on behalf of something already journaled, the engine does not journal the command itself,
     * and Redis answers those as if the timeout had passed.
     */
    private static boolean mayBlock(CommandContext ctx) {
        return !ctx.client().replaying && !ctx.engine().replaying() && ctx.engine().shouldJournal();
    }

    private static void blockingPop(CommandContext ctx, List<Key> keys, boolean max, long count, int shape,
                                    int timeoutIdx) {
        long timeout = timeoutMillis(ctx.arg(timeoutIdx));
        for (Key key : keys) {
            ZSetValue z = ctx.write(key, ValueType.ZSET);
            if (z != null && z.size() > 0) {
                pop(ctx, key, z, max, count, shape);
                return;
            }
        }
        if (!mayBlock(ctx)) {
            ctx.reply().nullArray();
            return;
        }
        long deadline = timeout == 0 ? 0 : (timeout > Long.MAX_VALUE - ctx.now() ? Long.MAX_VALUE : ctx.now() + timeout);
        ctx.engine().block(ctx.client(), new PopWait(deadline, keys, ctx.client().db, max, count, shape));
    }

    /** A client blocked in BZPOPMIN, BZPOPMAX or BZMPOP. Engine thread only. */
    private static final class PopWait extends BlockedOnKeys {
        private final boolean max;
        private final long count;
        private final int shape;

        PopWait(long deadline, List<Key> keys, int db, boolean max, long count, int shape) {
            super(deadline, keys, db);
            this.max = max;
            this.count = count;
            this.shape = shape;
        }

        @Override
        public boolean tryServe(CommandContext ctx) {
            for (Key key : keys) {
                if (ctx.keyspace().db(db).lookup(key, ctx.now()) instanceof ZSetValue z && z.size() > 0) {
                    if (!journal(ctx, key)) {
                        return false;
                    }
                    pop(ctx, key, z, max, count, shape);
                    return true;
                }
            }
            return false;
        }

        /** Journals the pop as the equivalent non-blocking command, so recovery replays it; false if refused. */
        private boolean journal(CommandContext ctx, Key key) {
            Engine e = ctx.engine();
            if (!e.shouldJournal()) {
                return true;
            }
            if (e.writeRefusal() != null) {
                return false;
            }
            byte[][] argv;
            if (shape == POP_KEY_FLAT) {
                argv = new byte[][]{ascii(max ? "ZPOPMAX" : "ZPOPMIN"), key.bytes()};
            } else {
                argv = new byte[][]{ascii("ZMPOP"), ascii("1"), key.bytes(), ascii(max ? "MAX" : "MIN"),
                        ascii("COUNT"), ascii(Long.toString(count))};
            }
            return e.journalArgv(RecordType.COMMAND, ctx.now(), ctx.client().id, db, argv) >= 0;
        }

        @Override
        public void timeout(CommandContext ctx) {
            ctx.reply().nullArray();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- ZRANDMEMBER ----

    private static void zrandmember(CommandContext ctx) {
        if (ctx.argc() >= 3) {
            long l = rangeLong(ctx.arg(2), -Long.MAX_VALUE, Long.MAX_VALUE, null);
            boolean withScores = false;
            if (ctx.argc() > 4 || (ctx.argc() == 4 && !ctx.is(3, "WITHSCORES"))) {
                throw new CommandError(Errors.SYNTAX);
            }
            if (ctx.argc() == 4) {
                withScores = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    throw new CommandError("ERR value is out of range");
                }
            }
            randomMembers(ctx, l, withScores);
            return;
        }
        ZSetValue z = ctx.read(ctx.key(1), ValueType.ZSET);
        if (z == null) {
            ctx.reply().nullBulk();
            return;
        }
        int rank = ctx.random().nextInt(z.size());
        z.visit(rank, rank, false, (b, o, l, s) -> ctx.reply().bulk(b, o, l));
    }

    /** The element at a rank; visits a copy of the compact encoding so repeated picks do not rescan it. */
    private interface Picker {
        void emit(int rank);
    }

    private static Picker picker(ZSetValue z, ReplyBuffer r, boolean withScores) {
        if (!z.isListpack()) {
            return rank -> z.visit(rank, rank, false, (b, o, l, s) -> element(r, b, o, l, s, withScores));
        }
        byte[][] members = new byte[z.size()][];
        double[] scores = new double[z.size()];
        int[] i = {0};
        z.forEach((b, o, l, s) -> {
            members[i[0]] = Arrays.copyOfRange(b, o, o + l);
            scores[i[0]++] = s;
        });
        return rank -> element(r, members[rank], 0, members[rank].length, scores[rank], withScores);
    }

    /** More elements than any reply buffer can hold: Redis would run out of memory, Gearlog refuses. */
    private static final long MAX_RANDOM_REPLY = Integer.MAX_VALUE / 8;

    private static void randomMembers(CommandContext ctx, long l, boolean withScores) {
        ReplyBuffer r = ctx.reply();
        ZSetValue z = ctx.read(ctx.key(1), ValueType.ZSET);
        if (z == null || l == 0) {
            r.emptyArray();
            return;
        }
        long count = Math.abs(l);
        int size = z.size();
        SplittableRandom rnd = ctx.random();
        if (l < 0 || count == 1) {
            // with repetition: each pick is an independent uniform rank
            if (count > MAX_RANDOM_REPLY) {
                throw new CommandError("ERR value is out of range");
            }
            Picker p = picker(z, r, withScores);
            rangeHeader(r, count, withScores);
            for (long i = 0; i < count; i++) {
                p.emit(rnd.nextInt(size));
            }
            return;
        }
        if (count >= size) {
            rangeHeader(r, size, withScores);
            z.forEach((b, o, len, s) -> element(r, b, o, len, s, withScores));
            return;
        }
        int n = (int) count;
        int[] picks = new int[n];
        if (count * 3 > size) {
            // dense: a partial Fisher-Yates shuffle of all ranks
            int[] all = new int[size];
            for (int i = 0; i < size; i++) {
                all[i] = i;
            }
            for (int i = 0; i < n; i++) {
                int j = i + rnd.nextInt(size - i);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
                picks[i] = all[i];
            }
        } else {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < n; ) {
                int rank = rnd.nextInt(size);
                if (seen.add(rank)) {
                    picks[i++] = rank;
                }
            }
        }
        Picker p = picker(z, r, withScores);
        rangeHeader(r, n, withScores);
        for (int rank : picks) {
            p.emit(rank);
        }
    }

    // ---- ZUNION / ZINTER / ZDIFF ----

    private static final int UNION = 0;
    private static final int INTER = 1;
    private static final int DIFF = 2;
    private static final int AGG_SUM = 0;
    private static final int AGG_MIN = 1;
    private static final int AGG_MAX = 2;

    /** One input of a set operation: a sorted set, a plain set (every score 1), or a missing key. */
    private static final class Source {
        final ZSetValue zset;
        final List<byte[]> members;
        Set<Key> index;
        double weight = 1;

        Source(RValue v) {
            zset = v instanceof ZSetValue z ? z : null;
            members = v != null && zset == null ? setMembers(v) : null;
        }

        int size() {
            return zset != null ? zset.size() : members != null ? members.size() : 0;
        }

        void forEach(ZSetValue.ElementVisitor v) {
            if (zset != null) {
                zset.forEach(v);
            } else if (members != null) {
                for (byte[] m : members) {
                    v.visit(m, 0, m.length, 1.0);
                }
            }
        }

        /** The member's score here, NaN when absent. */
        double find(byte[] member) {
            if (zset != null) {
                return zset.score(member);
            }
            if (members == null) {
                return Double.NaN;
            }
            if (index == null) {
                index = new HashSet<>();
                for (byte[] m : members) {
                    index.add(new Key(m));
                }
            }
            return index.contains(new Key(member)) ? 1.0 : Double.NaN;
        }
    }

    /**
     * Members of a set value, read through the commands it rewrites itself as (SADD key member...). This keeps
     * the family independent of the set encodings' classes.
     */
    private static List<byte[]> setMembers(RValue set) {
        List<byte[]> out = new ArrayList<>();
        set.rewrite(new byte[0], argv -> out.addAll(Arrays.asList(argv).subList(2, argv.length)));
        return out;
    }

    private static double aggregate(double target, double v, int agg) {
        switch (agg) {
            case AGG_MIN:
                return v < target ? v : target;
            case AGG_MAX:
                return v > target ? v : target;
            default:
                double s = target + v;
                return Double.isNaN(s) ? 0 : s;
        }
    }

    /** A result element. */
    private record Elem(byte[] member, double score) {
    }

    private static final Comparator<Elem> ORDER = (a, b) -> a.score < b.score ? -1 : a.score > b.score ? 1
            : Arrays.compareUnsigned(a.member, b.member);

    private static void setOp(CommandContext ctx, Key dst, int numIdx, int op, boolean cardOnly) {
        long setnum = ctx.longArg(numIdx);
        if (setnum < 1) {
            throw new CommandError("ERR at least 1 input key is needed for '" + ctx.commandName() + "' command");
        }
        if (setnum > ctx.argc() - (numIdx + 1)) {
            throw new CommandError(Errors.SYNTAX);
        }
        int n = (int) setnum;
        Source[] src = new Source[n];
        int j = numIdx + 1;
        for (int i = 0; i < n; i++, j++) {
            Key k = ctx.key(j);
            RValue v = dst != null ? ctx.lookupWrite(k) : ctx.lookupRead(k);
            if (v != null && v.type() != ValueType.ZSET && v.type() != ValueType.SET) {
                throw new CommandError(Errors.WRONGTYPE);
            }
            src[i] = new Source(v);
        }
        int agg = AGG_SUM;
        boolean withScores = false;
        long limit = 0;
        while (j < ctx.argc()) {
            int remaining = ctx.argc() - j;
            if (op != DIFF && !cardOnly && remaining >= n + 1 && ctx.is(j, "WEIGHTS")) {
                j++;
                for (int i = 0; i < n; i++, j++) {
                    src[i].weight = scoreArg(ctx.arg(j), WEIGHT_NOT_FLOAT);
                }
            } else if (op != DIFF && !cardOnly && remaining >= 2 && ctx.is(j, "AGGREGATE")) {
                j++;
                if (ctx.is(j, "SUM")) {
                    agg = AGG_SUM;
                } else if (ctx.is(j, "MIN")) {
                    agg = AGG_MIN;
                } else if (ctx.is(j, "MAX")) {
                    agg = AGG_MAX;
                } else {
                    throw new CommandError(Errors.SYNTAX);
                }
                j++;
            } else if (dst == null && !cardOnly && ctx.is(j, "WITHSCORES")) {
                j++;
                withScores = true;
            } else if (cardOnly && remaining >= 2 && ctx.is(j, "LIMIT")) {
                Long l = NumberFormat.parseLongOrFail(ctx.arg(j + 1));
                if (l == null || l < 0) {
                    throw new CommandError("ERR LIMIT can't be negative");
                }
                limit = l;
                j += 2;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (op != DIFF) {
            // smallest first, as Redis does: the order also decides how sums round
            Arrays.sort(src, Comparator.comparingInt(Source::size));
        }
        if (cardOnly) {
            ctx.reply().integer(interCard(src, limit));
            return;
        }
        List<Elem> out = switch (op) {
            case UNION -> union(src, agg);
            case INTER -> inter(src, agg);
            default -> diff(src);
        };
        out.sort(ORDER);
        if (dst != null) {
            int maxLen = 0;
            for (Elem e : out) {
                maxLen = Math.max(maxLen, e.member.length);
            }
            ZSetValue result = ZSetValue.forResult(out.size(), maxLen, maxEntries(ctx), maxValue(ctx));
            for (Elem e : out) {
                result.insertRaw(e.member, e.score);
            }
            storeResult(ctx, dst, result, op == UNION ? "zunionstore" : op == INTER ? "zinterstore" : "zdiffstore");
            return;
        }
        ReplyBuffer r = ctx.reply();
        rangeHeader(r, out.size(), withScores);
        for (Elem e : out) {
            element(r, e.member, 0, e.member.length, e.score, withScores);
        }
    }

    private static List<Elem> union(Source[] src, int agg) {
        Map<Key, double[]> acc = new HashMap<>();
        List<Key> order = new ArrayList<>();
        for (Source s : src) {
            double w = s.weight;
            s.forEach((b, o, l, score) -> {
                double v = w * score;
                if (Double.isNaN(v)) {
                    v = 0;
                }
                Key m = new Key(Arrays.copyOfRange(b, o, o + l));
                double[] cur = acc.get(m);
                if (cur == null) {
                    acc.put(m, new double[]{v});
                    order.add(m);
                } else {
                    cur[0] = aggregate(cur[0], v, agg);
                }
            });
        }
        List<Elem> out = new ArrayList<>(order.size());
        for (Key m : order) {
            out.add(new Elem(m.bytes(), acc.get(m)[0]));
        }
        return out;
    }

    private static List<Elem> inter(Source[] src, int agg) {
        List<Elem> out = new ArrayList<>();
        if (src[0].size() == 0) {
            return out;
        }
        double w0 = src[0].weight;
        src[0].forEach((b, o, l, score) -> {
            byte[] m = Arrays.copyOfRange(b, o, o + l);
            double v = w0 * score;
            if (Double.isNaN(v)) {
                v = 0;
            }
            for (int k = 1; k < src.length; k++) {
                double s = src[k].find(m);
                if (Double.isNaN(s)) {
                    return;
                }
                v = aggregate(v, s * src[k].weight, agg);
            }
            out.add(new Elem(m, v));
        });
        return out;
    }

    private static long interCard(Source[] src, long limit) {
        if (src[0].size() == 0) {
            return 0;
        }
        long[] count = {0};
        src[0].forEach((b, o, l, score) -> {
            if (limit > 0 && count[0] >= limit) {
                return;
            }
            byte[] m = Arrays.copyOfRange(b, o, o + l);
            for (int k = 1; k < src.length; k++) {
                if (Double.isNaN(src[k].find(m))) {
                    return;
                }
            }
            count[0]++;
        });
        return count[0];
    }

    private static List<Elem> diff(Source[] src) {
        List<Elem> out = new ArrayList<>();
        src[0].forEach((b, o, l, score) -> {
            byte[] m = Arrays.copyOfRange(b, o, o + l);
            for (int k = 1; k < src.length; k++) {
                if (!Double.isNaN(src[k].find(m))) {
                    return;
                }
            }
            out.add(new Elem(m, score));
        });
        return out;
    }

    // ---- ZSCAN ----

    /** Redis' d2string, the form scores take inside a listpack: integers in +-2^62 as digits, else %.17g. */
    static String d2string(double d) {
        if (Double.isFinite(d) && d >= -(Long.MAX_VALUE / 2) && d <= Long.MAX_VALUE / 2 && d == (long) d) {
            return Long.toString((long) d);
        }
        return NumberFormat.formatDouble(d);
    }

    private static void zscan(CommandContext ctx) {
        long cursor = KeyCommands.parseCursor(ctx.arg(2));
        ZSetValue z = ctx.read(ctx.key(1), ValueType.ZSET);
        ReplyBuffer r = ctx.reply();
        if (z == null) {
            r.array(2);
            r.bulk("0");
            r.emptyArray();
            return;
        }
        KeyCommands.ScanOptions o = KeyCommands.scanOptions(ctx, 3, false);
        List<byte[]> members = new ArrayList<>();
        List<String> scores = new ArrayList<>();
        boolean listpack = z.isListpack();
        ZSetValue.ElementVisitor collect = (b, off, l, s) -> {
            members.add(Arrays.copyOfRange(b, off, off + l));
            scores.add(listpack ? d2string(s) : NumberFormat.formatDouble(s));
        };
        if (listpack) {
            cursor = z.scan(cursor, collect);
        } else {
            long maxIterations = o.count() * 10;
            do {
                cursor = z.scan(cursor, collect);
            } while (cursor != 0 && maxIterations-- > 0 && members.size() < o.count());
        }
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            if (o.matches(members.get(i))) {
                keep.add(i);
            }
        }
        r.array(2);
        r.bulk(Long.toUnsignedString(cursor));
        r.array(keep.size() * 2L);
        for (int i : keep) {
            r.bulk(members.get(i));
            r.bulk(scores.get(i));
        }
    }
}
