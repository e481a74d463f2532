package io.gearlog.engine.commands;

import io.gearlog.engine.CommandContext;
import io.gearlog.engine.CommandError;
import io.gearlog.engine.Errors;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.engine.keyspace.EventClass;
import io.gearlog.engine.keyspace.HashValue;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.ValueType;
import io.gearlog.engine.reply.NumberFormat;
import io.gearlog.engine.reply.ReplyBuffer;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.gearlog.engine.command.CommandFlags.*;

/** The hash commands of Redis 7.0. */
final class HashCommands {
    static final String HASH_NOT_INTEGER = "ERR hash value is not an integer";
    static final String HASH_NOT_FLOAT = "ERR hash value is not a float";
    static final String NAN_OR_INFINITY = "ERR value is NaN or Infinity";
    static final String OUT_OF_RANGE = "ERR value is out of range";
    static final String COUNT_RANGE =
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
    static final String REPLY_TOO_LARGE = "ERR reply too large: the count asks for more than 256 MB of reply";
    /** A reply larger than this is refused instead of exhausting the heap (redis-server would try and crash). */
    static final int MAX_REPLY_BYTES = 256 << 20;

    private HashCommands() {
    }

    static void register(CommandTable t) {
        t.add("hset", -4, WRITE | DENYOOM | FAST, 1, 1, 1, ctx -> hset(ctx, false));
        t.add("hmset", -4, WRITE | DENYOOM | FAST, 1, 1, 1, ctx -> hset(ctx, true));
        t.add("hsetnx", 4, WRITE | DENYOOM | FAST, 1, 1, 1, HashCommands::hsetnx);
        t.add("hget", 3, READONLY | FAST, 1, 1, 1, HashCommands::hget);
        t.add("hmget", -3, READONLY | FAST, 1, 1, 1, HashCommands::hmget);
        t.add("hdel", -3, WRITE | FAST | NOOP_WHEN_NO_MEMBER_PRESENT, 1, 1, 1, HashCommands::hdel);
        t.add("hexists", 3, READONLY | FAST, 1, 1, 1, HashCommands::hexists);
        t.add("hlen", 2, READONLY | FAST, 1, 1, 1, HashCommands::hlen);
        t.add("hstrlen", 3, READONLY | FAST, 1, 1, 1, HashCommands::hstrlen);
        t.add("hkeys", 2, READONLY, 1, 1, 1, ctx -> hgetall(ctx, true, false));
        t.add("hvals", 2, READONLY, 1, 1, 1, ctx -> hgetall(ctx, false, true));
        t.add("hgetall", 2, READONLY, 1, 1, 1, ctx -> hgetall(ctx, true, true));
        t.add("hincrby", 4, WRITE | DENYOOM | FAST, 1, 1, 1, HashCommands::hincrby);
        t.add("hincrbyfloat", 4, WRITE | DENYOOM | FAST, 1, 1, 1, HashCommands::hincrbyfloat);
        t.add("hrandfield", -2, READONLY, 1, 1, 1, HashCommands::hrandfield);
        t.add("hscan", -3, READONLY, 1, 1, 1, HashCommands::hscan);
    }

    /** Sets one field with the configured listpack limits; returns true if the field is new. */
    private static boolean set(CommandContext ctx, HashValue h, byte[] field, byte[] value) {
        ServerConfig cfg = ctx.engine().config();
        return h.set(field, value, cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue);
    }

    /** {@code h}, or a new empty hash stored under {@code key} when {@code h} is null. */
    private static HashValue createIfMissing(CommandContext ctx, Key key, HashValue h) {
        if (h != null) {
            return h;
        }
        HashValue created = new HashValue();
        ctx.db().put(key, created);
        return created;
    }

