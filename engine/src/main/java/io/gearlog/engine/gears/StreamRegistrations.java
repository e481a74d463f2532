package io.gearlog.engine.gears;

import io.gearlog.engine.Client;
import io.gearlog.engine.Engine;
import io.gearlog.engine.keyspace.Database;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.ValueType;
import io.gearlog.engine.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * StreamReader registrations at work (spec readers.md, StreamReader register): the consumer group
 * {@code __gears_consumer_group__}, batching, failure policies, pausing. Every read, acknowledgement and trim is a
 * command run through the engine (XREADGROUP, XACK, XTRIM, XGROUP CREATE), journaled as an EFFECT record, so the
 * consumer group recovered from the journal is the checkpoint: after a restart, entries delivered but never
 * acknowledged are read again by the attach execution and new entries follow; acknowledged ones never come back.
 * Owned by the engine thread.
 */
public final class StreamRegistrations {
    static final String GROUP = "__gears_consumer_group__";
    static final String CONSUMER = "__gears_client__";

    private final GearsService g;
    private final Engine engine;
    /** Runs the bookkeeping commands (EFFECT records). */
    private final Client client;

    /** One stream a registration consumes. */
    private static final class State {
        final byte[] key;
        long pending;
        boolean inFlight;
        /** Engine time of the oldest entry not yet in a batch (0: unknown). */
        long oldestArrival;
        /** When a partial batch is due (0: no timer armed). */
        long timerAt;

        State(byte[] key) {
            this.key = key;
        }
    }

    /** Per registration: its streams by key. */
    private final Map<Registration, Map<Key, State>> states = new IdentityHashMap<>();
    /** Registrations waiting to restart after a failure (policy retry), with the time they restart. */
    private final Map<Registration, Long> retries = new IdentityHashMap<>();
    /** What each running batch read: its stream and entry ids, and when its first entry arrived. */
    private final Map<Execution, Batch> batches = new IdentityHashMap<>();

    private record Batch(Registration r, State state, List<byte[]> ids, long arrival) {
    }

    StreamRegistrations(GearsService g) {
        this.g = g;
        this.engine = g.engine();
        this.client = g.newInternalClient(-800);
    }

    void status(Registration r, String status) {
        if (!status.equals(r.status)) {
            r.status = status;
            g.journalRecord(g.record(GearsRecord.REG_STATUS).i64(r.number).str(status));
        }
    }

    // ---- lifecycle

    /** Starts consuming: every existing stream matching the prefix is attached (creation, restart, unpause). */
    void startRegistration(Registration r) {
        if (!Registration.OK.equals(r.status) || r.removed) {
            return;
        }
        states.computeIfAbsent(r, k -> new LinkedHashMap<>());
        Database db = engine.keyspace().db(0);
        byte[] pattern = r.prefix.getBytes(StandardCharsets.UTF_8);
        List<byte[]> found = new ArrayList<>();
        long cursor = 0;
        do {
            cursor = db.scan(cursor, (k, v) -> {
                if (v.type() == ValueType.STREAM && Glob.match(pattern, k.bytes(), false)) {
                    found.add(k.bytes());
                }
            });
        } while (cursor != 0);
        for (byte[] key : found) {
            if (r.removed || !Registration.OK.equals(r.status)) {
                return;
            }
            Map<Key, State> m = states.get(r);
            if (m != null && !m.containsKey(new Key(key))) {
                attach(r, key);
            }
        }
    }

    /** Stops all processing of {@code r} (pause, abort, retry wait, unregister). */
    private void stop(Registration r) {
        states.remove(r);
        for (Execution e : new ArrayList<>(r.unfinished)) {
            if (e.notStarted()) {
                g.abortNotStarted(e);
            }
        }
    }

    void removed(Registration r) {
        states.remove(r);
        retries.remove(r);
    }

    /** RG.PAUSEREGISTRATIONS. */
    public void pause(Registration r) {
        if (Registration.OK.equals(r.status) || Registration.WAITING_FOR_RETRY.equals(r.status)) {
            status(r, Registration.PAUSED);
            retries.remove(r);
            stop(r);
        }
    }

