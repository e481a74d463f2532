package io.gearlog.engine.commands;

import io.gearlog.engine.CommandContext;
import io.gearlog.engine.CommandError;
import io.gearlog.engine.Errors;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.keyspace.Database;
import io.gearlog.engine.keyspace.EventClass;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.keyspace.ValueType;
import io.gearlog.engine.reply.NumberFormat;
import io.gearlog.engine.reply.ReplyBuffer;
import io.gearlog.engine.util.Glob;

import java.util.ArrayList;
import java.util.List;

import static io.gearlog.engine.command.CommandFlags.*;

/** Generic key commands: DEL, EXISTS, TYPE, RENAME, COPY, KEYS, SCAN, expiry, OBJECT. */
public final class KeyCommands {
    private KeyCommands() {
    }

    static void register(CommandTable t) {
        t.add("del", -2, WRITE | NOOP_ON_MISSING_KEY, 1, -1, 1, KeyCommands::del);
        t.add("unlink", -2, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, -1, 1, KeyCommands::del);
        t.add("exists", -2, READONLY | FAST, 1, -1, 1, KeyCommands::exists);
        t.add("touch", -2, READONLY | FAST, 1, -1, 1, KeyCommands::exists);
        t.add("type", 2, READONLY | FAST, 1, 1, 1, KeyCommands::type);
        t.add("rename", 3, WRITE, 1, 2, 1, ctx -> rename(ctx, false));
        t.add("renamenx", 3, WRITE | FAST, 1, 2, 1, ctx -> rename(ctx, true));
        t.add("copy", -3, WRITE | DENYOOM, 1, 2, 1, KeyCommands::copy);
        t.add("move", 3, WRITE | FAST, 1, 1, 1, KeyCommands::move);
        t.add("keys", 2, READONLY, 0, 0, 0, KeyCommands::keys);
        t.add("scan", -2, READONLY, 0, 0, 0, KeyCommands::scan);
        t.add("randomkey", 1, READONLY, 0, 0, 0, KeyCommands::randomkey);
        t.add("expire", -3, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, ctx -> expire(ctx, 1000, false));
        t.add("pexpire", -3, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, ctx -> expire(ctx, 1, false));
        t.add("expireat", -3, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, ctx -> expire(ctx, 1000, true));
        t.add("pexpireat", -3, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, ctx -> expire(ctx, 1, true));
        t.add("ttl", 2, READONLY | FAST, 1, 1, 1, ctx -> ttl(ctx, true, false));
        t.add("pttl", 2, READONLY | FAST, 1, 1, 1, ctx -> ttl(ctx, false, false));
        t.add("expiretime", 2, READONLY | FAST, 1, 1, 1, ctx -> ttl(ctx, true, true));
        t.add("pexpiretime", 2, READONLY | FAST, 1, 1, 1, ctx -> ttl(ctx, false, true));
        t.add("persist", 2, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, KeyCommands::persist);
        t.add("object", -2, READONLY, 2, 2, 1, KeyCommands::object);
        // declared so that the dispatcher checks them before a command runs or is queued in MULTI, as Redis does
        for (String sub : new String[]{"encoding", "freq", "idletime", "refcount"}) {
            t.subcommand("object", sub, 3, READONLY);
        }
        t.subcommand("object", "help", 2, LOADING | STALE);
    }