    private static void hset(CommandContext ctx, boolean hmset) {
        if (ctx.argc() % 2 != 0) {
            throw new CommandError(Errors.wrongArity(ctx.commandName()));
        }
        Key key = ctx.key(1);
        HashValue h = createIfMissing(ctx, key, ctx.write(key, ValueType.HASH));
        int added = 0;
        for (int i = 2; i < ctx.argc(); i += 2) {
            if (set(ctx, h, ctx.arg(i), ctx.arg(i + 1))) {
                added++;
            }
        }
        ctx.modified(key);
        ctx.notify(EventClass.HASH, "hset", key);
        if (hmset) {
            ctx.reply().ok();
        } else {
            ctx.reply().integer(added);
        }
    }

    private static void hsetnx(CommandContext ctx) {
        Key key = ctx.key(1);
        HashValue h = ctx.write(key, ValueType.HASH);
        if (h != null && h.contains(ctx.arg(2))) {
            ctx.reply().integer(0);
            return;
        }
        h = createIfMissing(ctx, key, h);
        set(ctx, h, ctx.arg(2), ctx.arg(3));
        ctx.modified(key);
        ctx.notify(EventClass.HASH, "hset", key);
        ctx.reply().integer(1);
    }

    private static void hget(CommandContext ctx) {
        HashValue h = ctx.read(ctx.key(1), ValueType.HASH);
        replyValue(ctx.reply(), h, ctx.arg(2), new HashValue.Slice());
    }

    private static void replyValue(ReplyBuffer r, HashValue h, byte[] field, HashValue.Slice s) {
        if (h != null && h.get(field, s)) {
            r.bulk(s.bytes, s.offset, s.length);
        } else {
            r.nullBulk();
        }
    }

    private static void hmget(CommandContext ctx) {
        HashValue h = ctx.read(ctx.key(1), ValueType.HASH);
        ReplyBuffer r = ctx.reply();
        HashValue.Slice s = new HashValue.Slice();
        r.array(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            replyValue(r, h, ctx.arg(i), s);
        }
    }