    /** RG.UNPAUSEREGISTRATIONS. */
    public void unpause(Registration r) {
        status(r, Registration.OK);
        retries.remove(r);
        states.remove(r);
        startRegistration(r);
    }

    // ---- events

    /** An xadd event on a key {@code r}'s prefix matches. */
    void onXadd(Registration r, byte[] key) {
        if (!Registration.OK.equals(r.status)) {
            return;
        }
        Map<Key, State> m = states.computeIfAbsent(r, k -> new LinkedHashMap<>());
        State s = m.get(new Key(key));
        if (s == null) {
            attach(r, key);
            return;
        }
        s.pending++;
        if (s.oldestArrival == 0) {
            s.oldestArrival = engine.clock().currentTimeMillis();
        }
        maybeTrigger(r, s);
    }

    /** First sight of a stream: the group is created if missing, and unacknowledged entries are read again. */
    private void attach(Registration r, byte[] key) {
        State s = new State(key);
        states.get(r).put(new Key(key), s);
        run(bytes("XGROUP"), bytes("CREATE"), key, bytes(GROUP), bytes("0"));
        Object len = run(bytes("XLEN"), key);
        s.pending = len instanceof Long n ? n : 0;
        s.oldestArrival = s.pending > 0 ? engine.clock().currentTimeMillis() : 0;
        trigger(r, s, true);
    }

    private void maybeTrigger(Registration r, State s) {
        if (s.inFlight || s.pending <= 0) {
            return;
        }
        if (s.pending >= r.batch) {
            trigger(r, s, false);
        } else if (r.durationMs > 0 && s.timerAt == 0) {
            s.timerAt = engine.clock().currentTimeMillis() + r.durationMs;
        }
    }

    /** Engine timer: partial batches whose duration passed, registrations due to retry. */
    void tick() {
        if (states.isEmpty() && retries.isEmpty()) {
            return;
        }
        long now = engine.clock().currentTimeMillis();
        for (Map.Entry<Registration, Long> e : new ArrayList<>(retries.entrySet())) {
            if (e.getValue() <= now) {
                retries.remove(e.getKey());
                if (Registration.WAITING_FOR_RETRY.equals(e.getKey().status) && !e.getKey().removed) {
                    status(e.getKey(), Registration.OK);
                    startRegistration(e.getKey());
                }
            }
        }
        for (Map.Entry<Registration, Map<Key, State>> e : new ArrayList<>(states.entrySet())) {
            for (State s : new ArrayList<>(e.getValue().values())) {
                if (s.timerAt != 0 && s.timerAt <= now && !s.inFlight) {
                    s.timerAt = 0;
                    if (s.pending > 0) {
                        trigger(e.getKey(), s, false);
                    }
                }
            }
        }
    }

    // ---- batches

