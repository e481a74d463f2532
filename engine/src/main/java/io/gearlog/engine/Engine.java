package io.gearlog.engine;

import io.gearlog.engine.command.CommandFlags;
import io.gearlog.engine.command.CommandSpec;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.commands.Commands;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.engine.keyspace.BatchTouch;
import io.gearlog.engine.keyspace.Database;
import io.gearlog.engine.keyspace.HashValue;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.KeyModificationListener;
import io.gearlog.engine.keyspace.Keyspace;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.keyspace.SetValue;
import io.gearlog.engine.keyspace.ZSetValue;
import io.gearlog.journal.FsyncPolicy;
import io.gearlog.journal.JournalAppender;
import io.gearlog.journal.JournalRecord;
import io.gearlog.journal.JournalSyncer;
import io.gearlog.journal.RecordType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The single writer: one thread owns the keyspace, the clients' server-side state and the journal appender.
 * Network threads hand it commands through {@link #submit}; it journals each state-changing command before
 * applying it, applies it with the record's time, and hands the replies back to the clients' outbounds.
 */
public final class Engine {
    private static final int DRAIN_LIMIT = 4096;
    /** How often timers are looked at when the engine runs on an event loop. */
    private static final long TICK_MILLIS = 5;

    private sealed interface Message permits Connect, Commands_, Disconnect, Task {
    }

    private record Connect(Client client) implements Message {
    }

    private record Commands_(Client client, List<byte[][]> argvs, String protocolError) implements Message {
    }

    private record Disconnect(Client client) implements Message {
    }

    private record Task(Runnable runnable) implements Message {
    }

    /** A periodic job run on the engine thread. */
    private static final class Timer {
        final long periodMillis;
        final Runnable job;
        long next;

        Timer(long periodMillis, Runnable job) {
            this.periodMillis = periodMillis;
            this.job = job;
        }
    }

    private final ServerConfig config;
    private final Keyspace keyspace;
    private final CommandTable commands = new CommandTable();
    private final EngineClock clock;
    private final ServerStats stats = new ServerStats();
    private final PubSub pubsub;
    private final WatchedKeys watchedKeys = new WatchedKeys();
    private final BlockedClients blocked = new BlockedClients();
    private final Map<Long, Client> clients = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Message> inbox = new ConcurrentLinkedQueue<>();
    private final List<Client> dirty = new ArrayList<>();
    private final List<Timer> timers = new ArrayList<>();
    private final AtomicInteger repliesAtSyncer = new AtomicInteger();
    private final Client replayClient;
    private final Map<String, Object> services = new LinkedHashMap<>();
    private final SlowLog slowLog = new SlowLog();
    private final List<Runnable> stopHooks = new ArrayList<>();

    private JournalAppender appender;
    private JournalSyncer syncer;
    private String appendFailure;
    private Thread thread;
    /** The network event loop the engine runs on, or null when it has a thread of its own. */
    private ScheduledExecutorService loop;
    private ScheduledFuture<?> ticker;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainInbox = this::drainInbox;
    /** Event loop: the engine is at work on the loop's thread, so network callbacks must not enter it again. */
    private boolean inLoopTurn;
    private volatile boolean running;
    private volatile boolean parked;
    private boolean replaying;
    private int journalSuppressed;
    private int execDepth;
    private long readSeed;
    private long lastNow;
    private Runnable shutdownHandler = () -> {
    };
    private volatile long lastAppliedIndex = -1;

    public Engine(ServerConfig config, EngineClock clock) {
        this.config = config;
        this.clock = clock;
        this.keyspace = new Keyspace(config.databases);
        this.pubsub = new PubSub(this);
        keyspace.events().addListener(pubsub);
        keyspace.modificationListener(new KeyModificationListener() {
            @Override
            public void keyModified(Database db, Key key) {
                watchedKeys.touched(db, key);
                blocked.signal(db, key);
            }

            @Override
            public void databaseModified(Database db) {
                watchedKeys.touchedAll(db);
                blocked.signalAll(db);
            }
        });
        Commands.registerAll(commands);
        replayClient = new Client(0, ClientOutbound.DISCARD);
        replayClient.authenticated = true;
        replayClient.replaying = true;
        addTimer(100, this::activeExpiry);
        addTimer(100, this::checkBlockedTimeouts);
    }

    // ---- wiring (before start) ----

    /** Attaches the journal; without one (a replica of state built offline) nothing is journaled. */
    public void journal(JournalAppender appender, JournalSyncer syncer) {
        this.appender = appender;
        this.syncer = syncer;
    }

    public JournalAppender appender() {
        return appender;
    }

    public JournalSyncer syncer() {
        return syncer;
    }

    public void onShutdownRequest(Runnable handler) {
        this.shutdownHandler = handler;
    }

    public void addTimer(long periodMillis, Runnable job) {
        timers.add(new Timer(periodMillis, job));
    }

    /** Registers a named engine-side service (gears runtime, snapshot scheduler) for command families. */
    public void service(String name, Object service) {
        services.put(name, service);
    }

    @SuppressWarnings("unchecked")
    public <T> T service(String name) {
        return (T) services.get(name);
    }

    public CommandTable commands() {
        return commands;
    }

    public ServerConfig config() {
        return config;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    public ServerStats stats() {
        return stats;
    }

    public PubSub pubsub() {
        return pubsub;
    }

    public EngineClock clock() {
        return clock;
    }

    public Map<Long, Client> clients() {
        return clients;
    }

    public BlockedClients blockedClients() {
        return blocked;
    }

    public boolean replaying() {
        return replaying;
    }

    /** Index of the last journal record applied or appended. */
    public long lastAppliedIndex() {
        return lastAppliedIndex;
    }

    public void lastAppliedIndex(long index) {
        lastAppliedIndex = index;
    }

    /** The engine's time: the latest time a command or record was applied with (engine thread). */
    public long engineTime() {
        return lastNow;
    }

    /** True while the commands of a MULTI/EXEC block are running (engine thread). */
    public boolean inTransaction() {
        return journalSuppressed > 0;
    }

    // ---- thread ----

    public void start() {
        running = true;
        stats.startTime = clock.currentTimeMillis();
        thread = new Thread(this::run, "gearlog-engine");
        thread.start();
    }

    /**
     * Starts the engine on the thread of a network event loop instead of a thread of its own: the connections of
     * that loop hand their commands over by a direct call, with no queue and no wake-up between network and
     * engine. Other threads (Python workers, the journal syncer, other loops) still go through the inbox, which the
     * loop drains as one of its tasks.
     */
    public void startOn(ScheduledExecutorService eventLoop) throws InterruptedException, ExecutionException {
        running = true;
        stats.startTime = clock.currentTimeMillis();
        CompletableFuture<Thread> t = new CompletableFuture<>();
        eventLoop.execute(() -> t.complete(Thread.currentThread()));
        thread = t.get();
        loop = eventLoop;
        ticker = eventLoop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** True when a connection's callback runs on the engine's own thread (the engine shares its event loop). */
    public boolean sharesThread() {
        return loop != null && Thread.currentThread() == thread;
    }

    /** Event loop: the inbox, up to a limit per turn so the loop keeps serving its connections. */
    private void drainInbox() {
        drainScheduled.set(false);
        if (!running) {
            return;
        }
        boolean outer = !inLoopTurn;
        inLoopTurn = true;
        try {
            int work = 0;
            Message m;
            while (work < DRAIN_LIMIT && (m = inbox.poll()) != null) {
                handle(m);
                work++;
            }
            flush();
        } finally {
            if (outer) {
                inLoopTurn = false;
            }
        }
        if (!inbox.isEmpty()) {
            scheduleDrain();
        }
    }

    private void scheduleDrain() {
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainInbox);
        }
    }

    private void tick() {
        if (!running || inLoopTurn) {
            return;
        }
        inLoopTurn = true;
        try {
            runTimers();
            flush();
        } finally {
            inLoopTurn = false;
        }
    }

    public void stop() {
        running = false;
        if (loop != null) {
            ticker.cancel(false);
            try {
                // the loop's last turn for the engine: what is still queued is answered, as the own thread does
                loop.submit(() -> {
                    Message m;
                    while ((m = inbox.poll()) != null) {
                        handle(m);
                    }
                    flush();
                    flushDurable();
                }).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                ServerLog.warning("engine did not stop cleanly on its event loop: " + e);
            }
            for (Runnable r : stopHooks) {
                r.run();
            }
            return;
        }
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Runnable r : stopHooks) {
            r.run();
        }
    }

    /** Runs {@code r} after the engine thread stopped (services with threads of their own, e.g. Python workers). */
    public void onStop(Runnable r) {
        stopHooks.add(r);
    }

    public boolean isEngineThread() {
        return Thread.currentThread() == thread;
    }

    private void submit(Message m) {
        inbox.offer(m);
        if (loop != null) {
            scheduleDrain();
        } else if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Handles {@code m} at once when the caller is the engine's event loop, else queues it. */
    private boolean deliver(Message m) {
        // a network callback fired from inside the engine's own work (a failed write closing a channel) is queued
        if (sharesThread() && !inLoopTurn) {
            if (!running) {
                return true;
            }
            inLoopTurn = true;
            try {
                // what other threads queued earlier (a task that unblocks this client, say) goes first
                if (!inbox.isEmpty()) {
                    drainInbox();
                }
                handle(m);
                if (!repliesScheduled) {
                    repliesScheduled = true;
                    try {
                        loop.execute(turnReplies);
                    } catch (RejectedExecutionException e) {
                        // the loop is shutting down and runs no more tasks: send them now
                        repliesScheduled = false;
                        flush();
                    }
                }
            } finally {
                inLoopTurn = false;
            }
            return true;
        }
        submit(m);
        return false;
    }

    /** Event loop: replies go out once the loop has read every ready connection of its turn (see turnReplies). */
    private boolean repliesScheduled;
    /**
     * Sends the replies of a loop turn together, after its reads, as redis-server does before it sleeps: a client
     * woken by its reply then often finds others' replies too, and the sends of a turn follow each other while the
     * client is still awake (waking a sleeping one is the dearest part of a send on a virtual machine).
     */
    private final Runnable turnReplies = () -> {
        repliesScheduled = false;
        boolean outer = !inLoopTurn;
        inLoopTurn = true;
        try {
            flush();
        } finally {
            if (outer) {
                inLoopTurn = false;
            }
        }
    };

    public void connect(Client c) {
        deliver(new Connect(c));
    }

    /**
     * Hands a client's decoded commands to the engine; {@code protocolError} ends the connection after them.
     * Returns true when they were handled before returning (the caller may reuse the list), false when queued.
     */
    public boolean commands(Client c, List<byte[][]> argvs, String protocolError) {
        return deliver(new Commands_(c, argvs, protocolError));
    }

    public void disconnect(Client c) {
        deliver(new Disconnect(c));
    }

    /** Runs {@code r} on the engine thread. */
    public void execute(Runnable r) {
        submit(new Task(r));
    }

    /** Runs {@code f} on the engine thread and completes the future with its result. */
    public <T> CompletableFuture<T> call(Function<Engine, T> f) {
        CompletableFuture<T> cf = new CompletableFuture<>();
        execute(() -> {
            try {
                cf.complete(f.apply(this));
            } catch (Throwable t) {
                cf.completeExceptionally(t);
            }
        });
        return cf;
    }

    private void run() {
        int idle = 0;
        while (running) {
            int work = 0;
            Message m;
            while (work < DRAIN_LIMIT && (m = inbox.poll()) != null) {
                handle(m);
                work++;
            }
            work += runTimers();
            flush();
            if (work > 0) {
                idle = 0;
                continue;
            }
            if (++idle < 50) {
                Thread.onSpinWait();
                continue;
            }
            parked = true;
            if (inbox.isEmpty() && running) {
                LockSupport.parkNanos(10_000_000L);
            }
            parked = false;
        }
        flush();
    }

    private long now() {
        long t = clock.currentTimeMillis();
        if (t < lastNow) {
            t = lastNow;
        }
        lastNow = t;
        return t;
    }

    private int runTimers() {
        if (timers.isEmpty()) {
            return 0;
        }
        long t = now();
        int n = 0;
        for (Timer timer : timers) {
            if (t >= timer.next) {
                timer.next = t + timer.periodMillis;
                try {
                    timer.job.run();
                } catch (RuntimeException e) {
                    ServerLog.warning("engine timer failed: " + e);
                }
                n++;
            }
        }
        return n == 0 ? 0 : (blocked.hasReady() ? 1 : 0);
    }

    private void handle(Message m) {
        switch (m) {
            case Connect c -> {
                Client cl = c.client();
                cl.createdAt = now();
                cl.lastInteraction = cl.createdAt;
                cl.registered = true;
                cl.authenticated = config.requirepass.isEmpty();
                cl.authHint = cl.authenticated;
                clients.put(cl.id, cl);
                stats.connectionsReceived++;
            }
            case Commands_ cm -> {
                Client cl = cm.client();
                if (!cl.registered) {
                    return;
                }
                // one wall-clock reading per batch; each command then reads only the monotonic clock, once
                batchClock = clock == EngineClock.SYSTEM;
                if (batchClock) {
                    batchMillis = clock.currentTimeMillis();
                    batchNanos = System.nanoTime();
                    lastNanos = batchNanos;
                    untimedFast = 0;
                    if (appender != null) {
                        appender.holdClock(batchMillis);
                    }
                }
                groupCloseFailed = false;
                try {
                    if (appender != null && cm.argvs().size() > 1) {
                        appender.beginGroup();
                    }
                    if (BatchTouch.worthIt(cm.argvs())) {
                        touchKeys(cl, cm.argvs());
                    }
                    List<byte[][]> argvs = cm.argvs();
                    for (int i = 0, n = argvs.size(); i < n; i++) {
                        commandsAfter = n - 1 - i;
                        process(cl, argvs.get(i));
                    }
                } finally {
                    if (appender != null) {
                        endJournalGroup();
                    }
                    if (groupCloseFailed) {
                        // some of the batch's records may not have reached the journal, and nothing of it may be
                        // acknowledged then, whatever the fsync policy: its client gets no reply and is disconnected
                        // (Redis exits instead)
                        cl.reply.clear();
                        cl.closing = true;
                        markDirty(cl);
                    }
                    if (batchClock && appender != null) {
                        appender.releaseClock();
                    }
                    batchClock = false;
                    commandsAfter = 0;
                }
                cl.outbound.processed(cm.argvs().size());
                if (cm.protocolError() != null) {
                    if (cl.blocked != null || !cl.pending.isEmpty()) {
                        cl.pending.add(null);
                    } else {
                        cl.reply.error("ERR Protocol error: " + cm.protocolError());
                        cl.closing = true;
                        markDirty(cl);
                    }
                }
            }
            case Disconnect d -> removeClient(d.client());
            case Task t -> t.runnable().run();
        }
    }

    void removeClient(Client c) {
        if (!c.registered) {
            return;
        }
        c.registered = false;
        clients.remove(c.id);
        pubsub.removeClient(c);
        watchedKeys.unwatchAll(c);
        blocked.unblock(c);
        c.pending.clear();
        c.closing = true;
    }

    // ---- command path ----

    /** Processes one command from a client, queueing it if the client is blocked. */
    public void process(Client c, byte[][] argv) {
        if (c.closing) {
            return;
        }
        if (c.blocked != null || !c.pending.isEmpty()) {
            c.pending.add(argv);
            return;
        }
        processDepth++;
        try {
            long now;
            if (batchClock && processDepth == 1) {
                now = Math.max(lastNow, batchMillis + (lastNanos - batchNanos) / 1_000_000L);
                lastNow = now;
                commandStartTaken = false;
            } else {
                now = now();
            }
            dispatch(c, argv, now);
            if (blocked.hasReady()) {
                serveReadyKeys();
            }
        } finally {
            processDepth--;
        }
        if (processDepth == 0 && commandEndHook != null && !replaying) {
            commandEndHook.run();
        }
    }

    /** True while a client's batch runs on {@link #batchMillis} plus the monotonic clock (the system clock only). */
    private boolean batchClock;
    private long batchMillis;
    private long batchNanos;
    /** The latest monotonic reading in the batch: the end of the previous command. */
    private long lastNanos;
    /** The outermost command of this {@link #process} already used {@link #lastNanos} as its start. */
    private boolean commandStartTaken;
    /** Commands of the current batch after the one running (outermost ones only). */
    private int commandsAfter;
    /** Fast commands run since the clock was last read in this batch; every {@link #UNTIMED_FAST_MAX}th reads it. */
    private int untimedFast;
    private static final int UNTIMED_FAST_MAX = 32;

    /** Nesting of {@link #process}: above 1 while a command runs another one (gears' execute()). */
    private int processDepth;
    private Runnable commandEndHook;

    /** Runs {@code hook} after every outermost command (not while replaying); the gears layer closes its windows. */
    public void onCommandEnd(Runnable hook) {
        commandEndHook = hook;
    }

    private final BatchTouch batchTouch = new BatchTouch();

    /** Reads ahead what a pipelined batch's commands will look up first, so its cache misses overlap. */
    private void touchKeys(Client c, List<byte[][]> argvs) {
        batchTouch.touch(keyspace.db(c.db), argvs);
    }

    private void dispatch(Client c, byte[][] argv, long now) {
        stats.commandsProcessed++;
        c.lastInteraction = now;
        markDirty(c);
        if (argv.length == 0) {
            return;
        }
        CommandSpec spec = commands.lookup(argv[0]);
        if (spec == null) {
            rejectQueued(c);
            c.reply.error(unknownCommand(argv));
            stats.totalErrorReplies++;
            return;
        }
        c.lastCommand = spec.name();
        // Redis' order: existence, arity, subcommand, then authentication
        if (!spec.arityOk(argv.length)) {
            reject(c, spec, Errors.wrongArity(spec.name()));
            return;
        }
        if (argv.length > 1 && commands.hasSubcommands(spec)) {
            CommandTable.Subcommand sub = commands.subcommand(spec, argv[1]);
            if (sub == null) {
                reject(c, spec, Errors.unknownSubcommand(new String(argv[1], StandardCharsets.UTF_8), spec.name()));
                return;
            }
            c.lastCommand = sub.fullName();
            if (!sub.arityOk(argv.length)) {
                reject(c, spec, Errors.wrongArity(sub.fullName()));
                return;
            }
        }
        if (!c.authenticated && !spec.has(CommandFlags.NO_AUTH)) {
            reject(c, spec, Errors.NOAUTH);
            return;
        }
        if (c.inPubSub() && c.protocol() == 2 && !spec.has(CommandFlags.PUBSUB_CONTEXT)) {
            reject(c, spec, "ERR Can't execute '" + c.lastCommand + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
                    + "PING / QUIT / RESET are allowed in this context");
            return;
        }
        if (c.inMulti && !spec.has(CommandFlags.NO_MULTI)) {
            if (spec.has(CommandFlags.DENY_IN_MULTI)) {
                rejectQueued(c);
                c.reply.error("ERR Command not allowed inside a transaction");
                return;
            }
            c.queued.add(argv);
            c.reply.simple("QUEUED");
            return;
        }
        run(c, spec, argv, now, -1);
    }

    private static void rejectQueued(Client c) {
        if (c.inMulti) {
            c.multiError = true;
        }
    }

    /**
     * Refuses a command before it runs (auth, arity, subcommand): flags an open MULTI, and a refused EXEC discards
     * the transaction with "EXECABORT Transaction discarded because of: ..." as Redis does.
     */
    private void reject(Client c, CommandSpec spec, String error) {
        rejectQueued(c);
        stats.totalErrorReplies++;
        if (spec.name().equals("exec")) {
            c.inMulti = false;
            c.multiError = false;
            c.queued.clear();
            watchedKeys.unwatchAll(c);
            String why = error.startsWith("ERR ") ? error.substring(4) : error;
            c.reply.error("EXECABORT Transaction discarded because of: " + why);
            return;
        }
        c.reply.error(error);
    }

    private static String unknownCommand(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            String a = new String(argv[i], StandardCharsets.UTF_8);
            int room = 128 - args.length();
            args.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
        }
        String name = new String(argv[0], StandardCharsets.UTF_8);
        if (name.length() > 128) {
            name = name.substring(0, 128);
        }
        return "ERR unknown command '" + name + "', with args beginning with: " + args;
    }

    /**
     * Runs a command that passed the checks. Writes are journaled first unless journaling is suppressed (inside
     * EXEC, during replay) or the command journals itself. {@code seed} is the record index during replay.
     */
    void run(Client c, CommandSpec spec, byte[][] argv, long now, long seed) {
        // a live command an extension intercepts (gears hooks) is handled there, before it is journaled
        if (interceptor != null && !replaying && !c.replaying && interceptor.wants(spec)
                && interceptor.intercept(c, spec, argv, () -> runCommand(c, spec, argv, now, seed))) {
            return;
        }
        runCommand(c, spec, argv, now, seed);
    }

    /** Intercepts live commands before they are journaled and run (gears command hooks). */
    public interface CommandInterceptor {
        /** Cheap test: may {@link #intercept} want this command? */
        boolean wants(CommandSpec spec);

        /**
         * Handles the command instead of the engine (true), or lets it run (false). {@code proceed} runs it the
         * normal way (journaled and executed) for an interceptor that wraps it.
         */
        boolean intercept(Client c, CommandSpec spec, byte[][] argv, Runnable proceed);
    }

    private CommandInterceptor interceptor;

    public void interceptor(CommandInterceptor i) {
        interceptor = i;
    }

    /** True when none of the command's keys has an entry in the key table (logically expired ones count as entries). */
    private boolean noKeyStored(CommandSpec spec, byte[][] argv, int db) {
        int first = spec.firstKey();
        int last = spec.lastKey() < 0 ? argv.length + spec.lastKey() : spec.lastKey();
        if (first <= 0 || first >= argv.length || spec.step() <= 0) {
            return false;
        }
        Database d = keyspace.db(db);
        for (int i = first; i <= last && i < argv.length; i += spec.step()) {
            if (d.peek(new Key(argv[i])) != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a write to the set, hash or sorted set at argv[1] finds it already as it would leave it: holding every
     * member (or field) it names ({@code all}) or none of them, which a missing key does too. A value with a TTL is
     * not judged (the command may find it expired). A value of another type makes the command fail with WRONGTYPE,
     * which changes nothing either.
     */
    private boolean collectionUnchanged(byte[][] argv, int db, boolean all) {
        if (argv.length < 3) {
            return false;
        }
        RValue v = keyspace.db(db).peek(new Key(argv[1]));
        if (v == null) {
            return !all;
        }
        if (v.hasExpire()) {
            return false;
        }
        for (int i = 2; i < argv.length; i++) {
            boolean held;
            if (v instanceof SetValue set) {
                held = set.contains(argv[i]);
            } else if (v instanceof HashValue hash) {
                held = hash.contains(argv[i]);
            } else if (v instanceof ZSetValue zset) {
                held = !Double.isNaN(zset.score(argv[i]));
            } else {
                return false;
            }
            if (held != all) {
                return false;
            }
        }
        return true;
    }

    /** A write that would change nothing is not journaled, as Redis does not propagate it to the AOF. */
    private boolean changesNothing(CommandSpec spec, byte[][] argv, int db) {
        return spec.has(CommandFlags.NOOP_ON_MISSING_KEY) && noKeyStored(spec, argv, db)
                || spec.has(CommandFlags.NOOP_WHEN_ALL_MEMBERS_PRESENT) && collectionUnchanged(argv, db, true)
                || spec.has(CommandFlags.NOOP_WHEN_NO_MEMBER_PRESENT) && collectionUnchanged(argv, db, false);
    }

    private void runCommand(Client c, CommandSpec spec, byte[][] argv, long now, long seed) {
        if (seed < 0) {
            boolean write = spec.has(CommandFlags.WRITE) && !spec.has(CommandFlags.SELF_JOURNALED) && shouldJournal();
            if (write) {
                String refusal = writeRefusal();
                if (refusal != null) {
                    c.reply.error(refusal);
                    stats.totalErrorReplies++;
                    return;
                }
            }
            // a write that changes nothing (it finds none of its keys, or a collection as it would leave it) would
            // replay as nothing (an entry that is only logically expired is still journaled: the command deletes it)
            if (write && !changesNothing(spec, argv, c.db)) {
                long idx = journalArgv(c.journalType, now, c.journalOrigin, c.db, argv);
                if (idx < 0) {
                    c.reply.error(appendError(idx));
                    stats.totalErrorReplies++;
                    return;
                }
                seed = idx;
            } else {
                seed = (++readSeed) ^ (now << 20);
            }
        }
        // one context per client, refilled for each of its commands (the handler call is megamorphic, so escape
        // analysis cannot remove a new one); a command run inside another (EXEC, a gears hook's call_next) gets its own
        CommandContext ctx = c.idleContext;
        if (ctx != null && ctx.engine() == this) {
            c.idleContext = null;
            ctx.reuse(argv, now, seed);
        } else {
            ctx = new CommandContext(this, c, argv, now, seed);
        }
        int mark = c.reply.length();
        long started;
        if (replaying) {
            started = 0;
        } else if (batchClock && !commandStartTaken) {
            // the previous command's end (or the batch's start) is this one's start
            started = lastNanos;
            commandStartTaken = true;
        } else {
            started = System.nanoTime();
        }
        try {
            spec.handler().execute(ctx);
        } catch (CommandError e) {
            c.reply.truncate(mark);
            c.reply.error(e.getMessage());
            stats.totalErrorReplies++;
        } catch (RuntimeException | StackOverflowError e) {
            c.reply.truncate(mark);
            c.reply.error("ERR internal error in '" + spec.name() + "': " + e);
            stats.totalErrorReplies++;
            ServerLog.warning("internal error in " + spec.name() + ": " + e);
        } finally {
            // a stale reference to the context fails at once rather than reading a later command's arguments
            ctx.reuse(null, 0, 0);
            c.idleContext = ctx;
        }
        // the threshold as it is after the command: CONFIG SET slowlog-log-slower-than is judged by its new value
        long threshold = config.slowlogLogSlowerThan;
        if (batchClock && threshold != 0 && processDepth == 1 && commandsAfter > 0 && spec.has(CommandFlags.FAST)
                && ++untimedFast < UNTIMED_FAST_MAX) {
            // a fast command with more of its batch to come leaves the clock to the next command that reads it, which
            // is timed from this one's start: a clock reading was about 3% of a pipelined INCR's CPU on a virtual
            // machine; the batch's last command always reads it, so the batch's time is all accounted for
            return;
        }
        untimedFast = 0;
        if (started != 0 && (threshold >= 0 || batchClock)) {
            long ended = System.nanoTime();
            if (batchClock) {
                lastNanos = Math.max(lastNanos, ended);
            }
            long micros = (ended - started) / 1000;
            if (threshold >= 0 && micros >= threshold) {
                slowLog.record(now / 1000, micros, argv, c, config.slowlogMaxLen);
            }
        }
    }

    public SlowLog slowLog() {
        return slowLog;
    }

    /** True when a write about to run must be journaled by its caller. */
    public boolean shouldJournal() {
        return appender != null && !replaying && journalSuppressed == 0;
    }

    /** The error to reply with if writes cannot be journaled right now, else null. */
    public String writeRefusal() {
        if (appender == null || replaying) {
            return null;
        }
        if (syncer != null && syncer.refusingWrites()) {
            String why = syncer.lastError() != null ? syncer.lastError()
                    : "free disk space is below journal-min-free-bytes";
            return String.format(Errors.MISCONF, why);
        }
        if (appendFailure != null) {
            return String.format(Errors.MISCONF, appendFailure);
        }
        return null;
    }

    /**
     * Appends an argv record; returns the seed of its deterministic choices ({@link JournalRecord#seed}, the
     * record's index unless it was grouped behind others), or a negative number if the append failed.
     */
    public long journalArgv(int type, long time, long origin, int db, byte[][] argv) {
        if (recordSize(argv) > JOURNAL_MAX_RECORD) {
            return refuseLargeRecord(recordSize(argv));
        }
        try {
            long idx = appender.appendArgv(type, time, origin, db, argv);
            stats.journalRecords++;
            lastAppliedIndex = idx;
            return JournalRecord.seed(idx, appender.lastPosition());
        } catch (RuntimeException | InternalError e) {
            return appendFailed(e, size(argv));
        }
    }

    /** Returned by the journal methods when this one record was refused but the journal itself is fine. */
    static final long RECORD_REFUSED = -2;
    /**
     * Largest record the journal takes (about 1 GB, more than a 512 MB bulk needs). Checked before appending
     * because a failed oversized append leaves a partial record behind.
     */
    static final long JOURNAL_MAX_RECORD = io.gearlog.journal.Journal.MAX_RECORD_BYTES;
    private String refusedRecord;

    /** An upper bound of the encoded size of an argv record. */
    private static long recordSize(byte[][] argv) {
        return size(argv) + 16L * argv.length + 64;
    }

    private long refuseLargeRecord(long bytes) {
        refusedRecord = "ERR Gearlog cannot journal this command: " + bytes + " bytes is more than the journal's "
                + "record limit of " + JOURNAL_MAX_RECORD + " bytes";
        return RECORD_REFUSED;
    }

    /**
     * A failed append makes the journal refuse writes until fixed, except for a large record: the journal's
     * record size limit refuses that one command only (the error says why) and later writes go on.
     */
    private long appendFailed(Throwable e, long bytes) {
        if (bytes >= 1 << 20) {
            refusedRecord = "ERR Gearlog cannot journal this command (" + bytes + " bytes): " + e.getMessage();
            ServerLog.warning(refusedRecord);
            return RECORD_REFUSED;
        }
        appendFailure = "journal append failed: " + e.getMessage();
        ServerLog.warning(appendFailure);
        return -1;
    }

    private static long size(byte[][] argv) {
        long n = 0;
        for (byte[] a : argv) {
            n += a.length;
        }
        return n;
    }

    /** The reply for a failed append: this command's refusal or the journal-wide MISCONF. */
    private String appendError(long idx) {
        return idx == RECORD_REFUSED ? refusedRecord : String.format(Errors.MISCONF, appendFailure);
    }

    public long journalArgvList(int type, long time, long origin, int db, List<byte[][]> list) {
        long total = 0;
        for (byte[][] argv : list) {
            total += recordSize(argv);
        }
        if (total > JOURNAL_MAX_RECORD) {
            return refuseLargeRecord(total);
        }
        try {
            long idx = appender.appendArgvList(type, time, origin, db, list);
            stats.journalRecords++;
            lastAppliedIndex = idx;
            return JournalRecord.seed(idx, appender.lastPosition());
        } catch (RuntimeException | InternalError e) {
            long bytes = 0;
            for (byte[][] argv : list) {
                bytes += size(argv);
            }
            return appendFailed(e, bytes);
        }
    }

    public long journalPayload(int type, long time, long origin, int db, byte[] payload) {
        if (appender == null || replaying) {
            return -1;
        }
        try {
            long idx = appender.appendPayload(type, time, origin, db, payload, 0, payload.length);
            stats.journalRecords++;
            lastAppliedIndex = idx;
            return JournalRecord.seed(idx, appender.lastPosition());
        } catch (RuntimeException | InternalError e) {
            appendFailure = "journal append failed: " + e.getMessage();
            ServerLog.warning(appendFailure);
            return -1;
        }
    }

    /** Clears a recorded append failure once the operator fixed the cause (CONFIG SET, free space). */
    public void clearAppendFailure() {
        appendFailure = null;
    }

    // ---- MULTI/EXEC ----

    /** Runs the queued commands of {@code c} atomically; called by EXEC. */
    public void execTransaction(CommandContext ctx) {
        Client c = ctx.client();
        List<byte[][]> queued = new ArrayList<>(c.queued);
        c.queued.clear();
        c.inMulti = false;
        boolean anyWrite = false;
        for (byte[][] argv : queued) {
            CommandSpec s = commands.lookup(argv[0]);
            if (s != null && s.has(CommandFlags.WRITE)) {
                anyWrite = true;
                break;
            }
        }
        long base = ctx.seedBase();
        if (anyWrite && shouldJournal()) {
            String refusal = writeRefusal();
            if (refusal != null) {
                watchedKeys.unwatchAll(c);
                throw new CommandError(refusal);
            }
            base = journalArgvList(RecordType.TRANSACTION, ctx.now(), c.id, c.db, queued);
            if (base < 0) {
                watchedKeys.unwatchAll(c);
                throw new CommandError(appendError(base));
            }
        }
        watchedKeys.unwatchAll(c);
        c.reply.array(queued.size());
        journalSuppressed++;
        execDepth++;
        try {
            for (int i = 0; i < queued.size(); i++) {
                byte[][] argv = queued.get(i);
                CommandSpec s = commands.lookup(argv[0]);
                run(c, s, argv, ctx.now(), transactionSeed(base, i));
            }
        } finally {
            execDepth--;
            journalSuppressed--;
        }
    }

    /**
     * The seed of the {@code i}th command of a transaction whose record has seed {@code base}; never negative, since
     * a negative seed means "not journaled" to {@link #runCommand} (an overflowing product used to be one, and then
     * the command drew a seed of its own that replay could not reproduce).
     */
    static long transactionSeed(long base, int i) {
        return (base * 1024 + i) & Long.MAX_VALUE;
    }

    /** True while EXEC runs queued commands: blocking commands must answer as if they timed out. */
    public boolean inExec() {
        return execDepth > 0;
    }

    /** Watches a key; one already past its TTL is deleted first so that its later expiry is not a change. */
    public void watch(Client c, Key key) {
        keyspace.db(c.db).lookup(key, now());
        watchedKeys.watch(c, c.db, key);
    }

    /** True when EXEC must fail: a watched key changed, or one passed its TTL since WATCH. */
    public boolean watchFailed(Client c, long now) {
        return c.watchInvalidated || watchedKeys.anyExpired(c, keyspace, now);
    }

    public void unwatch(Client c) {
        watchedKeys.unwatchAll(c);
    }

    // ---- blocking ----

    /**
     * True when a blocking command of {@code c} may block now: not inside EXEC, not replaying the journal and not
     * an internal client. Otherwise it must answer at once as if it timed out (Redis' CLIENT_DENY_BLOCKING).
     */
    public boolean mayBlock(Client c) {
        return execDepth == 0 && !replaying && !c.replaying && c.outbound != ClientOutbound.DISCARD;
    }

    /** Blocks the client until {@code state} can be served or times out. */
    public void block(Client c, Client.BlockedState state) {
        blocked.block(c, state);
    }

    /** Wakes clients blocked on a key without invalidating WATCH (Redis' signalKeyAsReady, e.g. XGROUP DESTROY). */
    public void signalKeyAsReady(int db, Key key) {
        blocked.signal(keyspace.db(db), key);
    }

    /** Unblocks a client (served, timed out, killed) and runs the commands it queued meanwhile. */
    public void unblock(Client c) {
        blocked.unblock(c);
        markDirty(c);
        runPending(c);
    }

    private void runPending(Client c) {
        while (c.blocked == null && !c.pending.isEmpty() && !c.closing) {
            byte[][] argv = c.pending.poll();
            if (argv == null) {
                c.reply.error("ERR Protocol error: invalid request");
                c.closing = true;
                markDirty(c);
                return;
            }
            dispatch(c, argv, now());
        }
    }

    private void serveReadyKeys() {
        int guard = 0;
        DbKey dk;
        while ((dk = blocked.pollReady()) != null && guard++ < 100_000) {
            for (Client c : blocked.waitersOf(dk)) {
                Client.BlockedState st = c.blocked;
                if (st == null) {
                    continue;
                }
                CommandContext ctx = new CommandContext(this, c, new byte[0][], now(), (++readSeed) ^ lastNow);
                boolean served;
                try {
                    served = st.tryServe(ctx, dk.key());
                } catch (CommandError e) {
                    c.reply.error(e.getMessage());
                    served = true;
                } catch (RuntimeException e) {
                    ServerLog.warning("serving a blocked client failed: " + e);
                    c.reply.error("ERR internal error while serving a blocked command: " + e);
                    served = true;
                }
                if (served) {
                    unblock(c);
                }
            }
        }
    }

    private void checkBlockedTimeouts() {
        if (blocked.count() == 0) {
            return;
        }
        long t = now();
        for (Client c : blocked.timedOut(t)) {
            Client.BlockedState st = c.blocked;
            if (st == null) {
                continue;
            }
            st.timeout(new CommandContext(this, c, new byte[0][], t, 0));
            unblock(c);
        }
        if (blocked.hasReady()) {
            serveReadyKeys();
        }
    }

    // ---- expiry ----

    private void activeExpiry() {
        long t = now();
        int total = 0;
        for (int i = 0; i < keyspace.count(); i++) {
            Database db = keyspace.db(i);
            if (db.nextExpiry() <= t) {
                total += db.expireDue(t, 1000);
            }
        }
        if (total > 0) {
            stats.expiredKeysActive += total;
            if (shouldJournal()) {
                try {
                    lastAppliedIndex = appender.appendTick(t);
                } catch (RuntimeException e) {
                    // expiry is idempotent: a lost tick only means replay expires these keys lazily
                }
            }
            if (blocked.hasReady()) {
                serveReadyKeys();
            }
        }
    }

    // ---- replies ----

    public void markDirty(Client c) {
        if (!c.dirty) {
            c.dirty = true;
            dirty.add(c);
        }
    }

    /**
     * Closes the journal's open group document (engine thread): what was appended so far becomes readable and
     * syncable, so that an index read afterwards ({@link #lastAppliedIndex}) covers whole documents. False if
     * closing it failed (the failure is then the journal's MISCONF).
     */
    public boolean sealJournal() {
        return appender == null || closeJournalGroup(false);
    }

    private void endJournalGroup() {
        closeJournalGroup(true);
    }

    /**
     * Closes the open group document, and with {@code end} stops grouping. If that fails, later writes are refused
     * (MISCONF) until the journal works again.
     */
    private boolean closeJournalGroup(boolean end) {
        try {
            if (end) {
                appender.endGroup();
            } else {
                appender.seal();
            }
            return true;
        } catch (RuntimeException | InternalError e) {
            appendFailure = "journal append failed: " + e.getMessage();
            ServerLog.warning(appendFailure);
            groupCloseFailed = true;
            return false;
        }
    }

    /** A journal group closed in the current batch failed (a SAVE in its middle may have closed it). */
    private boolean groupCloseFailed;

    /** Sends every pending reply; under appendfsync always, only after the journal is on disk. */
    public void flush() {
        sealJournal();
        if (dirty.isEmpty()) {
            return;
        }
        boolean viaSyncer = syncer != null && config.appendfsync == FsyncPolicy.ALWAYS
                && (appender.lastIndex() > syncer.syncedIndex() || repliesAtSyncer.get() > 0 || !durable.isEmpty());
        List<Object[]> batch = viaSyncer ? new ArrayList<>(dirty.size()) : null;
        for (Client c : dirty) {
            c.dirty = false;
            boolean close = c.closing;
            if (batch == null && !close) {
                // the common case: the outbound copies the bytes only if it cannot write them right away
                if (!c.reply.isEmpty()) {
                    stats.netOutputBytes += c.reply.length();
                    c.outbound.send(c.reply.array(), 0, c.reply.length());
                    c.reply.clear();
                }
                continue;
            }
            byte[] bytes = c.reply.isEmpty() ? null : c.reply.copy();
            c.reply.clear();
            if (bytes == null && !close) {
                continue;
            }
            if (bytes != null) {
                stats.netOutputBytes += bytes.length;
            }
            if (batch != null) {
                batch.add(new Object[]{c.outbound, bytes, close});
            } else if (close) {
                c.outbound.sendAndClose(bytes);
            } else {
                c.outbound.send(bytes);
            }
        }
        dirty.clear();
        if (batch != null && !batch.isEmpty() && loop != null && repliesAtSyncer.get() == 0) {
            // on the event loop, as redis-server does: one fsync at the end of the loop's turn covers every client
            // served in it, with no hand-off to the sync thread and back
            durable.addAll(batch);
            if (!durableScheduled) {
                durableScheduled = true;
                loop.execute(durableFlush);
            }
        } else if (batch != null && !batch.isEmpty()) {
            repliesAtSyncer.incrementAndGet();
            syncer.afterSync(appender.lastIndex(), () -> {
                sendAll(batch);
                repliesAtSyncer.decrementAndGet();
            });
        }
    }

    /** Replies waiting for the fsync at the end of this event-loop turn (appendfsync always); engine thread. */
    private final List<Object[]> durable = new ArrayList<>();
    private boolean durableScheduled;
    private final Runnable durableFlush = this::flushDurable;

    /** Forces the journal on this thread, then sends the replies that waited for it, in order. */
    private void flushDurable() {
        durableScheduled = false;
        if (durable.isEmpty()) {
            return;
        }
        syncer.syncNow();
        sendAll(durable);
        durable.clear();
    }

    /** Sends {outbound, bytes, close} replies in order. */
    private static void sendAll(List<Object[]> replies) {
        for (Object[] o : replies) {
            ClientOutbound out = (ClientOutbound) o[0];
            if ((Boolean) o[2]) {
                out.sendAndClose((byte[]) o[1]);
            } else {
                out.send((byte[]) o[1]);
            }
        }
    }

    // ---- shutdown ----

    public void requestShutdown() {
        Thread t = new Thread(shutdownHandler, "gearlog-shutdown");
        t.start();
    }

    // ---- recovery ----

    /** Applies one journal record without replying to anyone; used by recovery and offline replay. */
    public void apply(JournalRecord r) {
        replaying = true;
        try {
            long time = r.time();
            lastNow = Math.max(lastNow, time);
            switch (r.type()) {
                // no command keeps its argv array (only the arguments), so the record's array can be refilled
                case RecordType.COMMAND -> applyArgv(r.argvReused(), r.db(), time, r.seed());
                case RecordType.TRANSACTION -> {
                    replayClient.db = r.db();
                    List<byte[][]> list = r.argvList();
                    for (int i = 0; i < list.size(); i++) {
                        byte[][] argv = list.get(i);
                        CommandSpec s = commands.lookup(argv[0]);
                        if (s != null) {
                            run(replayClient, s, argv, time, transactionSeed(r.seed(), i));
                        }
                    }
                    replayClient.reply.clear();
                }
                case RecordType.TICK -> {
                    for (int i = 0; i < keyspace.count(); i++) {
                        keyspace.db(i).expireDue(time, Integer.MAX_VALUE);
                    }
                }
                default -> {
                    RecordApplier applier = service("record:" + r.type());
                    if (applier != null) {
                        applier.apply(r);
                    }
                }
            }
            lastAppliedIndex = r.index();
        } finally {
            replaying = false;
        }
    }

    /** Applies an argv as the replay client would (recovery and EFFECT records). */
    public void applyArgv(byte[][] argv, int db, long time, long seed) {
        boolean was = replaying;
        replaying = true;
        try {
            replayClient.db = db;
            CommandSpec s = commands.lookup(argv[0]);
            if (s != null && s.arityOk(argv.length)) {
                run(replayClient, s, argv, time, seed);
            }
            replayClient.reply.clear();
        } finally {
            replaying = was;
        }
    }

    /** Applies records of a type the engine core does not know (gears records). */
    public interface RecordApplier {
        void apply(JournalRecord r);
    }
}
