package io.gearlog.engine.gears;

import io.gearlog.engine.Client;
import io.gearlog.engine.CommandContext;
import io.gearlog.engine.CommandError;
import io.gearlog.engine.Errors;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.python.ScriptJob;
import io.gearlog.engine.reply.ReplyBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.gearlog.engine.command.CommandFlags.GEARS;
import static io.gearlog.engine.command.CommandFlags.READONLY;
import static io.gearlog.engine.command.CommandFlags.SELF_JOURNALED;
import static io.gearlog.engine.command.CommandFlags.WRITE;

/**
 * The RG.* family (spec commands.md): run Python, inspect/await/abort/drop executions, configuration, sessions,
 * cluster stand-ins. Registrations (RG.DUMPREGISTRATIONS, RG.TRIGGER, ...) answer for an empty registration set
 * until they exist. Handlers run on the engine thread; Python work goes to the workers.
 */
public final class GearsCommands {
    private static final int FLAGS = READONLY | GEARS;

    static final String PLAN_NOT_EXIST = "execution plan does not exist";
    static final String STILL_RUNNING = "execution is still running";
    static final String ID_CHARS = "ID must be compose of: ['A'-'Z' | 'a'-'z' | '0' - '9' | '-' | '_']";

    private GearsCommands() {
    }

    public static void register(CommandTable t) {
        t.add("rg.pyexecute", -1, FLAGS, 0, 0, 0, GearsCommands::pyexecute);
        t.add("rg.getresults", -1, FLAGS, 0, 0, 0, GearsCommands::getresults);
        t.add("rg.getresultsblocking", -1, FLAGS, 0, 0, 0, GearsCommands::getresultsblocking);
        t.add("rg.getexecution", -1, FLAGS, 0, 0, 0, GearsCommands::getexecution);
        t.add("rg.dumpexecutions", -1, FLAGS, 0, 0, 0, GearsCommands::dumpexecutions);
        t.add("rg.dropexecution", -1, FLAGS, 0, 0, 0, GearsCommands::dropexecution);
        t.add("rg.abortexecution", -1, FLAGS, 0, 0, 0, GearsCommands::abortexecution);
        t.add("rg.configget", -1, FLAGS, 0, 0, 0, GearsCommands::configget);
        t.add("rg.configset", -1, FLAGS, 0, 0, 0, GearsCommands::configset);
        t.add("rg.pystats", -1, FLAGS, 0, 0, 0, GearsCommands::pystats);
        t.add("rg.pydumpsessions", -1, FLAGS, 0, 0, 0, GearsCommands::pydumpsessions);
        t.add("rg.pyprofile", -1, FLAGS, 0, 0, 0, GearsCommands::pyprofile);
        t.add("rg.pydumpreqs", -1, FLAGS, 0, 0, 0, ctx -> ctx.reply().array(0));
        t.add("rg.infocluster", -1, FLAGS, 0, 0, 0, ctx -> ctx.reply().bulk("no cluster mode"));
        t.add("rg.refreshcluster", -1, FLAGS, 0, 0, 0, ctx -> ctx.reply().ok());
        t.add("rg.dumpplugins", -1, FLAGS, 0, 0, 0, GearsCommands::dumpplugins);
        t.add("rg.networktest", -1, FLAGS, 0, 0, 0, ctx -> ctx.reply().ok());
        t.add("rg.pyexecuteremote", -1, FLAGS, 0, 0, 0, ctx -> ctx.reply().bulk("Execute remote is not longer supported"));
        t.add("rg.pyfreeinterpreter", -1, FLAGS, 0, 0, 0, ctx -> ctx.reply().bulk("Free interpreter is not longer supported"));
        t.add("rg.dumpregistrations", -1, FLAGS, 0, 0, 0, GearsCommands::dumpregistrations);
        t.add("rg.unregister", -1, FLAGS, 0, 0, 0, GearsCommands::unregister);
        t.add("rg.trigger", -1, FLAGS, 0, 0, 0, ctx -> {
            arity(ctx, 2, Integer.MAX_VALUE);
            gears(ctx).registrations().trigger(ctx);
        });
        t.add("rg.triggeronkey", -1, FLAGS, 2, 2, 1, ctx -> {
            arity(ctx, 3, Integer.MAX_VALUE);
            gears(ctx).registrations().trigger(ctx);
        });
        t.add(TimeEventValue.COMMAND, 5, WRITE | SELF_JOURNALED, 1, 1, 1, GearsCommands::timeevent);
        t.add("rg.pauseregistrations", -1, FLAGS, 0, 0, 0, GearsCommands::pauseregistrations);
        t.add("rg.unpauseregistrations", -1, FLAGS, 0, 0, 0, GearsCommands::unpauseregistrations);
        t.add("rg.clearregistrationsstats", -1, FLAGS, 0, 0, 0, GearsCommands::clearregistrationsstats);
    }

