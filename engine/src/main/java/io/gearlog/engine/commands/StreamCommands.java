package io.gearlog.engine.commands;

import io.gearlog.engine.Client;
import io.gearlog.engine.CommandContext;
import io.gearlog.engine.CommandError;
import io.gearlog.engine.Engine;
import io.gearlog.engine.Errors;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.engine.keyspace.ConsumerGroup;
import io.gearlog.engine.keyspace.EventClass;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.PendingEntry;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.keyspace.StreamConsumer;
import io.gearlog.engine.keyspace.StreamId;
import io.gearlog.engine.keyspace.StreamValue;
import io.gearlog.engine.keyspace.ValueType;
import io.gearlog.engine.reply.NumberFormat;
import io.gearlog.engine.reply.ReplyBuffer;
import io.gearlog.journal.RecordType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;

import static io.gearlog.engine.command.CommandFlags.*;

/** The stream commands of Redis 7.0, consumer groups and blocking reads included. */
public final class StreamCommands {
    static final String INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
    static final String ID_TOO_SMALL = "ERR The ID specified in XADD is equal or smaller than the target stream top item";
    static final String ID_ZERO = "ERR The ID specified in XADD must be greater than 0-0";
    static final String EXHAUSTED = "ERR The stream has exhausted the last possible ID, unable to add more items";
    static final String TOO_LARGE = "ERR Elements are too large to be stored";
    static final String MAXLEN_AND_MINID = "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
    static final String LIMIT_WITHOUT_STRATEGY = "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
    static final String LIMIT_WITHOUT_APPROX = "ERR syntax error, LIMIT cannot be used without the special ~ option";
    static final String XTRIM_WITHOUT_STRATEGY = "ERR syntax error, XTRIM must be called with a trimming strategy";
    static final String BAD_START = "ERR invalid start ID for the interval";
    static final String BAD_END = "ERR invalid end ID for the interval";
    static final String BUSYGROUP = "BUSYGROUP Consumer Group name already exists";
    static final String KEY_REQUIRED = "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may "
            + "want to use the MKSTREAM option to create an empty stream automatically.";
    static final String GROUP_GONE = "NOGROUP the consumer group this client was blocked on no longer exists";

    /** Entries a blocked read without COUNT receives at most (Redis' XREAD_BLOCKED_DEFAULT_COUNT). */
    static final int BLOCKED_DEFAULT_COUNT = 1000;

    private static final int TRIM_NONE = 0;
    private static final int TRIM_MAXLEN = 1;
    private static final int TRIM_MINID = 2;

    private StreamCommands() {
    }

    static void register(CommandTable t) {
        t.add("xadd", -5, WRITE | DENYOOM | FAST, 1, 1, 1, StreamCommands::xadd);
        t.add("xlen", 2, READONLY | FAST, 1, 1, 1, StreamCommands::xlen);
        t.add("xrange", -4, READONLY, 1, 1, 1, ctx -> xrange(ctx, false));
        t.add("xrevrange", -4, READONLY, 1, 1, 1, ctx -> xrange(ctx, true));
        t.add("xdel", -3, WRITE | FAST | NOOP_ON_MISSING_KEY, 1, 1, 1, StreamCommands::xdel);
        t.add("xtrim", -4, WRITE | NOOP_ON_MISSING_KEY, 1, 1, 1, StreamCommands::xtrim);
        t.add("xsetid", -3, WRITE | DENYOOM | FAST, 1, 1, 1, StreamCommands::xsetid);
        t.add("xread", -4, READONLY | BLOCKING, 0, 0, 0, ctx -> xread(ctx, false));
        t.add("xreadgroup", -7, WRITE | BLOCKING, 0, 0, 0, ctx -> xread(ctx, true));
        t.add("xgroup", -2, WRITE, 2, 2, 1, StreamCommands::xgroup);
        t.add("xack", -4, WRITE | FAST, 1, 1, 1, StreamCommands::xack);
        t.add("xpending", -3, READONLY, 1, 1, 1, StreamCommands::xpending);
        t.add("xclaim", -6, WRITE | FAST, 1, 1, 1, StreamCommands::xclaim);
        t.add("xautoclaim", -6, WRITE | FAST, 1, 1, 1, StreamCommands::xautoclaim);
        t.add("xinfo", -2, READONLY, 2, 2, 1, StreamCommands::xinfo);
        // declared so that the dispatcher checks them before a command runs or is queued in MULTI, as Redis does
        t.subcommand("xgroup", "create", -5, WRITE | DENYOOM);
        t.subcommand("xgroup", "setid", -5, WRITE);
        t.subcommand("xgroup", "destroy", 4, WRITE);
        t.subcommand("xgroup", "createconsumer", 5, WRITE | DENYOOM);
        t.subcommand("xgroup", "delconsumer", 5, WRITE);
        t.subcommand("xgroup", "help", 2, LOADING | STALE);
        t.subcommand("xinfo", "consumers", 4, READONLY);
        t.subcommand("xinfo", "groups", 3, READONLY);
        t.subcommand("xinfo", "stream", -3, READONLY);
        t.subcommand("xinfo", "help", 2, LOADING | STALE);
    }

    // ---- helpers ----

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static StreamId strictId(CommandContext ctx, int i) {
        StreamId id = StreamId.parseStrict(ctx.arg(i));
        if (id == null) {
            throw new CommandError(INVALID_ID);
        }
        return id;
    }

    /** Every argument from {@code from} on as a strict id; all are checked before any is used, as Redis does. */
    private static StreamId[] strictIds(CommandContext ctx, int from) {
        StreamId[] ids = new StreamId[ctx.argc() - from];
        for (int j = from; j < ctx.argc(); j++) {
            ids[j - from] = strictId(ctx, j);
        }
        return ids;
    }

    /** An id that may also be {@code -} or {@code +}. */
    private static StreamId looseId(byte[] arg, long missingSeq) {
        StreamId.Parsed p = StreamId.parse(arg, missingSeq, false, false);
        if (p == null) {
            throw new CommandError(INVALID_ID);
        }
        return p.id();
    }

    /** The start of an interval: inclusive, or exclusive with a leading '('. */
    private static StreamId intervalStart(byte[] arg) {
        boolean exclusive = arg.length > 1 && arg[0] == '(';
        if (!exclusive) {
            return looseId(arg, 0);
        }
        StreamId.Parsed p = StreamId.parse(Arrays.copyOfRange(arg, 1, arg.length), 0, true, false);
        if (p == null) {
            throw new CommandError(INVALID_ID);
        }
        StreamId next = p.id().next();
        if (next == null) {
            throw new CommandError(BAD_START);
        }
        return next;
    }

