package io.gearlog.snapshots;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineExtension;
import io.gearlog.engine.SnapshotContributor;
import io.gearlog.journal.RecordType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for the gears layer the way it plugs into durability: GEARS records carry "registrations" (strings),
 * an applier keeps them in the engine service {@code test-gears}, and a snapshot contributor writes them back out.
 * Installed on every engine of this module's tests through META-INF/services; it only reacts to GEARS records.
 */
public final class TestGearsExtension implements EngineExtension {
    static final String SERVICE = "test-gears";

    @Override
    public void install(Engine engine, Role role) {
        List<String> registrations = new ArrayList<>();
        engine.service(SERVICE, registrations);
        engine.service(SERVICE + "-role", role);
        engine.service("record:" + RecordType.GEARS, (Engine.RecordApplier) r ->
                registrations.add(new String(r.payload(), StandardCharsets.UTF_8)));
        SnapshotContributor.register(engine, (e, sink) -> {
            for (String s : registrations) {
                sink.payload(RecordType.GEARS, 0, s.getBytes(StandardCharsets.UTF_8));
            }
        });
    }
}