    private static void del(CommandContext ctx) {
        int n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            Key key = ctx.key(i);
            if (ctx.db().delete(key, ctx.now())) {
                ctx.modified(key);
                ctx.notify(EventClass.GENERIC, "del", key);
                n++;
            }
        }
        ctx.reply().integer(n);
    }

    private static void exists(CommandContext ctx) {
        int n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (ctx.lookupRead(ctx.key(i)) != null) {
                n++;
            }
        }
        ctx.reply().integer(n);
    }

    private static void type(CommandContext ctx) {
        RValue v = ctx.lookupRead(ctx.key(1));
        ctx.reply().simple(v == null ? "none" : v.type().typeName());
    }

    private static void rename(CommandContext ctx, boolean nx) {
        Key src = ctx.key(1);
        Key dst = ctx.key(2);
        Database db = ctx.db();
        RValue v = ctx.lookupWrite(src);
        if (v == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        if (src.equals(dst)) {
            if (nx) {
                ctx.reply().integer(0);
            } else {
                ctx.reply().ok();
            }
            return;
        }
        if (ctx.lookupWrite(dst) != null) {
            if (nx) {
                ctx.reply().integer(0);
                return;
            }
            db.remove(dst);
        }
        long when = v.expireAt();
        db.remove(src);
        db.put(dst, v);
        if (when != RValue.NO_EXPIRE) {
            db.setExpire(dst, v, when);
        }
        ctx.modified(src);
        ctx.modified(dst);
        ctx.notify(EventClass.GENERIC, "rename_from", src);
        ctx.notify(EventClass.GENERIC, "rename_to", dst);
        if (nx) {
            ctx.reply().integer(1);
        } else {
            ctx.reply().ok();
        }
    }

    private static void copy(CommandContext ctx) {
        Key src = ctx.key(1);
        Key dst = ctx.key(2);
        int dbIndex = ctx.client().db;
        boolean replace = false;
        for (int i = 3; i < ctx.argc(); i++) {
            if (ctx.is(i, "REPLACE")) {
                replace = true;
            } else if (ctx.is(i, "DB") && i + 1 < ctx.argc()) {
                dbIndex = dbIndexArg(ctx, ++i);
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (dbIndex == ctx.client().db && src.equals(dst)) {
            throw new CommandError(Errors.SAME_OBJECT);
        }
        RValue v = ctx.lookupRead(src);
        if (v == null) {
            ctx.reply().integer(0);
            return;
        }
        Database target = ctx.keyspace().db(dbIndex);
        if (target.lookup(dst, ctx.now()) != null) {
            if (!replace) {
                ctx.reply().integer(0);
                return;
            }
            target.remove(dst);
        }
        RValue copy = v.copy();
        target.put(dst, copy);
        if (v.hasExpire()) {
            target.setExpire(dst, copy, v.expireAt());
        }
        ctx.keyspace().modified(target, dst);
        ctx.engine().stats().dirty++;
        ctx.keyspace().events().emit(EventClass.GENERIC, "copy_to", dbIndex, dst.bytes());
        ctx.reply().integer(1);
    }

    private static void move(CommandContext ctx) {
        Key key = ctx.key(1);
        int d = dbIndexArg(ctx, 2);
        if (d == ctx.client().db) {
            throw new CommandError(Errors.SAME_OBJECT);
        }
        RValue v = ctx.lookupWrite(key);
        if (v == null) {
            ctx.reply().integer(0);
            return;
        }
        Database target = ctx.keyspace().db(d);
        if (target.lookup(key, ctx.now()) != null) {
            ctx.reply().integer(0);
            return;
        }
        long when = v.expireAt();
        ctx.db().remove(key);
        target.put(key, v);
        if (when != RValue.NO_EXPIRE) {
            target.setExpire(key, v, when);
        }
        ctx.modified(key);
        ctx.keyspace().modified(target, key);
        ctx.notify(EventClass.GENERIC, "move_from", key);
        ctx.keyspace().events().emit(EventClass.GENERIC, "move_to", d, key.bytes());
        ctx.reply().integer(1);
    }

    /** A database index argument: a 32-bit integer within the configured databases, with Redis' errors. */
    static int dbIndexArg(CommandContext ctx, int i) {
        int d = intArg(ctx, i);
        if (d < 0 || d >= ctx.keyspace().count()) {
            throw new CommandError(Errors.DB_INDEX_OUT_OF_RANGE);
        }
        return d;
    }

    /** A 32-bit integer argument, with the two errors of Redis' getIntFromObjectOrReply. */
    static int intArg(CommandContext ctx, int i) {
        long v = ctx.longArg(i);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new CommandError("ERR value is out of range, value must between -2147483648 and 2147483647");
        }
        return (int) v;
    }

    private static void keys(CommandContext ctx) {
        byte[] pattern = ctx.arg(1);
        boolean all = pattern.length == 1 && pattern[0] == '*';
        long now = ctx.now();
        List<Key> out = new ArrayList<>();
        ctx.db().forEach((k, v) -> {
            if ((v.expireAt() == RValue.NO_EXPIRE || v.expireAt() > now) && (all || Glob.match(pattern, k.bytes(), false))) {
                out.add(k);
            }
        });
        ReplyBuffer r = ctx.reply();
        r.array(out.size());
        for (Key k : out) {
            r.bulk(k.bytes());
        }
    }

    /**
     * Parses a SCAN-family cursor with C strtoul's rules, as Redis does: an optional sign, decimal digits, an
     * empty string reads as 0, and a negative number wraps around (-1 is 2^64-1). No space first, nothing after.
     */
    public static long parseCursor(byte[] b) {
        int i = 0;
        boolean neg = false;
        if (b.length > 0 && (b[0] == '+' || b[0] == '-')) {
            neg = b[0] == '-';
            i = 1;
        }
        if (i == b.length) {
            if (b.length == 0) {
                return 0;
            }
            throw new CommandError("ERR invalid cursor");
        }
        long v = 0;
        for (; i < b.length; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw new CommandError("ERR invalid cursor");
            }
            // overflow of the unsigned 64-bit value is ERANGE
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                throw new CommandError("ERR invalid cursor");
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    /** MATCH/COUNT/TYPE options of the SCAN family. */
    public record ScanOptions(byte[] pattern, long count, ValueType type, boolean typeGiven) {
        public boolean matches(byte[] element) {
            return pattern == null || Glob.match(pattern, element, false);
        }
    }

    public static ScanOptions scanOptions(CommandContext ctx, int from, boolean allowType) {
        byte[] pattern = null;
        long count = 10;
        ValueType type = null;
        boolean typeGiven = false;
        for (int i = from; i < ctx.argc(); i++) {
            boolean hasNext = i + 1 < ctx.argc();
            if (ctx.is(i, "COUNT") && hasNext) {
                count = ctx.longArg(++i);
                if (count < 1) {
                    throw new CommandError(Errors.SYNTAX);
                }
            } else if (ctx.is(i, "MATCH") && hasNext) {
                pattern = ctx.arg(++i);
                if (pattern.length == 1 && pattern[0] == '*') {
                    pattern = null;
                }
            } else if (allowType && ctx.is(i, "TYPE") && hasNext) {
                type = ValueType.fromName(ctx.str(++i));
                typeGiven = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        return new ScanOptions(pattern, count, type, typeGiven);
    }

    private static void scan(CommandContext ctx) {
        long cursor = parseCursor(ctx.arg(1));
        ScanOptions o = scanOptions(ctx, 2, true);
        long now = ctx.now();
        List<Key> found = new ArrayList<>();
        Database db = ctx.db();
        long maxIterations = o.count() * 10;
        do {
            cursor = db.scan(cursor, (k, v) -> found.add(k));
        } while (cursor != 0 && maxIterations-- > 0 && found.size() < o.count());
        List<Key> out = new ArrayList<>(found.size());
        for (Key k : found) {
            if (!o.matches(k.bytes())) {
                continue;
            }
            // an expired key met by SCAN is deleted (with its "expired" event), as Redis does
            RValue v = db.lookup(k, now);
            if (v == null) {
                continue;
            }
            if (o.typeGiven() && (o.type() == null || v.type() != o.type())) {
                continue;
            }
            out.add(k);
        }
        ReplyBuffer r = ctx.reply();
        r.array(2);
        r.bulk(Long.toUnsignedString(cursor));
        r.array(out.size());
        for (Key k : out) {
            r.bulk(k.bytes());
        }
    }

    private static void randomkey(CommandContext ctx) {
        Database db = ctx.db();
        // an expired pick is deleted and another one drawn, so this ends when a live key or no key is left
        while (db.size() > 0) {
            Key k = db.anyRandomKey(() -> ctx.random().nextLong());
            if (db.lookup(k, ctx.now()) != null) {
                ctx.reply().bulk(k.bytes());
                return;
            }
        }
        ctx.reply().nullBulk();
    }

    private static final int EXP_NX = 1;
    private static final int EXP_XX = 2;
    private static final int EXP_GT = 4;
    private static final int EXP_LT = 8;

    private static void expire(CommandContext ctx, int unit, boolean absolute) {
        Key key = ctx.key(1);
        int flags = 0;
        for (int i = 3; i < ctx.argc(); i++) {
            if (ctx.is(i, "NX")) {
                flags |= EXP_NX;
            } else if (ctx.is(i, "XX")) {
                flags |= EXP_XX;
            } else if (ctx.is(i, "GT")) {
                flags |= EXP_GT;
            } else if (ctx.is(i, "LT")) {
                flags |= EXP_LT;
            } else {
                throw new CommandError("ERR Unsupported option " + ctx.str(i));
            }
        }
        if ((flags & EXP_NX) != 0 && (flags & (EXP_XX | EXP_GT | EXP_LT)) != 0) {
            throw new CommandError("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if ((flags & EXP_GT) != 0 && (flags & EXP_LT) != 0) {
            throw new CommandError("ERR GT and LT options at the same time are not compatible");
        }
        long value = ctx.longArg(2);
        String cmd = ctx.commandName();
        long when;
        if (unit == 1000) {
            if (value > Long.MAX_VALUE / 1000 || value < Long.MIN_VALUE / 1000) {
                throw new CommandError(Errors.invalidExpireTime(cmd));
            }
            when = value * 1000;
        } else {
            when = value;
        }
        if (!absolute) {
            if ((when > 0 && ctx.now() > Long.MAX_VALUE - when) || (when < 0 && ctx.now() < Long.MIN_VALUE - when)) {
                throw new CommandError(Errors.invalidExpireTime(cmd));
            }
            when += ctx.now();
        }
        RValue v = ctx.lookupWrite(key);
        if (v == null) {
            ctx.reply().integer(0);
            return;
        }
        if (flags != 0) {
            long cur = v.expireAt();
            boolean has = cur != RValue.NO_EXPIRE;
            if ((flags & EXP_NX) != 0 && has) {
                ctx.reply().integer(0);
                return;
            }
            if ((flags & EXP_XX) != 0 && !has) {
                ctx.reply().integer(0);
                return;
            }
            if ((flags & EXP_GT) != 0 && (!has || when <= cur)) {
                ctx.reply().integer(0);
                return;
            }
            if ((flags & EXP_LT) != 0 && has && when >= cur) {
                ctx.reply().integer(0);
                return;
            }
        }
        if (when <= ctx.now()) {
            ctx.db().remove(key);
            ctx.modified(key);
            ctx.notify(EventClass.GENERIC, "del", key);
        } else {
            ctx.db().setExpire(key, v, when);
            ctx.modified(key);
            ctx.notify(EventClass.GENERIC, "expire", key);
        }
        ctx.reply().integer(1);
    }

    private static void ttl(CommandContext ctx, boolean seconds, boolean absolute) {
        RValue v = ctx.lookupRead(ctx.key(1));
        if (v == null) {
            ctx.reply().integer(-2);
            return;
        }
        if (!v.hasExpire()) {
            ctx.reply().integer(-1);
            return;
        }
        long when = v.expireAt();
        long ttl = absolute ? when : Math.max(0, when - ctx.now());
        ctx.reply().integer(seconds ? (ttl + 500) / 1000 : ttl);
    }

    private static void persist(CommandContext ctx) {
        Key key = ctx.key(1);
        RValue v = ctx.lookupWrite(key);
        if (v != null && ctx.db().persist(v)) {
            ctx.modified(key);
            ctx.notify(EventClass.GENERIC, "persist", key);
            ctx.reply().integer(1);
        } else {
            ctx.reply().integer(0);
        }
    }

    private static void object(CommandContext ctx) {
        ReplyBuffer r = ctx.reply();
        if (ctx.is(1, "HELP")) {
            String[] lines = {
                "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>.",
                "HELP",
                "    Prints this help."};
            r.array(lines.length);
            for (String l : lines) {
                r.simple(l);
            }
            return;
        }
        // the dispatcher checked the subcommand and its arity (see register)
        String sub = ctx.str(1).toUpperCase(java.util.Locale.ROOT);
        RValue v = ctx.db().lookup(ctx.key(2), ctx.now());
        if (v == null) {
            r.nullBulk();
            return;
        }
        switch (sub) {
            case "ENCODING" -> r.bulk(v.encoding());
            case "REFCOUNT" -> r.integer(1);
            case "IDLETIME" -> r.integer(0);
            default -> throw new CommandError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                    + "Please note that when switching between policies at runtime LRU and LFU data will take some "
                    + "time to adjust.");
        }
    }
}
