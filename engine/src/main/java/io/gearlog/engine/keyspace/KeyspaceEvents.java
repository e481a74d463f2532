package io.gearlog.engine.keyspace;

import java.util.ArrayList;
import java.util.List;

/** The engine's keyspace event stream. Owned by the engine thread. */
public final class KeyspaceEvents {
    private final List<KeyspaceEventListener> listeners = new ArrayList<>();
    private KeyspaceEventListener[] snapshot = new KeyspaceEventListener[0];

    public void addListener(KeyspaceEventListener l) {
        listeners.add(l);
        snapshot = listeners.toArray(new KeyspaceEventListener[0]);
    }

    public void removeListener(KeyspaceEventListener l) {
        listeners.remove(l);
        snapshot = listeners.toArray(new KeyspaceEventListener[0]);
    }

    public void emit(int eventClass, String event, int db, byte[] key) {
        for (KeyspaceEventListener l : snapshot) {
            l.onKeyspaceEvent(eventClass, event, db, key);
        }
    }
}
