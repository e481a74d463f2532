package io.gearlog.engine.commands;

import io.gearlog.engine.Client;
import io.gearlog.engine.keyspace.Key;

import java.util.List;

/** What every blocking command of a family waits on: keys of one database, until a deadline. Engine thread only. */
abstract class BlockedOnKeys implements Client.BlockedState {
    private final long deadline;
    protected final List<Key> keys;
    protected final int db;

    BlockedOnKeys(long deadline, List<Key> keys, int db) {
        this.deadline = deadline;
        this.keys = keys;
        this.db = db;
    }

    @Override
    public final long deadline() {
        return deadline;
    }

    @Override
    public final List<Key> keys() {
        return keys;
    }

    @Override
    public final int db() {
        return db;
    }
}
