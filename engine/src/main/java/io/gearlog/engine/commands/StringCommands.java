package io.gearlog.engine.commands;

import io.gearlog.engine.CommandContext;
import io.gearlog.engine.CommandError;
import io.gearlog.engine.Errors;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.keyspace.Database;
import io.gearlog.engine.keyspace.EventClass;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.keyspace.StringValue;
import io.gearlog.engine.keyspace.ValueType;
import io.gearlog.engine.reply.NumberFormat;
import io.gearlog.engine.reply.ReplyBuffer;
import io.gearlog.engine.util.LongDouble;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.gearlog.engine.command.CommandFlags.*;

/** The string commands of Redis 7.0. */
public final class StringCommands {
    private StringCommands() {
    }

    static void register(CommandTable t) {
        t.add("get", 2, READONLY | FAST, 1, 1, 1, StringCommands::get);
        t.add("set", -3, WRITE | DENYOOM, 1, 1, 1, StringCommands::set);
        t.add("setnx", 3, WRITE | DENYOOM | FAST, 1, 1, 1, StringCommands::setnx);
        t.add("setex", 4, WRITE | DENYOOM, 1, 1, 1, ctx -> setex(ctx, 1000));
        t.add("psetex", 4, WRITE | DENYOOM, 1, 1, 1, ctx -> setex(ctx, 1));
        t.add("getset", 3, WRITE | DENYOOM | FAST, 1, 1, 1, StringCommands::getset);
        t.add("getex", -2, WRITE | FAST, 1, 1, 1, StringCommands::getex);
        t.add("getdel", 2, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, StringCommands::getdel);
        t.add("mget", -2, READONLY | FAST, 1, -1, 1, StringCommands::mget);
        t.add("mset", -3, WRITE | DENYOOM, 1, -1, 2, StringCommands::mset);
        t.add("msetnx", -3, WRITE | DENYOOM, 1, -1, 2, StringCommands::msetnx);
        t.add("incr", 2, WRITE | DENYOOM | FAST, 1, 1, 1, ctx -> incrBy(ctx, 1));
        t.add("decr", 2, WRITE | DENYOOM | FAST, 1, 1, 1, ctx -> incrBy(ctx, -1));
        t.add("incrby", 3, WRITE | DENYOOM | FAST, 1, 1, 1, ctx -> incrBy(ctx, ctx.longArg(2)));
        t.add("decrby", 3, WRITE | DENYOOM | FAST, 1, 1, 1, StringCommands::decrby);
        t.add("incrbyfloat", 3, WRITE | DENYOOM | FAST, 1, 1, 1, StringCommands::incrbyfloat);
        t.add("append", 3, WRITE | DENYOOM | FAST, 1, 1, 1, StringCommands::append);
        t.add("strlen", 2, READONLY | FAST, 1, 1, 1, StringCommands::strlen);
        t.add("setrange", 4, WRITE | DENYOOM, 1, 1, 1, StringCommands::setrange);
        t.add("getrange", 4, READONLY, 1, 1, 1, StringCommands::getrange);
        t.add("substr", 4, READONLY, 1, 1, 1, StringCommands::getrange);
        t.add("lcs", -3, READONLY, 1, 2, 1, StringCommands::lcs);
    }

    static StringValue readString(CommandContext ctx, Key key) {
        return ctx.read(key, ValueType.STRING);
    }

    private static void get(CommandContext ctx) {
        StringValue v = readString(ctx, ctx.key(1));
        ctx.reply().bulk(v == null ? null : v.bytes());
    }

    private static void checkSize(CommandContext ctx, long size) {
        // a string is one Java array, whatever proto-max-bulk-len allows
        if (size > Math.min(ctx.engine().config().protoMaxBulkLen, Integer.MAX_VALUE - 8)) {
            throw new CommandError(Errors.STRING_TOO_LONG);
        }
    }

    /** Stores a string value, replacing whatever the key held; the key loses its TTL unless keepTtl. */
    static void store(CommandContext ctx, Key key, byte[] value, boolean keepTtl) {
        Database db = ctx.db();
        StringValue v = new StringValue(value);
        if (keepTtl) {
            db.putKeepTtl(key, v);
        } else {
            db.put(key, v);
        }
    }

