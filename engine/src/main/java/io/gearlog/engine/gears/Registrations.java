package io.gearlog.engine.gears;

import io.gearlog.engine.Engine;
import io.gearlog.engine.ServerLog;
import io.gearlog.engine.command.CommandFlags;
import io.gearlog.engine.command.CommandSpec;
import io.gearlog.engine.command.MovableKeys;
import io.gearlog.engine.keyspace.EventClass;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.KeyspaceEventListener;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.reply.ReplyBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registrations of a server and their sessions (spec README sections 3 and 4): creating and removing them, the
 * GEARS records that make them survive restarts, firing KeysReader registrations from the keyspace event stream,
 * and how RG.DUMPREGISTRATIONS and RG.PYDUMPSESSIONS render them. Owned by the engine thread.
 */
public final class Registrations implements KeyspaceEventListener {
    /** Execution input kinds (journaled with EXEC_CREATED). */
    public static final int KIND_KEYS = 1;
    public static final int KIND_ARGS = 2;
    public static final int KIND_STREAM = 3;
    public static final int KIND_HOOK = 4;
    /** A KeysReader execution linked to the command it intercepts (the `commands` option). */
    public static final int KIND_KEYS_LINKED = 5;

    /** Redis 7.0 noscript commands the command table does not flag. */
    private static final Set<String> NO_SCRIPT = Set.of("multi", "exec", "discard", "watch", "unwatch", "eval",
            "evalsha", "eval_ro", "evalsha_ro", "script", "fcall", "fcall_ro", "function");

    /** A registration as Python describes it when register() is called. */
    public record Spec(long number, int ordinal, String reader, String mode, String desc, boolean hasOnRegistered,
                       List<Execution.Step> steps, List<Object> args, byte[] pickledPlan) {
    }

    /** One execution of a registration, as a Python context runs it (immutable: handed to workers). */
    public record Run(Execution execution, Session.Image session, long registration, int kind, List<byte[]> input,
                      boolean readValue, boolean allowAsync) {
    }

    private final GearsService g;
    private final Engine engine;
    final Map<Long, Registration> all = new LinkedHashMap<>();
    /** Listed sessions, by id (RG.PYDUMPSESSIONS lists them in this order). */
    final TreeMap<String, Session> sessions = new TreeMap<>();
    private final List<Registration> keys = new ArrayList<>();
    private final List<Registration> streamRegs = new ArrayList<>();
    private final Map<String, Registration> triggers = new HashMap<>();
    /** Hooks by command name, oldest first. */
    private final Map<String, List<Registration>> hooks = new HashMap<>();
    private long sessionSerial;
    private int nextHome;
    /** Above 0 while a sync KeysReader execution runs inside a keyspace notification (spec rule 5). */
    int suppressKeys;

    Registrations(GearsService g) {
        this.g = g;
        this.engine = g.engine();
    }

    public Registration get(long number) {
        return all.get(number);
    }

    public Session session(String id) {
        return sessions.get(id);
    }

    public int count() {
        return all.size();
    }

    // ---- validation at register() time

