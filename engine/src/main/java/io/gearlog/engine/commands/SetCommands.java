package io.gearlog.engine.commands;

import io.gearlog.engine.CommandContext;
import io.gearlog.engine.CommandError;
import io.gearlog.engine.Errors;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.keyspace.EventClass;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.keyspace.SetValue;
import io.gearlog.engine.keyspace.ValueType;
import io.gearlog.engine.reply.NumberFormat;
import io.gearlog.engine.reply.ReplyBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static io.gearlog.engine.command.CommandFlags.*;

/** The set commands of Redis 7.0. */
final class SetCommands {
    static final String MUST_BE_POSITIVE = "ERR value is out of range, must be positive";
    static final String NUMKEYS = "ERR numkeys should be greater than 0";
    static final String TOO_MANY_KEYS = "ERR Number of keys can't be greater than number of args";
    static final String LIMIT_NEGATIVE = "ERR LIMIT can't be negative";

    private SetCommands() {
    }

    static void register(CommandTable t) {
        t.add("sadd", -3, WRITE | DENYOOM | FAST | NOOP_WHEN_ALL_MEMBERS_PRESENT, 1, 1, 1, SetCommands::sadd);
        t.add("srem", -3, WRITE | FAST | NOOP_WHEN_NO_MEMBER_PRESENT, 1, 1, 1, SetCommands::srem);
        t.add("smembers", 2, READONLY, 1, 1, 1, SetCommands::smembers);
        t.add("sismember", 3, READONLY | FAST, 1, 1, 1, SetCommands::sismember);
        t.add("smismember", -3, READONLY | FAST, 1, 1, 1, SetCommands::smismember);
        t.add("scard", 2, READONLY | FAST, 1, 1, 1, SetCommands::scard);
        t.add("spop", -2, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, SetCommands::spop);
        t.add("srandmember", -2, READONLY, 1, 1, 1, SetCommands::srandmember);
        t.add("smove", 4, WRITE | FAST, 1, 2, 1, SetCommands::smove);
        t.add("sinter", -2, READONLY, 1, -1, 1, ctx -> sinter(ctx, 1, ctx.argc() - 1, null, false, 0));
        t.add("sintercard", -3, READONLY, 0, 0, 0, SetCommands::sintercard);
        t.add("sinterstore", -3, WRITE | DENYOOM, 1, -1, 1,
                ctx -> sinter(ctx, 2, ctx.argc() - 2, ctx.key(1), false, 0));
        t.add("sunion", -2, READONLY, 1, -1, 1, ctx -> unionOrDiff(ctx, 1, null, false));
        t.add("sunionstore", -3, WRITE | DENYOOM, 1, -1, 1, ctx -> unionOrDiff(ctx, 2, ctx.key(1), false));
        t.add("sdiff", -2, READONLY, 1, -1, 1, ctx -> unionOrDiff(ctx, 1, null, true));
        t.add("sdiffstore", -3, WRITE | DENYOOM, 1, -1, 1, ctx -> unionOrDiff(ctx, 2, ctx.key(1), true));
        t.add("sscan", -3, READONLY, 1, 1, 1, SetCommands::sscan);
    }

    private static int maxIntset(CommandContext ctx) {
        return ctx.engine().config().setMaxIntsetEntries;
    }

    private static void sadd(CommandContext ctx) {
        Key key = ctx.key(1);
        SetValue s = ctx.write(key, ValueType.SET);
        if (s == null) {
            s = new SetValue();
            ctx.db().put(key, s);
        }
        int max = maxIntset(ctx);
        int added = 0;
        for (int i = 2; i < ctx.argc(); i++) {
            if (s.add(ctx.arg(i), max)) {
                added++;
            }
        }
        if (added > 0) {
            ctx.modified(key);
            ctx.notify(EventClass.SET, "sadd", key);
        }
        ctx.reply().integer(added);
    }

    /** Deletes {@code key} when its set became empty; returns true if it did. */
    private static boolean removeIfEmpty(CommandContext ctx, Key key, SetValue s) {
        if (s.size() > 0) {
            return false;
        }
        ctx.db().remove(key);
        return true;
    }

    private static void srem(CommandContext ctx) {
        Key key = ctx.key(1);
        SetValue s = ctx.write(key, ValueType.SET);
        int removed = 0;
        boolean emptied = false;
        if (s != null) {
            for (int i = 2; i < ctx.argc() && !emptied; i++) {
                if (s.remove(ctx.arg(i))) {
                    removed++;
                    emptied = removeIfEmpty(ctx, key, s);
                }
            }
        }
        if (removed > 0) {
            ctx.modified(key);
            ctx.notify(EventClass.SET, "srem", key);
            if (emptied) {
                ctx.notify(EventClass.GENERIC, "del", key);
            }
        }
        ctx.reply().integer(removed);
    }

    private static void replySet(ReplyBuffer r, SetValue s) {
        if (s == null) {
            r.set(0);
            return;
        }
        r.set(s.size());
        s.forEach(r::bulk);
    }

    private static void smembers(CommandContext ctx) {
        replySet(ctx.reply(), ctx.read(ctx.key(1), ValueType.SET));
    }

