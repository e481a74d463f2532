package io.gearlog.engine.keyspace;

/** All databases plus the keyspace event stream. Owned by the engine thread. */
public final class Keyspace {
    public static final int DEFAULT_DATABASES = 16;

    final KeyspaceEvents events = new KeyspaceEvents();
    final KeyspaceStats stats = new KeyspaceStats();
    private final Database[] databases;
    private KeyModificationListener modificationListener;

    public Keyspace(int count) {
        databases = new Database[count];
        for (int i = 0; i < count; i++) {
            databases[i] = new Database(this, i);
        }
    }

    public int count() {
        return databases.length;
    }

    public Database db(int index) {
        return databases[index];
    }

    public KeyspaceEvents events() {
        return events;
    }

    public KeyspaceStats stats() {
        return stats;
    }

    public void modificationListener(KeyModificationListener l) {
        this.modificationListener = l;
    }

    /** Signals that a key changed: WATCH invalidation and blocked-client wake-ups. */
    public void modified(Database db, Key key) {
        if (modificationListener != null) {
            modificationListener.keyModified(db, key);
        }
    }

    /*
     * The listener hears about a flush before the keys go (WATCH fails only for watched keys that existed, as in
     * Redis) and about a swap both before and after it (a watched key that exists on either side of the swap).
     */
    public void flushAll() {
        for (Database d : databases) {
            flush(d);
        }
    }

    public void flush(Database d) {
        if (modificationListener != null) {
            modificationListener.databaseModified(d);
        }
        d.clear();
    }

    public void swap(int a, int b) {
        if (modificationListener != null) {
            modificationListener.databaseModified(databases[a]);
            modificationListener.databaseModified(databases[b]);
        }
        databases[a].swapWith(databases[b]);
        if (modificationListener != null) {
            modificationListener.databaseModified(databases[a]);
            modificationListener.databaseModified(databases[b]);
        }
    }

    public long totalKeys() {
        long n = 0;
        for (Database d : databases) {
            n += d.size();
        }
        return n;
    }
}