    /** Reads a batch (the unacknowledged entries when attaching) and runs an execution on it. */
    private void trigger(Registration r, State s, boolean attach) {
        s.timerAt = 0;
        byte[][] argv = attach
                ? new byte[][]{bytes("XREADGROUP"), bytes("GROUP"), bytes(GROUP), bytes(CONSUMER), bytes("STREAMS"), s.key, bytes("0")}
                : new byte[][]{bytes("XREADGROUP"), bytes("GROUP"), bytes(GROUP), bytes(CONSUMER), bytes("COUNT"),
                bytes(Long.toString(r.batch)), bytes("STREAMS"), s.key, bytes(">")};
        Object reply = run(argv);
        List<Object> entries = entries(reply);
        if (attach) {
            // XLEN counted these too: entries delivered before (a failed or interrupted batch) but never acked
            s.pending = Math.max(0, s.pending - entries.size());
        } else {
            if (entries.size() < r.batch) {
                s.pending = 0;
            } else {
                s.pending = Math.max(0, s.pending - entries.size());
            }
            if (entries.isEmpty()) {
                s.oldestArrival = 0;
                return;
            }
        }
        List<byte[]> input = new ArrayList<>();
        List<byte[]> ids = new ArrayList<>();
        input.add(s.key);
        for (Object o : entries) {
            @SuppressWarnings("unchecked")
            List<Object> entry = (List<Object>) o;
            byte[] id = (byte[]) entry.get(0);
            @SuppressWarnings("unchecked")
            List<byte[]> fields = entry.get(1) instanceof List<?> l ? (List<byte[]>) l : List.of();
            ids.add(id);
            input.add(id);
            input.add(bytes(Integer.toString(fields.size())));
            input.addAll(fields);
        }
        long arrival = entries.isEmpty() ? 0 : s.oldestArrival;
        s.oldestArrival = s.pending > 0 ? engine.clock().currentTimeMillis() : 0;
        s.inFlight = true;
        r.numTriggered++;
        Execution e = g.createRegistered(r, Registrations.KIND_STREAM, input, false);
        batches.put(e, new Batch(r, s, ids, arrival));
        g.whenDone(e, () -> completed(e));
        g.registrations().start(r, e);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> entries(Object reply) {
        if (reply instanceof List<?> streams && !streams.isEmpty() && streams.get(0) instanceof List<?> one
                && one.size() == 2 && one.get(1) instanceof List<?> l) {
            return (List<Object>) l;
        }
        return List.of();
    }

    /** A batch's execution ended: the policy decides what is acknowledged and what runs next. */
    private void completed(Execution e) {
        Batch b = batches.remove(e);
        if (b == null) {
            return;
        }
        Registration r = b.r();
        State s = b.state();
        s.inFlight = false;
        long now = engine.clock().currentTimeMillis();
        long lag = b.arrival() == 0 ? 0 : Math.max(0, now - b.arrival());
        r.lastLagMillis = lag;
        r.totalLagMillis += lag;
        g.journalRecord(g.record(GearsRecord.REG_LAG).i64(r.number).i64(r.lastLagMillis).i64(r.totalLagMillis));
        boolean aborted = e.status() == Execution.Status.ABORTED;
        boolean failed = !e.errors.isEmpty() && !aborted;
        if (failed && e.errors.get(0).startsWith("PAUSE")) {
            status(r, Registration.PAUSED);
            stop(r);
            return;
        }
        if (aborted) {
            // nothing acknowledged: the entries are read again when the registration restarts
            return;
        }
        if (failed && !r.removed && "abort".equals(r.onFailedPolicy)) {
            status(r, Registration.ABORTED);
            stop(r);
            return;
        }
        if (failed && !r.removed && "retry".equals(r.onFailedPolicy)) {
            status(r, Registration.WAITING_FOR_RETRY);
            stop(r);
            retries.put(r, now + r.retryIntervalSec * 1000);
            return;
        }
        if (!b.ids().isEmpty()) {
            byte[][] ack = new byte[3 + b.ids().size()][];
            ack[0] = bytes("XACK");
            ack[1] = s.key;
            ack[2] = bytes(GROUP);
            for (int i = 0; i < b.ids().size(); i++) {
                ack[3 + i] = b.ids().get(i);
            }
            run(ack);
            if (r.trimStream) {
                run(bytes("XTRIM"), s.key, bytes("MAXLEN"), bytes(Long.toString(s.pending)));
            }
        }
        if (r.removed || states.get(r) == null || states.get(r).get(new Key(s.key)) != s) {
            return;
        }
        if (s.pending >= r.batch) {
            trigger(r, s, false);
        } else if (s.pending > 0) {
            if (r.durationMs > 0) {
                long due = s.oldestArrival == 0 ? now : s.oldestArrival + r.durationMs;
                if (due <= now) {
                    trigger(r, s, false);
                } else {
                    s.timerAt = due;
                }
            }
        }
    }

    /** Runs a bookkeeping command as part of the current sync work (no FIXUP), journaled as an EFFECT. */
    private Object run(byte[]... argv) {
        return g.registrations().asEffect(() -> g.executeCommand(client, argv, -1));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
