package io.gearlog.engine;

import io.gearlog.engine.keyspace.Database;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.Keyspace;
import io.gearlog.engine.keyspace.RValue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Keys watched by clients (WATCH), invalidated when the key changes. Engine thread only. */
final class WatchedKeys {
    private final Map<DbKey, List<Client>> watchers = new HashMap<>();

    boolean isEmpty() {
        return watchers.isEmpty();
    }

    void watch(Client c, int db, Key key) {
        DbKey dk = new DbKey(db, key);
        for (Client.WatchedKey w : c.watched) {
            if (w.db() == db && w.key().equals(key)) {
                return;
            }
        }
        watchers.computeIfAbsent(dk, k -> new ArrayList<>()).add(c);
        c.watched.add(new Client.WatchedKey(db, key));
    }

    /** True when a key {@code c} watches has passed its TTL without being deleted yet (Redis checks this at EXEC). */
    boolean anyExpired(Client c, Keyspace keyspace, long now) {
        for (Client.WatchedKey w : c.watched) {
            RValue v = keyspace.db(w.db()).peek(w.key());
            if (v != null && v.hasExpire() && v.expireAt() <= now) {
                return true;
            }
        }
        return false;
    }

    void unwatchAll(Client c) {
        for (Client.WatchedKey w : c.watched) {
            DbKey dk = new DbKey(w.db(), w.key());
            List<Client> l = watchers.get(dk);
            if (l != null) {
                l.remove(c);
                if (l.isEmpty()) {
                    watchers.remove(dk);
                }
            }
        }
        c.watched.clear();
        c.watchInvalidated = false;
    }

    void touched(Database db, Key key) {
        if (watchers.isEmpty()) {
            return;
        }
        List<Client> l = watchers.get(new DbKey(db.index(), key));
        if (l != null) {
            for (Client c : l) {
                c.watchInvalidated = true;
            }
        }
    }

    /** A whole database is about to be emptied or swapped: fails the WATCH of every watched key it holds. */
    void touchedAll(Database db) {
        for (Iterator<Map.Entry<DbKey, List<Client>>> it = watchers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<DbKey, List<Client>> e = it.next();
            if (e.getKey().db() == db.index() && db.peek(e.getKey().key()) != null) {
                for (Client c : e.getValue()) {
                    c.watchInvalidated = true;
                }
            }
        }
    }
}
