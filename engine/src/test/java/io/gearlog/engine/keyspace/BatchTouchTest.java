package io.gearlog.engine.keyspace;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineClock;
import io.gearlog.engine.command.CommandSpec;
import io.gearlog.engine.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * BatchTouch guesses a command's keys from its name alone (a command-table lookup per command would cost what the
 * read-ahead saves); the guess must agree with the command table, in any letter case.
 */
class BatchTouchTest {
    @Test
    void multiKeyGuessesMatchTheCommandTable() {
        Engine engine = new Engine(new ServerConfig(), EngineClock.SYSTEM);
        int guessed = 0;
        for (CommandSpec spec : engine.commands().all()) {
            for (String name : new String[]{spec.name(), spec.name().toUpperCase(Locale.ROOT)}) {
                int step = BatchTouch.keyStep(name.getBytes(StandardCharsets.US_ASCII));
                if (step == 0) {
                    continue;
                }
                guessed++;
                assertEquals(1, spec.firstKey(), name);
                assertEquals(-1, spec.lastKey(), name);
                assertEquals(step, spec.step(), name);
            }
        }
        assertEquals(14, guessed, "MSET, MSETNX, MGET, DEL, UNLINK, EXISTS and TOUCH in two cases");
        assertEquals(0, BatchTouch.keyStep("set".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0, BatchTouch.keyStep("hset".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(2, BatchTouch.keyStep("mSeT".getBytes(StandardCharsets.US_ASCII)));
    }
}
