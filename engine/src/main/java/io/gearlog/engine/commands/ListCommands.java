package io.gearlog.engine.commands;

import io.gearlog.engine.Client;
import io.gearlog.engine.CommandContext;
import io.gearlog.engine.CommandError;
import io.gearlog.engine.Errors;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.keyspace.EventClass;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.ListValue;
import io.gearlog.engine.keyspace.ValueType;
import io.gearlog.engine.reply.NumberFormat;
import io.gearlog.engine.reply.ReplyBuffer;
import io.gearlog.journal.RecordType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.gearlog.engine.command.CommandFlags.*;

/**
 * The list commands of Redis 7.0, including the blocking ones. A blocking command that finds nothing parks its
 * client with a {@link ListWait}; the engine calls it back when a waited key changes or the timeout passes.
 */
final class ListCommands {
    private static final String OUT_OF_RANGE_POSITIVE = "ERR value is out of range, must be positive";
    private static final String NUMKEYS = "ERR numkeys should be greater than 0";
    private static final String COUNT_POSITIVE = "ERR count should be greater than 0";
    private static final String RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
            + "second ... or use negative to start from the end of the list";
    private static final byte[] LPOP = bytes("LPOP");
    private static final byte[] RPOP = bytes("RPOP");
    private static final byte[] LMOVE = bytes("LMOVE");
    private static final byte[] RPOPLPUSH = bytes("RPOPLPUSH");
    private static final byte[] LEFT = bytes("LEFT");
    private static final byte[] RIGHT = bytes("RIGHT");

    private ListCommands() {
    }

