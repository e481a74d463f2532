package io.gearlog.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * State outside the keyspace that a snapshot must carry (the gears layer's sessions and registrations). A
 * snapshot holds journal-format records; after the keyspace's own records it asks every contributor registered on
 * the engine for more, and loading a snapshot simply applies each record with {@link Engine#apply}, so a
 * contributor emits records its own {@link Engine.RecordApplier} understands (typically GEARS records).
 * Contributors run on the thread that owns the engine being snapshotted: the engine thread for SAVE, the
 * snapshot thread (with a shadow engine) for BGSAVE.
 */
public interface SnapshotContributor {
    /** Where contributors are registered: {@code engine.service(SERVICE)} is a {@code List<SnapshotContributor>}. */
    String SERVICE = "snapshot-contributors";

    /** Receives the records of a snapshot. */
    interface Sink {
        /** A record whose payload is one argv (COMMAND, EFFECT). */
        void argv(int type, int db, byte[][] argv);

        /** A record with a payload of the contributor's own layout (GEARS). */
        void payload(int type, int db, byte[] payload);
    }

    /** Emits the records that rebuild this contributor's state on an engine that applies them in order. */
    void contribute(Engine engine, Sink sink);

    /** Adds a contributor to {@code engine}. */
    static void register(Engine engine, SnapshotContributor c) {
        List<SnapshotContributor> list = engine.service(SERVICE);
        if (list == null) {
            list = new ArrayList<>();
            engine.service(SERVICE, list);
        }
        list.add(c);
    }

    /** The contributors registered on {@code engine}, in registration order. */
    static List<SnapshotContributor> of(Engine engine) {
        List<SnapshotContributor> list = engine.service(SERVICE);
        return list == null ? List.of() : List.copyOf(list);
    }
}
