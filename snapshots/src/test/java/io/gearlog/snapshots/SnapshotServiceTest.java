package io.gearlog.snapshots;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineClock;
import io.gearlog.engine.EngineExtension;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalRecord;
import io.gearlog.journal.JournalReader;
import io.gearlog.journal.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The extension points the gears layer uses: state kept by a record applier is rebuilt in the shadow engine of a
 * BGSAVE (extensions are installed there too), written by its snapshot contributor, and restored at startup.
 */
class SnapshotServiceTest {
    @TempDir
    Path dir;

    /** Journals a GEARS record and applies it, as the gears layer does for a registration. */
    private static void register(Engine engine, String what) {
        long idx = engine.journalPayload(RecordType.GEARS, engine.engineTime(), 0, 0, what.getBytes(StandardCharsets.UTF_8));
        try (JournalReader r = engine.appender().journal().reader()) {
            JournalRecord rec = new JournalRecord();
            r.at(idx);
            r.next(rec);
            engine.apply(rec);
        }
    }

    @Test
    void gearsStateSurvivesABackgroundSnapshotAndARestartFromIt() throws Exception {
        ServerConfig cfg = new ServerConfig();
        cfg.setAtStartup("save", "");
        try (Journal journal = Journal.open(dir)) {
            Engine live = new Engine(cfg, EngineClock.SYSTEM);
            EngineExtension.installAll(live, EngineExtension.Role.LIVE);
            SnapshotCatalog catalog = new SnapshotCatalog(dir);
            StartupRecovery.Outcome o = StartupRecovery.run(live, journal, catalog, false);
            live.journal(journal.appender(), null);
            SnapshotService service = new SnapshotService(live, journal, null, catalog, o);
            service.install();
            live.start();
            try {
                live.call(e -> {
                    register(e, "registration-1");
                    byte[][] set = {"SET".getBytes(), "k".getBytes(), "v".getBytes()};
                    e.applyArgv(set, 0, e.engineTime(), e.journalArgv(RecordType.COMMAND, e.engineTime(), 0, 0, set));
                    register(e, "registration-2");
                    return null;
                }).get();
                assertNull(live.call(e -> service.bgsave()).get());
                await().atMost(Duration.ofSeconds(30)).until(() -> !live.call(e -> service.inProgress()).get());
                assertEquals("ok", live.call(e -> service.info().get("rdb_last_bgsave_status")).get());
            } finally {
                service.close();
                live.stop();
            }
        }
        SnapshotHeader h = SnapshotCatalog.header(dir.resolve("snapshots/snapshot-00000001.gls"));
        try (Journal journal = Journal.open(dir)) {
            assertEquals(journal.lastIndex(), h.index(), "the snapshot covers the last GEARS record");
            Engine restarted = new Engine(cfg, EngineClock.SYSTEM);
            EngineExtension.installAll(restarted, EngineExtension.Role.LIVE);
            StartupRecovery.Outcome o = StartupRecovery.run(restarted, journal, new SnapshotCatalog(dir), false);
            assertEquals("snapshot-00000001.gls", o.snapshot().name());
            assertEquals(0, o.recovered().records());
            List<String> registrations = restarted.service(TestGearsExtension.SERVICE);
            assertEquals(List.of("registration-1", "registration-2"), registrations);
            assertEquals(1, restarted.keyspace().totalKeys());
        }
    }
}