    private static StreamId intervalEnd(byte[] arg) {
        boolean exclusive = arg.length > 1 && arg[0] == '(';
        if (!exclusive) {
            return looseId(arg, -1L);
        }
        StreamId.Parsed p = StreamId.parse(Arrays.copyOfRange(arg, 1, arg.length), -1L, true, false);
        if (p == null) {
            throw new CommandError(INVALID_ID);
        }
        StreamId prev = p.id().previous();
        if (prev == null) {
            throw new CommandError(BAD_END);
        }
        return prev;
    }

    private static long longArg(CommandContext ctx, int i, String error) {
        Long v = NumberFormat.parseLongOrFail(ctx.arg(i));
        if (v == null) {
            throw new CommandError(error);
        }
        return v;
    }

    /** A buffer for a reply part whose element count is known only after writing it. */
    private static ReplyBuffer scratch(CommandContext ctx) {
        ReplyBuffer b = new ReplyBuffer(64);
        b.protocol(ctx.reply().protocol());
        return b;
    }

    private static void append(ReplyBuffer to, ReplyBuffer part) {
        to.raw(part.array(), 0, part.length());
    }

    private static void writeId(ReplyBuffer r, long ms, long seq) {
        r.bulk(ascii(Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq)));
    }

    private static void writeId(ReplyBuffer r, StreamId id) {
        r.bulk(id.toBytes());
    }

    private static void writeEntry(ReplyBuffer r, StreamValue.EntryView e) {
        r.array(2);
        writeId(r, e.ms(), e.seq());
        r.array(2L * e.fieldCount());
        e.strings(r::bulk);
    }

    /** Writes the entry with this id, or returns false when it is not in the stream. */
    private static boolean writeEntry(ReplyBuffer r, StreamValue s, StreamId id) {
        return s.forEach(id, id, 1, false, e -> {
            writeEntry(r, e);
            return true;
        }) == 1;
    }

    /** An array of the entries in [start, end], at most {@code count} (0: all). */
    private static void writeRange(CommandContext ctx, ReplyBuffer r, StreamValue s, StreamId start, StreamId end,
                                   long count, boolean reverse) {
        ReplyBuffer part = scratch(ctx);
        long n = s.forEach(start, end, count, reverse, e -> {
            writeEntry(part, e);
            return true;
        });
        r.array(n);
        append(r, part);
    }

    private static ServerConfig config(CommandContext ctx) {
        return ctx.engine().config();
    }

    /** Looks a consumer up, creating it (with its keyspace event) if needed, and marks it seen now. */
    private static StreamConsumer consumer(CommandContext ctx, ConsumerGroup g, byte[] name, Key key) {
        StreamConsumer c = g.consumer(name);
        if (c == null) {
            c = g.createConsumer(name, ctx.now());
            ctx.engine().stats().dirty++;
            ctx.notify(EventClass.STREAM, "xgroup-createconsumer", key);
        }
        c.seen(ctx.now());
        return c;
    }

    private static String noGroup(byte[] key, byte[] group) {
        return "NOGROUP No such key '" + text(key) + "' or consumer group '" + text(group) + "'";
    }

    private static String noGroupForKey(byte[] group, byte[] key) {
        return "NOGROUP No such consumer group '" + text(group) + "' for key name '" + text(key) + "'";
    }

    private static String subcommandSyntax(CommandContext ctx) {
        return "ERR unknown subcommand or wrong number of arguments for '" + ctx.str(1) + "'. Try "
                + ctx.str(0).toUpperCase(Locale.ROOT) + " HELP.";
    }

    // ---- XADD / XTRIM ----

    /** Parsed XADD / XTRIM options. */
    private static final class TrimArgs {
        int strategy = TRIM_NONE;
        long maxLen;
        StreamId minId;
        boolean approx;
        long limit;
        boolean noMkStream;
        boolean idGiven;
        boolean seqGiven = true;
        StreamId id;
        int idPos;
    }

    private static TrimArgs parseAddOrTrim(CommandContext ctx, boolean xadd) {
        TrimArgs a = new TrimArgs();
        boolean limitGiven = false;
        int argc = ctx.argc();
        int i = 2;
        for (; i < argc; i++) {
            int more = argc - 1 - i;
            if (xadd && ctx.arg(i).length == 1 && ctx.arg(i)[0] == '*') {
                break;
            } else if (ctx.is(i, "MAXLEN") && more > 0) {
                if (a.strategy != TRIM_NONE) {
                    throw new CommandError(MAXLEN_AND_MINID);
                }
                i = approxMarker(ctx, a, i, more);
                a.maxLen = ctx.longArg(i + 1);
                if (a.maxLen < 0) {
                    throw new CommandError("ERR The MAXLEN argument must be >= 0.");
                }
                i++;
                a.strategy = TRIM_MAXLEN;
            } else if (ctx.is(i, "MINID") && more > 0) {
                if (a.strategy != TRIM_NONE) {
                    throw new CommandError(MAXLEN_AND_MINID);
                }
                i = approxMarker(ctx, a, i, more);
                a.minId = strictId(ctx, i + 1);
                i++;
                a.strategy = TRIM_MINID;
            } else if (ctx.is(i, "LIMIT") && more > 0) {
                a.limit = ctx.longArg(i + 1);
                if (a.limit < 0) {
                    throw new CommandError("ERR The LIMIT argument must be >= 0.");
                }
                limitGiven = true;
                i++;
            } else if (xadd && ctx.is(i, "NOMKSTREAM")) {
                a.noMkStream = true;
            } else if (xadd) {
                StreamId.Parsed p = StreamId.parse(ctx.arg(i), 0, true, true);
                if (p == null) {
                    throw new CommandError(INVALID_ID);
                }
                a.id = p.id();
                a.seqGiven = p.seqGiven();
                a.idGiven = true;
                break;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (a.limit != 0 && a.strategy == TRIM_NONE) {
            throw new CommandError(LIMIT_WITHOUT_STRATEGY);
        }
        if (!xadd && a.strategy == TRIM_NONE) {
            throw new CommandError(XTRIM_WITHOUT_STRATEGY);
        }
        if (limitGiven) {
            if (!a.approx) {
                throw new CommandError(LIMIT_WITHOUT_APPROX);
            }
        } else if (a.approx) {
            long limit = 100L * config(ctx).streamNodeMaxEntries;
            a.limit = limit <= 0 ? 10_000 : Math.min(limit, 1_000_000);
        } else {
            a.limit = 0;
        }
        a.idPos = i;
        return a;
    }

    /** Consumes an optional '~' or '=' after MAXLEN/MINID; returns the index of the option's last word so far. */
    private static int approxMarker(CommandContext ctx, TrimArgs a, int i, int more) {
        a.approx = false;
        byte[] next = ctx.arg(i + 1);
        if (more >= 2 && next.length == 1 && next[0] == '~') {
            a.approx = true;
            return i + 1;
        }
        if (more >= 2 && next.length == 1 && next[0] == '=') {
            return i + 1;
        }
        return i;
    }

    private static long trim(StreamValue s, TrimArgs a) {
        return a.strategy == TRIM_MAXLEN ? s.trimMaxLen(a.maxLen, a.approx, a.limit)
                : s.trimMinId(a.minId, a.approx, a.limit);
    }

    private static void xadd(CommandContext ctx) {
        TrimArgs a = parseAddOrTrim(ctx, true);
        int fieldPos = a.idPos + 1;
        int n = ctx.argc() - fieldPos;
        if (n < 2 || n % 2 == 1) {
            throw new CommandError(Errors.wrongArity("xadd"));
        }
        if (a.idGiven && a.seqGiven && a.id.isZero()) {
            throw new CommandError(ID_ZERO);
        }
        Key key = ctx.key(1);
        StreamValue s = ctx.write(key, ValueType.STREAM);
        if (s == null) {
            if (a.noMkStream) {
                ctx.reply().nullBulk();
                return;
            }
            s = new StreamValue();
            ctx.db().put(key, s);
        }
        StreamId last = s.lastId();
        if (last.isMax()) {
            throw new CommandError(EXHAUSTED);
        }
        StreamId id;
        if (!a.idGiven) {
            id = s.nextAutoId(ctx.now());
        } else if (a.seqGiven) {
            id = a.id;
        } else if (last.ms() == a.id.ms()) {
            if (last.seq() == -1L) {
                throw new CommandError(ID_TOO_SMALL);
            }
            id = new StreamId(last.ms(), last.seq() + 1);
        } else {
            id = a.id;
        }
        if (id.compareTo(last) <= 0) {
            throw new CommandError(ID_TOO_SMALL);
        }
        byte[][] fv = Arrays.copyOfRange(ctx.argv(), fieldPos, ctx.argc());
        long total = 0;
        for (byte[] b : fv) {
            total += b.length;
        }
        if (total > (1L << 30)) {
            throw new CommandError(TOO_LARGE);
        }
        ServerConfig cfg = config(ctx);
        s.append(id, fv, cfg.streamNodeMaxBytes, cfg.streamNodeMaxEntries);
        ctx.reply().bulk(id.toBytes());
        ctx.modified(key);
        ctx.notify(EventClass.STREAM, "xadd", key);
        if (a.strategy != TRIM_NONE && trim(s, a) > 0) {
            ctx.notify(EventClass.STREAM, "xtrim", key);
        }
    }

    private static void xtrim(CommandContext ctx) {
        TrimArgs a = parseAddOrTrim(ctx, false);
        Key key = ctx.key(1);
        StreamValue s = ctx.write(key, ValueType.STREAM);
        if (s == null) {
            ctx.reply().integer(0);
            return;
        }
        long n = trim(s, a);
        if (n > 0) {
            ctx.notify(EventClass.STREAM, "xtrim", key);
            ctx.modified(key);
        }
        ctx.reply().integer(n);
    }

    // ---- XLEN / XRANGE / XDEL / XSETID ----

    private static void xlen(CommandContext ctx) {
        StreamValue s = ctx.read(ctx.key(1), ValueType.STREAM);
        ctx.reply().integer(s == null ? 0 : s.length());
    }

    private static void xrange(CommandContext ctx, boolean reverse) {
        StreamId start = intervalStart(reverse ? ctx.arg(3) : ctx.arg(2));
        StreamId end = intervalEnd(reverse ? ctx.arg(2) : ctx.arg(3));
        long count = -1;
        for (int j = 4; j < ctx.argc(); j++) {
            if (ctx.is(j, "COUNT") && ctx.argc() - j - 1 >= 1) {
                count = Math.max(0, ctx.longArg(j + 1));
                j++;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        StreamValue s = ctx.read(ctx.key(1), ValueType.STREAM);
        if (s == null) {
            ctx.reply().emptyArray();
            return;
        }
        if (count == 0) {
            ctx.reply().nullArray();
            return;
        }
        writeRange(ctx, ctx.reply(), s, start, end, count < 0 ? 0 : count, reverse);
    }

    private static void xdel(CommandContext ctx) {
        Key key = ctx.key(1);
        StreamValue s = ctx.write(key, ValueType.STREAM);
        if (s == null) {
            ctx.reply().integer(0);
            return;
        }
        StreamId[] ids = strictIds(ctx, 2);
        int deleted = 0;
        for (StreamId id : ids) {
            if (s.delete(id)) {
                deleted++;
            }
        }
        if (deleted > 0) {
            ctx.modified(key);
            ctx.notify(EventClass.STREAM, "xdel", key);
        }
        ctx.reply().integer(deleted);
    }

    private static void xsetid(CommandContext ctx) {
        StreamId id = strictId(ctx, 2);
        long entriesAdded = -1;
        StreamId maxDeleted = StreamId.MIN;
        int i = 3;
        while (i < ctx.argc()) {
            int more = ctx.argc() - 1 - i;
            if (ctx.is(i, "ENTRIESADDED") && more > 0) {
                entriesAdded = ctx.longArg(i + 1);
                if (entriesAdded < 0) {
                    throw new CommandError("ERR entries_added must be positive");
                }
                i += 2;
            } else if (ctx.is(i, "MAXDELETEDID") && more > 0) {
                maxDeleted = strictId(ctx, i + 1);
                if (id.compareTo(maxDeleted) < 0) {
                    throw new CommandError("ERR The ID specified in XSETID is smaller than the provided "
                            + "max_deleted_entry_id");
                }
                i += 2;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        Key key = ctx.key(1);
        StreamValue s = ctx.write(key, ValueType.STREAM);
        if (s == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        if (s.length() > 0) {
            if (id.compareTo(s.lastEntryId()) < 0) {
                throw new CommandError("ERR The ID specified in XSETID is smaller than the target stream top item");
            }
            if (entriesAdded != -1 && s.length() > entriesAdded) {
                throw new CommandError("ERR The entries_added specified in XSETID is smaller than the target "
                        + "stream length");
            }
        }
        s.setId(id, entriesAdded, maxDeleted.isZero() ? null : maxDeleted);
        ctx.reply().ok();
        ctx.engine().stats().dirty++;
        ctx.notify(EventClass.STREAM, "xsetid", key);
    }

    // ---- XREAD / XREADGROUP ----

    private static void xread(CommandContext ctx, boolean xreadgroup) {
        long timeout = -1;
        long count = 0;
        int streamsArg = 0;
        int streams = 0;
        boolean noack = false;
        byte[] groupName = null;
        byte[] consumerName = null;
        int argc = ctx.argc();
        for (int i = 1; i < argc; i++) {
            int more = argc - i - 1;
            if (ctx.is(i, "BLOCK") && more > 0) {
                i++;
                timeout = blockDeadline(ctx, i);
            } else if (ctx.is(i, "COUNT") && more > 0) {
                i++;
                count = Math.max(0, ctx.longArg(i));
            } else if (ctx.is(i, "STREAMS") && more > 0) {
                streamsArg = i + 1;
                streams = argc - streamsArg;
                if (streams % 2 != 0) {
                    throw new CommandError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' "
                            + "must be specified.");
                }
                streams /= 2;
                break;
            } else if (ctx.is(i, "GROUP") && more >= 2) {
                if (!xreadgroup) {
                    throw new CommandError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD "
                            + "instead.");
                }
                groupName = ctx.arg(i + 1);
                consumerName = ctx.arg(i + 2);
                i += 2;
            } else if (ctx.is(i, "NOACK")) {
                if (!xreadgroup) {
                    throw new CommandError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD "
                            + "instead.");
                }
                noack = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if (streamsArg == 0) {
            throw new CommandError(Errors.SYNTAX);
        }
        if (xreadgroup && groupName == null) {
            throw new CommandError("ERR Missing GROUP option for XREADGROUP");
        }
        StreamId[] ids = new StreamId[streams];
        ConsumerGroup[] groups = groupName == null ? null : new ConsumerGroup[streams];
        for (int i = 0; i < streams; i++) {
            int idArg = streamsArg + streams + i;
            Key key = ctx.key(streamsArg + i);
            StreamValue s = ctx.read(key, ValueType.STREAM);
            if (groupName != null) {
                ConsumerGroup g = s == null ? null : s.group(groupName);
                if (g == null) {
                    throw new CommandError("NOGROUP No such key '" + key + "' or consumer group '" + text(groupName)
                            + "' in XREADGROUP with GROUP option");
                }
                groups[i] = g;
            }
            byte[] a = ctx.arg(idArg);
            if (a.length == 1 && a[0] == '$') {
                if (xreadgroup) {
                    throw new CommandError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read "
                            + "the history of this consumer by specifying a proper ID, or use the > ID to get new "
                            + "messages. The $ ID would just return an empty result set.");
                }
                ids[i] = s == null ? StreamId.MIN : s.lastId();
            } else if (a.length == 1 && a[0] == '>') {
                if (!xreadgroup) {
                    throw new CommandError("ERR The > ID can be specified only when calling XREADGROUP using the "
                            + "GROUP <group> <consumer> option.");
                }
                ids[i] = StreamId.MAX;
            } else {
                ids[i] = strictId(ctx, idArg);
            }
        }
        ReplyBuffer part = scratch(ctx);
        int served = 0;
        for (int i = 0; i < streams; i++) {
            Key key = ctx.key(streamsArg + i);
            StreamValue s = (StreamValue) ctx.lookupRead(key);
            if (s == null) {
                continue;
            }
            StreamId gt = ids[i];
            boolean history = false;
            boolean serve = false;
            if (groups != null) {
                if (!gt.isMax()) {
                    serve = true;
                    history = true;
                } else if (s.length() > 0 && s.lastEntryId().compareTo(groups[i].lastId()) > 0) {
                    serve = true;
                    gt = groups[i].lastId();
                }
            } else if (s.length() > 0 && s.lastEntryId().compareTo(gt) > 0) {
                serve = true;
            }
            if (!serve) {
                continue;
            }
            served++;
            if (!part.resp3()) {
                part.array(2);
            }
            part.bulk(key.bytes());
            if (groups == null) {
                StreamId start = gt.next();
                writeRange(ctx, part, s, start == null ? gt : start, StreamId.MAX, count, false);
                continue;
            }
            StreamConsumer c = consumer(ctx, groups[i], consumerName, key);
            if (history) {
                servePending(ctx, part, s, c, gt.next() == null ? gt : gt.next(), count);
            } else {
                serveNew(ctx, part, s, groups[i], c, gt, count, noack);
            }
            ctx.engine().stats().dirty++;
        }
        ReplyBuffer r = ctx.reply();
        if (served > 0) {
            if (r.resp3()) {
                r.map(served);
            } else {
                r.array(served);
            }
            append(r, part);
            return;
        }
        if (timeout != -1) {
            Client client = ctx.client();
            if (client.replaying || ctx.engine().inExec()) {
                r.nullArray();
                return;
            }
            List<Key> keys = new ArrayList<>(streams);
            for (int i = 0; i < streams; i++) {
                keys.add(ctx.key(streamsArg + i));
            }
            ctx.engine().block(client, new StreamWait(timeout, keys, client.db, ids, count, groupName, consumerName,
                    noack));
            return;
        }
        r.nullArray();
    }

    /** Parses a BLOCK argument into an absolute deadline (0: wait forever). */
    private static long blockDeadline(CommandContext ctx, int i) {
        long ms = longArg(ctx, i, "ERR timeout is not an integer or out of range");
        if (ms < 0) {
            throw new CommandError(Errors.TIMEOUT_NEGATIVE);
        }
        if (ms == 0) {
            return 0;
        }
        if (ms > Long.MAX_VALUE - ctx.now()) {
            throw new CommandError("ERR timeout is out of range");
        }
        return ctx.now() + ms;
    }

    /** Delivers entries after {@code gt} to a consumer: they join the PEL unless NOACK; the group moves on. */
    private static void serveNew(CommandContext ctx, ReplyBuffer r, StreamValue s, ConsumerGroup g, StreamConsumer c,
                                 StreamId gt, long count, boolean noack) {
        StreamId start = gt.next();
        if (start == null) {
            r.emptyArray();
            return;
        }
        ReplyBuffer part = scratch(ctx);
        List<StreamId> delivered = new ArrayList<>();
        long n = s.forEach(start, StreamId.MAX, count, false, e -> {
            StreamId id = e.id();
            s.advanceGroup(g, id);
            writeEntry(part, e);
            delivered.add(id);
            return true;
        });
        if (!noack) {
            for (StreamId id : delivered) {
                g.delivered(id, c, ctx.now());
            }
        }
        r.array(n);
        append(r, part);
    }

    /** Re-delivers a consumer's own pending entries from {@code start}; deleted entries show with a null body. */
    private static void servePending(CommandContext ctx, ReplyBuffer r, StreamValue s, StreamConsumer c,
                                     StreamId start, long count) {
        ReplyBuffer part = scratch(ctx);
        long n = 0;
        for (PendingEntry p : c.pending().tailMap(start, true).values()) {
            if (count != 0 && n >= count) {
                break;
            }
            if (writeEntry(part, s, p.id())) {
                p.deliveryTime(ctx.now());
                p.deliveryCount(p.deliveryCount() + 1);
            } else {
                part.array(2);
                writeId(part, p.id());
                part.nullArray();
            }
            n++;
        }
        r.array(n);
        append(r, part);
    }

    /**
     * A client blocked in XREAD or XREADGROUP. Served when one of its streams gets an entry after the id it waits
     * for (the group's last delivered id for XREADGROUP &gt;). Serving a group read changes the PEL outside any
     * journaled command, so it first journals the equivalent non-blocking XREADGROUP.
     */
    private static final class StreamWait extends BlockedOnKeys {
        private final StreamId[] ids;
        private final long count;
        private final byte[] groupName;
        private final byte[] consumerName;
        private final boolean noack;

        StreamWait(long deadline, List<Key> keys, int db, StreamId[] ids, long count, byte[] groupName,
                   byte[] consumerName, boolean noack) {
            super(deadline, keys, db);
            this.ids = ids;
            this.count = count == 0 ? BLOCKED_DEFAULT_COUNT : count;
            this.groupName = groupName;
            this.consumerName = consumerName;
            this.noack = noack;
        }

        @Override
        public boolean tryServe(CommandContext ctx) {
            for (int i = 0; i < keys.size(); i++) {
                Key key = keys.get(i);
                RValue v = ctx.keyspace().db(db).lookup(key, ctx.now());
                if (!(v instanceof StreamValue s)) {
                    continue;
                }
                StreamId gt = ids[i];
                ConsumerGroup g = null;
                if (groupName != null) {
                    g = s.group(groupName);
                    if (g == null) {
                        throw new CommandError(GROUP_GONE);
                    }
                    gt = g.lastId();
                }
                // Redis compares with the stream's last id, so an entry added and deleted in one transaction still
                // wakes the reader, with an empty batch
                if (s.lastId().compareTo(gt) <= 0) {
                    continue;
                }
                ReplyBuffer r = ctx.reply();
                if (r.resp3()) {
                    r.map(1);
                } else {
                    r.array(1);
                    r.array(2);
                }
                r.bulk(key.bytes());
                if (g == null) {
                    writeRange(ctx, r, s, gt.next(), StreamId.MAX, count, false);
                    return true;
                }
                journal(ctx, key, s.length() > 0 && s.lastEntryId().compareTo(gt) > 0);
                StreamConsumer c = consumer(ctx, g, consumerName, key);
                serveNew(ctx, r, s, g, c, gt, count, noack);
                ctx.engine().stats().dirty++;
                return true;
            }
            return false;
        }

        /**
         * Records the delivery as the XREADGROUP that replay will run to reach the same state: {@code >} when there
         * are entries to deliver, else a history read past every id, which only creates or refreshes the consumer.
         */
        private void journal(CommandContext ctx, Key key, boolean entries) {
            Engine engine = ctx.engine();
            if (!engine.shouldJournal()) {
                return;
            }
            String refusal = engine.writeRefusal();
            if (refusal != null) {
                throw new CommandError(refusal);
            }
            List<byte[]> argv = new ArrayList<>(List.of(ascii("XREADGROUP"), ascii("GROUP"), groupName, consumerName,
                    ascii("COUNT"), ascii(Long.toString(count))));
            if (noack) {
                argv.add(ascii("NOACK"));
            }
            argv.addAll(List.of(ascii("STREAMS"), key.bytes(),
                    entries ? ascii(">") : StreamId.MAX.previous().toBytes()));
            Client client = ctx.client();
            if (engine.journalArgv(RecordType.COMMAND, ctx.now(), client.id, db, argv.toArray(new byte[0][])) < 0) {
                throw new CommandError(engine.writeRefusal());
            }
        }

        @Override
        public void timeout(CommandContext ctx) {
            ctx.reply().nullArray();
        }
    }

    // ---- XGROUP ----

    private static void xgroup(CommandContext ctx) {
        // the dispatcher checked the subcommand and its arity (see register)
        String sub = ctx.str(1).toUpperCase(Locale.ROOT);
        int argc = ctx.argc();
        if (sub.equals("HELP")) {
            help(ctx, "XGROUP",
                    "CREATE <key> <groupname> <id|$> [option]",
                    "    Create a new consumer group. Options are:",
                    "    * MKSTREAM",
                    "      Create the empty stream if it does not exist.",
                    "    * ENTRIESREAD entries_read",
                    "      Set the group's entries_read counter (internal use).",
                    "CREATECONSUMER <key> <groupname> <consumer>",
                    "    Create a new consumer in the specified group.",
                    "DELCONSUMER <key> <groupname> <consumer>",
                    "    Remove the specified consumer.",
                    "DESTROY <key> <groupname>",
                    "    Remove the specified group.",
                    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                    "    Set the current group ID and entries_read counter.");
            return;
        }
        boolean mkstream = false;
        long entriesRead = ConsumerGroup.INVALID_ENTRIES_READ;
        if (sub.equals("CREATE") || sub.equals("SETID")) {
            for (int i = 5; i < argc; ) {
                if (sub.equals("CREATE") && ctx.is(i, "MKSTREAM")) {
                    mkstream = true;
                    i++;
                } else if (ctx.is(i, "ENTRIESREAD") && i + 1 < argc) {
                    entriesRead = ctx.longArg(i + 1);
                    if (entriesRead < 0 && entriesRead != ConsumerGroup.INVALID_ENTRIES_READ) {
                        throw new CommandError("ERR value for ENTRIESREAD must be positive or -1");
                    }
                    i += 2;
                } else {
                    throw new CommandError(subcommandSyntax(ctx));
                }
            }
        }
        Key key = ctx.key(2);
        byte[] groupName = ctx.arg(3);
        StreamValue s = ctx.write(key, ValueType.STREAM);
        ConsumerGroup g = null;
        if (!mkstream) {
            if (s == null) {
                throw new CommandError(KEY_REQUIRED);
            }
            g = s.group(groupName);
            if (g == null && (sub.equals("SETID") || sub.equals("CREATECONSUMER") || sub.equals("DELCONSUMER"))) {
                throw new CommandError(noGroupForKey(groupName, key.bytes()));
            }
        }
        switch (sub) {
            case "CREATE" -> {
                if (argc > 8) {
                    throw new CommandError(subcommandSyntax(ctx));
                }
                StreamId id;
                if (ctx.arg(4).length == 1 && ctx.arg(4)[0] == '$') {
                    id = s == null ? StreamId.MIN : s.lastId();
                } else {
                    id = strictId(ctx, 4);
                }
                if (s == null) {
                    s = new StreamValue();
                    ctx.db().put(key, s);
                    ctx.modified(key);
                }
                if (s.createGroup(groupName, id, entriesRead) == null) {
                    throw new CommandError(BUSYGROUP);
                }
                ctx.reply().ok();
                ctx.engine().stats().dirty++;
                ctx.notify(EventClass.STREAM, "xgroup-create", key);
            }
            case "SETID" -> {
                if (argc != 5 && argc != 7) {
                    throw new CommandError(subcommandSyntax(ctx));
                }
                StreamId id;
                if (ctx.arg(4).length == 1 && ctx.arg(4)[0] == '$') {
                    id = s.lastId();
                } else {
                    id = looseId(ctx.arg(4), 0);
                }
                g.setLastId(id, entriesRead);
                ctx.reply().ok();
                ctx.engine().stats().dirty++;
                ctx.notify(EventClass.STREAM, "xgroup-setid", key);
            }
            case "DESTROY" -> {
                if (g != null && s.destroyGroup(groupName)) {
                    ctx.reply().integer(1);
                    ctx.engine().stats().dirty++;
                    ctx.notify(EventClass.STREAM, "xgroup-destroy", key);
                    ctx.engine().signalKeyAsReady(ctx.client().db, key);
                } else {
                    ctx.reply().integer(0);
                }
            }
            case "CREATECONSUMER" -> {
                StreamConsumer c = g.createConsumer(ctx.arg(4), ctx.now());
                if (c != null) {
                    ctx.engine().stats().dirty++;
                    ctx.notify(EventClass.STREAM, "xgroup-createconsumer", key);
                }
                ctx.reply().integer(c == null ? 0 : 1);
            }
            case "DELCONSUMER" -> {
                long pending = g.deleteConsumer(ctx.arg(4));
                if (pending >= 0) {
                    ctx.reply().integer(pending);
                    ctx.engine().stats().dirty++;
                    ctx.notify(EventClass.STREAM, "xgroup-delconsumer", key);
                } else {
                    ctx.reply().integer(0);
                }
            }
            default -> throw new CommandError(subcommandSyntax(ctx));
        }
    }

    private static void help(CommandContext ctx, String cmd, String... lines) {
        ReplyBuffer r = ctx.reply();
        r.array(lines.length + 3);
        r.simple(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) {
            r.simple(l);
        }
        r.simple("HELP");
        r.simple("    Prints this help.");
    }

    // ---- XACK / XPENDING / XCLAIM / XAUTOCLAIM ----

    private static void xack(CommandContext ctx) {
        StreamValue s = ctx.read(ctx.key(1), ValueType.STREAM);
        ConsumerGroup g = s == null ? null : s.group(ctx.arg(2));
        if (g == null) {
            ctx.reply().integer(0);
            return;
        }
        StreamId[] ids = strictIds(ctx, 3);
        int acked = 0;
        for (StreamId id : ids) {
            if (g.ack(id)) {
                acked++;
                ctx.engine().stats().dirty++;
            }
        }
        ctx.reply().integer(acked);
    }

    private static void xpending(CommandContext ctx) {
        int argc = ctx.argc();
        boolean summary = argc == 3;
        if (argc != 3 && (argc < 6 || argc > 9)) {
            throw new CommandError(Errors.SYNTAX);
        }
        StreamId start = null;
        StreamId end = null;
        long count = 0;
        long minIdle = 0;
        byte[] consumerName = null;
        if (argc >= 6) {
            int startIdx = 3;
            if (ctx.is(3, "IDLE")) {
                minIdle = ctx.longArg(4);
                if (argc < 8) {
                    throw new CommandError(Errors.SYNTAX);
                }
                startIdx += 2;
            }
            count = Math.max(0, ctx.longArg(startIdx + 2));
            start = intervalStart(ctx.arg(startIdx));
            end = intervalEnd(ctx.arg(startIdx + 1));
            if (startIdx + 3 < argc) {
                consumerName = ctx.arg(startIdx + 3);
            }
        }
        StreamValue s = ctx.read(ctx.key(1), ValueType.STREAM);
        ConsumerGroup g = s == null ? null : s.group(ctx.arg(2));
        if (g == null) {
            throw new CommandError(noGroup(ctx.arg(1), ctx.arg(2)));
        }
        ReplyBuffer r = ctx.reply();
        if (summary) {
            r.array(4);
            r.integer(g.pending().size());
            if (g.pending().isEmpty()) {
                r.nullBulk();
                r.nullBulk();
                r.nullArray();
                return;
            }
            writeId(r, g.pending().firstKey());
            writeId(r, g.pending().lastKey());
            int owners = 0;
            for (StreamConsumer c : g.consumers()) {
                if (c.pendingCount() > 0) {
                    owners++;
                }
            }
            r.array(owners);
            for (StreamConsumer c : g.consumers()) {
                if (c.pendingCount() > 0) {
                    r.array(2);
                    r.bulk(c.name());
                    r.bulk(c.pendingCount());
                }
            }
            return;
        }
        NavigableMap<StreamId, PendingEntry> pel;
        if (consumerName != null) {
            StreamConsumer c = g.consumer(consumerName);
            if (c == null) {
                r.emptyArray();
                return;
            }
            pel = c.pending();
        } else {
            pel = g.pending();
        }
        ReplyBuffer part = scratch(ctx);
        long n = 0;
        if (start.compareTo(end) <= 0) {
            for (PendingEntry p : pel.subMap(start, true, end, true).values()) {
                if (count == 0) {
                    break;
                }
                long idle = ctx.now() - p.deliveryTime();
                if (minIdle != 0 && idle < minIdle) {
                    continue;
                }
                n++;
                count--;
                part.array(4);
                writeId(part, p.id());
                part.bulk(p.consumer().name());
                part.integer(Math.max(0, idle));
                part.integer(p.deliveryCount());
            }
        }
        r.array(n);
        append(r, part);
    }

    private static void xclaim(CommandContext ctx) {
        Key key = ctx.key(1);
        StreamValue s = ctx.read(key, ValueType.STREAM);
        ConsumerGroup g = s == null ? null : s.group(ctx.arg(2));
        if (g == null) {
            throw new CommandError(noGroup(ctx.arg(1), ctx.arg(2)));
        }
        long minIdle = Math.max(0, longArg(ctx, 4, "ERR Invalid min-idle-time argument for XCLAIM"));
        int argc = ctx.argc();
        int j = 5;
        while (j < argc && StreamId.parseStrict(ctx.arg(j)) != null) {
            j++;
        }
        int lastIdArg = j - 1;
        long now = ctx.now();
        long retryCount = -1;
        long deliveryTime = -1;
        boolean force = false;
        boolean justId = false;
        StreamId lastId = StreamId.MIN;
        for (; j < argc; j++) {
            int more = argc - 1 - j;
            if (ctx.is(j, "FORCE")) {
                force = true;
            } else if (ctx.is(j, "JUSTID")) {
                justId = true;
            } else if (ctx.is(j, "IDLE") && more > 0) {
                j++;
                deliveryTime = now - longArg(ctx, j, "ERR Invalid IDLE option argument for XCLAIM");
            } else if (ctx.is(j, "TIME") && more > 0) {
                j++;
                deliveryTime = longArg(ctx, j, "ERR Invalid TIME option argument for XCLAIM");
            } else if (ctx.is(j, "RETRYCOUNT") && more > 0) {
                j++;
                retryCount = longArg(ctx, j, "ERR Invalid RETRYCOUNT option argument for XCLAIM");
            } else if (ctx.is(j, "LASTID") && more > 0) {
                j++;
                lastId = strictId(ctx, j);
            } else {
                throw new CommandError("ERR Unrecognized XCLAIM option '" + ctx.str(j) + "'");
            }
        }
        if (g.raiseLastId(lastId)) {
            ctx.engine().stats().dirty++;
        }
        if (deliveryTime != -1) {
            if (deliveryTime < 0 || deliveryTime > now) {
                deliveryTime = now;
            }
        } else {
            deliveryTime = now;
        }
        StreamConsumer consumer = null;
        ReplyBuffer part = scratch(ctx);
        long n = 0;
        for (int k = 5; k <= lastIdArg; k++) {
            StreamId id = strictId(ctx, k);
            PendingEntry p = g.pending(id);
            if (!s.exists(id)) {
                if (p != null) {
                    g.dropPending(id);
                    ctx.engine().stats().dirty++;
                }
                continue;
            }
            if (force && p == null) {
                p = g.createUnowned(id, now);
            }
            if (p == null) {
                continue;
            }
            if (p.consumer() != null && minIdle != 0 && now - p.deliveryTime() < minIdle) {
                continue;
            }
            if (consumer == null) {
                consumer = consumer(ctx, g, ctx.arg(3), key);
            }
            p.deliveryTime(deliveryTime);
            if (retryCount >= 0) {
                p.deliveryCount(retryCount);
            } else if (!justId) {
                p.deliveryCount(p.deliveryCount() + 1);
            }
            g.assign(p, consumer);
            if (justId) {
                writeId(part, id);
            } else if (!writeEntry(part, s, id)) {
                part.nullBulk();
            }
            n++;
            ctx.engine().stats().dirty++;
        }
        ctx.reply().array(n);
        append(ctx.reply(), part);
    }

    private static void xautoclaim(CommandContext ctx) {
        Key key = ctx.key(1);
        long minIdle = Math.max(0, longArg(ctx, 4, "ERR Invalid min-idle-time argument for XAUTOCLAIM"));
        StreamId start = intervalStart(ctx.arg(5));
        long count = 100;
        boolean justId = false;
        int argc = ctx.argc();
        for (int j = 6; j < argc; j++) {
            int more = argc - 1 - j;
            if (ctx.is(j, "COUNT") && more > 0) {
                Long c = NumberFormat.parseLongOrFail(ctx.arg(j + 1));
                if (c == null || c < 1 || c > Long.MAX_VALUE / 4) {
                    throw new CommandError("ERR COUNT must be > 0");
                }
                count = c;
                j++;
            } else if (ctx.is(j, "JUSTID")) {
                justId = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        StreamValue s = ctx.read(key, ValueType.STREAM);
        ConsumerGroup g = s == null ? null : s.group(ctx.arg(2));
        if (g == null) {
            throw new CommandError(noGroup(ctx.arg(1), ctx.arg(2)));
        }
        long attempts = count * 10;
        long now = ctx.now();
        StreamConsumer consumer = null;
        ReplyBuffer part = scratch(ctx);
        long n = 0;
        List<StreamId> deleted = new ArrayList<>();
        StreamId cursor = start;
        boolean inclusive = true;
        StreamId last = null;
        while (attempts-- > 0 && count > 0) {
            Map.Entry<StreamId, PendingEntry> e = inclusive ? g.pending().ceilingEntry(cursor)
                    : g.pending().higherEntry(cursor);
            if (e == null) {
                last = null;
                break;
            }
            StreamId id = e.getKey();
            PendingEntry p = e.getValue();
            cursor = id;
            inclusive = false;
            last = id;
            if (!s.exists(id)) {
                // deleted entries leave the PEL and, like claimed ones, count against COUNT (the reply's size)
                g.dropPending(id);
                deleted.add(id);
                count--;
                ctx.engine().stats().dirty++;
                continue;
            }
            if (minIdle != 0 && now - p.deliveryTime() < minIdle) {
                continue;
            }
            if (consumer == null) {
                consumer = consumer(ctx, g, ctx.arg(3), key);
            }
            p.deliveryTime(now);
            if (!justId) {
                p.deliveryCount(p.deliveryCount() + 1);
            }
            g.assign(p, consumer);
            if (justId) {
                writeId(part, id);
            } else {
                writeEntry(part, s, id);
            }
            n++;
            count--;
            ctx.engine().stats().dirty++;
        }
        // the cursor is the pending entry after the last one examined, or 0-0 when the scan reached the end
        StreamId next = last == null ? null : g.pending().higherKey(last);
        ReplyBuffer r = ctx.reply();
        r.array(3);
        writeId(r, next == null ? StreamId.MIN : next);
        r.array(n);
        append(r, part);
        r.array(deleted.size());
        for (StreamId id : deleted) {
            writeId(r, id);
        }
    }

    // ---- XINFO ----

    private static void xinfo(CommandContext ctx) {
        // the dispatcher checked the subcommand and its arity (see register)
        String sub = ctx.str(1).toUpperCase(Locale.ROOT);
        int argc = ctx.argc();
        if (sub.equals("HELP")) {
            help(ctx, "XINFO",
                    "CONSUMERS <key> <groupname>",
                    "    Show consumers of <groupname>.",
                    "GROUPS <key>",
                    "    Show the stream consumer groups.",
                    "STREAM <key> [FULL [COUNT <count>]",
                    "    Show information about the stream.");
            return;
        }
        Key key = ctx.key(2);
        StreamValue s = ctx.read(key, ValueType.STREAM);
        if (s == null) {
            throw new CommandError(Errors.NO_SUCH_KEY);
        }
        ReplyBuffer r = ctx.reply();
        switch (sub) {
            case "CONSUMERS" -> {
                ConsumerGroup g = s.group(ctx.arg(3));
                if (g == null) {
                    throw new CommandError(noGroupForKey(ctx.arg(3), key.bytes()));
                }
                r.array(g.consumers().size());
                for (StreamConsumer c : g.consumers()) {
                    r.map(3);
                    r.bulk("name");
                    r.bulk(c.name());
                    r.bulk("pending");
                    r.integer(c.pendingCount());
                    r.bulk("idle");
                    r.integer(Math.max(0, ctx.now() - c.seenTime()));
                }
            }
            case "GROUPS" -> {
                r.array(s.groupCount());
                for (ConsumerGroup g : s.groups()) {
                    r.map(6);
                    r.bulk("name");
                    r.bulk(g.name());
                    r.bulk("consumers");
                    r.integer(g.consumers().size());
                    r.bulk("pending");
                    r.integer(g.pending().size());
                    r.bulk("last-delivered-id");
                    writeId(r, g.lastId());
                    r.bulk("entries-read");
                    writeEntriesRead(r, g);
                    r.bulk("lag");
                    writeLag(r, s, g);
                }
            }
            default -> xinfoStream(ctx, s);
        }
    }

    private static void writeEntriesRead(ReplyBuffer r, ConsumerGroup g) {
        if (g.entriesRead() != ConsumerGroup.INVALID_ENTRIES_READ) {
            r.integer(g.entriesRead());
        } else {
            r.nullBulk();
        }
    }

    private static void writeLag(ReplyBuffer r, StreamValue s, ConsumerGroup g) {
        Long lag = s.lag(g);
        if (lag == null) {
            r.nullBulk();
        } else {
            r.integer(lag);
        }
    }

    private static void xinfoStream(CommandContext ctx, StreamValue s) {
        int extra = ctx.argc() - 3;
        boolean full = extra > 0;
        long count = 10;
        if (extra == 1 || extra == 3) {
            if (!ctx.is(3, "FULL")) {
                throw new CommandError(subcommandSyntax(ctx));
            }
            if (extra == 3) {
                if (!ctx.is(4, "COUNT")) {
                    throw new CommandError(subcommandSyntax(ctx));
                }
                count = ctx.longArg(5);
                if (count < 0) {
                    count = 10;
                }
            }
        } else if (extra != 0) {
            throw new CommandError(subcommandSyntax(ctx));
        }
        ReplyBuffer r = ctx.reply();
        r.map(full ? 9 : 10);
        r.bulk("length");
        r.integer(s.length());
        r.bulk("radix-tree-keys");
        r.integer(s.nodeCount());
        r.bulk("radix-tree-nodes");
        r.integer(s.radixTreeNodes());
        r.bulk("last-generated-id");
        writeId(r, s.lastId());
        r.bulk("max-deleted-entry-id");
        writeId(r, s.maxDeletedId());
        r.bulk("entries-added");
        r.integer(s.entriesAdded());
        r.bulk("recorded-first-entry-id");
        writeId(r, s.firstId());
        if (!full) {
            r.bulk("groups");
            r.integer(s.groupCount());
            r.bulk("first-entry");
            if (s.forEach(StreamId.MIN, StreamId.MAX, 1, false, e -> {
                writeEntry(r, e);
                return true;
            }) == 0) {
                r.nullBulk();
            }
            r.bulk("last-entry");
            if (s.forEach(StreamId.MIN, StreamId.MAX, 1, true, e -> {
                writeEntry(r, e);
                return true;
            }) == 0) {
                r.nullBulk();
            }
            return;
        }
        r.bulk("entries");
        writeRange(ctx, r, s, StreamId.MIN, StreamId.MAX, count, false);
        r.bulk("groups");
        r.array(s.groupCount());
        for (ConsumerGroup g : s.groups()) {
            r.map(7);
            r.bulk("name");
            r.bulk(g.name());
            r.bulk("last-delivered-id");
            writeId(r, g.lastId());
            r.bulk("entries-read");
            writeEntriesRead(r, g);
            r.bulk("lag");
            writeLag(r, s, g);
            r.bulk("pel-count");
            r.integer(g.pending().size());
            r.bulk("pending");
            long n = count == 0 ? g.pending().size() : Math.min(count, g.pending().size());
            r.array(n);
            long i = 0;
            for (PendingEntry p : g.pending().values()) {
                if (i++ == n) {
                    break;
                }
                r.array(4);
                writeId(r, p.id());
                r.bulk(p.consumer().name());
                r.integer(p.deliveryTime());
                r.integer(p.deliveryCount());
            }
            r.bulk("consumers");
            r.array(g.consumers().size());
            for (StreamConsumer c : g.consumers()) {
                r.map(4);
                r.bulk("name");
                r.bulk(c.name());
                r.bulk("seen-time");
                r.integer(c.seenTime());
                r.bulk("pel-count");
                r.integer(c.pendingCount());
                r.bulk("pending");
                long m = count == 0 ? c.pendingCount() : Math.min(count, c.pendingCount());
                r.array(m);
                long k = 0;
                for (PendingEntry p : c.pending().values()) {
                    if (k++ == m) {
                        break;
                    }
                    r.array(3);
                    writeId(r, p.id());
                    r.integer(p.deliveryTime());
                    r.integer(p.deliveryCount());
                }
            }
        }
    }
}