    /**
     * Like RedisGears' module commands (registered with arity -1), each command checks its own argument count
     * and names the command as the client typed it.
     */
    private static void arity(CommandContext ctx, int min, int max) {
        if (ctx.argc() < min || ctx.argc() > max) {
            throw new CommandError(Errors.wrongArity(ctx.str(0)));
        }
    }

    /**
     * {@code rg.__timeevent key seconds session callback}: registerTE with a keyName stores its time event (:1), or
     * finds the key taken (:0). Only Gears' own clients and recovery (EFFECT records, snapshots) may run it; it
     * journals itself as an EFFECT so that a client cannot smuggle it into the journal.
     */
    private static void timeevent(CommandContext ctx) {
        GearsService g = GearsService.of(ctx.engine());
        boolean replaying = ctx.engine().replaying();
        Client c = ctx.client();
        if (!replaying && !g.isInternal(c)) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < ctx.argc() && sb.length() < 128; i++) {
                sb.append('\'').append(ctx.str(i)).append("' ");
            }
            throw new CommandError("ERR unknown command '" + ctx.str(0) + "', with args beginning with: " + sb);
        }
        io.gearlog.engine.keyspace.Key key = ctx.key(1);
        if (ctx.lookupWrite(key) != null) {
            ctx.reply().integer(0);
            return;
        }
        TimeEventValue v = new TimeEventValue(ctx.longArg(2), ctx.str(3), ctx.arg(4));
        if (!replaying && ctx.engine().shouldJournal()) {
            ctx.engine().journalArgv(io.gearlog.journal.RecordType.EFFECT, ctx.now(), c.journalOrigin, ctx.db().index(),
                    TimeEventValue.argv(key.bytes(), v.seconds, v.session, v.callback));
        }
        ctx.db().put(key, v);
        ctx.modified(key);
        g.timeEventStored(key, v);
        ctx.reply().integer(1);
    }

    private static GearsService gears(CommandContext ctx) {
        GearsService g = GearsService.of(ctx.engine());
        g.ensureLive();
        return g;
    }

    /** RG.PYEXECUTE and the other blocking commands are refused where blocking is impossible. */
    private static void checkCanBlock(CommandContext ctx, GearsService g) {
        if (GearsService.inExec(ctx.engine()) || g.isInternal(ctx.client())) {
            throw new CommandError(GearsService.NO_BLOCKING);
        }
    }

    // ---- RG.PYEXECUTE

    private static void pyexecute(CommandContext ctx) {
        GearsService g = gears(ctx);
        checkCanBlock(ctx, g);
        arity(ctx, 2, Integer.MAX_VALUE);
        byte[] code = ctx.arg(1);
        boolean unblocking = false;
        String id = null;
        String description = null;
        boolean upgrade = false;
        String replaceWith = null;
        List<String> requirements = new ArrayList<>();
        for (int i = 2; i < ctx.argc(); i++) {
            if (ctx.is(i, "UNBLOCKING")) {
                unblocking = true;
            } else if (ctx.is(i, "ID")) {
                if (++i >= ctx.argc()) {
                    throw new CommandError("ID is missing");
                }
                id = ctx.str(i);
                if (!validSessionId(ctx.arg(i))) {
                    throw new CommandError(ID_CHARS);
                }
            } else if (ctx.is(i, "DESCRIPTION")) {
                if (++i >= ctx.argc()) {
                    throw new CommandError("DESCRIPTION is missing");
                }
                description = ctx.str(i);
            } else if (ctx.is(i, "UPGRADE")) {
                upgrade = true;
            } else if (ctx.is(i, "REPLACE_WITH")) {
                if (++i >= ctx.argc()) {
                    throw new CommandError("REPLACE_WITH is missing");
                }
                replaceWith = ctx.str(i);
                upgrade = true;
            } else if (ctx.is(i, "FORCE_REINSTALL_REQUIREMENTS")) {
                continue;
            } else if (ctx.is(i, "REQUIREMENTS")) {
                for (int j = i + 1; j < ctx.argc(); j++) {
                    requirements.add(ctx.str(j));
                }
                break;
            } else {
                throw new CommandError("Unknown arguments were given: " + ctx.str(i));
            }
        }
        if (id == null) {
            id = randomHex(ctx, 40);
        }
        Map<String, Session> sessions = g.sessions();
        if (replaceWith != null) {
            if (sessions.containsKey(id)) {
                throw new CommandError("Can not replace an existing session " + id + " with " + replaceWith);
            }
            if (!sessions.containsKey(replaceWith)) {
                throw new CommandError("Can not replace with " + replaceWith + ", session does not exists.");
            }
        }
        if (sessions.containsKey(id) && !upgrade) {
            throw new CommandError("Session " + id + " already exists");
        }
        if (!requirements.isEmpty()) {
            // no package installation yet: nothing beyond the standard library can be satisfied
            io.gearlog.engine.ServerLog.warning("RG.PYEXECUTE REQUIREMENTS " + requirements
                    + ": installing Python requirements is not supported yet by Gearlog");
            throw new CommandError("Could not satisfy requirements, look at the log file for more information.");
        }
        long seed = g.journalScript(id, description, unblocking, code, ctx.now());
        Client c = ctx.client();
        GearsService.Wait wait = g.park(c);
        String replacing = replaceWith != null ? replaceWith : upgrade && sessions.containsKey(id) ? id : null;
        g.python().submit(new ScriptJob(g, c, wait, code, id, description, unblocking, ctx.now(), seed, replacing));
    }

    private static boolean validSessionId(byte[] id) {
        for (byte b : id) {
            boolean ok = b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String randomHex(CommandContext ctx, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit(ctx.random().nextInt(16), 16));
        }
        return sb.toString();
    }

    // ---- executions

    private static Execution lookup(CommandContext ctx, GearsService g, String notFound) {
        Execution e = g.executions().get(ExecutionIds.parse(ctx.arg(1)));
        if (e == null) {
            throw new CommandError(notFound);
        }
        return e;
    }

    private static void getresults(CommandContext ctx) {
        arity(ctx, 2, Integer.MAX_VALUE);
        GearsService g = gears(ctx);
        Execution e = lookup(ctx, g, PLAN_NOT_EXIST);
        if (!e.finished()) {
            throw new CommandError(STILL_RUNNING);
        }
        GearsService.writeResults(ctx.reply(), e);
    }

    private static void getresultsblocking(CommandContext ctx) {
        arity(ctx, 2, 2);
        GearsService g = gears(ctx);
        Execution e = lookup(ctx, g, PLAN_NOT_EXIST);
        if (e.finished()) {
            GearsService.writeResults(ctx.reply(), e);
            return;
        }
        checkCanBlock(ctx, g);
        Client c = ctx.client();
        GearsService.Wait wait = g.park(c);
        g.whenDone(e, () -> g.reply(c, wait, r -> GearsService.writeResults(r, e)));
    }

    private static void getexecution(CommandContext ctx) {
        arity(ctx, 2, 3);
        GearsService g = gears(ctx);
        if (ctx.argc() == 3) {
            if (ctx.is(2, "CLUSTER")) {
                throw new CommandError("no cluster detected - use `RG.GETEXECUTION <id> [SHARD]` instead");
            }
            if (!ctx.is(2, "SHARD")) {
                throw new CommandError("unknown subcommand");
            }
        }
        Execution e = lookup(ctx, g, PLAN_NOT_EXIST);
        ReplyBuffer r = ctx.reply();
        boolean done = e.finished();
        r.array(1);
        r.array(4);
        r.bulk("shard_id");
        r.bulk(ExecutionIds.SHARD_ID);
        r.bulk("execution_plan");
        r.array(16);
        r.bulk("status");
        r.bulk(e.status().text());
        r.bulk("shards_received");
        r.integer(0);
        r.bulk("shards_completed");
        r.integer(0);
        r.bulk("results");
        r.integer(done ? e.results().size() : -1);
        r.bulk("errors");
        List<String> errors = done ? e.errors() : List.of();
        r.array(errors.size());
        for (String s : errors) {
            r.bulk(s);
        }
        r.bulk("total_duration");
        r.integer(e.totalMillis);
        r.bulk("read_duration");
        r.integer(e.readMillis);
        r.bulk("steps");
        r.array(e.steps.size());
        for (int i = e.steps.size() - 1; i >= 0; i--) {
            Execution.Step s = e.steps.get(i);
            r.array(8);
            r.bulk("type");
            r.bulk(s.type());
            r.bulk("duration");
            r.integer(i < e.stepMillis.length ? e.stepMillis[i] : 0);
            r.bulk("name");
            r.bulk(s.name());
            r.bulk("arg");
            r.bulk(s.arg());
        }
    }

    private static void dumpexecutions(CommandContext ctx) {
        GearsService g = gears(ctx);
        ReplyBuffer r = ctx.reply();
        r.array(g.executions().size());
        for (Execution e : g.executions().all()) {
            r.array(6);
            r.bulk("executionId");
            r.bulk(e.id);
            r.bulk("status");
            r.bulk(e.status().text());
            r.bulk("registered");
            r.integer(e.registered ? 1 : 0);
        }
    }

    private static void dropexecution(CommandContext ctx) {
        arity(ctx, 2, 2);
        GearsService g = gears(ctx);
        Execution e = lookup(ctx, g, PLAN_NOT_EXIST);
        if (!e.finished()) {
            throw new CommandError("can not drop a not yet finished execution, abort it first.");
        }
        g.drop(e);
        ctx.reply().ok();
    }

    private static void abortexecution(CommandContext ctx) {
        arity(ctx, 2, 2);
        GearsService g = gears(ctx);
        // the original runs this as an internal job, which takes an execution and a plan number
        g.consumeInternalJob();
        Execution e = lookup(ctx, g, "execution does not exist");
        if (e.finished()) {
            ctx.reply().ok();
            return;
        }
        if (e.notStarted()) {
            g.abortNotStarted(e);
            ctx.reply().ok();
            return;
        }
        checkCanBlock(ctx, g);
        Client c = ctx.client();
        GearsService.Wait wait = g.park(c);
        g.whenDone(e, () -> g.reply(c, wait, ReplyBuffer::ok));
        if (!e.abortRequested()) {
            g.requestAbort(e, "Execution was aborted");
        }
    }

    // ---- configuration

    private static String[] rest(CommandContext ctx, int from) {
        String[] a = new String[ctx.argc() - from];
        for (int i = 0; i < a.length; i++) {
            a[i] = ctx.str(from + i);
        }
        return a;
    }

    private static void configget(CommandContext ctx) {
        gears(ctx).config().get(rest(ctx, 1), ctx.reply());
    }

    private static void configset(CommandContext ctx) {
        gears(ctx).config().set(rest(ctx, 1), ctx.reply());
    }

    // ---- Python

    private static void pystats(CommandContext ctx) {
        long[] s = gears(ctx).pythonStats();
        ReplyBuffer r = ctx.reply();
        r.array(6);
        r.bulk("TotalAllocated");
        r.integer(s[0]);
        r.bulk("PeakAllocated");
        r.integer(s[1]);
        r.bulk("CurrAllocated");
        r.integer(s[2]);
    }

    private static void pydumpsessions(CommandContext ctx) {
        GearsService g = gears(ctx);
        boolean dead = false;
        boolean verbose = false;
        int i = 1;
        for (; i < ctx.argc(); i++) {
            if (ctx.is(i, "VERBOSE")) {
                verbose = true;
                continue;
            }
            if (ctx.is(i, "DEAD") || ctx.is(i, "TS")) {
                dead = true;
                continue;
            }
            break;
        }
        ReplyBuffer r = ctx.reply();
        Registrations regs = g.registrations();
        if (i < ctx.argc()) {
            if (!ctx.is(i, "SESSIONS")) {
                throw new CommandError("Unknown option " + ctx.str(i));
            }
            r.array(ctx.argc() - i - 1);
            for (int j = i + 1; j < ctx.argc(); j++) {
                Session s = g.sessions().get(ctx.str(j));
                if (s == null) {
                    r.bulk("Session " + ctx.str(j) + " does not exists");
                } else {
                    regs.writeSession(r, s, verbose);
                }
            }
            return;
        }
        if (dead) {
            List<Session> l = regs.deadSessions();
            r.array(l.size());
            for (Session s : l) {
                regs.writeSession(r, s, verbose);
            }
            return;
        }
        r.array(g.sessions().size());
        for (Session s : g.sessions().values()) {
            regs.writeSession(r, s, verbose);
        }
    }

    private static void pyprofile(CommandContext ctx) {
        arity(ctx, 2, Integer.MAX_VALUE);
        GearsService g = gears(ctx);
        if (ctx.is(1, "STATS")) {
            if (ctx.argc() < 3 || ctx.argc() > 4) {
                throw new CommandError(Errors.wrongArity(ctx.str(0)));
            }
        } else if (ctx.is(1, "RESET")) {
            if (ctx.argc() != 3) {
                throw new CommandError(Errors.wrongArity(ctx.str(0)));
            }
        } else {
            throw new CommandError("Wrong subcommand given to RG.PYPROFILE");
        }
        if (!g.sessions().containsKey(ctx.str(2))) {
            throw new CommandError("session does not exists");
        }
        String sid = ctx.str(2);
        if (ctx.is(1, "RESET")) {
            g.profiles().reset(sid);
            ctx.reply().ok();
            return;
        }
        // rendering runs Python on a worker: the client waits for it like for RG.PYEXECUTE
        checkCanBlock(ctx, g);
        Client c = ctx.client();
        GearsService.Wait wait = g.park(c);
        g.python().profileReport(g.profiles().tables(sid), (text, error) -> g.engine().execute(() ->
                g.reply(c, wait, r -> {
                    if (text != null) {
                        r.bulk(text);
                    } else {
                        r.error(error);
                    }
                })));
    }

    private static void dumpplugins(CommandContext ctx) {
        ReplyBuffer r = ctx.reply();
        r.array(1);
        r.array(2);
        r.bulk("GearsPythonPlugin");
        r.integer(10000);
    }

    // ---- registrations

    private static void dumpregistrations(CommandContext ctx) {
        GearsService g = gears(ctx);
        Registrations regs = g.registrations();
        List<Registration> all = regs.list();
        ReplyBuffer r = ctx.reply();
        r.array(all.size());
        for (Registration reg : all) {
            regs.writeEntry(r, reg, true);
        }
    }

    private static void unregister(CommandContext ctx) {
        arity(ctx, 2, 3);
        GearsService g = gears(ctx);
        Registration reg = g.registrations().get(ExecutionIds.parse(ctx.arg(1)));
        if (reg == null) {
            throw new CommandError("execution is not registered");
        }
        g.registrations().unregister(reg, ctx.argc() == 3 && ctx.is(2, "ABORTPENDING"));
        ctx.reply().ok();
    }

    private static Registration pausable(CommandContext ctx, GearsService g, String what) {
        Registration reg = g.registrations().get(ExecutionIds.parse(ctx.arg(1)));
        if (reg == null) {
            throw new CommandError("Execution " + ctx.str(1) + " does not exists on shard " + ExecutionIds.SHARD_ID);
        }
        if (reg.reader != Registration.Reader.STREAM) {
            throw new CommandError("Reader " + reg.reader.text + " does not support " + what);
        }
        return reg;
    }

    private static void pauseregistrations(CommandContext ctx) {
        arity(ctx, 2, 2);
        GearsService g = gears(ctx);
        if (ctx.is(1, "ABORTPENDING")) {
            throw new CommandError("ERR no registration to pause");
        }
        g.consumeInternalJob();
        Registration reg = pausable(ctx, g, "pause");
        g.streams().pause(reg);
        ctx.reply().ok();
    }

    private static void unpauseregistrations(CommandContext ctx) {
        arity(ctx, 2, 2);
        GearsService g = gears(ctx);
        g.consumeInternalJob();
        Registration reg = pausable(ctx, g, "unpause");
        g.streams().unpause(reg);
        ctx.reply().ok();
    }

    private static void clearregistrationsstats(CommandContext ctx) {
        arity(ctx, 1, 1);
        GearsService g = gears(ctx);
        g.consumeInternalJob();
        g.registrations().clearStats();
        ctx.reply().ok();
    }
}