    static void register(CommandTable t) {
        t.add("lpush", -3, WRITE | DENYOOM | FAST, 1, 1, 1, ctx -> push(ctx, true, false));
        t.add("rpush", -3, WRITE | DENYOOM | FAST, 1, 1, 1, ctx -> push(ctx, false, false));
        t.add("lpushx", -3, WRITE | DENYOOM | FAST, 1, 1, 1, ctx -> push(ctx, true, true));
        t.add("rpushx", -3, WRITE | DENYOOM | FAST, 1, 1, 1, ctx -> push(ctx, false, true));
        t.add("lpop", -2, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, ctx -> pop(ctx, true));
        t.add("rpop", -2, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, ctx -> pop(ctx, false));
        t.add("llen", 2, READONLY | FAST, 1, 1, 1, ListCommands::llen);
        t.add("lrange", 4, READONLY, 1, 1, 1, ListCommands::lrange);
        t.add("lindex", 3, READONLY, 1, 1, 1, ListCommands::lindex);
        t.add("lset", 4, WRITE | DENYOOM, 1, 1, 1, ListCommands::lset);
        t.add("lrem", 4, WRITE | NOOP_ON_MISSING_KEY, 1, 1, 1, ListCommands::lrem);
        t.add("ltrim", 4, WRITE | NOOP_ON_MISSING_KEY, 1, 1, 1, ListCommands::ltrim);
        t.add("linsert", 5, WRITE | DENYOOM, 1, 1, 1, ListCommands::linsert);
        t.add("lpos", -3, READONLY, 1, 1, 1, ListCommands::lpos);
        t.add("lmove", 5, WRITE | DENYOOM, 1, 2, 1, ListCommands::lmove);
        t.add("rpoplpush", 3, WRITE | DENYOOM, 1, 2, 1, ListCommands::rpoplpush);
        t.add("lmpop", -4, WRITE, 0, 0, 0, ListCommands::lmpop);
        t.add("blpop", -3, WRITE | NOSCRIPT | BLOCKING, 1, -2, 1, ctx -> bpop(ctx, true));
        t.add("brpop", -3, WRITE | NOSCRIPT | BLOCKING, 1, -2, 1, ctx -> bpop(ctx, false));
        t.add("blmove", 6, WRITE | DENYOOM | NOSCRIPT | BLOCKING, 1, 2, 1, ListCommands::blmove);
        t.add("brpoplpush", 4, WRITE | DENYOOM | NOSCRIPT | BLOCKING, 1, 2, 1, ListCommands::brpoplpush);
        t.add("blmpop", -5, WRITE | BLOCKING, 0, 0, 0, ListCommands::blmpop);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- shared helpers ----

    private static ListValue writeList(CommandContext ctx, Key key) {
        return ctx.write(key, ValueType.LIST);
    }

    /** After elements were taken out: the pop event, and the key's removal when the list became empty. */
    private static void removed(CommandContext ctx, Key key, ListValue l, String event) {
        ctx.notify(EventClass.LIST, event, key);
        if (l.isEmpty()) {
            ctx.db().remove(key);
            ctx.notify(EventClass.GENERIC, "del", key);
        }
        ctx.modified(key);
    }

    /** Parses LEFT/RIGHT: true for LEFT (the head). */
    private static boolean where(CommandContext ctx, int i) {
        if (ctx.is(i, "LEFT")) {
            return true;
        }
        if (ctx.is(i, "RIGHT")) {
            return false;
        }
        throw new CommandError(Errors.SYNTAX);
    }

    private static long positive(CommandContext ctx, int i, String error) {
        Long v = NumberFormat.parseLongOrFail(ctx.arg(i));
        if (v == null || v < 0) {
            throw new CommandError(error);
        }
        return v;
    }

    /** A count or numkeys that must be at least 1, with the command's own error text for anything else. */
    private static long atLeastOne(CommandContext ctx, int i, String error) {
        Long v = NumberFormat.parseLongOrFail(ctx.arg(i));
        if (v == null || v < 1) {
            throw new CommandError(error);
        }
        return v;
    }

    /**
     * A blocking timeout in seconds (a float) as an absolute engine deadline, 0 for none. Like Redis the
     * milliseconds are rounded up, and values too large for a 64-bit count are reported as negative.
     */
    static long deadline(CommandContext ctx, int i) {
        Double d = NumberFormat.parseDouble(ctx.arg(i));
        if (d == null) {
            throw new CommandError(Errors.TIMEOUT_NOT_FLOAT);
        }
        double ms = Math.ceil(d * 1000.0);
        long t = (ms >= 0x1p63 || ms < -0x1p63) ? Long.MIN_VALUE : (long) ms;
        if (t < 0) {
            throw new CommandError(Errors.TIMEOUT_NEGATIVE);
        }
        if (t == 0) {
            return 0;
        }
        long at = ctx.now() + t;
        return at < 0 ? Long.MAX_VALUE : at;
    }

    /**
     * Journals the non-blocking equivalent of what a served blocked client is about to do: the serve happens
     * outside any journaled command, so recovery needs this record to repeat it.
     */
    private static void journalServe(CommandContext ctx, byte[]... argv) {
        var engine = ctx.engine();
        if (!engine.shouldJournal()) {
            return;
        }
        String refusal = engine.writeRefusal();
        if (refusal != null) {
            throw new CommandError(refusal);
        }
        Client c = ctx.client();
        if (engine.journalArgv(RecordType.COMMAND, ctx.now(), c.id, c.db, argv) < 0) {
            refusal = engine.writeRefusal();
            throw new CommandError(refusal != null ? refusal : "ERR journal append failed");
        }
    }

    // ---- push / pop ----

    private static void push(CommandContext ctx, boolean head, boolean onlyIfExists) {
        Key key = ctx.key(1);
        ListValue l = writeList(ctx, key);
        if (l == null) {
            if (onlyIfExists) {
                ctx.reply().integer(0);
                return;
            }
            l = new ListValue();
            ctx.db().put(key, l);
        }
        for (int i = 2; i < ctx.argc(); i++) {
            l.push(ctx.arg(i), head);
        }
        ctx.modified(key);
        ctx.notify(EventClass.LIST, head ? "lpush" : "rpush", key);
        ctx.reply().integer(l.size());
    }

    private static void pop(CommandContext ctx, boolean head) {
        if (ctx.argc() > 3) {
            throw new CommandError(Errors.wrongArity(ctx.commandName()));
        }
        boolean hasCount = ctx.argc() == 3;
        long count = hasCount ? positive(ctx, 2, OUT_OF_RANGE_POSITIVE) : 1;
        Key key = ctx.key(1);
        ListValue l = writeList(ctx, key);
        ReplyBuffer r = ctx.reply();
        if (l == null) {
            if (hasCount) {
                r.nullArray();
            } else {
                r.nullBulk();
            }
            return;
        }
        if (hasCount && count == 0) {
            r.emptyArray();
            return;
        }
        if (hasCount) {
            popRange(ctx, key, l, head, count);
        } else {
            l.popTo(head, r);
            removed(ctx, key, l, head ? "lpop" : "rpop");
        }
    }

    /** Pops up to {@code count} elements and replies with them as an array. */
    private static void popRange(CommandContext ctx, Key key, ListValue l, boolean head, long count) {
        long n = Math.min(count, l.size());
        ReplyBuffer r = ctx.reply();
        r.array(n);
        for (long i = 0; i < n; i++) {
            l.popTo(head, r);
        }
        removed(ctx, key, l, head ? "lpop" : "rpop");
    }

    /** LMPOP/BLMPOP's reply: the key and the popped elements. */
    private static void popRangeWithKey(CommandContext ctx, Key key, ListValue l, boolean head, long count) {
        ctx.reply().array(2);
        ctx.reply().bulk(key.bytes());
        popRange(ctx, key, l, head, count);
    }

    // ---- reads ----

    private static void llen(CommandContext ctx) {
        ListValue l = ctx.read(ctx.key(1), ValueType.LIST);
        ctx.reply().integer(l == null ? 0 : l.size());
    }

    private static void lrange(CommandContext ctx) {
        long start = ctx.longArg(2);
        long end = ctx.longArg(3);
        ListValue l = ctx.read(ctx.key(1), ValueType.LIST);
        ReplyBuffer r = ctx.reply();
        if (l == null) {
            r.emptyArray();
            return;
        }
        long len = l.size();
        if (start < 0) {
            start += len;
        }
        if (end < 0) {
            end += len;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= len) {
            r.emptyArray();
            return;
        }
        if (end >= len) {
            end = len - 1;
        }
        long n = end - start + 1;
        r.array(n);
        ListValue.Cursor c = l.cursor(start);
        for (long i = 0; i < n; i++) {
            c.writeTo(r);
            c.next();
        }
    }

    private static void lindex(CommandContext ctx) {
        ListValue l = ctx.read(ctx.key(1), ValueType.LIST);
        if (l == null) {
            ctx.reply().nullBulk();
            return;
        }
        long index = ctx.longArg(2);
        if (index < 0) {
            index += l.size();
        }
        if (index < 0 || index >= l.size()) {
            ctx.reply().nullBulk();
            return;
        }
        l.cursor(index).writeTo(ctx.reply());
    }

    private static void lpos(CommandContext ctx) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int i = 3; i < ctx.argc(); i++) {
            boolean more = i + 1 < ctx.argc();
            if (ctx.is(i, "RANK") && more) {
                rank = ctx.longArg(++i);
                if (rank == 0) {
                    throw new CommandError(RANK_ZERO);
                }
            } else if (ctx.is(i, "COUNT") && more) {
                count = positive(ctx, ++i, "ERR COUNT can't be negative");
            } else if (ctx.is(i, "MAXLEN") && more) {
                maxlen = positive(ctx, ++i, "ERR MAXLEN can't be negative");
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        boolean fromTail = false;
        if (rank < 0) {
            // -Long.MIN_VALUE stays negative, so that rank matches the first hit as in Redis
            rank = -rank;
            fromTail = true;
        }
        ListValue l = ctx.read(ctx.key(1), ValueType.LIST);
        ReplyBuffer r = ctx.reply();
        if (l == null) {
            if (count != -1) {
                r.emptyArray();
            } else {
                r.nullBulk();
            }
            return;
        }
        ListValue.Probe probe = new ListValue.Probe(ctx.arg(2));
        long len = l.size();
        ListValue.Cursor c = l.cursor(fromTail ? len - 1 : 0);
        List<Long> found = new ArrayList<>();
        long index = 0;
        long matches = 0;
        boolean more = true;
        while (more && (maxlen == 0 || index < maxlen)) {
            if (c.matches(probe)) {
                matches++;
                if (matches >= rank) {
                    found.add(fromTail ? len - index - 1 : index);
                    if (count == -1 || (count != 0 && matches - rank + 1 >= count)) {
                        break;
                    }
                }
            }
            index++;
            more = fromTail ? c.prev() : c.next();
        }
        if (count != -1) {
            r.array(found.size());
            for (long x : found) {
                r.integer(x);
            }
        } else if (found.isEmpty()) {
            r.nullBulk();
        } else {
            r.integer(found.get(0));
        }
    }

    // ---- in-place edits ----

    private static void lset(CommandContext ctx) {
        Key key = ctx.key(1);
        ListValue l = writeList(ctx, key);
        if (l == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        long index = ctx.longArg(2);
        if (index < 0) {
            index += l.size();
        }
        if (index < 0 || index >= l.size()) {
            throw new CommandError(Errors.INDEX_OUT_OF_RANGE);
        }
        l.set(index, ctx.arg(3));
        ctx.modified(key);
        ctx.notify(EventClass.LIST, "lset", key);
        ctx.reply().ok();
    }

    private static void lrem(CommandContext ctx) {
        long count = ctx.longArg(2);
        Key key = ctx.key(1);
        ListValue l = writeList(ctx, key);
        if (l == null) {
            ctx.reply().integer(0);
            return;
        }
        long n = l.remove(new ListValue.Probe(ctx.arg(3)), count);
        if (n > 0) {
            removed(ctx, key, l, "lrem");
        }
        ctx.reply().integer(n);
    }

    private static void ltrim(CommandContext ctx) {
        long start = ctx.longArg(2);
        long end = ctx.longArg(3);
        Key key = ctx.key(1);
        ListValue l = writeList(ctx, key);
        if (l == null) {
            ctx.reply().ok();
            return;
        }
        long len = l.size();
        if (start < 0) {
            start += len;
        }
        if (end < 0) {
            end += len;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= len) {
            l.trim(len, 0);
        } else {
            if (end >= len) {
                end = len - 1;
            }
            l.trim(start, len - end - 1);
        }
        removed(ctx, key, l, "ltrim");
        ctx.reply().ok();
    }

    private static void linsert(CommandContext ctx) {
        boolean after;
        if (ctx.is(2, "AFTER")) {
            after = true;
        } else if (ctx.is(2, "BEFORE")) {
            after = false;
        } else {
            throw new CommandError(Errors.SYNTAX);
        }
        Key key = ctx.key(1);
        ListValue l = writeList(ctx, key);
        if (l == null) {
            ctx.reply().integer(0);
            return;
        }
        ListValue.Cursor c = l.find(new ListValue.Probe(ctx.arg(3)));
        if (c == null) {
            ctx.reply().integer(-1);
            return;
        }
        l.insert(c, ctx.arg(4), after);
        ctx.modified(key);
        ctx.notify(EventClass.LIST, "linsert", key);
        ctx.reply().integer(l.size());
    }

    // ---- moves ----

    /**
     * Moves one element from {@code src} (non-empty) to {@code dst}, replying with it: the push event on the
     * destination, then the pop event (and removal) on the source, as Redis orders them. The destination is
     * looked up before the pop so that a rotation of a one-element list keeps its key.
     */
    private static void move(CommandContext ctx, Key srcKey, ListValue src, Key dstKey, boolean fromHead,
                             boolean toHead) {
        ListValue dst = writeList(ctx, dstKey);
        byte[] e = src.pop(fromHead);
        if (dst == null) {
            dst = new ListValue();
            ctx.db().put(dstKey, dst);
        }
        dst.push(e, toHead);
        ctx.modified(dstKey);
        ctx.notify(EventClass.LIST, toHead ? "lpush" : "rpush", dstKey);
        ctx.reply().bulk(e);
        removed(ctx, srcKey, src, fromHead ? "lpop" : "rpop");
    }

    private static void lmoveGeneric(CommandContext ctx, boolean fromHead, boolean toHead) {
        Key src = ctx.key(1);
        ListValue l = writeList(ctx, src);
        if (l == null) {
            ctx.reply().nullBulk();
            return;
        }
        move(ctx, src, l, ctx.key(2), fromHead, toHead);
    }

    private static void lmove(CommandContext ctx) {
        boolean from = where(ctx, 3);
        boolean to = where(ctx, 4);
        lmoveGeneric(ctx, from, to);
    }

    private static void rpoplpush(CommandContext ctx) {
        lmoveGeneric(ctx, false, true);
    }

    // ---- LMPOP / BLMPOP argument parsing ----

    private record MpopArgs(List<Key> keys, boolean head, long count) {
    }

    private static MpopArgs mpopArgs(CommandContext ctx, int numkeysAt) {
        long numkeys = atLeastOne(ctx, numkeysAt, NUMKEYS);
        long whereAt = numkeysAt + numkeys + 1;
        if (numkeys > ctx.argc() || whereAt >= ctx.argc()) {
            throw new CommandError(Errors.SYNTAX);
        }
        boolean head = where(ctx, (int) whereAt);
        long count = -1;
        for (int i = (int) whereAt + 1; i < ctx.argc(); i++) {
            if (count == -1 && ctx.is(i, "COUNT") && i + 1 < ctx.argc()) {
                count = atLeastOne(ctx, ++i, COUNT_POSITIVE);
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        List<Key> keys = new ArrayList<>((int) numkeys);
        for (int i = numkeysAt + 1; i < whereAt; i++) {
            keys.add(ctx.key(i));
        }
        return new MpopArgs(keys, head, count == -1 ? 1 : count);
    }

    /** Pops from the first non-empty list among {@code keys}; false when all are missing. */
    private static boolean mpopFirst(CommandContext ctx, MpopArgs a) {
        for (Key key : a.keys()) {
            ListValue l = writeList(ctx, key);
            if (l != null) {
                popRangeWithKey(ctx, key, l, a.head(), a.count());
                return true;
            }
        }
        return false;
    }

    private static void lmpop(CommandContext ctx) {
        MpopArgs a = mpopArgs(ctx, 1);
        if (!mpopFirst(ctx, a)) {
            ctx.reply().nullArray();
        }
    }

    // ---- blocking ----

    private static void bpop(CommandContext ctx, boolean head) {
        long deadline = deadline(ctx, ctx.argc() - 1);
        List<Key> keys = new ArrayList<>(ctx.argc() - 2);
        for (int i = 1; i < ctx.argc() - 1; i++) {
            Key key = ctx.key(i);
            ListValue l = writeList(ctx, key);
            if (l != null) {
                ctx.reply().array(2);
                ctx.reply().bulk(key.bytes());
                ctx.reply().bulk(l.pop(head));
                removed(ctx, key, l, head ? "lpop" : "rpop");
                return;
            }
            keys.add(key);
        }
        if (!ctx.engine().mayBlock(ctx.client())) {
            ctx.reply().nullArray();
            return;
        }
        block(ctx, new ListWait(deadline, distinct(keys), ctx.client().db, ListWait.POP, head, false, null, 1, false));
    }

    private static void blmove(CommandContext ctx) {
        boolean from = where(ctx, 3);
        boolean to = where(ctx, 4);
        blmoveGeneric(ctx, from, to, deadline(ctx, 5), false);
    }

    private static void brpoplpush(CommandContext ctx) {
        blmoveGeneric(ctx, false, true, deadline(ctx, 3), true);
    }

    private static void blmoveGeneric(CommandContext ctx, boolean fromHead, boolean toHead, long deadline,
                                      boolean rpoplpush) {
        Key src = ctx.key(1);
        ListValue l = writeList(ctx, src);
        if (l != null) {
            move(ctx, src, l, ctx.key(2), fromHead, toHead);
            return;
        }
        if (!ctx.engine().mayBlock(ctx.client())) {
            ctx.reply().nullBulk();
            return;
        }
        block(ctx, new ListWait(deadline, List.of(src), ctx.client().db, ListWait.MOVE, fromHead, toHead,
                ctx.key(2), 1, rpoplpush));
    }

    private static void blmpop(CommandContext ctx) {
        MpopArgs a = mpopArgs(ctx, 2);
        long deadline = deadline(ctx, 1);
        if (mpopFirst(ctx, a)) {
            return;
        }
        if (!ctx.engine().mayBlock(ctx.client())) {
            ctx.reply().nullArray();
            return;
        }
        block(ctx, new ListWait(deadline, distinct(a.keys()), ctx.client().db, ListWait.MPOP, a.head(), false, null,
                a.count(), false));
    }

    private static void block(CommandContext ctx, ListWait w) {
        ctx.engine().block(ctx.client(), w);
    }

    /** The waited keys without repeats, so a key named twice queues the client once (as Redis does). */
    private static List<Key> distinct(List<Key> keys) {
        return keys.size() < 2 ? keys : new ArrayList<>(new java.util.LinkedHashSet<>(keys));
    }

    /** A client blocked in BLPOP, BRPOP, BLMOVE, BRPOPLPUSH or BLMPOP. */
    private static final class ListWait extends BlockedOnKeys {
        static final int POP = 0;
        static final int MOVE = 1;
        static final int MPOP = 2;

        private final int kind;
        private final boolean fromHead;
        private final boolean toHead;
        private final Key dst;
        private final long count;
        private final boolean rpoplpush;

        ListWait(long deadline, List<Key> keys, int db, int kind, boolean fromHead, boolean toHead, Key dst,
                 long count, boolean rpoplpush) {
            super(deadline, keys, db);
            this.kind = kind;
            this.fromHead = fromHead;
            this.toHead = toHead;
            this.dst = dst;
            this.count = count;
            this.rpoplpush = rpoplpush;
        }

        @Override
        public boolean tryServe(CommandContext ctx) {
            for (Key k : keys) {
                if (tryServe(ctx, k)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean tryServe(CommandContext ctx, Key key) {
            if (!keys.contains(key)) {
                return false;
            }
            if (!(ctx.lookupWrite(key) instanceof ListValue l)) {
                return false;
            }
            byte[] side = fromHead ? LPOP : RPOP;
            switch (kind) {
                case POP -> {
                    journalServe(ctx, side, key.bytes());
                    ctx.reply().array(2);
                    ctx.reply().bulk(key.bytes());
                    ctx.reply().bulk(l.pop(fromHead));
                    removed(ctx, key, l, fromHead ? "lpop" : "rpop");
                }
                case MPOP -> {
                    long n = Math.min(count, l.size());
                    journalServe(ctx, side, key.bytes(), Long.toString(n).getBytes(StandardCharsets.US_ASCII));
                    popRangeWithKey(ctx, key, l, fromHead, n);
                }
                default -> {
                    writeList(ctx, dst);
                    if (rpoplpush) {
                        journalServe(ctx, RPOPLPUSH, key.bytes(), dst.bytes());
                    } else {
                        journalServe(ctx, LMOVE, key.bytes(), dst.bytes(), fromHead ? LEFT : RIGHT,
                                toHead ? LEFT : RIGHT);
                    }
                    move(ctx, key, l, dst, fromHead, toHead);
                }
            }
            return true;
        }

        @Override
        public void timeout(CommandContext ctx) {
            ctx.reply().nullArray();
        }
    }
}