    /**
     * The error register() raises for a trigger, hook or commands entry that cannot be registered, or null.
     * Registrations of the session {@code replacing} (being upgraded) do not count.
     */
    public String check(String kind, String name, String replacing, boolean byKeyPrefix) {
        switch (kind) {
            case "trigger" -> {
                Registration r = triggers.get(name);
                if (r != null && !r.session.id.equals(replacing)) {
                    return "trigger already registered";
                }
                return null;
            }
            case "hook" -> {
                CommandSpec spec = engine.commands().lookup(name);
                if (spec == null) {
                    return "Can not override an unexisting command";
                }
                if (noScript(spec)) {
                    return "Can not override a command which are not allowed inside a script";
                }
                if (byKeyPrefix) {
                    if (MovableKeys.isMovable(spec.name())) {
                        return "Can not override a command with moveable keys by key prefix";
                    }
                    if (spec.firstKey() <= 0) {
                        return "Can not override a command by key prefix with none positive first key";
                    }
                    if (spec.step() <= 0) {
                        return "Can not override a command by key prefix with none positive jump";
                    }
                }
                List<Registration> l = hooks.get(spec.name());
                if (l != null) {
                    for (int i = l.size() - 1; i >= 0; i--) {
                        Registration r = l.get(i);
                        if (r.session.id.equals(replacing)) {
                            continue;
                        }
                        if (!r.sync()) {
                            return "Can not override a none sync registration";
                        }
                        break;
                    }
                }
                return null;
            }
            case "commands" -> {
                CommandSpec spec = engine.commands().lookup(name);
                if (spec == null) {
                    return "bad reply on COMMAND command";
                }
                if (noScript(spec)) {
                    return "Can not hook a command which are not allowed inside a script";
                }
                if (MovableKeys.isMovable(spec.name())) {
                    return "Can not hook a command with moveable keys by key prefix";
                }
                if (spec.firstKey() <= 0) {
                    return "Can not hook a command by key prefix with none positive first key";
                }
                if (spec.step() <= 0) {
                    return "Can not override a command by key prefix with none positive jump";
                }
                return null;
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    private static boolean noScript(CommandSpec spec) {
        return spec.has(CommandFlags.NOSCRIPT) || NO_SCRIPT.contains(spec.name());
    }

    // ---- creating and removing (live; journaled)

    /**
     * Applies the registrations a script made, atomically: the session it replaces (UPGRADE of the same id, or
     * REPLACE_WITH) loses all its registrations, then the new session is listed with the new ones. Returns the
     * new session.
     */
    public Session applyScript(String sid, String description, byte[] code, long time, long seed, String replacing,
                               List<Spec> specs, int home) {
        Session old = replacing == null ? null : sessions.get(replacing);
        if (old != null) {
            for (Registration r : new ArrayList<>(old.registrations)) {
                unregister(r, true);
            }
            unlink(old);
        }
        Session s = newSession(sid, description, code, time, seed, home);
        for (Spec spec : specs) {
            Registration r = newRegistration(s, spec);
            journalRegister(r);
        }
        g.consumeInternalJob();
        activate(s, specs);
        return s;
    }

    /** register() called inside an execution: applied at once, attached to the execution's session. */
    public String registerFromExecution(String sid, Spec spec, int home) {
        String err = switch (spec.reader()) {
            case "CommandReader" -> {
                String trigger = (String) spec.args().get(0);
                String hook = (String) spec.args().get(1);
                yield trigger != null ? check("trigger", trigger, null, false)
                        : check("hook", hook, null, spec.args().get(2) != null);
            }
            default -> null;
        };
        if (err != null) {
            return err;
        }
        Session s = sessions.get(sid);
        if (s == null) {
            s = newSession(sid, null, new byte[0], engine.engineTime(), 0, home);
        }
        Registration r = newRegistration(s, spec);
        journalRegister(r);
        activate(s, List.of(spec));
        return null;
    }

    private Session newSession(String sid, String description, byte[] code, long time, long seed, int home) {
        Session s = new Session(sid, description, code, time, seed, ++sessionSerial, home);
        sessions.put(sid, s);
        // a new session (an upgrade too) starts with an empty profile, as it gets a profiler of its own
        g.profiles().reset(sid);
        g.journalRecord(g.record(GearsRecord.SESSION).str(sid).str(description).i64(s.serial).i64(time).i64(seed)
                .i32(home).bytes(code));
        return s;
    }

    private Registration newRegistration(Session s, Spec spec) {
        Registration r = new Registration(spec.number(), Registration.Reader.of(spec.reader()),
                Registration.Mode.of(spec.mode()), spec.desc(), s, spec.ordinal(), spec.pickledPlan(),
                spec.hasOnRegistered(), spec.steps());
        List<Object> a = spec.args();
        switch (r.reader) {
            case KEYS -> {
                r.prefix = (String) a.get(0);
                r.eventTypes = strings(a.get(1));
                r.keyTypes = strings(a.get(2));
                r.readValue = (Boolean) a.get(3);
                r.commands = strings(a.get(4));
            }
            case STREAM -> {
                r.prefix = (String) a.get(0);
                r.batch = (Long) a.get(1);
                r.durationMs = (Long) a.get(2);
                r.onFailedPolicy = (String) a.get(3);
                r.retryIntervalSec = (Long) a.get(4);
                r.trimStream = (Boolean) a.get(5);
            }
            case COMMAND -> {
                r.trigger = (String) a.get(0);
                r.hook = (String) a.get(1);
                r.keyPrefix = (String) a.get(2);
                r.inorder = (Boolean) a.get(3);
            }
        }
        add(r);
        return r;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return o == null ? null : List.copyOf((List<String>) o);
    }

    /** Enters a registration in the indexes (live and replay). */
    private void add(Registration r) {
        all.put(r.number, r);
        if (r.sync()) {
            syncRegs++;
        }
        r.session.registrations.add(r);
        r.session.version++;
        switch (r.reader) {
            case KEYS -> {
                keys.add(r);
                if (r.commands != null) {
                    for (String c : r.commands) {
                        commandsOption.merge(hookName(c), 1, Integer::sum);
                    }
                }
            }
            case COMMAND -> {
                if (r.trigger != null) {
                    triggers.put(r.trigger, r);
                } else {
                    hooks.computeIfAbsent(hookName(r.hook), k -> new ArrayList<>()).add(r);
                }
            }
            case STREAM -> streamRegs.add(r);
        }
    }

    private String hookName(String hook) {
        CommandSpec spec = engine.commands().lookup(hook);
        return spec != null ? spec.name() : hook.toLowerCase(Locale.ROOT);
    }

    private void journalRegister(Registration r) {
        g.journalRecord(registerRecord(r));
    }

    /** The REGISTER record of {@code r} (journal and snapshots). */
    private GearsRecord.Writer registerRecord(Registration r) {
        GearsRecord.Writer w = g.record(GearsRecord.REGISTER).i64(r.number).str(r.session.id).i64(r.session.serial)
                .str(r.reader.text).str(r.mode.text).str(r.desc).i8(r.hasOnRegistered ? 1 : 0).i32(r.scriptOrdinal)
                .bytes(r.pickledPlan == null ? new byte[0] : r.pickledPlan).i32(r.steps.size());
        for (Execution.Step s : r.steps) {
            w.str(s.type()).str(s.name()).str(s.arg());
        }
        switch (r.reader) {
            case KEYS -> w.str(r.prefix).strs(r.eventTypes).strs(r.keyTypes).i8(r.readValue ? 1 : 0).strs(r.commands);
            case STREAM -> w.str(r.prefix).i64(r.batch).i64(r.durationMs).str(r.onFailedPolicy).i64(r.retryIntervalSec)
                    .i8(r.trimStream ? 1 : 0);
            case COMMAND -> w.str(r.trigger).str(r.hook).str(r.keyPrefix).i8(r.inorder ? 1 : 0);
        }
        return w;
    }

    /** RG.UNREGISTER and session upgrades. */
    public void unregister(Registration r, boolean abortPending) {
        g.journalRecord(g.record(GearsRecord.UNREGISTER).i64(r.number));
        remove(r);
        if (abortPending) {
            for (Execution e : new ArrayList<>(r.unfinished)) {
                if (e.notStarted()) {
                    g.abortNotStarted(e);
                }
            }
        }
        dropKeptWhenIdle(r);
    }

    private void remove(Registration r) {
        r.removed = true;
        all.remove(r.number);
        if (keys.remove(r) && r.commands != null) {
            for (String c : r.commands) {
                commandsOption.computeIfPresent(hookName(c), (k, n) -> n > 1 ? n - 1 : null);
            }
        }
        if (r.sync()) {
            syncRegs--;
        }
        if (r.trigger != null && triggers.get(r.trigger) == r) {
            triggers.remove(r.trigger);
        }
        if (r.hook != null) {
            List<Registration> l = hooks.get(hookName(r.hook));
            if (l != null) {
                l.remove(r);
                if (l.isEmpty()) {
                    hooks.remove(hookName(r.hook));
                }
            }
        }
        if (streamRegs.remove(r)) {
            g.streams().removed(r);
        }
        if (!r.unfinished.isEmpty()) {
            r.session.lingering.add(r);
        }
        r.session.registrations.remove(r);
        if (r.session.registrations.isEmpty()) {
            unlink(r.session);
        }
    }

    private void unlink(Session s) {
        s.linked = false;
        if (sessions.get(s.id) == s) {
            sessions.remove(s.id);
        }
        if (!s.lingering.isEmpty() && !dead.contains(s)) {
            dead.add(s);
        }
    }

    /**
     * Sessions that left the session table (upgraded, replaced, or their last registration unregistered) while
     * executions of their registrations still run: RG.PYDUMPSESSIONS DEAD lists them until those end.
     */
    private final List<Session> dead = new ArrayList<>();

    /** Dead sessions, by id. */
    public List<Session> deadSessions() {
        List<Session> l = new ArrayList<>(dead);
        l.sort(java.util.Comparator.comparing(x -> x.id));
        return l;
    }

    /** An execution of a removed registration ended: its session may be unreferenced now. */
    private void releaseLingering(Registration r) {
        if (!r.removed || !r.unfinished.isEmpty()) {
            return;
        }
        Session s = r.session;
        if (s.lingering.remove(r) && s.lingering.isEmpty()) {
            dead.remove(s);
        }
    }

    /** Kept executions of a removed registration go once none of its executions is still running. */
    private void dropKeptWhenIdle(Registration r) {
        if (!r.unfinished.isEmpty()) {
            return;
        }
        for (Execution e : new ArrayList<>(r.kept)) {
            if (g.executions().get(e.number) == e) {
                g.drop(e);
            }
        }
        r.kept.clear();
    }

    /** RG.CLEARREGISTRATIONSSTATS. */
    public void clearStats() {
        g.journalRecord(g.record(GearsRecord.CLEAR_STATS));
        for (Registration r : all.values()) {
            r.clearStats();
        }
    }

    // ---- activation: the registration's callables in the contexts that run it

    /** Starts new registrations: their sync callables go to the engine's context, onRegistered runs. */
    private void activate(Session s, List<Spec> specs) {
        if (engine.replaying()) {
            return;
        }
        boolean anySync = false;
        for (Spec spec : specs) {
            anySync |= spec.mode().equals("sync");
        }
        if (anySync) {
            List<Long> onReg = new ArrayList<>();
            for (Spec spec : specs) {
                if (spec.mode().equals("sync") && spec.hasOnRegistered()) {
                    onReg.add(spec.number());
                }
            }
            g.python().loadOnEngine(s.image(), onReg);
        }
        for (Spec spec : specs) {
            Registration r = all.get(spec.number());
            if (r != null && r.reader == Registration.Reader.STREAM) {
                g.streams().startRegistration(r);
            }
        }
    }

    /**
     * After a restart: every session's callables are loaded where its registrations run, onRegistered runs, and
     * background executions that had not finished run again (at-least-once).
     */
    void activateAfterRestart() {
        for (Session s : sessions.values()) {
            s.home = Math.floorMod(nextHome++, Math.max(1, g.config().executionThreads));
            List<Long> syncOnReg = new ArrayList<>();
            List<Long> asyncOnReg = new ArrayList<>();
            boolean anySync = false;
            boolean anyAsync = false;
            for (Registration r : s.registrations) {
                if (r.sync()) {
                    anySync = true;
                    if (r.hasOnRegistered) {
                        syncOnReg.add(r.number);
                    }
                } else {
                    anyAsync = true;
                    if (r.hasOnRegistered) {
                        asyncOnReg.add(r.number);
                    }
                }
            }
            if (anySync) {
                g.python().loadOnEngine(s.image(), syncOnReg);
            }
            if (anyAsync) {
                g.python().loadOnWorker(s.home, s.image(), asyncOnReg);
            }
        }
        for (Registration r : new ArrayList<>(streamRegs)) {
            g.streams().startRegistration(r);
        }
    }

    /** The home worker of a new session: the worker that ran its script, else the next in turn. */
    int homeFor(int preferred) {
        if (preferred >= 0) {
            return preferred;
        }
        return Math.floorMod(nextHome++, Math.max(1, g.config().executionThreads));
    }

    // ---- CommandReader triggers

    /** Error of a non-sync trigger or hook where the client cannot wait for it. */
    static final String NON_SYNC_NO_BLOCK = "ERR can not run a non-sync execution inside a MULTI/LUA (blocking is not "
            + "allowed) or on loading.";

    /** RG.TRIGGER / RG.TRIGGERONKEY: runs the trigger's execution and replies with its results or first error. */
    public void trigger(io.gearlog.engine.CommandContext ctx) {
        if (engine.replaying()) {
            // a trigger inside a replayed transaction: its writes come back from their own records
            return;
        }
        Registration r = triggers.get(ctx.str(1));
        if (r == null || r.removed) {
            throw new io.gearlog.engine.CommandError("ERR subcommand not found");
        }
        io.gearlog.engine.Client c = ctx.client();
        boolean noBlock = GearsService.inExec(engine) || g.isInternal(c);
        if (!r.sync() && noBlock) {
            throw new io.gearlog.engine.CommandError(NON_SYNC_NO_BLOCK);
        }
        List<byte[]> input = new ArrayList<>(ctx.argc() - 1);
        for (int i = 1; i < ctx.argc(); i++) {
            input.add(ctx.arg(i));
        }
        r.numTriggered++;
        Execution e = g.createRegistered(r, KIND_ARGS, input, true);
        if (r.sync()) {
            start(r, e, !noBlock);
            if (e.finished()) {
                writeTriggerReply(ctx.reply(), e);
                return;
            }
        }
        GearsService.Wait w = g.park(c);
        g.whenDone(e, () -> g.reply(c, w, out -> writeTriggerReply(out, e)));
        if (!r.sync()) {
            start(r, e);
        }
    }

    private static void writeTriggerReply(ReplyBuffer out, Execution e) {
        if (e.status() == Execution.Status.ABORTED && e.errors.isEmpty()) {
            out.error("ERR Could not trigger execution, execution was aborted");
            return;
        }
        if (!e.errors.isEmpty()) {
            out.error(e.errors.get(0));
            return;
        }
        out.array(e.results.size());
        for (byte[] b : e.results) {
            out.raw(b);
        }
    }

    // ---- command interception: CommandReader hooks and the KeysReader `commands` option

    /** KeysReader registrations with the `commands` option, counted by command name. */
    private final Map<String, Integer> commandsOption = new HashMap<>();
    /** Above 0 while call_next runs the real command (it must not be intercepted again). */
    private int bypassHooks;

    /** A running hook execution: its command and where in that command's hook list it runs. */
    private record HookCall(CommandSpec spec, byte[] name, int index) {
    }

    private final Map<Long, HookCall> hookCalls = new HashMap<>();

    /** A command intercepted for KeysReader `commands` registrations, until its linked executions end. */
    private static final class Linked {
        final String name;
        final byte[][] argv;
        /** False inside MULTI/EXEC and for Gears' own clients: async executions are then not linked. */
        final boolean canWait;
        byte[] override;
        int pending;
        Runnable whenIdle;

        Linked(String name, byte[][] argv, boolean canWait) {
            this.name = name;
            this.argv = argv;
            this.canWait = canWait;
        }
    }

    /** The intercepted command running now, or null. */
    private Linked linked;
    private final Map<Long, Linked> linkedByExec = new HashMap<>();

    /** The engine's command interceptor. */
    Engine.CommandInterceptor interceptor() {
        return new Engine.CommandInterceptor() {
            @Override
            public boolean wants(CommandSpec spec) {
                return bypassHooks == 0 && (hooks.containsKey(spec.name()) || commandsOption.containsKey(spec.name()));
            }

            @Override
            public boolean intercept(io.gearlog.engine.Client c, CommandSpec spec, byte[][] argv, Runnable proceed) {
                return Registrations.this.intercept(c, spec, argv, proceed);
            }
        };
    }

    private boolean intercept(io.gearlog.engine.Client c, CommandSpec spec, byte[][] argv, Runnable proceed) {
        List<Registration> l = hooks.get(spec.name());
        if (l != null) {
            int i = matchHook(l, l.size() - 1, spec, argv);
            if (i >= 0) {
                runHook(c, l.get(i), i, spec, argv);
                return true;
            }
        }
        boolean any = false;
        for (Registration r : keys) {
            if (r.commands != null && r.hooksCommand(spec.name()) && commandKeyMatches(r, spec, argv)) {
                any = true;
                break;
            }
        }
        if (!any) {
            return false;
        }
        Linked ln = new Linked(spec.name(), argv, !GearsService.inExec(engine) && !g.isInternal(c));
        Linked prev = linked;
        linked = ln;
        int mark = c.reply.length();
        try {
            proceed.run();
        } finally {
            linked = prev;
        }
        if (ln.pending > 0) {
            // background executions are linked: the client waits for them, then gets the override or its reply
            byte[] own = java.util.Arrays.copyOfRange(c.reply.array(), mark, c.reply.length());
            c.reply.truncate(mark);
            GearsService.Wait w = g.park(c);
            ln.whenIdle = () -> g.reply(c, w, out -> out.raw(ln.override != null ? ln.override : own));
        } else if (ln.override != null) {
            c.reply.truncate(mark);
            c.reply.raw(ln.override);
        }
        return true;
    }

    /** The key arguments of {@code argv} by the command table's first/last/step. */
    private static List<byte[]> keyArgs(CommandSpec spec, byte[][] argv) {
        List<byte[]> out = new ArrayList<>();
        int first = spec.firstKey();
        if (first <= 0 || spec.step() <= 0) {
            return out;
        }
        int last = spec.lastKey() < 0 ? argv.length + spec.lastKey() : spec.lastKey();
        for (int i = first; i <= last && i < argv.length; i += spec.step()) {
            out.add(argv[i]);
        }
        return out;
    }

    private static boolean commandKeyMatches(Registration r, CommandSpec spec, byte[][] argv) {
        if (r.prefix.startsWith("*")) {
            return true;
        }
        for (byte[] k : keyArgs(spec, argv)) {
            if (Registration.prefixMatches(r.prefix, k)) {
                return true;
            }
        }
        return false;
    }

    /** The newest hook at or below {@code from} that matches (keyprefix on any key argument), or -1. */
    private static int matchHook(List<Registration> l, int from, CommandSpec spec, byte[][] argv) {
        for (int i = from; i >= 0; i--) {
            Registration r = l.get(i);
            if (r.removed) {
                continue;
            }
            if (r.keyPrefix == null) {
                return i;
            }
            byte[] p = r.keyPrefix.getBytes(StandardCharsets.UTF_8);
            for (byte[] k : keyArgs(spec, argv)) {
                if (k.length >= p.length && java.util.Arrays.equals(k, 0, p.length, p, 0, p.length)) {
                    return i;
                }
            }
        }
        return -1;
    }

    private void runHook(io.gearlog.engine.Client c, Registration r, int index, CommandSpec spec, byte[][] argv) {
        if (!r.sync() && (GearsService.inExec(engine) || g.isInternal(c))) {
            c.reply.error(NON_SYNC_NO_BLOCK);
            return;
        }
        Execution e = newHookExecution(r, index, spec, argv);
        if (r.sync()) {
            start(r, e, !GearsService.inExec(engine) && !g.isInternal(c));
            if (e.finished()) {
                writeHookReply(c.reply, e);
                return;
            }
        }
        GearsService.Wait w = g.park(c);
        g.whenDone(e, () -> g.reply(c, w, out -> writeHookReply(out, e)));
        if (!r.sync()) {
            start(r, e);
        }
    }

    private Execution newHookExecution(Registration r, int index, CommandSpec spec, byte[][] argv) {
        r.numTriggered++;
        Execution e = g.createRegistered(r, KIND_HOOK, List.of(argv), true);
        hookCalls.put(e.number, new HookCall(spec, argv[0], index));
        g.whenDone(e, () -> hookCalls.remove(e.number));
        return e;
    }

    private static void writeHookReply(ReplyBuffer out, Execution e) {
        if (!e.errors.isEmpty()) {
            out.error(e.errors.get(0));
        } else if (e.results.size() != 1) {
            out.error("Command hook must return exactly one result");
        } else {
            out.raw(e.results.get(0));
        }
    }

    /**
     * call_next() of hook execution {@code exec}: the next older matching hook (older hooks are sync, the
     * stacking rule makes sure) or the real command, run as Gears' own client so its writes are EFFECT records.
     */
    public Object callNext(long exec, byte[][] args, io.gearlog.engine.Client client, long origin) {
        HookCall hc = hookCalls.get(exec);
        if (hc == null) {
            return new Replies.Error("Can not get CommandHook ctx");
        }
        byte[][] argv = new byte[args.length + 1][];
        argv[0] = hc.name();
        System.arraycopy(args, 0, argv, 1, args.length);
        List<Registration> l = hooks.get(hc.spec().name());
        int j = l == null ? -1 : matchHook(l, Math.min(hc.index(), l.size()) - 1, hc.spec(), argv);
        if (j >= 0) {
            Registration r = l.get(j);
            Execution e = newHookExecution(r, j, hc.spec(), argv);
            // its caller waits for it inline: it may not move to the background
            start(r, e, false);
            if (!e.finished()) {
                return new Replies.Error("the next hook did not finish inline");
            }
            if (!e.errors.isEmpty()) {
                return new Replies.Error(e.errors.get(0));
            }
            if (e.results.size() != 1) {
                return new Replies.Error("Command hook must return exactly one result");
            }
            byte[] b = e.results.get(0);
            return Replies.parse(b, b.length);
        }
        bypassHooks++;
        try {
            return g.executeCommand(client, argv, origin);
        } finally {
            bypassHooks--;
        }
    }

    /** override_reply() of a linked execution: null, or the error Python raises. */
    public String overrideReply(long exec, byte[] resp) {
        Linked ln = linkedByExec.get(exec);
        if (ln == null) {
            return "Can not get command ctx";
        }
        if (ln.override != null) {
            return "Can only override reply once";
        }
        ln.override = resp;
        return null;
    }

    /** get_command() of a linked execution: the intercepted argv, or null. */
    public byte[][] linkedCommand(long exec) {
        Linked ln = linkedByExec.get(exec);
        return ln == null ? null : ln.argv;
    }

    // ---- replay exactness of sync executions inside a command
    //
    // A sync KeysReader execution runs in the middle of the command that fired it, but the command is journaled
    // before it runs and the execution's writes (EFFECT records) after it. When the command changed data after the
    // execution ran (MSET a 1 b 2 with a sync handler on a that writes b), replaying command-then-effects would
    // differ from the live run; so the final state of every key changed during that command (by it or by the
    // executions) is journaled after it as a FIXUP record, which recovery applies over the replayed result.

    private record WindowKey(int db, Key key) {
    }

    /** Keys changed since the outermost command began; tracked only while sync KeysReader registrations exist. */
    private final java.util.LinkedHashSet<WindowKey> window = new java.util.LinkedHashSet<>();
    private boolean windowFired;
    /** Above 0 while any sync execution runs on the engine thread. */
    private int syncDepth;
    private boolean windowNeedsFixup;
    /** Sync registrations (the window is tracked only when there are some). */
    private int syncRegs;

    /** Runs engine-side bookkeeping of sync work (stream reads and acks) without opening a FIXUP. */
    <T> T asEffect(java.util.function.Supplier<T> f) {
        syncDepth++;
        try {
            return f.get();
        } finally {
            syncDepth--;
        }
    }

    /** Engine hook after every outermost command. */
    void commandEnded() {
        if (windowNeedsFixup) {
            journalFixup();
        }
        window.clear();
        windowFired = false;
        windowNeedsFixup = false;
    }

    private void journalFixup() {
        GearsRecord.Writer w = g.record(GearsRecord.FIXUP).i32(window.size());
        long now = engine.engineTime();
        for (WindowKey k : window) {
            RValue v = engine.keyspace().db(k.db()).peek(k.key());
            List<byte[][]> argvs = new ArrayList<>();
            if (v != null && !(v.hasExpire() && v.expireAt() <= now)) {
                v.rewrite(k.key().bytes(), argvs::add);
                if (v.hasExpire()) {
                    argvs.add(new byte[][]{bytes("PEXPIREAT"), k.key().bytes(), bytes(Long.toString(v.expireAt()))});
                }
            }
            w.i32(k.db()).bytes(k.key().bytes()).i32(argvs.size());
            for (byte[][] a : argvs) {
                w.argv(a);
            }
        }
        g.journalRecord(w);
    }

    private void applyFixup(GearsRecord.Reader in) {
        int n = in.i32();
        long now = engine.engineTime();
        for (int i = 0; i < n; i++) {
            int db = in.i32();
            byte[] key = in.bytes();
            int m = in.i32();
            engine.applyArgv(new byte[][]{bytes("DEL"), key}, db, now, 0);
            for (int j = 0; j < m; j++) {
                engine.applyArgv(in.argv(), db, now, 0);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- firing

    @Override
    public void onKeyspaceEvent(int eventClass, String event, int db, byte[] key) {
        if ((keys.isEmpty() && syncRegs == 0 && streamRegs.isEmpty()) || (eventClass & EventClass.NEW) != 0 || engine.replaying()
                || engine.appender() == null) {
            return;
        }
        if (syncRegs > 0 && (eventClass & EventClass.KEY_MISS) == 0) {
            window.add(new WindowKey(db, new Key(key)));
            if (syncDepth == 0 && windowFired) {
                // the command changed data after a sync execution ran inside it: replay order would differ
                windowNeedsFixup = true;
            }
        }
        if (!streamRegs.isEmpty() && event.equals("xadd")) {
            // StreamReader is its own subscriber: it sees writes of sync KeysReader executions too
            for (Registration r : streamRegs.toArray(new Registration[0])) {
                if (!r.removed && r.keyMatches(key) && db == 0) {
                    g.streams().onXadd(r, key);
                }
            }
        }
        if (suppressKeys > 0 || keys.isEmpty()) {
            return;
        }
        String type = null;
        for (Registration r : keys.toArray(new Registration[0])) {
            if (r.removed || !r.keyMatches(key) || !r.eventMatches(event)) {
                continue;
            }
            if (r.commands != null && (linked == null || !r.hooksCommand(linked.name))) {
                // only events of an intercepted command listed in `commands` reach these
                continue;
            }
            if (r.keyTypes != null) {
                if (type == null) {
                    type = typeAt(db, key);
                }
                if (!r.keyTypeMatches(type)) {
                    continue;
                }
            }
            List<byte[]> input = List.of(key, event.getBytes(StandardCharsets.UTF_8));
            if (r.commands != null && (r.sync() || linked.canWait)) {
                fireLinked(r, input, linked);
            } else {
                fire(r, KIND_KEYS, input, false);
            }
        }
    }

    /** A KeysReader execution linked to the intercepted command {@code ln}: it may override its reply. */
    private void fireLinked(Registration r, List<byte[]> input, Linked ln) {
        r.numTriggered++;
        Execution e = g.createRegistered(r, KIND_KEYS_LINKED, input, false);
        linkedByExec.put(e.number, ln);
        // the command's client waits for a background execution, and for a sync one that moved to the background
        boolean[] waits = {!r.sync()};
        if (waits[0]) {
            ln.pending++;
        }
        g.whenDone(e, () -> {
            linkedByExec.remove(e.number);
            if (waits[0] && --ln.pending == 0 && ln.whenIdle != null) {
                ln.whenIdle.run();
            }
        });
        start(r, e, ln.canWait);
        if (!waits[0] && !e.finished()) {
            waits[0] = true;
            ln.pending++;
        }
    }

    private String typeAt(int db, byte[] key) {
        RValue v = engine.keyspace().db(db).peek(new Key(key));
        if (v == null || v.hasExpire() && v.expireAt() <= engine.engineTime()) {
            return "empty";
        }
        return switch (v.type()) {
            case STRING -> "string";
            case HASH -> "hash";
            case LIST -> "list";
            case SET -> "set";
            case ZSET -> "zset";
            case STREAM -> "stream";
            default -> "module";
        };
    }

    /** Creates an execution of {@code r} and runs it (inline when sync). Returns it. */
    Execution fire(Registration r, int kind, List<byte[]> input, boolean dropWhenDone) {
        r.numTriggered++;
        Execution e = g.createRegistered(r, kind, input, dropWhenDone);
        start(r, e);
        return e;
    }

    /** Runs a created execution: inline on the engine thread (sync), else on its session's home worker. */
    void start(Registration r, Execution e) {
        start(r, e, true);
    }

    /**
     * {@code canBlock}: whoever waits for a sync execution may wait longer, so the execution may suspend and go on in
     * the background (runtime.md 9.1). Never inside MULTI/EXEC, nor while another sync execution runs on the engine
     * thread (it waits for this one inline).
     */
    void start(Registration r, Execution e, boolean canBlock) {
        boolean allowAsync = !r.sync() || (canBlock && !GearsService.inExec(engine) && syncDepth == 0
                && !g.python().engineContextBusy());
        Run run = new Run(e, r.session.image(), r.number, e.inputKind, e.input, r.readValue, allowAsync);
        if (r.sync()) {
            if (syncDepth == 0) {
                windowFired = true;
                if (GearsService.inExec(engine)) {
                    // inside EXEC the execution's writes are not journaled: only the fixup carries them
                    windowNeedsFixup = true;
                }
            }
            boolean keysEvent = r.reader == Registration.Reader.KEYS;
            if (keysEvent) {
                suppressKeys++;
            }
            syncDepth++;
            try {
                g.python().runOnEngine(run);
            } finally {
                g.endDeferral(e);
                syncDepth--;
                if (keysEvent) {
                    suppressKeys--;
                }
            }
        } else {
            g.python().runOnWorker(r.session.home, run);
        }
    }

    // ---- execution outcomes (live and replay)

    void created(Execution e) {
        Registration r = e.registration;
        r.unfinished.add(e);
    }

    /** An execution of a registration finished: statistics, and the registration's kept list. */
    void finished(Execution e) {
        Registration r = e.registration;
        r.unfinished.remove(e);
        releaseLingering(r);
        if (e.errors.isEmpty()) {
            r.numSuccess++;
            r.lastError = null;
        } else {
            r.numFailures++;
            r.lastError = e.errors.get(0);
        }
        r.lastRunMillis = e.totalMillis;
        r.totalRunMillis += e.totalMillis;
        keep(r, e);
    }

    void aborted(Execution e) {
        Registration r = e.registration;
        r.unfinished.remove(e);
        releaseLingering(r);
        r.numAborted++;
        keep(r, e);
    }

    private void keep(Registration r, Execution e) {
        if (e.dropWhenDone) {
            return;
        }
        r.kept.add(e);
        if (engine.replaying()) {
            return;
        }
        if (r.removed) {
            dropKeptWhenIdle(r);
            return;
        }
        long cap = g.config().maxExecutionsPerRegistration;
        if (cap > 0 && r.kept.size() > cap) {
            Execution old = r.kept.poll();
            if (old != null && g.executions().get(old.number) == old) {
                g.drop(old);
            }
        }
    }

    void dropped(Execution e) {
        if (e.registration != null) {
            e.registration.kept.remove(e);
        }
    }

    // ---- journal records (recovery, snapshots): data only, no Python

    void apply(GearsRecord.Reader in) {
        switch (in.subType) {
            case GearsRecord.SESSION -> {
                String id = in.str();
                String desc = in.str();
                long serial = in.i64();
                long time = in.i64();
                long seed = in.i64();
                int home = in.i32();
                byte[] code = in.bytes();
                Session old = sessions.get(id);
                if (old != null) {
                    old.linked = false;
                }
                sessionSerial = Math.max(sessionSerial, serial);
                sessions.put(id, new Session(id, desc, code, time, seed, serial, home));
            }
            case GearsRecord.REGISTER -> {
                long number = in.i64();
                String sid = in.str();
                in.i64();
                String reader = in.str();
                String mode = in.str();
                String desc = in.str();
                int flags = in.i8();
                int ordinal = in.i32();
                byte[] pickled = in.bytes();
                int n = in.i32();
                List<Execution.Step> steps = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    steps.add(new Execution.Step(in.str(), in.str(), in.str()));
                }
                List<Object> args = new ArrayList<>();
                switch (reader) {
                    case "KeysReader" -> {
                        args.add(in.str());
                        args.add(in.strsOrNull());
                        args.add(in.strsOrNull());
                        args.add(in.i8() != 0);
                        args.add(in.strsOrNull());
                    }
                    case "StreamReader" -> {
                        args.add(in.str());
                        args.add(in.i64());
                        args.add(in.i64());
                        args.add(in.str());
                        args.add(in.i64());
                        args.add(in.i8() != 0);
                    }
                    default -> {
                        args.add(in.str());
                        args.add(in.str());
                        args.add(in.str());
                        args.add(in.i8() != 0);
                    }
                }
                Session s = sessions.get(sid);
                if (s == null) {
                    ServerLog.warning("GEARS record registers " + ExecutionIds.format(number) + " for unknown session " + sid);
                    return;
                }
                newRegistration(s, new Spec(number, ordinal, reader, mode, desc, (flags & 1) != 0, steps, args,
                        pickled.length == 0 ? null : pickled));
            }
            case GearsRecord.UNREGISTER -> {
                Registration r = all.get(in.i64());
                if (r != null) {
                    remove(r);
                    for (Execution e : new ArrayList<>(r.kept)) {
                        g.executions().remove(e);
                    }
                    r.kept.clear();
                }
            }
            case GearsRecord.REG_STATUS -> {
                Registration r = all.get(in.i64());
                String status = in.str();
                if (r != null) {
                    r.status = status;
                }
            }
            case GearsRecord.FIXUP -> applyFixup(in);
            case GearsRecord.REG_LAG -> {
                Registration r = all.get(in.i64());
                long last = in.i64();
                long total = in.i64();
                if (r != null) {
                    r.lastLagMillis = last;
                    r.totalLagMillis = total;
                }
            }
            case GearsRecord.CLEAR_STATS -> {
                for (Registration r : all.values()) {
                    r.clearStats();
                }
            }
            case GearsRecord.REG_STATS -> {
                Registration r = all.get(in.i64());
                long[] v = new long[8];
                for (int i = 0; i < v.length; i++) {
                    v[i] = in.i64();
                }
                String lastError = in.str();
                if (r != null) {
                    r.numTriggered = v[0];
                    r.numSuccess = v[1];
                    r.numFailures = v[2];
                    r.numAborted = v[3];
                    r.lastRunMillis = v[4];
                    r.totalRunMillis = v[5];
                    r.lastLagMillis = v[6];
                    r.totalLagMillis = v[7];
                    r.lastError = lastError;
                }
            }
            default -> {
            }
        }
    }

    /** Sessions and registrations as GEARS payloads (before the executions in a snapshot). */
    void snapshotRecords(List<byte[]> out) {
        for (Session s : sessions.values()) {
            out.add(g.record(GearsRecord.SESSION).str(s.id).str(s.description).i64(s.serial).i64(s.scriptTime)
                    .i64(s.scriptSeed).i32(s.home).bytes(s.code).build());
        }
        // in registration order: KeysReader registrations fire in that order, and RG.DUMPREGISTRATIONS lists it
        for (Registration r : all.values()) {
            out.add(registerRecord(r).build());
            if (!Registration.OK.equals(r.status)) {
                out.add(g.record(GearsRecord.REG_STATUS).i64(r.number).str(r.status).build());
            }
        }
    }

    /** Statistics as they are (after the executions in a snapshot, which count themselves while applied). */
    void snapshotStats(List<byte[]> out) {
        for (Registration r : all.values()) {
            out.add(g.record(GearsRecord.REG_STATS).i64(r.number).i64(r.numTriggered).i64(r.numSuccess)
                    .i64(r.numFailures).i64(r.numAborted).i64(r.lastRunMillis).i64(r.totalRunMillis)
                    .i64(r.lastLagMillis).i64(r.totalLagMillis).str(r.lastError).build());
        }
    }

    // ---- rendering

    /** One RG.DUMPREGISTRATIONS entry; without the PD pair for RG.PYDUMPSESSIONS VERBOSE. */
    void writeEntry(ReplyBuffer out, Registration r, boolean withSession) {
        out.array(withSession ? 12 : 10);
        out.bulk("id");
        out.bulk(r.id);
        out.bulk("reader");
        out.bulk(r.reader.text);
        out.bulk("desc");
        if (r.desc == null) {
            out.nullBulk();
        } else {
            out.bulk(r.desc);
        }
        out.bulk("RegistrationData");
        writeData(out, r);
        if (withSession) {
            out.bulk("PD");
            out.bulk(pd(r.session));
        }
        out.bulk("ExecutionThreadPool");
        out.bulk("DefaultPool");
    }

    private void writeData(ReplyBuffer out, Registration r) {
        boolean stream = r.reader == Registration.Reader.STREAM;
        out.array(stream ? 26 : 20);
        out.bulk("mode");
        out.bulk(r.mode.text);
        out.bulk("numTriggered");
        out.integer(r.numTriggered);
        out.bulk("numSuccess");
        out.integer(r.numSuccess);
        out.bulk("numFailures");
        out.integer(r.numFailures);
        out.bulk("numAborted");
        out.integer(r.numAborted);
        out.bulk("lastRunDurationMS");
        out.integer(r.lastRunMillis);
        out.bulk("totalRunDurationMS");
        out.integer(r.totalRunMillis);
        out.bulk("avgRunDurationMS");
        out.bulk(g17(r.avgRunMillis()));
        if (stream) {
            out.bulk("lastEstimatedLagMS");
            out.integer(r.lastLagMillis);
            out.bulk("avgEstimatedLagMS");
            out.bulk(g17(r.avgLagMillis()));
        }
        out.bulk("lastError");
        if (r.lastError == null) {
            out.nullBulk();
        } else {
            out.bulk(r.lastError);
        }
        out.bulk("args");
        switch (r.reader) {
            case KEYS -> {
                out.array(8);
                out.bulk("regex");
                out.bulk(r.prefix);
                out.bulk("eventTypes");
                strings(out, r.eventTypes);
                out.bulk("keyTypes");
                strings(out, r.keyTypes);
                out.bulk("hookCommands");
                strings(out, r.commands);
            }
            case STREAM -> {
                out.array(12);
                out.bulk("batchSize");
                out.integer(r.batch);
                out.bulk("durationMS");
                out.integer(r.durationMs);
                out.bulk("stream");
                out.bulk(r.prefix);
                out.bulk("trimStream");
                out.integer(r.trimStream ? 1 : 0);
                out.bulk("onFailedPolicy");
                out.bulk(r.onFailedPolicy);
                out.bulk("retryInterval");
                out.integer(r.retryIntervalSec);
            }
            case COMMAND -> {
                out.array(4);
                out.bulk("trigger");
                out.bulk(r.trigger != null ? r.trigger : r.hook);
                out.bulk("inorder");
                out.integer(r.inorder ? 1 : 0);
            }
        }
        if (stream) {
            out.bulk("status");
            out.bulk(r.status);
        }
    }

    /** C's {@code %.17g}, as RedisModule_ReplyWithDouble formats a double in Redis 7.0. */
    static String g17(double d) {
        if (d == 0) {
            return "0";
        }
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        java.math.BigDecimal b = new java.math.BigDecimal(d).round(new java.math.MathContext(17));
        int exp = b.precision() - b.scale() - 1;
        if (exp < -4 || exp >= 17) {
            String digits = b.unscaledValue().abs().toString().replaceAll("0+$", "");
            String mant = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            return (d < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        String s = b.toPlainString();
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s;
    }

    private static void strings(ReplyBuffer out, List<String> l) {
        if (l == null) {
            out.nullBulk();
            return;
        }
        out.array(l.size());
        for (String s : l) {
            out.bulk(s);
        }
    }

    /** Live references to a session: its registrations and its executions that have not finished. */
    int refCount(Session s) {
        int n = s.registrations.size();
        for (Registration r : s.registrations) {
            n += r.unfinished.size();
        }
        for (Registration r : s.lingering) {
            n += r.unfinished.size();
        }
        return n;
    }

    /** The PD string of RG.DUMPREGISTRATIONS (spec commands.md). */
    String pd(Session s) {
        StringBuilder sb = new StringBuilder("{'sessionName':'").append(s.id).append("', 'sessionDescription':'")
                .append(s.description == null ? "null" : s.description).append("', 'refCount': ").append(refCount(s))
                .append(", 'linkedTo': ").append(s.linked ? "primary" : "None").append(", 'dead': ")
                .append(s.linked ? "false" : "true").append(", 'isInstallationNeeded':0, 'registrationsList':[");
        for (int i = 0; i < s.registrations.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('\'').append(s.registrations.get(i).id).append('\'');
        }
        return sb.append("], 'depsList':[]}").toString();
    }

    /** An RG.PYDUMPSESSIONS entry. */
    void writeSession(ReplyBuffer out, Session s, boolean verbose) {
        out.array(16);
        out.bulk("ID");
        out.bulk(s.id);
        out.bulk("sessionDescription");
        if (s.description == null) {
            out.nullBulk();
        } else {
            out.bulk(s.description);
        }
        out.bulk("refCount");
        out.integer(refCount(s));
        out.bulk("linked");
        out.bulk(s.linked ? "primary" : "None");
        out.bulk("dead");
        out.bulk(s.linked ? "false" : "true");
        out.bulk("requirementInstallationNeeded");
        out.integer(0);
        out.bulk("requirements");
        out.array(0);
        out.bulk("registrations");
        out.array(s.registrations.size() + s.lingering.size());
        for (Registration r : s.registrations) {
            if (verbose) {
                writeEntry(out, r, false);
            } else {
                out.bulk(r.id);
            }
        }
        for (Registration r : s.lingering) {
            // removed: a VERBOSE entry of a vanished registration is its id (commands.md)
            out.bulk(r.id);
        }
    }

    /** Every registration, in registration order. */
    public List<Registration> list() {
        return new ArrayList<>(all.values());
    }
}
