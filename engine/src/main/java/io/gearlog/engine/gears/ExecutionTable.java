package io.gearlog.engine.gears;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The executions RG.DUMPEXECUTIONS shows, plus the FIFO that the MaxExecutions cap evicts from (spec README
 * section 5.3). Pure bookkeeping: journaling and replies are the service's job. Engine thread only.
 */
public final class ExecutionTable {
    private final Map<Long, Execution> visible = new LinkedHashMap<>();
    private final ArrayDeque<Execution> fifo = new ArrayDeque<>();

    public Execution get(long number) {
        return number < 0 ? null : visible.get(number);
    }

    public Collection<Execution> all() {
        return visible.values();
    }

    public int size() {
        return visible.size();
    }

    void add(Execution e) {
        visible.put(e.number, e);
        fifo.add(e);
        e.listed = true;
    }

    /**
     * Applies the global cap before a new execution is added: when the list already holds {@code max} entries its
     * oldest leaves it. Returns that execution if it is finished (the caller frees it), else null (it stays visible
     * until it finishes).
     */
    Execution evictForNew(long max) {
        if (max <= 0 || fifo.size() < max) {
            return null;
        }
        Execution old = fifo.poll();
        if (old == null) {
            return null;
        }
        old.listed = false;
        if (old.finished()) {
            visible.remove(old.number);
            return old;
        }
        return null;
    }

    void remove(Execution e) {
        visible.remove(e.number);
        if (e.listed) {
            fifo.remove(e);
            e.listed = false;
        }
    }
}
