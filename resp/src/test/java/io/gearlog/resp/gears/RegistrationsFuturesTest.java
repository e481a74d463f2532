package io.gearlog.resp.gears;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Executions that suspend on a gearsFuture (spec runtime.md 9.2, examples.md 22): the parked execution frees its
 * worker, stays running, and goes on from the next step when another execution completes the future.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RegistrationsFuturesTest extends GearsTestBase {
    @BeforeEach
    void clean() {
        unregisterAll();
        assertEquals("+OK", rg.call("FLUSHALL"));
    }

    private static final String HANDOFF = """
            blocked = []
            def wait(r):
                f = gearsFuture()
                blocked.append(f)
                return f
            def release(r):
                global blocked
                for f in blocked:
                    f.continueRun(r[1])
                blocked = []
                return 'released'
            GB('CommandReader').map(wait).register(trigger='WAIT', mode='async_local')
            GB('CommandReader').map(release).register(trigger='RELEASE', mode='async_local')
            """;

    private static boolean running() {
        return rg.call("RG.DUMPEXECUTIONS").contains("\"status\", \"running\"");
    }

    @Test
    void example22HandOffBetweenTwoTriggers() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", HANDOFF));
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "WAIT");
            // parked: the execution is listed as running, and the session's only worker is free for RELEASE
            await().atMost(Duration.ofSeconds(120)).until(RegistrationsFuturesTest::running);
            assertEquals("[\"released\"]", rg.call("RG.TRIGGER", "RELEASE", "hello"));
            assertEquals("[\"hello\"]", a.read());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> !running());
    }

    @Test
    void gearsFutureOutsideAStepAndInAnExtractor() {
        String r = rg.call("RG.PYEXECUTE", "gearsFuture()");
        assertTrue(r.startsWith("-") && r.contains("Future object can only be created inside certain execution steps"), r);
        r = rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').repartition(lambda x: gearsFuture()).run()");
        assertTrue(r.startsWith("[[], [\"") && r.contains("gears.error: Step does not support async"), r);
        // a run() nested in an execution does not suspend in Gearlog (README, Registrations): said plainly
        r = rg.call("RG.PYEXECUTE", "GB('ShardsIDReader').map(lambda x: str(GB('ShardsIDReader')"
                + ".map(lambda y: gearsFuture()).run())).run()");
        assertTrue(r.contains("gearsFuture() is not supported by Gearlog in a run() called inside an execution"), r);
    }

    @Test
    void everyAsyncStepKindResumesWhereItStopped() {
        // flatmap expands the list it is given; filter keeps on a truthy value; foreach passes the record on;
        // accumulate takes the value as its accumulator; each record parks twice, then once more in accumulate
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                blocked = []
                def park(r):
                    f = gearsFuture()
                    blocked.append(f)
                    return f
                def release(r):
                    global blocked
                    fs, blocked = blocked, []
                    for f in fs:
                        f.continueRun(eval(r[1]))
                    return len(fs)
                GB('CommandReader').flatmap(park).filter(park).foreach(park).accumulate(lambda a, x: park(x)) \\
                    .register(trigger='CHAIN', mode='async_local')
                GB('CommandReader').map(release).register(trigger='GO', mode='async_local')
                """));
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "CHAIN");
            await().atMost(Duration.ofSeconds(120)).until(RegistrationsFuturesTest::running);
            // flatmap emits the list back to front; filter and foreach let both records wait at once
            // (runtime.md 9.1), accumulate takes one at a time: 'y' first, then 'x'
            String[][] steps = {{"['x', 'y']", "1"}, {"True", "2"}, {"0", "2"}, {"'a1'", "1"}, {"'a2'", "1"}};
            for (String[] step : steps) {
                assertEquals("[\"" + step[1] + "\"]", rg.call("RG.TRIGGER", "GO", step[0]));
            }
            assertEquals("[\"a2\"]", a.read());
            assertEquals("[\"0\"]", rg.call("RG.TRIGGER", "GO", "0"));
        }
    }

    @Test
    void continueFailedMakesTheRecordAnErrorAndMisuseIsRefused() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                blocked = []
                def wait(r):
                    f = gearsFuture()
                    blocked.append(f)
                    return f
                def fail(r):
                    f = blocked.pop()
                    f.continueFailed('no luck')
                    try:
                        f.continueRun(1)
                    except Exception as e:
                        return str(e)
                def early(r):
                    f = gearsFuture()
                    f.continueRun(1)
                def twice(r):
                    return gearsFuture(1)
                GB('CommandReader').map(wait).register(trigger='WAIT', mode='async_local')
                GB('CommandReader').map(fail).register(trigger='FAIL', mode='async_local')
                GB('CommandReader').map(early).register(trigger='EARLY', mode='async')
                GB('CommandReader').map(twice).register(trigger='ARGS', mode='async')
                """));
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "WAIT");
            await().atMost(Duration.ofSeconds(120)).until(RegistrationsFuturesTest::running);
            assertEquals("[\"Can not continue with the same future twice\"]", rg.call("RG.TRIGGER", "FAIL"));
            assertEquals("-no luck", a.read());
        }
        String early = rg.call("RG.TRIGGER", "EARLY");
        assertTrue(early.contains("gears.error: Can not handle future untill it returned from the callback"), early);
        String args = rg.call("RG.TRIGGER", "ARGS");
        assertTrue(args.contains("gears.error: Future gets no arguments"), args);
    }

    @Test
    void abortingAParkedExecutionEndsIt() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", HANDOFF));
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "WAIT");
            await().atMost(Duration.ofSeconds(120)).until(RegistrationsFuturesTest::running);
            String dump = rg.call("RG.DUMPEXECUTIONS");
            Matcher m = Pattern.compile("\"executionId\", \"([^\"]+)\", \"status\", \"running\"").matcher(dump);
            assertTrue(m.find(), dump);
            assertEquals("+OK", rg.call("RG.ABORTEXECUTION", m.group(1)));
            String reply = a.read();
            assertTrue(reply.startsWith("-") && reply.contains("gears.forcestopped"), reply);
            // the future of the aborted execution is dropped: releasing it later changes nothing
            assertEquals("[\"released\"]", rg.call("RG.TRIGGER", "RELEASE", "late"));
        }
    }

    @Test
    void aCoroutineAwaitingCreateFutureParksUntilSetFutureResults() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                futs = []
                async def wait(r):
                    f = createFuture()
                    futs.append(f)
                    return await f
                def release(r):
                    fs = list(futs)
                    futs.clear()
                    for f in fs:
                        if r[1] == 'fail':
                            setFutureException(f, 'boom')
                        else:
                            setFutureResults(f, r[1])
                    return len(fs)
                GB('CommandReader').map(wait).register(trigger='WAIT', mode='async_local')
                GB('CommandReader').map(release).register(trigger='RELEASE', mode='async_local')
                """));
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "WAIT");
            await().atMost(Duration.ofSeconds(120)).until(RegistrationsFuturesTest::running);
            assertEquals("[\"1\"]", rg.call("RG.TRIGGER", "RELEASE", "hello"));
            assertEquals("[\"hello\"]", a.read());
            a.send("RG.TRIGGER", "WAIT");
            await().atMost(Duration.ofSeconds(60)).until(RegistrationsFuturesTest::running);
            assertEquals("[\"1\"]", rg.call("RG.TRIGGER", "RELEASE", "fail"));
            String err = a.read();
            assertTrue(err.startsWith("-") && err.contains("Exception: boom"), err);
        }
    }

    @Test
    void runCoroutineCompletesAGearsFutureAfterItsDelay() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                import asyncio
                async def later(x):
                    await asyncio.sleep(0.2)
                    return x + ' later'
                def go(r):
                    f = gearsFuture()
                    runCoroutine(later(r[1]), f, 0.1)
                    return f
                async def nap(r):
                    await asyncio.sleep(0.1)
                    return 'napped'
                GB('CommandReader').map(go).register(trigger='GO', mode='async_local')
                GB('CommandReader').map(nap).register(trigger='NAP', mode='async_local')
                """));
        assertEquals("[\"hi later\"]", rg.call("RG.TRIGGER", "GO", "hi"));
        assertEquals("[\"napped\"]", rg.call("RG.TRIGGER", "NAP"));
    }

    @Test
    void recordsAfterAGroupingStepWaitTogether() {
        // batchgroupby emits its groups in flush: map lets all of them wait at once, completed in reverse order
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                blocked = []
                def park(r):
                    f = gearsFuture()
                    blocked.append(f)
                    return f
                def release(r):
                    fs = list(blocked)
                    blocked.clear()
                    for i, f in reversed(list(enumerate(fs))):
                        f.continueRun(r[1] + str(i))
                    return len(fs)
                GB('CommandReader').flatmap(lambda r: ['a', 'b', 'a', 'c']).batchgroupby(lambda x: x, lambda k, l: len(l)) \\
                    .map(park).register(trigger='GROUPS', mode='async_local')
                GB('CommandReader').map(release).register(trigger='GO', mode='async_local')
                """));
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "GROUPS");
            await().atMost(Duration.ofSeconds(120)).until(RegistrationsFuturesTest::running);
            assertEquals("[\"3\"]", rg.call("RG.TRIGGER", "GO", "x"));
            // the output keeps the input order whatever order the futures completed in
            assertEquals("[\"x0\", \"x1\", \"x2\"]", a.read());
            assertEquals("[\"0\"]", rg.call("RG.TRIGGER", "GO", "w"));
        }
    }
}
