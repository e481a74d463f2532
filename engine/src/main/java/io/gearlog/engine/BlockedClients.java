package io.gearlog.engine;

import io.gearlog.engine.keyspace.Database;
import io.gearlog.engine.keyspace.Key;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Clients blocked in BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK and the like: served in arrival order when a key they
 * wait on changes, timed out with the engine clock. Engine thread only.
 */
public final class BlockedClients {
    private final Map<DbKey, ArrayDeque<Client>> waiting = new HashMap<>();
    private final LinkedHashSet<DbKey> ready = new LinkedHashSet<>();
    private final List<Client> blocked = new ArrayList<>();

    public int count() {
        return blocked.size();
    }

    void block(Client c, Client.BlockedState state) {
        c.blocked = state;
        blocked.add(c);
        for (Key k : state.keys()) {
            waiting.computeIfAbsent(new DbKey(state.db(), k), x -> new ArrayDeque<>()).add(c);
        }
    }

    void unblock(Client c) {
        Client.BlockedState st = c.blocked;
        if (st == null) {
            return;
        }
        c.blocked = null;
        blocked.remove(c);
        for (Key k : st.keys()) {
            DbKey dk = new DbKey(st.db(), k);
            ArrayDeque<Client> q = waiting.get(dk);
            if (q != null) {
                q.remove(c);
                if (q.isEmpty()) {
                    waiting.remove(dk);
                }
            }
        }
    }

    void signal(Database db, Key key) {
        if (!waiting.isEmpty()) {
            DbKey dk = new DbKey(db.index(), key);
            if (waiting.containsKey(dk)) {
                ready.add(dk);
            }
        }
    }

    void signalAll(Database db) {
        for (DbKey dk : waiting.keySet()) {
            if (dk.db() == db.index()) {
                ready.add(dk);
            }
        }
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    /** Takes the next ready key, or null. */
    DbKey pollReady() {
        var it = ready.iterator();
        if (!it.hasNext()) {
            return null;
        }
        DbKey dk = it.next();
        it.remove();
        return dk;
    }

    /** Clients waiting on a key, oldest first (a copy). */
    List<Client> waitersOf(DbKey dk) {
        ArrayDeque<Client> q = waiting.get(dk);
        return q == null ? List.of() : new ArrayList<>(q);
    }

    /** The earliest deadline among blocked clients, or Long.MAX_VALUE. */
    long nextDeadline() {
        long min = Long.MAX_VALUE;
        for (Client c : blocked) {
            long d = c.blocked.deadline();
            if (d > 0 && d < min) {
                min = d;
            }
        }
        return min;
    }

    List<Client> timedOut(long now) {
        List<Client> out = new ArrayList<>();
        for (Client c : blocked) {
            long d = c.blocked.deadline();
            if (d > 0 && d <= now) {
                out.add(c);
            }
        }
        return out;
    }
}