    private static void sismember(CommandContext ctx) {
        SetValue s = ctx.read(ctx.key(1), ValueType.SET);
        ctx.reply().integer(s != null && s.contains(ctx.arg(2)) ? 1 : 0);
    }

    private static void smismember(CommandContext ctx) {
        SetValue s = ctx.read(ctx.key(1), ValueType.SET);
        ReplyBuffer r = ctx.reply();
        r.array(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            r.integer(s != null && s.contains(ctx.arg(i)) ? 1 : 0);
        }
    }

    private static void scard(CommandContext ctx) {
        SetValue s = ctx.read(ctx.key(1), ValueType.SET);
        ctx.reply().integer(s == null ? 0 : s.size());
    }

    private static void spop(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        Key key = ctx.key(1);
        ReplyBuffer r = ctx.reply();
        if (ctx.argc() == 2) {
            SetValue s = ctx.write(key, ValueType.SET);
            if (s == null) {
                r.nullBulk();
                return;
            }
            byte[] m = s.pop(ctx.random());
            boolean emptied = removeIfEmpty(ctx, key, s);
            ctx.modified(key);
            ctx.notify(EventClass.SET, "spop", key);
            if (emptied) {
                ctx.notify(EventClass.GENERIC, "del", key);
            }
            r.bulk(m);
            return;
        }
        Long count = NumberFormat.parseLongOrFail(ctx.arg(2));
        if (count == null || count < 0) {
            throw new CommandError(MUST_BE_POSITIVE);
        }
        SetValue s = ctx.write(key, ValueType.SET);
        if (s == null || count == 0) {
            r.set(0);
            return;
        }
        if (count >= s.size()) {
            replySet(r, s);
            ctx.db().remove(key);
            ctx.modified(key);
            ctx.notify(EventClass.SET, "spop", key);
            ctx.notify(EventClass.GENERIC, "del", key);
            return;
        }
        // members come only from ctx.random() and the set's contents, so replaying the journaled SPOP agrees
        r.set(count);
        for (long i = 0; i < count; i++) {
            r.bulk(s.pop(ctx.random()));
        }
        ctx.modified(key);
        ctx.notify(EventClass.SET, "spop", key);
    }

