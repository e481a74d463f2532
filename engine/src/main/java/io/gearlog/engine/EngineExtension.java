package io.gearlog.engine;

import java.util.ServiceLoader;

/**
 * Installs a part of the server (the gears runtime) on an engine. The server creates more than one engine: the
 * live one, and shadow engines that rebuild state on a background thread to write a snapshot (and offline replay).
 * Every engine gets the same extensions so it applies the same record types; a shadow never serves clients, so an
 * extension installs there only what applying records and contributing to snapshots need. Implementations are
 * found with {@link ServiceLoader} ({@code META-INF/services/io.gearlog.engine.EngineExtension}).
 */
public interface EngineExtension {
    enum Role {
        /** The engine that serves clients. */
        LIVE,
        /** A journal-less copy built to write a snapshot or to replay offline. */
        SHADOW
    }

    /** Registers services, record appliers and snapshot contributors on {@code engine}; called before it is used. */
    void install(Engine engine, Role role);

    /** Installs every extension on the class path on {@code engine}. */
    static void installAll(Engine engine, Role role) {
        for (EngineExtension x : ServiceLoader.load(EngineExtension.class, EngineExtension.class.getClassLoader())) {
            x.install(engine, role);
        }
    }
}
