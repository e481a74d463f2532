package io.gearlog.engine.gears;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineExtension;
import io.gearlog.engine.SnapshotContributor;
import io.gearlog.journal.RecordType;

/** Installs the gears layer on every engine; only the live one starts Python (shadow engines apply data only). */
public final class GearsExtension implements EngineExtension {
    @Override
    public void install(Engine engine, Role role) {
        GearsService g = GearsService.install(engine);
        SnapshotContributor.register(engine, (e, sink) -> {
            for (byte[] payload : GearsService.of(e).snapshotRecords()) {
                sink.payload(RecordType.GEARS, 0, payload);
            }
        });
        if (role == Role.LIVE) {
            // warms up once the engine thread runs, after recovery: on a few cores it would halve recovery's speed
            engine.execute(g::startPython);
        }
    }
}
