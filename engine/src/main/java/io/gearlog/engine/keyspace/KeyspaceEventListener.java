package io.gearlog.engine.keyspace;

/**
 * Receives every keyspace event the engine emits, whatever {@code notify-keyspace-events} says. Pub/sub
 * notifications and KeysReader registrations both listen here. Called on the engine thread, inline with the
 * command that caused the event.
 */
public interface KeyspaceEventListener {
    void onKeyspaceEvent(int eventClass, String event, int db, byte[] key);
}
