package io.gearlog.engine.gears;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-session profiles of RG.PYPROFILE: every Python context publishes its own table for a session (an opaque
 * marshalled pstats table) after each profiled execution; STATS merges what all contexts published. A generation
 * per session lets RESET (and a new session of the same id) discard tables still held by the contexts. Shared by
 * the engine and worker threads; every method is synchronized.
 */
public final class ProfileTables {
    private final Map<String, Long> generations = new HashMap<>();
    private final Map<String, Map<Integer, String>> tables = new HashMap<>();

    public synchronized long generation(String session) {
        return generations.getOrDefault(session, 0L);
    }

    /** Stores the table of context {@code context} (-1: the engine's) unless it predates the last reset. */
    public synchronized void publish(String session, long generation, int context, String table) {
        if (generation != generation(session)) {
            return;
        }
        tables.computeIfAbsent(session, s -> new HashMap<>()).put(context, table);
    }

    public synchronized List<String> tables(String session) {
        Map<Integer, String> m = tables.get(session);
        return m == null ? List.of() : new ArrayList<>(m.values());
    }

    /** Drops what was collected for the session; contexts start over at their next profiled execution. */
    public synchronized void reset(String session) {
        generations.merge(session, 1L, Long::sum);
        tables.remove(session);
    }
}
