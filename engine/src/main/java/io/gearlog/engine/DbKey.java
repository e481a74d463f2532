package io.gearlog.engine;

import io.gearlog.engine.keyspace.Key;

/** A key together with its database. */
public record DbKey(int db, Key key) {
}
