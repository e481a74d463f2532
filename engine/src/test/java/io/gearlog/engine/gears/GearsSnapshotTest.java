package io.gearlog.engine.gears;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineClock;
import io.gearlog.engine.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The GEARS records a snapshot carries rebuild the executions table on an engine without Python (what a snapshot's
 * shadow engine and a restart from a snapshot do). The engines are not started: this thread plays the engine thread.
 */
class GearsSnapshotTest {
    private static final List<Execution.Step> STEPS = List.of(
            new Execution.Step("map", "RedisGearsPy_ToPyRecordMapper", ""),
            new Execution.Step("map", "RedisGearsPy_PyCallbackMapper", "<function <lambda> at 0x1>"),
            new Execution.Step("collect", "collect", ""));

    @Test
    void unusedGearsAddNothingToASnapshot() {
        GearsService g = GearsService.install(new Engine(new ServerConfig(), EngineClock.SYSTEM));
        assertEquals(List.of(), g.snapshotRecords());
        g.takePlanNumber();
        assertEquals(1, g.snapshotRecords().size());
    }

    @Test
    void snapshotRecordsRebuildTheExecutionsTable() {
        ServerConfig cfg = new ServerConfig();
        GearsService a = GearsService.install(new Engine(cfg, EngineClock.SYSTEM));
        Execution done = a.createExecution(STEPS, false);
        a.markRunning(done, reason -> {
        });
        a.finish(done, List.of(":1\r\n".getBytes(StandardCharsets.UTF_8), "+OK\r\n".getBytes(StandardCharsets.UTF_8)),
                List.of("an error"), 12, 3, new long[]{0, 7, 0});
        Execution dropped = a.createExecution(STEPS, false);
        a.markRunning(dropped, reason -> {
        });
        a.finish(dropped, List.of(), List.of(), 1, 0, new long[3]);
        a.drop(dropped);
        Execution running = a.createExecution(STEPS, false);
        a.markRunning(running, reason -> {
        });
        Execution aborted = a.createExecution(STEPS, false);
        a.abortNotStarted(aborted);
        a.takePlanNumber();

        GearsService b = GearsService.install(new Engine(cfg, EngineClock.SYSTEM));
        for (byte[] p : a.snapshotRecords()) {
            b.applyPayload(p);
        }
        assertEquals(3, b.executions().size());
        Execution d = b.executions().get(done.number);
        assertEquals(Execution.Status.DONE, d.status());
        assertEquals(2, d.results().size());
        assertArrayEquals(done.results().get(1), d.results().get(1));
        assertEquals(List.of("an error"), d.errors());
        assertEquals(STEPS, d.steps);
        assertEquals(12, d.totalMillis);
        assertEquals(7, d.stepMillis[1]);
        assertEquals(done.createdAt, d.createdAt);
        assertEquals(done.seed, d.seed);
        assertNull(b.executions().get(dropped.number));
        assertEquals(Execution.Status.ABORTED, b.executions().get(aborted.number).status());
        // an execution that was running when the snapshot was taken cannot resume: it comes back aborted
        b.ensureLive();
        Execution r = b.executions().get(running.number);
        assertEquals(Execution.Status.ABORTED, r.status());
        assertEquals(List.of("Execution was aborted: the server stopped before it finished"), r.errors());
        // counters continue after the snapshot: no id is handed out twice
        assertEquals(aborted.number + 1, b.createExecution(STEPS, false).number);
        assertEquals(a.takePlanNumber(), b.takePlanNumber());
    }
}