    private static void srandmember(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw new CommandError(Errors.SYNTAX);
        }
        ReplyBuffer r = ctx.reply();
        if (ctx.argc() == 2) {
            SetValue s = ctx.read(ctx.key(1), ValueType.SET);
            r.bulk(s == null ? null : s.random(ctx.random()));
            return;
        }
        long count = HashCommands.randomCount(ctx, 2);
        SetValue s = ctx.read(ctx.key(1), ValueType.SET);
        if (s == null || count == 0) {
            r.emptyArray();
            return;
        }
        if (count < 0) {
            HashCommands.checkReplyCount(-count);
            int mark = r.length();
            r.array(-count);
            s.sampleWithRepeats(-count, ctx.random(), m -> {
                HashCommands.checkReplySize(r, mark, m.length);
                r.bulk(m);
            });
            return;
        }
        List<byte[]> picked = s.sampleDistinct((int) Math.min(count, s.size()), ctx.random());
        r.array(picked.size());
        for (byte[] m : picked) {
            r.bulk(m);
        }
    }

    private static void smove(CommandContext ctx) {
        Key src = ctx.key(1);
        Key dst = ctx.key(2);
        byte[] member = ctx.arg(3);
        RValue srcValue = ctx.lookupWrite(src);
        RValue dstValue = ctx.lookupWrite(dst);
        if (srcValue == null) {
            ctx.reply().integer(0);
            return;
        }
        if (srcValue.type() != ValueType.SET || (dstValue != null && dstValue.type() != ValueType.SET)) {
            throw new CommandError(Errors.WRONGTYPE);
        }
        SetValue from = (SetValue) srcValue;
        if (src.equals(dst)) {
            ctx.reply().integer(from.contains(member) ? 1 : 0);
            return;
        }
        if (!from.remove(member)) {
            ctx.reply().integer(0);
            return;
        }
        ctx.notify(EventClass.SET, "srem", src);
        if (removeIfEmpty(ctx, src, from)) {
            ctx.notify(EventClass.GENERIC, "del", src);
        }
        SetValue to = (SetValue) dstValue;
        if (to == null) {
            to = new SetValue();
            ctx.db().put(dst, to);
        }
        ctx.modified(src);
        if (to.add(member, maxIntset(ctx))) {
            ctx.modified(dst);
            ctx.notify(EventClass.SET, "sadd", dst);
        }
        ctx.reply().integer(1);
    }

    /**
     * Looks up the sets of keys {@code first .. first+n-1}; a missing key is a null entry. Every key is type
     * checked, even after a missing one, as Redis 7.0 does.
     */
    private static SetValue[] lookupSets(CommandContext ctx, int first, int n, boolean forWrite) {
        SetValue[] sets = new SetValue[n];
        for (int j = 0; j < n; j++) {
            Key k = ctx.key(first + j);
            sets[j] = forWrite ? ctx.write(k, ValueType.SET) : ctx.read(k, ValueType.SET);
        }
        return sets;
    }

    /** Stores {@code result} under {@code dst} (replacing any value) or deletes dst when empty; replies the size. */
    private static void store(CommandContext ctx, Key dst, SetValue result, String event) {
        if (result.size() > 0) {
            ctx.db().put(dst, result);
            ctx.modified(dst);
            ctx.notify(EventClass.SET, event, dst);
            ctx.reply().integer(result.size());
            return;
        }
        if (ctx.db().delete(dst, ctx.now())) {
            ctx.modified(dst);
            ctx.notify(EventClass.GENERIC, "del", dst);
        }
        ctx.reply().integer(0);
    }

    /** SINTER, SINTERSTORE (dst != null) and SINTERCARD (card, with limit 0 meaning none). */
    private static void sinter(CommandContext ctx, int first, int n, Key dst, boolean card, long limit) {
        SetValue[] sets = lookupSets(ctx, first, n, dst != null);
        boolean anyMissing = false;
        for (SetValue s : sets) {
            anyMissing |= s == null;
        }
        ReplyBuffer r = ctx.reply();
        if (anyMissing) {
            if (dst != null) {
                store(ctx, dst, new SetValue(), "sinterstore");
            } else if (card) {
                r.integer(0);
            } else {
                r.set(0);
            }
            return;
        }
        Arrays.sort(sets, Comparator.comparingInt(SetValue::size));
        SetValue smallest = sets[0];
        List<byte[]> common = new ArrayList<>();
        long[] cardinality = {0};
        smallest.forEach(m -> {
            if (card && limit > 0 && cardinality[0] >= limit) {
                return;
            }
            for (int j = 1; j < sets.length; j++) {
                if (sets[j] != smallest && !sets[j].contains(m)) {
                    return;
                }
            }
            cardinality[0]++;
            if (!card) {
                common.add(m);
            }
        });
        if (card) {
            r.integer(cardinality[0]);
        } else if (dst != null) {
            SetValue result = new SetValue();
            int max = maxIntset(ctx);
            for (byte[] m : common) {
                result.add(m, max);
            }
            store(ctx, dst, result, "sinterstore");
        } else {
            r.set(common.size());
            for (byte[] m : common) {
                r.bulk(m);
            }
        }
    }

    private static void sintercard(CommandContext ctx) {
        Long numKeys = NumberFormat.parseLongOrFail(ctx.arg(1));
        if (numKeys == null || numKeys < 1) {
            throw new CommandError(NUMKEYS);
        }
        if (numKeys > ctx.argc() - 2) {
            throw new CommandError(TOO_MANY_KEYS);
        }
        int n = numKeys.intValue();
        long limit = 0;
        for (int i = 2 + n; i < ctx.argc(); i++) {
            if (ctx.is(i, "LIMIT") && i + 1 < ctx.argc()) {
                Long l = NumberFormat.parseLongOrFail(ctx.arg(++i));
                if (l == null || l < 0) {
                    throw new CommandError(LIMIT_NEGATIVE);
                }
                limit = l;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        sinter(ctx, 2, n, null, true, limit);
    }

    /** SUNION, SDIFF and their STORE forms. The result is built like a new set: an intset while it can be. */
    private static void unionOrDiff(CommandContext ctx, int first, Key dst, boolean diff) {
        SetValue[] sets = lookupSets(ctx, first, ctx.argc() - first, dst != null);
        SetValue result = new SetValue();
        int max = maxIntset(ctx);
        if (!diff) {
            for (SetValue s : sets) {
                if (s != null) {
                    s.forEach(m -> result.add(m, max));
                }
            }
        } else if (sets[0] != null) {
            sets[0].forEach(m -> {
                for (int j = 1; j < sets.length; j++) {
                    if (sets[j] != null && sets[j].contains(m)) {
                        return;
                    }
                }
                result.add(m, max);
            });
        }
        if (dst != null) {
            store(ctx, dst, result, diff ? "sdiffstore" : "sunionstore");
        } else {
            replySet(ctx.reply(), result);
        }
    }

    private static void sscan(CommandContext ctx) {
        long cursor = HashCommands.parseCursor(ctx.arg(2));
        SetValue s = ctx.read(ctx.key(1), ValueType.SET);
        ReplyBuffer r = ctx.reply();
        if (s == null) {
            HashCommands.emptyScan(r);
            return;
        }
        KeyCommands.ScanOptions o = KeyCommands.scanOptions(ctx, 3, false);
        List<byte[]> found = new ArrayList<>();
        if (s.isIntset()) {
            s.forEach(found::add);
            cursor = 0;
        } else {
            long maxIterations = o.count() > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : o.count() * 10;
            do {
                cursor = s.scan(cursor, found::add);
            } while (cursor != 0 && maxIterations-- > 0 && found.size() < o.count());
        }
        List<byte[]> matched = new ArrayList<>(found.size());
        for (byte[] m : found) {
            if (o.matches(m)) {
                matched.add(m);
            }
        }
        r.array(2);
        r.bulk(Long.toUnsignedString(cursor));
        r.array(matched.size());
        for (byte[] m : matched) {
            r.bulk(m);
        }
    }
}