    // option flags of SET and GETEX, as Redis' parseExtendedStringArguments combines them
    private static final int NX = 1;
    private static final int XX = 1 << 1;
    private static final int GET = 1 << 2;
    private static final int KEEPTTL = 1 << 3;
    private static final int PERSIST = 1 << 4;
    private static final int EX = 1 << 5;
    private static final int PX = 1 << 6;
    private static final int EXAT = 1 << 7;
    private static final int PXAT = 1 << 8;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    /** Parsed options: flags and the argument index of the expire value (0 when none). */
    private record StringOptions(int flags, int expireArg) {
        /** No options: shared, as plain SET k v is the most frequent command (and record to replay). */
        static final StringOptions NONE = new StringOptions(0, 0);

        boolean has(int f) {
            return (flags & f) != 0;
        }

        int unit() {
            return (flags & (EX | EXAT)) != 0 ? 1000 : 1;
        }

        boolean absolute() {
            return (flags & (EXAT | PXAT)) != 0;
        }
    }

    /**
     * Parses SET (forSet) or GETEX options from {@code from}. An option excludes the options it conflicts with
     * but may repeat itself (SET k v EX 1 EX 2 is accepted; the last value wins), as in Redis.
     */
    private static StringOptions parseOptions(CommandContext ctx, int from, boolean forSet) {
        int flags = 0;
        int expireArg = 0;
        for (int i = from; i < ctx.argc(); i++) {
            boolean next = i + 1 < ctx.argc();
            if (forSet && ctx.is(i, "NX") && (flags & XX) == 0) {
                flags |= NX;
            } else if (forSet && ctx.is(i, "XX") && (flags & NX) == 0) {
                flags |= XX;
            } else if (forSet && ctx.is(i, "GET")) {
                flags |= GET;
            } else if (forSet && ctx.is(i, "KEEPTTL") && (flags & (PERSIST | ANY_EXPIRE)) == 0) {
                flags |= KEEPTTL;
            } else if (!forSet && ctx.is(i, "PERSIST") && (flags & (ANY_EXPIRE | KEEPTTL)) == 0) {
                flags |= PERSIST;
            } else if (next && (flags & (KEEPTTL | PERSIST)) == 0 && expireOption(ctx, i) != 0
                    && (flags & ANY_EXPIRE & ~expireOption(ctx, i)) == 0) {
                flags |= expireOption(ctx, i);
                expireArg = ++i;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        return flags == 0 ? StringOptions.NONE : new StringOptions(flags, expireArg);
    }

    private static int expireOption(CommandContext ctx, int i) {
        if (ctx.is(i, "EX")) {
            return EX;
        } else if (ctx.is(i, "PX")) {
            return PX;
        } else if (ctx.is(i, "EXAT")) {
            return EXAT;
        } else if (ctx.is(i, "PXAT")) {
            return PXAT;
        }
        return 0;
    }

    private static long expireTime(CommandContext ctx, StringOptions o, String cmd) {
        return expireTime(ctx, ctx.longArg(o.expireArg()), o.unit(), o.absolute(), cmd);
    }

    private static void set(CommandContext ctx) {
        StringOptions o = parseOptions(ctx, 3, true);
        long when = o.expireArg() == 0 ? 0 : expireTime(ctx, o, "set");
        Key key = ctx.key(1);
        if (o.has(GET)) {
            // the GET part is a read: it counts a hit or miss and emits keymiss, like GET
            StringValue old = ctx.read(key, ValueType.STRING);
            ctx.reply().bulk(old == null ? null : old.bytes());
        }
        if (o.has(NX | XX | KEEPTTL)) {
            // a write lookup: an expired key is gone before NX/XX judge it and before KEEPTTL keeps a TTL
            boolean exists = ctx.lookupWrite(key) != null;
            if ((o.has(NX) && exists) || (o.has(XX) && !exists)) {
                if (!o.has(GET)) {
                    ctx.reply().nullBulk();
                }
                return;
            }
        }
        if (o.has(KEEPTTL)) {
            store(ctx, key, ctx.arg(2), true);
        } else {
            ctx.db().setString(key, ctx.arg(2), ctx.now());
        }
        ctx.modified(key);
        ctx.notify(EventClass.STRING, "set", key);
        if (o.expireArg() != 0) {
            ctx.db().setExpire(key, ctx.db().peek(key), when);
            ctx.notify(EventClass.GENERIC, "expire", key);
        }
        if (!o.has(GET)) {
            ctx.reply().ok();
        }
    }

    /** Converts an expire argument to absolute engine milliseconds, with Redis' range checks. */
    static long expireTime(CommandContext ctx, long value, int unit, boolean absolute, String cmd) {
        if (value <= 0 || (unit == 1000 && value > Long.MAX_VALUE / 1000)) {
            throw new CommandError(Errors.invalidExpireTime(cmd));
        }
        long ms = value * unit;
        if (!absolute) {
            if (ms > Long.MAX_VALUE - ctx.now()) {
                throw new CommandError(Errors.invalidExpireTime(cmd));
            }
            ms += ctx.now();
        }
        return ms;
    }

    private static void setnx(CommandContext ctx) {
        Key key = ctx.key(1);
        if (ctx.lookupWrite(key) != null) {
            ctx.reply().integer(0);
            return;
        }
        store(ctx, key, ctx.arg(2), false);
        ctx.modified(key);
        ctx.notify(EventClass.STRING, "set", key);
        ctx.reply().integer(1);
    }

    private static void setex(CommandContext ctx, int unit) {
        long v = ctx.longArg(2);
        long when = expireTime(ctx, v, unit, false, ctx.commandName());
        Key key = ctx.key(1);
        store(ctx, key, ctx.arg(3), false);
        ctx.db().setExpire(key, ctx.db().peek(key), when);
        ctx.modified(key);
        ctx.notify(EventClass.STRING, "set", key);
        ctx.notify(EventClass.GENERIC, "expire", key);
        ctx.reply().ok();
    }

    private static void getset(CommandContext ctx) {
        Key key = ctx.key(1);
        StringValue old = ctx.read(key, ValueType.STRING);
        ctx.reply().bulk(old == null ? null : old.bytes());
        store(ctx, key, ctx.arg(2), false);
        ctx.modified(key);
        ctx.notify(EventClass.STRING, "set", key);
    }

    private static void getex(CommandContext ctx) {
        StringOptions o = parseOptions(ctx, 2, false);
        Key key = ctx.key(1);
        StringValue v = ctx.read(key, ValueType.STRING);
        if (v == null) {
            ctx.reply().nullBulk();
            return;
        }
        // the expire value is checked only once the key is known to exist, as in Redis
        long when = o.expireArg() == 0 ? 0 : expireTime(ctx, o, "getex");
        ctx.reply().bulk(v.bytes());
        if (o.absolute() && when <= ctx.now()) {
            ctx.db().remove(key);
            ctx.modified(key);
            ctx.notify(EventClass.GENERIC, "del", key);
        } else if (o.expireArg() != 0) {
            ctx.db().setExpire(key, v, when);
            ctx.modified(key);
            ctx.notify(EventClass.GENERIC, "expire", key);
        } else if (o.has(PERSIST) && ctx.db().persist(v)) {
            ctx.modified(key);
            ctx.notify(EventClass.GENERIC, "persist", key);
        }
    }

    private static void getdel(CommandContext ctx) {
        Key key = ctx.key(1);
        StringValue v = ctx.read(key, ValueType.STRING);
        if (v == null) {
            ctx.reply().nullBulk();
            return;
        }
        ctx.db().remove(key);
        ctx.modified(key);
        ctx.notify(EventClass.GENERIC, "del", key);
        ctx.reply().bulk(v.bytes());
    }

    private static void mget(CommandContext ctx) {
        ReplyBuffer r = ctx.reply();
        r.array(ctx.argc() - 1);
        for (int i = 1; i < ctx.argc(); i++) {
            RValue v = ctx.lookupRead(ctx.key(i));
            if (v instanceof StringValue s) {
                r.bulk(s.bytes());
            } else {
                r.nullBulk();
            }
        }
    }

    private static void mset(CommandContext ctx) {
        if (ctx.argc() % 2 == 0) {
            throw new CommandError(Errors.wrongArity(ctx.commandName()));
        }
        storeAll(ctx);
        ctx.reply().ok();
    }

    private static void storeAll(CommandContext ctx) {
        for (int i = 1; i < ctx.argc(); i += 2) {
            Key key = ctx.key(i);
            ctx.db().setString(key, ctx.arg(i + 1), ctx.now());
            ctx.modified(key);
            ctx.notify(EventClass.STRING, "set", key);
        }
    }

    private static void msetnx(CommandContext ctx) {
        if (ctx.argc() % 2 == 0) {
            throw new CommandError(Errors.wrongArity(ctx.commandName()));
        }
        for (int i = 1; i < ctx.argc(); i += 2) {
            if (ctx.lookupWrite(ctx.key(i)) != null) {
                ctx.reply().integer(0);
                return;
            }
        }
        storeAll(ctx);
        ctx.reply().integer(1);
    }

    private static long currentLong(CommandContext ctx, StringValue v) {
        if (v == null) {
            return 0;
        }
        Long cur = NumberFormat.parseLongOrFail(v.bytes());
        if (cur == null) {
            throw new CommandError(Errors.NOT_INTEGER);
        }
        return cur;
    }

    private static void decrby(CommandContext ctx) {
        long d = ctx.longArg(2);
        if (d == Long.MIN_VALUE) {
            throw new CommandError("ERR decrement would overflow");
        }
        incrBy(ctx, -d);
    }

    private static void incrBy(CommandContext ctx, long delta) {
        Key key = ctx.key(1);
        StringValue v = ctx.write(key, ValueType.STRING);
        long cur = currentLong(ctx, v);
        if ((delta < 0 && cur < 0 && delta < Long.MIN_VALUE - cur)
                || (delta > 0 && cur > 0 && delta > Long.MAX_VALUE - cur)) {
            throw new CommandError(Errors.OVERFLOW);
        }
        long nv = cur + delta;
        byte[] b = NumberFormat.sharedLongBytes(nv);
        if (v != null) {
            v.set(b, false);
        } else {
            store(ctx, key, b, false);
        }
        ctx.modified(key);
        ctx.notify(EventClass.STRING, "incrby", key);
        ctx.reply().integer(nv);
    }

    private static void incrbyfloat(CommandContext ctx) {
        Key key = ctx.key(1);
        StringValue v = ctx.write(key, ValueType.STRING);
        LongDouble cur = v == null ? LongDouble.ZERO : LongDouble.parse(v.bytes());
        LongDouble inc = LongDouble.parse(ctx.arg(2));
        if (cur == null || inc == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        LongDouble result = cur.add(inc);
        if (result == null || result.isInfinite()) {
            throw new CommandError(Errors.INCR_NAN_OR_INF);
        }
        byte[] b = result.toHumanString().getBytes(StandardCharsets.US_ASCII);
        if (v == null) {
            store(ctx, key, b, false);
            v = (StringValue) ctx.db().peek(key);
        } else {
            v.set(b, false);
        }
        v.notInteger();
        ctx.modified(key);
        ctx.notify(EventClass.STRING, "incrbyfloat", key);
        ctx.reply().bulk(b);
    }

    private static void append(CommandContext ctx) {
        Key key = ctx.key(1);
        StringValue v = ctx.write(key, ValueType.STRING);
        byte[] add = ctx.arg(2);
        byte[] result;
        if (v == null) {
            result = add.clone();
            store(ctx, key, result, false);
        } else {
            checkSize(ctx, (long) v.bytes().length + add.length);
            byte[] old = v.bytes();
            result = new byte[old.length + add.length];
            System.arraycopy(old, 0, result, 0, old.length);
            System.arraycopy(add, 0, result, old.length, add.length);
            v.set(result, true);
        }
        ctx.modified(key);
        ctx.notify(EventClass.STRING, "append", key);
        ctx.reply().integer(result.length);
    }

    private static void strlen(CommandContext ctx) {
        StringValue v = readString(ctx, ctx.key(1));
        ctx.reply().integer(v == null ? 0 : v.bytes().length);
    }

    private static void setrange(CommandContext ctx) {
        Key key = ctx.key(1);
        long offset = ctx.longArg(2);
        byte[] value = ctx.arg(3);
        if (offset < 0) {
            throw new CommandError(Errors.OFFSET_OUT_OF_RANGE);
        }
        StringValue v = ctx.write(key, ValueType.STRING);
        if (v == null) {
            if (value.length == 0) {
                ctx.reply().integer(0);
                return;
            }
            checkSize(ctx, offset + value.length);
            byte[] b = new byte[(int) (offset + value.length)];
            System.arraycopy(value, 0, b, (int) offset, value.length);
            store(ctx, key, b, false);
            ((StringValue) ctx.db().peek(key)).set(b, true);
        } else {
            byte[] old = v.bytes();
            if (value.length == 0) {
                ctx.reply().integer(old.length);
                return;
            }
            checkSize(ctx, offset + value.length);
            int need = (int) Math.max(old.length, offset + value.length);
            byte[] b = need == old.length ? old.clone() : java.util.Arrays.copyOf(old, need);
            System.arraycopy(value, 0, b, (int) offset, value.length);
            v.set(b, true);
        }
        ctx.modified(key);
        ctx.notify(EventClass.STRING, "setrange", key);
        ctx.reply().integer(((StringValue) ctx.db().peek(key)).bytes().length);
    }

    private static void getrange(CommandContext ctx) {
        long start = ctx.longArg(2);
        long end = ctx.longArg(3);
        StringValue v = readString(ctx, ctx.key(1));
        byte[] s = v == null ? new byte[0] : v.bytes();
        long len = s.length;
        if (start < 0 && end < 0 && start > end) {
            ctx.reply().bulk(new byte[0]);
            return;
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= len) {
            end = len - 1;
        }
        if (len == 0 || start > end) {
            ctx.reply().bulk(new byte[0]);
            return;
        }
        ctx.reply().bulk(s, (int) start, (int) (end - start + 1));
    }

    private static void lcs(CommandContext ctx) {
        RValue va = ctx.lookupRead(ctx.key(1));
        RValue vb = ctx.lookupRead(ctx.key(2));
        if ((va != null && va.type() != ValueType.STRING) || (vb != null && vb.type() != ValueType.STRING)) {
            throw new CommandError("ERR The specified keys must contain string values");
        }
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int i = 3; i < ctx.argc(); i++) {
            if (ctx.is(i, "IDX")) {
                getIdx = true;
            } else if (ctx.is(i, "LEN")) {
                getLen = true;
            } else if (ctx.is(i, "WITHMATCHLEN")) {
                withMatchLen = true;
            } else if (ctx.is(i, "MINMATCHLEN") && i + 1 < ctx.argc()) {
                minMatchLen = Math.max(0, ctx.longArg(++i));
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (getIdx && getLen) {
            throw new CommandError("ERR If you want both the length and indexes, please just use IDX.");
        }
        byte[] a = va == null ? new byte[0] : ((StringValue) va).bytes();
        byte[] b = vb == null ? new byte[0] : ((StringValue) vb).bytes();
        // Redis refuses when its uint32 table would exceed proto-max-bulk-len; the same bound keeps ours in an array
        long cells = (a.length + 1L) * (b.length + 1L);
        if (cells * 4 > ctx.engine().config().protoMaxBulkLen || cells > Integer.MAX_VALUE - 8) {
            throw new CommandError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        int w = b.length + 1;
        int[] dp = new int[(int) cells];
        for (int i = 1; i <= a.length; i++) {
            for (int j = 1; j <= b.length; j++) {
                dp[i * w + j] = a[i - 1] == b[j - 1] ? dp[(i - 1) * w + j - 1] + 1
                        : Math.max(dp[(i - 1) * w + j], dp[i * w + j - 1]);
            }
        }
        int idx = dp[a.length * w + b.length];
        ReplyBuffer r = ctx.reply();
        if (getLen) {
            r.integer(idx);
            return;
        }
        byte[] result = new byte[idx];
        List<long[]> matches = new ArrayList<>();
        int i = a.length;
        int j = b.length;
        int k = idx;
        long aStart = -1;
        long aEnd = -1;
        long bStart = -1;
        long bEnd = -1;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[--k] = a[i - 1];
                if (aStart < 0) {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                i--;
                j--;
            } else {
                if (dp[(i - 1) * w + j] > dp[i * w + j - 1]) {
                    i--;
                } else {
                    j--;
                }
                if (aStart >= 0) {
                    emit = true;
                }
            }
            if (emit && aStart >= 0) {
                long len = aEnd - aStart + 1;
                if (minMatchLen == 0 || len >= minMatchLen) {
                    matches.add(new long[]{aStart, aEnd, bStart, bEnd, len});
                }
                aStart = -1;
            }
        }
        if (!getIdx) {
            r.bulk(result);
            return;
        }
        r.map(2);
        r.bulk("matches");
        r.array(matches.size());
        for (long[] m : matches) {
            r.array(withMatchLen ? 3 : 2);
            r.array(2);
            r.integer(m[0]);
            r.integer(m[1]);
            r.array(2);
            r.integer(m[2]);
            r.integer(m[3]);
            if (withMatchLen) {
                r.integer(m[4]);
            }
        }
        r.bulk("len");
        r.integer(idx);
    }
}