    private static void hdel(CommandContext ctx) {
        Key key = ctx.key(1);
        HashValue h = ctx.write(key, ValueType.HASH);
        int deleted = 0;
        if (h != null) {
            for (int i = 2; i < ctx.argc() && h.size() > 0; i++) {
                if (h.delete(ctx.arg(i))) {
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            boolean emptied = h.size() == 0;
            if (emptied) {
                ctx.db().remove(key);
            }
            ctx.modified(key);
            ctx.notify(EventClass.HASH, "hdel", key);
            if (emptied) {
                ctx.notify(EventClass.GENERIC, "del", key);
            }
        }
        ctx.reply().integer(deleted);
    }

    private static void hexists(CommandContext ctx) {
        HashValue h = ctx.read(ctx.key(1), ValueType.HASH);
        ctx.reply().integer(h != null && h.contains(ctx.arg(2)) ? 1 : 0);
    }

    private static void hlen(CommandContext ctx) {
        HashValue h = ctx.read(ctx.key(1), ValueType.HASH);
        ctx.reply().integer(h == null ? 0 : h.size());
    }

    private static void hstrlen(CommandContext ctx) {
        HashValue h = ctx.read(ctx.key(1), ValueType.HASH);
        HashValue.Slice s = new HashValue.Slice();
        ctx.reply().integer(h != null && h.get(ctx.arg(2), s) ? s.length : 0);
    }

    private static void hgetall(CommandContext ctx, boolean fields, boolean values) {
        HashValue h = ctx.read(ctx.key(1), ValueType.HASH);
        ReplyBuffer r = ctx.reply();
        int n = h == null ? 0 : h.size();
        if (fields && values) {
            r.map(n);
        } else {
            r.array(n);
        }
        if (h != null) {
            h.forEach((f, fo, fl, v, vo, vl) -> {
                if (fields) {
                    r.bulk(f, fo, fl);
                }
                if (values) {
                    r.bulk(v, vo, vl);
                }
            });
        }
    }

    private static void hincrby(CommandContext ctx) {
        long incr = ctx.longArg(3);
        Key key = ctx.key(1);
        HashValue h = ctx.write(key, ValueType.HASH);
        long current = 0;
        byte[] old = h == null ? null : h.get(ctx.arg(2));
        if (old != null) {
            Long v = NumberFormat.parseLongOrFail(old);
            if (v == null) {
                throw new CommandError(HASH_NOT_INTEGER);
            }
            current = v;
        }
        if ((incr < 0 && current < 0 && incr < Long.MIN_VALUE - current)
                || (incr > 0 && current > 0 && incr > Long.MAX_VALUE - current)) {
            throw new CommandError(Errors.OVERFLOW);
        }
        long result = current + incr;
        h = createIfMissing(ctx, key, h);
        set(ctx, h, ctx.arg(2), Long.toString(result).getBytes(StandardCharsets.US_ASCII));
        ctx.modified(key);
        ctx.notify(EventClass.HASH, "hincrby", key);
        ctx.reply().integer(result);
    }

    private static void hincrbyfloat(CommandContext ctx) {
        byte[] incrArg = ctx.arg(3);
        boolean incrInfinite = LongDouble.infinity(incrArg) != 0;
        BigDecimal incr = incrInfinite ? null : LongDouble.parse(incrArg, false);
        if (!incrInfinite && incr == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        if (incrInfinite) {
            throw new CommandError(NAN_OR_INFINITY);
        }
        Key key = ctx.key(1);
        HashValue h = ctx.write(key, ValueType.HASH);
        BigDecimal current = BigDecimal.ZERO;
        byte[] old = h == null ? null : h.get(ctx.arg(2));
        if (old != null) {
            if (LongDouble.infinity(old) != 0) {
                throw new CommandError(Errors.INCR_NAN_OR_INF); // inf plus a finite increment
            }
            current = LongDouble.parse(old, true);
            if (current == null) {
                throw new CommandError(HASH_NOT_FLOAT);
            }
        }
        BigDecimal result = LongDouble.add(current, incr);
        if (result == null) {
            throw new CommandError(Errors.INCR_NAN_OR_INF);
        }
        byte[] formatted = NumberFormat.formatHuman(result).getBytes(StandardCharsets.US_ASCII);
        h = createIfMissing(ctx, key, h);
        set(ctx, h, ctx.arg(2), formatted);
        ctx.modified(key);
        ctx.notify(EventClass.HASH, "hincrbyfloat", key);
        ctx.reply().bulk(formatted);
    }

    /** Parses a count in [-LONG_MAX, LONG_MAX] as HRANDFIELD and SRANDMEMBER do. */
    static long randomCount(CommandContext ctx, int i) {
        Long l = NumberFormat.parseLongOrFail(ctx.arg(i));
        if (l == null) {
            throw new CommandError(Errors.NOT_INTEGER);
        }
        if (l == Long.MIN_VALUE) {
            throw new CommandError(COUNT_RANGE);
        }
        return l;
    }

    /** Refuses up front a count of elements whose reply cannot fit (every element takes at least 6 bytes). */
    static void checkReplyCount(long elements) {
        if (elements > MAX_REPLY_BYTES / 6) {
            throw new CommandError(REPLY_TOO_LARGE);
        }
    }

    /**
     * Refuses to grow a reply past {@link #MAX_REPLY_BYTES} before writing {@code next} more payload bytes (the
     * partial reply is discarded).
     */
    static void checkReplySize(ReplyBuffer r, int mark, long next) {
        if (r.length() - mark + next + 32 > MAX_REPLY_BYTES) {
            throw new CommandError(REPLY_TOO_LARGE);
        }
    }

    private static void hrandfield(CommandContext ctx) {
        if (ctx.argc() == 2) {
            HashValue h = ctx.read(ctx.key(1), ValueType.HASH);
            if (h == null) {
                ctx.reply().nullBulk();
                return;
            }
            h.sampleWithRepeats(1, ctx.random(), (f, fo, fl, v, vo, vl) -> ctx.reply().bulk(f, fo, fl));
            return;
        }
        long count = randomCount(ctx, 2);
        if (ctx.argc() > 4 || (ctx.argc() == 4 && !ctx.is(3, "WITHVALUES"))) {
            throw new CommandError(Errors.SYNTAX);
        }
        boolean withValues = ctx.argc() == 4;
        if (withValues) {
            if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
                throw new CommandError(OUT_OF_RANGE);
            }
        }
        HashValue h = ctx.read(ctx.key(1), ValueType.HASH);
        ReplyBuffer r = ctx.reply();
        if (h == null || count == 0) {
            r.emptyArray();
            return;
        }
        boolean pairs = withValues && r.resp3();
        boolean flat = withValues && !r.resp3();
        int mark = r.length();
        boolean repeats = count < 0; // only repeats can ask for more than the hash holds
        HashValue.PairVisitor emit = (f, fo, fl, v, vo, vl) -> {
            if (repeats) {
                checkReplySize(r, mark, fl + (withValues ? vl : 0));
            }
            if (pairs) {
                r.array(2);
            }
            r.bulk(f, fo, fl);
            if (withValues) {
                r.bulk(v, vo, vl);
            }
        };
        if (count < 0) {
            long n = -count;
            checkReplyCount(withValues ? n * 2 : n);
            r.array(flat ? n * 2 : n);
            h.sampleWithRepeats(n, ctx.random(), emit);
        } else {
            int n = (int) Math.min(count, h.size());
            r.array(flat ? n * 2L : n);
            h.sampleDistinct(n, ctx.random(), emit);
        }
    }

    /**
     * Parses a SCAN-family cursor the way Redis does (strtoul, base 10): an optional sign (a negative cursor wraps
     * around), no leading space, nothing after the digits; the empty string is cursor 0.
     */
    static long parseCursor(byte[] b) {
        int n = b.length;
        if (n == 0) {
            return 0;
        }
        int i = 0;
        boolean negative = false;
        if (b[0] == '+' || b[0] == '-') {
            negative = b[0] == '-';
            i = 1;
        }
        if (i == n) {
            throw new CommandError("ERR invalid cursor");
        }
        long v = 0;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9 || Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                throw new CommandError("ERR invalid cursor");
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    private static void hscan(CommandContext ctx) {
        long cursor = parseCursor(ctx.arg(2));
        HashValue h = ctx.read(ctx.key(1), ValueType.HASH);
        ReplyBuffer r = ctx.reply();
        if (h == null) {
            emptyScan(r);
            return;
        }
        KeyCommands.ScanOptions o = KeyCommands.scanOptions(ctx, 3, false);
        List<byte[]> found = new ArrayList<>();
        HashValue.PairVisitor collect = (f, fo, fl, v, vo, vl) -> {
            found.add(Arrays.copyOfRange(f, fo, fo + fl));
            found.add(Arrays.copyOfRange(v, vo, vo + vl));
        };
        if (h.isListpack()) {
            h.forEach(collect);
            cursor = 0;
        } else {
            // like Redis, COUNT bounds fields plus values, and at most 10*COUNT buckets are visited per call
            long maxIterations = o.count() > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : o.count() * 10;
            do {
                cursor = h.scan(cursor, collect);
            } while (cursor != 0 && maxIterations-- > 0 && found.size() < o.count());
        }
        r.array(2);
        r.bulk(Long.toUnsignedString(cursor));
        int n = 0;
        for (int i = 0; i < found.size(); i += 2) {
            if (o.matches(found.get(i))) {
                n++;
            }
        }
        r.array(n * 2L);
        for (int i = 0; i < found.size(); i += 2) {
            if (o.matches(found.get(i))) {
                r.bulk(found.get(i));
                r.bulk(found.get(i + 1));
            }
        }
    }

    static void emptyScan(ReplyBuffer r) {
        r.array(2);
        r.bulk("0");
        r.emptyArray();
    }
}
