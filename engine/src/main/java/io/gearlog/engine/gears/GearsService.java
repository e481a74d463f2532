package io.gearlog.engine.gears;

import io.gearlog.engine.Client;
import io.gearlog.engine.ClientOutbound;
import io.gearlog.engine.CommandContext;
import io.gearlog.engine.Engine;
import io.gearlog.engine.ServerLog;
import io.gearlog.engine.command.CommandSpec;
import io.gearlog.engine.commands.ServerCommands;
import io.gearlog.engine.keyspace.Database;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.keyspace.StringValue;
import io.gearlog.engine.python.PythonRuntime;
import io.gearlog.engine.reply.ReplyBuffer;
import io.gearlog.engine.util.Glob;
import io.gearlog.journal.JournalRecord;
import io.gearlog.journal.RecordType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The gears model of one server: configuration, the executions table, id counters, the GEARS journal records
 * that make executions survive restarts, and the engine-side half of what Python code does (execute(), reader
 * batches). Registered as {@code engine.service("gears")}. Owned by the engine thread, except {@link #nextPlan}
 * (taken by Python workers) and {@link #config} (read by them).
 */
public final class GearsService {
    public static final String NAME = "gears";
    /** Error of RG.PYEXECUTE and other blocking RG commands where blocking is impossible. */
    public static final String NO_BLOCKING = "Can not run gears inside a multi exec, lua, or when blocking is not allowed";

    private final Engine engine;
    private final GearsConfig config;
    private final ExecutionTable executions = new ExecutionTable();
    private final ProfileTables profiles = new ProfileTables();
    private final AtomicLong nextPlan = new AtomicLong();
    private long nextExecution;
    private long journaledPlan;
    private boolean live;
    private volatile PythonRuntime python;
    private final Registrations registrations;
    private final StreamRegistrations streams;
    private final Set<Client> internalClients = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Reads values for reader records (HGETALL, LRANGE, XREAD); engine thread only. */
    private final Client readerClient;
    private long scriptSeeds;
    private long peakHeap;

    private GearsService(Engine engine) {
        this.engine = engine;
        this.config = new GearsConfig(engine.config().executionThreads);
        this.config.loadTime(engine.config().gearsConfig);
        this.readerClient = newInternalClient(-1_000_000);
        this.registrations = new Registrations(this);
        this.streams = new StreamRegistrations(this);
    }

    /**
     * Makes the gears model part of {@code engine}: the service, its journal record appliers, the INFO section and
     * the watchdog timer. Needs no Python (a snapshot's shadow engine calls only this). Idempotent.
     */
    public static GearsService install(Engine engine) {
        GearsService g = engine.service(NAME);
        if (g != null) {
            return g;
        }
        GearsService s = new GearsService(engine);
        engine.service(NAME, s);
        // GEARS records of another layout (an older applier installed first) still go to that applier
        Engine.RecordApplier other = engine.service("record:" + RecordType.GEARS);
        engine.service("record:" + RecordType.GEARS, (Engine.RecordApplier) r -> {
            if (r.payloadLength() > 0 && r.payload()[0] == GearsRecord.VERSION) {
                s.applyGears(r);
            } else if (other != null) {
                other.apply(r);
            } else {
                ServerLog.warning("skipping a GEARS journal record of unknown format (index " + r.index() + ")");
            }
        });
        engine.service("record:" + RecordType.EFFECT, (Engine.RecordApplier) r ->
                engine.applyArgv(r.argv(), r.db(), r.time(), r.seed()));
        engine.keyspace().events().addListener(s.registrations);
        engine.onCommandEnd(s.registrations::commandEnded);
        engine.interceptor(s.registrations.interceptor());
        ServerCommands.addInfoSection(engine, new ServerCommands.InfoSection() {
            @Override
            public String name() {
                return "rg";
            }

            @Override
            public void write(CommandContext ctx, StringBuilder sb) {
                s.info(sb);
            }
        });
        engine.addTimer(100, s::watchdog);
        engine.addTimer(10, () -> {
            if (s.live) {
                s.streams.tick();
            }
        });
        engine.onStop(s::stopPython);
        return s;
    }

    /** The service of {@code engine}, installing it if the server did not. */
    public static GearsService of(Engine engine) {
        GearsService g = engine.service(NAME);
        return g != null ? g : install(engine);
    }

    /** Starts the Python workers now (worker 0 warms its context in the background). */
    public synchronized GearsService startPython() {
        if (python == null) {
            python = new PythonRuntime(this, config.executionThreads, engine.config().pythonAllowFiles);
            python.start();
        }
        return this;
    }

    public PythonRuntime python() {
        if (python == null) {
            startPython();
        }
        return python;
    }

    private synchronized void stopPython() {
        if (python != null) {
            python.shutdown();
        }
    }

    public Engine engine() {
        return engine;
    }

    public GearsConfig config() {
        return config;
    }

    public ProfileTables profiles() {
        return profiles;
    }

    public ExecutionTable executions() {
        return executions;
    }

    /** Listed sessions (those with registrations), by id. */
    public Map<String, Session> sessions() {
        return registrations.sessions;
    }

    public Registrations registrations() {
        return registrations;
    }

    public StreamRegistrations streams() {
        return streams;
    }

    /** Consumes a plan number (each GearsBuilder); any thread. */
    public long takePlanNumber() {
        return nextPlan.getAndIncrement();
    }

    /**
     * True while EXEC runs queued commands: the only time a live engine with a journal does not journal writes
     * itself. (Engine.inExec() says the same where the branches meet.)
     */
    public static boolean inExec(Engine e) {
        return e.appender() != null && !e.replaying() && !e.shouldJournal();
    }

    // ---- internal clients

    /** A client for Python's execute(): not listed in CLIENT LIST, db 0, authenticated. */
    public Client newInternalClient(long id) {
        Client c = new Client(id, ClientOutbound.DISCARD);
        c.authenticated = true;
        c.journalType = RecordType.EFFECT;
        internalClients.add(c);
        return c;
    }

    public boolean isInternal(Client c) {
        return internalClients.contains(c);
    }

    // ---- recovery and journaling

    /**
     * First live use after recovery: an execution that had not finished when the process stopped cannot go on (its
     * Python state is gone), so it is marked aborted, with an error saying so.
     */
    public void ensureLive() {
        if (live || engine.replaying()) {
            return;
        }
        live = true;
        // what the previous run left unfinished (before activation starts new executions)
        List<Execution> left = new ArrayList<>();
        for (Execution e : executions.all()) {
            if (!e.finished()) {
                left.add(e);
            }
        }
        registrations.activateAfterRestart();
        scheduleRecoveredTimeEvents();
        for (Execution e : left) {
            if (!e.finished() && e.registration != null && !e.registration.removed && !e.registration.sync()
                    && (e.inputKind == Registrations.KIND_KEYS || e.inputKind == Registrations.KIND_ARGS)) {
                // a background execution the process did not finish runs again (at-least-once)
                registrations.start(e.registration, e);
                continue;
            }
            if (!e.finished()) {
                e.status = Execution.Status.ABORTED;
                e.errors = List.of("Execution was aborted: the server stopped before it finished");
                journal(new GearsRecord.Writer(GearsRecord.EXEC_ABORTED, nextExecution, nextPlan.get())
                        .i64(e.number).i32(1).str(e.errors.get(0)));
                if (e.registration != null) {
                    registrations.aborted(e);
                }
                runOnDone(e);
                if (e.dropWhenDone) {
                    drop(e);
                }
            }
        }
    }

    private long journal(GearsRecord.Writer w) {
        return journal(w, engine.clock().currentTimeMillis());
    }

    private long journal(GearsRecord.Writer w, long time) {
        if (deferred != null) {
            flushDeferred();
        }
        journaledPlan = nextPlan.get();
        return engine.journalPayload(RecordType.GEARS, time, 0, 0, w.build());
    }

    /** Journals a GEARS record built with {@link #record}. */
    long journalRecord(GearsRecord.Writer w) {
        return journal(w);
    }

    GearsRecord.Writer record(byte subType) {
        return new GearsRecord.Writer(subType, nextExecution, nextPlan.get());
    }

    /** Journals the plan counter if builders consumed numbers since the last GEARS record. */
    public void journalCounters() {
        if (nextPlan.get() != journaledPlan) {
            journal(record(GearsRecord.COUNTERS));
        }
    }

    /**
     * Journals a script (RG.PYEXECUTE) with the engine time its Python code will see; returns the seed of its
     * randomness (the record's index), so a debug replay can run it again the same way.
     */
    public long journalScript(String sessionId, String description, boolean unblocking, byte[] code, long time) {
        // a script too large for one record is journaled without its code (flag 2): recovery never needs it
        boolean fits = code.length <= MAX_JOURNALED_RESULTS;
        long idx = journal(record(GearsRecord.SCRIPT).str(sessionId).str(description)
                .i8((unblocking ? 1 : 0) | (fits ? 0 : 2)).bytes(fits ? code : new byte[0]), time);
        return idx >= 0 ? idx : ++scriptSeeds;
    }

    private void applyGears(JournalRecord r) {
        applyPayload(r.payload());
    }

    /** Applies one GEARS payload (journal or snapshot record); data only, no Python. */
    public void applyPayload(byte[] payload) {
        GearsRecord.Reader in = new GearsRecord.Reader(payload);
        nextExecution = Math.max(nextExecution, in.nextExecution);
        nextPlan.accumulateAndGet(in.nextPlan, Math::max);
        journaledPlan = nextPlan.get();
        switch (in.subType) {
            case GearsRecord.EXEC_CREATED -> {
                long number = in.i64();
                int flags = in.i8();
                long createdAt = in.i64();
                long seed = in.i64();
                int n = in.i32();
                List<Execution.Step> steps = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    steps.add(new Execution.Step(in.str(), in.str(), in.str()));
                }
                Execution e = new Execution(number, (flags & 1) != 0, createdAt, seed, steps);
                e.dropWhenDone = (flags & 2) != 0;
                if ((flags & 4) != 0) {
                    Registration r = registrations.get(in.i64());
                    e.inputKind = in.i8();
                    e.input = in.byteList();
                    applyCreated(e, r);
                } else {
                    applyCreated(e, null);
                }
            }
            case GearsRecord.EXEC_SYNC -> {
                for (int i = in.i32(); i > 0; i--) {
                    applyDropped(in.i64());
                }
                long number = in.i64();
                int flags = in.i8();
                long createdAt = in.i64();
                long seed = in.i64();
                Registration r = registrations.get(in.i64());
                Execution e = new Execution(number, true, createdAt, seed, r != null ? r.steps : List.of());
                e.dropWhenDone = (flags & 2) != 0;
                e.inputKind = in.i8();
                applyCreated(e, r);
                applyFinished(in, e);
                for (int i = in.i32(); i > 0; i--) {
                    applyDropped(in.i64());
                }
            }
            case GearsRecord.EXEC_FINISHED -> applyFinished(in, executions.get(in.i64()));
            case GearsRecord.EXEC_ABORTED -> {
                Execution e = executions.get(in.i64());
                List<String> errors = in.strs();
                if (e != null && !e.finished()) {
                    e.status = Execution.Status.ABORTED;
                    e.errors = errors;
                    if (e.registration != null) {
                        registrations.aborted(e);
                    }
                }
            }
            case GearsRecord.EXEC_DROPPED -> applyDropped(in.i64());
            case GearsRecord.SESSION, GearsRecord.REGISTER, GearsRecord.UNREGISTER, GearsRecord.REG_STATUS,
                 GearsRecord.CLEAR_STATS, GearsRecord.REG_STATS, GearsRecord.FIXUP, GearsRecord.REG_LAG ->
                    registrations.apply(in);
            default -> {
                // SCRIPT and COUNTERS only move the counters
            }
        }
    }

    /** A created execution as a record brings it back: listed, and counted by its registration (if still there). */
    private void applyCreated(Execution e, Registration r) {
        if (r != null) {
            e.registration = r;
            r.numTriggered++;
            registrations.created(e);
        }
        executions.add(e);
        nextExecution = Math.max(nextExecution, e.number + 1);
    }

    /** The body of an EXEC_FINISHED record after the execution number, applied to {@code e} (null: skipped). */
    private void applyFinished(GearsRecord.Reader in, Execution e) {
        long total = in.i64();
        long read = in.i64();
        int n = in.i32();
        long[] stepMs = new long[n];
        for (int i = 0; i < n; i++) {
            stepMs[i] = in.i64();
        }
        List<byte[]> results = in.byteList();
        List<String> errors = in.strs();
        if (e != null) {
            e.status = Execution.Status.DONE;
            e.totalMillis = total;
            e.readMillis = read;
            e.stepMillis = stepMs.length == e.steps.size() ? stepMs : new long[e.steps.size()];
            e.results = results;
            e.errors = errors;
            if (e.registration != null) {
                registrations.finished(e);
            }
        }
    }

    private void applyDropped(long number) {
        Execution e = executions.get(number);
        if (e != null) {
            executions.remove(e);
            registrations.dropped(e);
        }
    }

    /**
     * The gears state as GEARS record payloads which, applied in order to an empty engine, rebuild it (for
     * snapshots): the counters, then every visible execution.
     */
    public List<byte[]> snapshotRecords() {
        List<byte[]> out = new ArrayList<>();
        if (nextExecution == 0 && nextPlan.get() == 0 && executions.size() == 0 && registrations.count() == 0) {
            // gears never used: the snapshot stays as it would be without the gears layer
            return out;
        }
        out.add(record(GearsRecord.COUNTERS).build());
        registrations.snapshotRecords(out);
        for (Execution e : executions.all()) {
            out.add(created(e).build());
            if (e.status == Execution.Status.DONE) {
                out.add(finished(e).build());
            } else if (e.status == Execution.Status.ABORTED) {
                out.add(aborted(e).build());
            }
        }
        registrations.snapshotStats(out);
        return out;
    }

    private GearsRecord.Writer created(Execution e) {
        boolean byReg = e.registration != null;
        GearsRecord.Writer w = record(GearsRecord.EXEC_CREATED).i64(e.number)
                .i8((e.registered ? 1 : 0) | (e.dropWhenDone ? 2 : 0) | (byReg ? 4 : 0)).i64(e.createdAt).i64(e.seed)
                .i32(e.steps.size());
        for (Execution.Step s : e.steps) {
            w.str(s.type()).str(s.name()).str(s.arg());
        }
        if (byReg) {
            w.i64(e.registration.number).i8(e.inputKind).i32(e.input.size());
            for (byte[] b : e.input) {
                w.bytes(b);
            }
        }
        return w;
    }

    /** Results larger than this are not journaled (one record must stay well inside a journal block). */
    static final long MAX_JOURNALED_RESULTS = 8L << 20;

    private GearsRecord.Writer finished(Execution e) {
        return finishedBody(record(GearsRecord.EXEC_FINISHED).i64(e.number), e, true);
    }

    /** What EXEC_FINISHED says after the execution number; without the results of an execution dropped at once. */
    private static GearsRecord.Writer finishedBody(GearsRecord.Writer w, Execution e, boolean withResults) {
        w.i64(e.totalMillis).i64(e.readMillis).i32(e.stepMillis.length);
        for (long m : e.stepMillis) {
            w.i64(m);
        }
        if (!withResults) {
            w.i32(0).i32(e.errors.size());
            for (String s : e.errors) {
                w.str(s);
            }
            return w;
        }
        long size = 0;
        for (byte[] r : e.results) {
            size += r.length + 4;
        }
        List<String> errors = e.errors;
        if (size > MAX_JOURNALED_RESULTS) {
            // kept in memory as they are; a restart brings the execution back with this note instead
            w.i32(0);
            errors = new ArrayList<>(errors);
            errors.add("Gearlog did not keep the results of this execution across a restart: " + e.results.size()
                    + " results, " + size + " bytes");
        } else {
            w.i32(e.results.size());
            for (byte[] r : e.results) {
                w.bytes(r);
            }
        }
        w.i32(errors.size());
        for (String s : errors) {
            w.str(s);
        }
        return w;
    }

    private GearsRecord.Writer aborted(Execution e) {
        GearsRecord.Writer w = record(GearsRecord.EXEC_ABORTED).i64(e.number).i32(e.errors.size());
        for (String s : e.errors) {
            w.str(s);
        }
        return w;
    }

    // ---- execution lifecycle (engine thread)

    /** Creates an execution (run()); {@code dropWhenDone} for blocking and nested ones. Journals it. */
    public Execution createExecution(List<Execution.Step> steps, boolean dropWhenDone) {
        ensureLive();
        long number = nextExecution++;
        evictForNew();
        long now = engine.clock().currentTimeMillis();
        Execution e = new Execution(number, false, now, seedFor(number, now), steps);
        e.dropWhenDone = dropWhenDone;
        executions.add(e);
        journal(created(e));
        return e;
    }

    /** MaxExecutions: the oldest finished execution makes room for a new one. */
    private void evictForNew() {
        Execution old = executions.evictForNew(config.maxExecutions);
        if (old != null) {
            if (deferring) {
                deferredDrops.add(old.number);
            } else {
                journal(record(GearsRecord.EXEC_DROPPED).i64(old.number));
            }
        }
    }

    // ---- sync executions journaled as one record
    //
    // A sync execution normally needs EXEC_CREATED, EXEC_FINISHED and EXEC_DROPPED records (its own drop, the
    // MaxExecutions eviction its creation caused, the MaxExecutionsPerRegistration trim its completion caused).
    // While it runs inline its EXEC_CREATED (and the evictions before it) are held back; if nothing else is
    // journaled before it finishes, one EXEC_SYNC record carries all of them in the same order, so replay applies
    // exactly what the separate records would have. Anything journaled meanwhile (an EFFECT of execute(), a nested
    // execution) first writes the held-back records, and the execution goes on with separate ones.

    /** The sync execution whose EXEC_CREATED is held back, or null. */
    private Execution deferred;
    /** True while drops that belong in an EXEC_SYNC are collected (its creation's eviction, its completion's trims). */
    private boolean deferring;
    /** Executions dropped before the deferred one was created; then those dropped when it finished. */
    private final java.util.ArrayList<Long> deferredDrops = new java.util.ArrayList<>();
    private int dropsBefore;
    /** The engine's journal record count when the deferral began: a write that bypassed the flush shows here. */
    private long deferredMark;

    /** Writes the held-back records of the deferred execution as separate records (something else is journaled). */
    private void flushDeferred() {
        Execution e = deferred;
        deferred = null;
        deferring = false;
        for (int i = 0; i < dropsBefore; i++) {
            journal(record(GearsRecord.EXEC_DROPPED).i64(deferredDrops.get(i)));
        }
        deferredDrops.clear();
        dropsBefore = 0;
        journal(created(e));
    }

    /** Registrations.start after an inline run: an execution still unfinished (it suspended) journals as usual. */
    void endDeferral(Execution e) {
        if (deferred == e) {
            flushDeferred();
        }
    }

    /** Called before Python's execute() runs a command: its EFFECT record must follow the held-back ones. */
    private void beforeEffect() {
        if (deferred != null) {
            flushDeferred();
        }
    }

    /** An execution's random seed: from its number and the record time, so replay draws the same. */
    private static long seedFor(long number, long now) {
        return (number * 0x9E3779B97F4A7C15L) ^ now;
    }

    /** Creates an execution for a registration (registered = 1) and journals it with what fired it. */
    Execution createRegistered(Registration r, int kind, List<byte[]> input, boolean dropWhenDone) {
        if (deferred != null) {
            // a nested execution: the outer one's records come first
            flushDeferred();
        }
        boolean defer = r.sync() && engine.appender() != null && !engine.replaying();
        long number = nextExecution++;
        deferredDrops.clear();
        deferring = defer;
        // an evicted registration execution stays in its registration's kept list, which trims itself (spec 5.3)
        evictForNew();
        deferring = false;
        long now = engine.clock().currentTimeMillis();
        Execution e = new Execution(number, true, now, seedFor(number, now), r.steps);
        e.dropWhenDone = dropWhenDone;
        e.registration = r;
        e.inputKind = kind;
        e.input = input;
        executions.add(e);
        registrations.created(e);
        if (defer) {
            deferred = e;
            dropsBefore = deferredDrops.size();
            deferredMark = engine.stats().journalRecords;
        } else {
            journal(created(e));
        }
        return e;
    }

    /** A script that registers keeps its run() execution instead of replying with its results. */
    public void keepExecution(Execution e) {
        e.dropWhenDone = false;
    }

    /** Consumes the numbers an internal job takes (RG.ABORTEXECUTION) and journals them. */
    public void consumeInternalJob() {
        nextExecution++;
        nextPlan.incrementAndGet();
        journal(record(GearsRecord.COUNTERS));
    }

    /** The worker starts it; false if it was aborted meanwhile. */
    public boolean markRunning(Execution e, Consumer<String> interrupter) {
        if (e.status != Execution.Status.CREATED) {
            return false;
        }
        e.status = Execution.Status.RUNNING;
        e.interrupter = interrupter;
        return true;
    }

    /**
     * A sync execution suspended and goes on in the background: it shows {@code created} until it resumes
     * (spec README 5.1).
     */
    public void suspendedInline(Execution e) {
        if (e.status == Execution.Status.RUNNING) {
            e.status = Execution.Status.CREATED;
        }
    }

    /** A suspended sync execution resumes in the background. */
    public void resumedInBackground(Execution e) {
        if (e.status == Execution.Status.CREATED && e.interrupter != null) {
            e.status = Execution.Status.RUNNING;
        }
    }

    /** The worker finished it (normally or interrupted). */
    public void finish(Execution e, List<byte[]> results, List<String> errors, long totalMillis, long readMillis,
                       long[] stepMillis) {
        if (e.finished()) {
            return;
        }
        e.status = Execution.Status.DONE;
        e.results = results;
        e.errors = errors;
        e.totalMillis = totalMillis;
        e.readMillis = readMillis;
        if (stepMillis.length == e.steps.size()) {
            e.stepMillis = stepMillis;
        }
        e.interrupter = null;
        boolean dropNow = e.dropWhenDone || !e.listed;
        if (deferred == e) {
            finishDeferred(e, dropNow);
            return;
        }
        if (!dropNow || e.registration != null) {
            // a registration's statistics come back from these records after a restart
            journal(finished(e));
        }
        if (e.registration != null) {
            registrations.finished(e);
        }
        runOnDone(e);
        if (dropNow && executions.get(e.number) == e) {
            drop(e);
        }
    }

    /** {@link #finish} of the deferred sync execution: one EXEC_SYNC record (see above). */
    private void finishDeferred(Execution e, boolean dropNow) {
        deferred = null;
        if (engine.stats().journalRecords != deferredMark) {
            // something was journaled without flushing first: keep every record, even if late
            ServerLog.warning("GEARS: a record was journaled inside sync execution " + e.id + " before its creation");
            deferring = false;
            for (int i = 0; i < dropsBefore; i++) {
                journal(record(GearsRecord.EXEC_DROPPED).i64(deferredDrops.get(i)));
            }
            deferredDrops.clear();
            dropsBefore = 0;
            journal(created(e));
            journal(finished(e));
            registrations.finished(e);
            runOnDone(e);
            if (dropNow && executions.get(e.number) == e) {
                drop(e);
            }
            return;
        }
        deferring = true;
        boolean selfDrop;
        try {
            // per-registration trims land in deferredDrops
            registrations.finished(e);
            selfDrop = dropNow && executions.get(e.number) == e;
            if (selfDrop) {
                deferredDrops.add(e.number);
            }
        } finally {
            deferring = false;
        }
        GearsRecord.Writer w = record(GearsRecord.EXEC_SYNC).i32(dropsBefore);
        for (int i = 0; i < dropsBefore; i++) {
            w.i64(deferredDrops.get(i));
        }
        w.i64(e.number).i8(e.dropWhenDone ? 2 : 0).i64(e.createdAt).i64(e.seed).i64(e.registration.number)
                .i8(e.inputKind);
        finishedBody(w, e, !selfDrop);
        w.i32(deferredDrops.size() - dropsBefore);
        for (int i = dropsBefore; i < deferredDrops.size(); i++) {
            w.i64(deferredDrops.get(i));
        }
        deferredDrops.clear();
        dropsBefore = 0;
        journal(w);
        runOnDone(e);
        if (selfDrop && executions.get(e.number) == e) {
            executions.remove(e);
            registrations.dropped(e);
        }
    }

    /** Marks a not yet started execution aborted; waiting clients get its current results. */
    public void abortNotStarted(Execution e) {
        e.status = Execution.Status.ABORTED;
        journal(aborted(e));
        if (e.registration != null) {
            registrations.aborted(e);
        }
        runOnDone(e);
        if (e.dropWhenDone || !e.listed) {
            drop(e);
        }
    }

    /** Asks the worker running {@code e} to stop it; {@code reason} becomes the forcestopped message. */
    public void requestAbort(Execution e, String reason) {
        e.abortRequested = true;
        e.abortReason = reason;
        if (e.interrupter != null) {
            e.interrupter.accept(reason);
        }
    }

    public void drop(Execution e) {
        executions.remove(e);
        registrations.dropped(e);
        if (deferring && deferred == null) {
            // a trim caused by the deferred execution's completion: part of its EXEC_SYNC
            deferredDrops.add(e.number);
            return;
        }
        journal(record(GearsRecord.EXEC_DROPPED).i64(e.number));
    }

    private void runOnDone(Execution e) {
        List<Runnable> l = new ArrayList<>(e.onDone);
        e.onDone.clear();
        for (Runnable r : l) {
            r.run();
        }
    }

    /** Runs {@code r} when {@code e} is finished (now if it already is). */
    public void whenDone(Execution e, Runnable r) {
        if (e.finished()) {
            r.run();
        } else {
            e.onDone.add(r);
        }
    }

    // ---- parked clients (deferred replies)

    /** A client waiting for a gears reply: no keys, no timeout. */
    public static final class Wait implements Client.BlockedState {
        @Override
        public long deadline() {
            return 0;
        }

        @Override
        public List<Key> keys() {
            return List.of();
        }

        @Override
        public int db() {
            return 0;
        }

        @Override
        public boolean tryServe(CommandContext ctx) {
            return false;
        }

        @Override
        public void timeout(CommandContext ctx) {
        }
    }

    public Wait park(Client c) {
        Wait w = new Wait();
        engine.block(c, w);
        return w;
    }

    /** Writes the deferred reply of a parked client (engine thread); dropped if it left or was unblocked. */
    public void reply(Client c, Wait w, Consumer<ReplyBuffer> writer) {
        if (c.closing || c.blocked != w) {
            return;
        }
        writer.accept(c.reply);
        engine.unblock(c);
    }

    /** The [[results], [errors]] reply of a finished execution. */
    public static void writeResults(ReplyBuffer r, Execution e) {
        r.array(2);
        r.array(e.results.size());
        for (byte[] b : e.results) {
            r.raw(b);
        }
        r.array(e.errors.size());
        for (String s : e.errors) {
            r.bulk(s);
        }
    }

    // ---- what Python does on the engine thread

    /**
     * Runs a command for Python's execute() on an internal client and returns its reply (see {@link Replies}); a
     * top-level error comes back as a {@link Replies.Error}.
     */
    public Object executeCommand(Client c, byte[][] argv, long origin) {
        CommandSpec spec = engine.commands().lookup(argv[0]);
        if (spec == null) {
            return new Replies.Error("No such file or directory");
        }
        if (!spec.arityOk(argv.length)) {
            return new Replies.Error("Invalid argument");
        }
        if (DENIED.contains(spec.name())) {
            return new Replies.Error("Failed executing command");
        }
        if (c != readerClient) {
            beforeEffect();
        }
        c.db = 0;
        c.journalOrigin = origin;
        c.reply.clear();
        engine.process(c, argv);
        if (c.blocked != null) {
            // blocking commands do not block when called from Python: they answer as if they timed out
            engine.unblock(c);
            c.pending.clear();
            c.reply.clear();
            return null;
        }
        Object r = Replies.parse(c.reply.array(), c.reply.length());
        c.reply.clear();
        return r;
    }

    /** True when {@code argv} names a command that may change data. */
    public boolean isWrite(byte[][] argv) {
        CommandSpec spec = engine.commands().lookup(argv[0]);
        return spec != null && spec.has(io.gearlog.engine.command.CommandFlags.WRITE);
    }

    private static final Set<String> DENIED = Set.of("multi", "exec", "discard", "watch", "unwatch", "subscribe",
            "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "sunsubscribe", "quit", "reset", "hello",
            "auth", "monitor", "shutdown", "client", "select", "swapdb");

    /** One batch of KeysReader records: key, type name, value (see {@link ReaderRecord}). */
    public record KeysBatch(List<ReaderRecord> records, long cursor) {
    }

    /** A record read for a reader: key, RedisGears type name, raw value (byte[], list, Hash or null). */
    public record ReaderRecord(byte[] key, String type, Object value) {
    }

    /**
     * Reads up to about {@code max} keys of database 0 matching {@code pattern} from {@code cursor}. With
     * {@code exact} the pattern is one key name, read even if it does not exist.
     */
    public KeysBatch readKeys(byte[] pattern, long cursor, boolean readValue, boolean exact, int max) {
        Database db = engine.keyspace().db(0);
        long now = engine.clock().currentTimeMillis();
        List<ReaderRecord> out = new ArrayList<>();
        if (exact || !hasWildcards(pattern)) {
            Key k = new Key(pattern);
            RValue v = db.peek(k);
            boolean alive = v != null && (!v.hasExpire() || v.expireAt() > now);
            if (alive) {
                out.add(record(k, v, readValue));
            } else if (exact) {
                out.add(new ReaderRecord(pattern, "empty", null));
            }
            return new KeysBatch(out, 0);
        }
        List<Key> keys = new ArrayList<>();
        boolean all = pattern.length == 1 && pattern[0] == '*';
        do {
            cursor = db.scan(cursor, (k, v) -> {
                if (all || Glob.match(pattern, k.bytes(), false)) {
                    keys.add(k);
                }
            });
        } while (cursor != 0 && keys.size() < max);
        for (Key k : keys) {
            RValue v = db.peek(k);
            if (v != null && (!v.hasExpire() || v.expireAt() > now)) {
                out.add(record(k, v, readValue));
            }
        }
        return new KeysBatch(out, cursor);
    }

    private ReaderRecord record(Key k, RValue v, boolean readValue) {
        String type = switch (v.type()) {
            case STRING -> "string";
            case HASH -> "hash";
            case LIST -> "list";
            case SET -> "set";
            case ZSET -> "zset";
            default -> "unknown";
        };
        if (!readValue) {
            return new ReaderRecord(k.bytes(), type, null);
        }
        Object value = switch (v.type()) {
            case STRING -> ((StringValue) v).bytes();
            case HASH -> {
                Object r = executeCommand(readerClient, new byte[][]{bytes("HGETALL"), k.bytes()}, -1);
                @SuppressWarnings("unchecked")
                List<byte[]> flat = r instanceof List<?> l ? (List<byte[]>) l : List.of();
                yield new Replies.Hash(flat);
            }
            case LIST -> {
                Object r = executeCommand(readerClient, new byte[][]{bytes("LRANGE"), k.bytes(), bytes("0"), bytes("-1")}, -1);
                yield r instanceof List<?> l ? l : List.of();
            }
            default -> null;
        };
        return new ReaderRecord(k.bytes(), type, value);
    }

    /** One batch of StreamReader entries after {@code afterId}: [id, [field, value...]] lists, or an error. */
    public Object readStream(byte[] key, byte[] afterId, int count) {
        return executeCommand(readerClient, new byte[][]{bytes("XREAD"), bytes("COUNT"), bytes(String.valueOf(count)),
                bytes("STREAMS"), key, afterId}, -1);
    }

    private static boolean hasWildcards(byte[] p) {
        for (byte b : p) {
            if (b == '*' || b == '?' || b == '[' || b == '\\') {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- time events stored in keys (registerTE with keyName)

    /** Time events stored in keys (live and recovered), by key; each fires while its key still holds it. */
    private final Map<Key, TimeEventValue> keyedTimeEvents = new java.util.LinkedHashMap<>();

    /** The rg.__timeevent command stored {@code v} under {@code key} (live, recovery, snapshot load). */
    void timeEventStored(Key key, TimeEventValue v) {
        keyedTimeEvents.put(key, v);
    }

    /** True while {@code key} of database 0 still holds {@code v} (deleting the key cancels its time event). */
    public boolean timeEventInPlace(Key key, TimeEventValue v) {
        RValue cur = engine.keyspace().db(0).peek(key);
        boolean in = cur == v && (!cur.hasExpire() || cur.expireAt() > engine.engineTime());
        if (!in && keyedTimeEvents.get(key) == v) {
            keyedTimeEvents.remove(key);
        }
        return in;
    }

    /** After a restart: the recovered time events fire again, in their session's home worker (else worker 0). */
    private void scheduleRecoveredTimeEvents() {
        for (Map.Entry<Key, TimeEventValue> e : new ArrayList<>(keyedTimeEvents.entrySet())) {
            if (!timeEventInPlace(e.getKey(), e.getValue())) {
                continue;
            }
            Session s = registrations.session(e.getValue().session);
            python().addKeyedTimeEvent(s != null ? s.home : 0, e.getKey(), e.getValue());
        }
    }

    // ---- watchdog, stats, info

    /** Engine timer: enforces python-time-limit and python-memory-limit on whatever the workers run. */
    private void watchdog() {
        if (!live && engine.appender() != null && !engine.replaying()) {
            // the first tick of the live engine: recovery is over
            ensureLive();
        }
        long limit = engine.config().pythonTimeLimit;
        if (python != null && limit > 0) {
            python.enforceTimeLimit(limit);
        }
        if (python != null) {
            python.enforceMemoryLimit(engine.config().pythonMemoryLimit);
        }
        if (python != null && live) {
            python.fireTimeEvents();
        }
        Runtime rt = Runtime.getRuntime();
        peakHeap = Math.max(peakHeap, rt.totalMemory() - rt.freeMemory());
    }

    /** RG.PYSTATS figures: bytes allocated by the Python threads, peak and current heap. */
    public long[] pythonStats() {
        long total = 0;
        if (python != null) {
            total = python.allocatedBytes();
        }
        Runtime rt = Runtime.getRuntime();
        long curr = rt.totalMemory() - rt.freeMemory();
        peakHeap = Math.max(peakHeap, curr);
        return new long[]{Math.max(total, peakHeap), peakHeap, curr};
    }

    private void info(StringBuilder sb) {
        long[] st = pythonStats();
        sb.append("# rg\r\n");
        sb.append("rg_nexecutions:").append(executions.size()).append("\r\n");
        sb.append("rg_nregistrations:").append(registrations.count()).append("\r\n");
        sb.append("rg_executions_queued:").append(python == null ? 0 : python.queued()).append("\r\n");
        sb.append("rg_execution_threads:").append(config.executionThreads).append("\r\n");
        sb.append("rg_python_workers_alive:").append(python == null ? 0 : python.workersAlive()).append("\r\n");
        sb.append("\r\n# rg_regisrations\r\n");
        sb.append("\r\n# rg_plugins\r\n");
        sb.append("rg_GearsPythonPlugin:10000\r\n");
        sb.append("\r\n# rg_python_stats\r\n");
        sb.append("rg_TotalAllocated:").append(st[0]).append("\r\n");
        sb.append("rg_PeakAllocated:").append(st[1]).append("\r\n");
        sb.append("rg_CurrAllocated:").append(st[2]).append("\r\n");
        sb.append("\r\n# rg_python_requirements\r\n");
        sb.append("\r\n# rg_python_sessions\r\n");
    }

}
