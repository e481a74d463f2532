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
 * Executions that suspend outside async registrations (spec runtime.md 9.1): a sync execution moves to the
 * background at its first suspension while its client stays blocked, and RG.PYEXECUTE executions finish later.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RegistrationsAsyncTest extends GearsTestBase {
    @BeforeEach
    void clean() {
        unregisterAll();
        assertEquals("+OK", rg.call("FLUSHALL"));
    }

    private static boolean running() {
        return rg.call("RG.DUMPEXECUTIONS").contains("\"status\", \"running\"");
    }

    /** A sync execution that suspended shows created until it resumes (spec README 5.1). */
    private static boolean suspendedSync() {
        return rg.call("RG.DUMPEXECUTIONS").contains("\"status\", \"created\"");
    }

    @Test
    void aSyncTriggerAwaitingAFutureMovesToTheBackgroundAndItsClientWaits() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                futs = []
                async def wait(r):
                    f = createFuture()
                    futs.append(f)
                    v = await f
                    execute('SET', 'after', v)
                    return v + '!'
                def release(r):
                    fs = list(futs)
                    futs.clear()
                    for f in fs:
                        setFutureResults(f, r[1])
                    return len(fs)
                GB('CommandReader').map(wait).register(trigger='WAIT', mode='sync')
                GB('CommandReader').map(release).register(trigger='RELEASE', mode='sync')
                """));
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "WAIT");
            // the engine thread is free: other clients are served while WAIT's execution waits
            await().atMost(Duration.ofSeconds(120)).until(RegistrationsAsyncTest::suspendedSync);
            assertEquals("+PONG", rg.call("PING"));
            assertEquals("nil", rg.call("GET", "after"));
            assertEquals("[\"1\"]", rg.call("RG.TRIGGER", "RELEASE", "hello"));
            assertEquals("[\"hello!\"]", a.read());
        }
        assertEquals("\"hello\"", rg.call("GET", "after"));
        await().atMost(Duration.ofSeconds(60)).until(() -> !running());
        String dump = rg.call("RG.DUMPREGISTRATIONS");
        assertTrue(dump.contains("\"numTriggered\", :1, \"numSuccess\", :1, \"numFailures\", :0"), dump);
    }

    @Test
    void abortingASyncExecutionThatWaitsInTheBackgroundEndsIt() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                def wait(r):
                    return gearsFuture()
                GB('CommandReader').map(wait).register(trigger='WAIT', mode='sync')
                """));
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "WAIT");
            await().atMost(Duration.ofSeconds(120)).until(RegistrationsAsyncTest::suspendedSync);
            Matcher m = Pattern.compile("\"executionId\", \"([^\"]+)\", \"status\", \"created\"")
                    .matcher(rg.call("RG.DUMPEXECUTIONS"));
            assertTrue(m.find());
            assertEquals("+OK", rg.call("RG.ABORTEXECUTION", m.group(1)));
            String reply = a.read();
            assertTrue(reply.startsWith("-") && reply.contains("gears.forcestopped: Execution was aborted"), reply);
        }
        assertTrue(!running() && !suspendedSync());
    }

    @Test
    void aSyncGearsFutureIsCompletedByAnotherSyncExecution() {
        // examples.md 22 with sync registrations
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
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
                GB('CommandReader').map(wait).map(lambda x: x + '?').register(trigger='WAIT', mode='sync')
                GB('CommandReader').map(release).register(trigger='RELEASE', mode='sync')
                """));
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "WAIT");
            await().atMost(Duration.ofSeconds(120)).until(RegistrationsAsyncTest::suspendedSync);
            assertEquals("[\"released\"]", rg.call("RG.TRIGGER", "RELEASE", "hello"));
            assertEquals("[\"hello?\"]", a.read());
        }
    }

    @Test
    void example21SyncCoroutinesAndIsAsyncAllow() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                import asyncio
                async def echo(r):
                    await asyncio.sleep(0.1)
                    return r[0]
                def c(r):
                    if isAsyncAllow():
                        async def f():
                            return 'no multi'
                        return f()
                    return 'multi'
                def fut(r):
                    return gearsFuture()
                GB('CommandReader').map(echo).register(trigger='echo_sync', mode='sync')
                GB('CommandReader').map(c).register(trigger='test', mode='sync')
                GB('CommandReader').map(fut).register(trigger='fut', mode='sync')
                """));
        assertEquals("[\"echo_sync\"]", rg.call("RG.TRIGGER", "echo_sync"));
        assertEquals("[\"no multi\"]", rg.call("RG.TRIGGER", "test"));
        assertEquals("+OK", rg.call("MULTI"));
        assertEquals("+QUEUED", rg.call("RG.TRIGGER", "test"));
        assertEquals("+QUEUED", rg.call("RG.TRIGGER", "echo_sync"));
        assertEquals("+QUEUED", rg.call("RG.TRIGGER", "fut"));
        String exec = rg.call("EXEC");
        assertTrue(exec.startsWith("[[\"multi\"], -Error type: <class 'gears.error'>, Value: Creating async record is "
                + "not allowed, -"), exec);
        assertTrue(exec.lastIndexOf("gears.error: Creating async record is not allowed") > exec.indexOf("-Error type"), exec);
    }

    @Test
    void aSyncHookThatAwaitsBlocksTheHookedCommandUntilItEnds() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                import asyncio
                async def slow(r):
                    await asyncio.sleep(0.2)
                    return 'hooked ' + r[1]
                GB('CommandReader').map(slow).register(hook='hget', mode='sync')
                """));
        assertEquals("\"hooked h\"", rg.call("HGET", "h", "f"));
        // call_next from the coroutine after its park: it still runs as part of its hook execution
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                import asyncio
                async def tenfold(r):
                    await asyncio.sleep(0.1)
                    return call_next(r[1], int(r[2]) * 10)
                GB('CommandReader').map(tenfold).register(hook='incrby', keyprefix='ch:', mode='sync')
                """));
        assertEquals("\"20\"", rg.call("INCRBY", "ch:1", "2"));
        assertEquals("\"20\"", rg.call("GET", "ch:1"));
    }

    @Test
    void aSyncCommandsInterceptionThatAwaitsRepliesWhenItEnds() {
        // readers.md `commands`: the intercepted GET waits for the execution that moved to the background
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                import asyncio
                async def late(r):
                    await asyncio.sleep(0.1)
                    override_reply('late ' + r['key'])
                GB().foreach(late).register(prefix='lc:*', commands=['get'], mode='sync')
                """));
        assertEquals("\"late lc:a\"", rg.call("GET", "lc:a"));
        assertEquals("+OK", rg.call("MULTI"));
        assertEquals("+QUEUED", rg.call("GET", "lc:b"));
        // inside MULTI it cannot wait: the coroutine fails and GET answers for itself
        assertEquals("[nil]", rg.call("EXEC"));
    }

    @Test
    void aSyncKeysReaderExecutionThatAwaitsEndsAfterItsCommand() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                import asyncio
                async def later(r):
                    await asyncio.sleep(0.2)
                    execute('SET', 'seen:' + r['key'], r['value'])
                GB().foreach(later).register(prefix='in:*', eventTypes=['set'], mode='sync')
                """));
        assertEquals("+OK", rg.call("SET", "in:a", "1"));
        await().atMost(Duration.ofSeconds(60)).until(() -> rg.call("GET", "seen:in:a").equals("\"1\""));
        await().atMost(Duration.ofSeconds(60)).until(() -> !running());
        String dump = rg.call("RG.DUMPREGISTRATIONS");
        assertTrue(dump.contains("\"numTriggered\", :1, \"numSuccess\", :1, \"numFailures\", :0"), dump);
    }

    @Test
    void pyexecuteExecutionsThatAwaitFreeTheirWorkerAndReplyWhenTheyEnd() {
        // four blocking RG.PYEXECUTE calls wait for a key on the 3 workers; a fifth script still runs meanwhile
        String poll = """
                import asyncio
                async def poll(r):
                    while execute('GET', 'go') is None:
                        await asyncio.sleep(0.05)
                    return r + '!' + execute('GET', 'go')
                GB('ShardsIDReader').map(poll).run()
                """;
        Rg[] clients = new Rg[4];
        try {
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new Rg(server);
                clients[i].send("RG.PYEXECUTE", poll);
            }
            await().atMost(Duration.ofSeconds(120)).until(() ->
                    rg.call("RG.DUMPEXECUTIONS").split("\"status\", \"running\"", -1).length - 1 == 4);
            assertEquals("[[\"free\"], []]", py("GB('ShardsIDReader').map(lambda x: 'free').run()"));
            String id = py(poll, "UNBLOCKING");
            assertTrue(id.startsWith("\"" + SHARD), id);
            assertEquals("+OK", rg.call("SET", "go", "x"));
            for (Rg c : clients) {
                assertEquals("[[\"1!x\"], []]", c.read());
            }
            assertEquals("[[\"1!x\"], []]", rg.call("RG.GETRESULTSBLOCKING", id.substring(1, id.length() - 1)));
        } finally {
            for (Rg c : clients) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    @Test
    void theRecordsOfAStreamBatchWaitTogetherAndGoOutInOrder() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                blocked = []
                def park(r):
                    f = gearsFuture()
                    blocked.append((r['value']['n'], f))
                    return f
                def release(r):
                    fs = list(blocked)
                    blocked.clear()
                    for n, f in reversed(fs):
                        f.continueRun(n + r[1])
                    return len(fs)
                GB('StreamReader').map(park).foreach(lambda x: execute('RPUSH', 'out', x)) \\
                    .register(prefix='s', batch=3, mode='async_local')
                GB('CommandReader').map(release).register(trigger='GO', mode='async_local')
                """));
        for (String n : new String[]{"1", "2", "3"}) {
            assertTrue(rg.call("XADD", "s", "*", "n", n).startsWith("\""));
        }
        // the three records of the batch wait at once (before: one at a time)
        await().atMost(Duration.ofSeconds(120)).until(() -> rg.call("RG.TRIGGER", "GO", "!").equals("[\"3\"]"));
        await().atMost(Duration.ofSeconds(60)).until(() -> rg.call("LLEN", "out").equals(":3"));
        assertEquals("[\"1!\", \"2!\", \"3!\"]", rg.call("LRANGE", "out", "0", "-1"));
    }

    @Test
    void aFutureCollectedBeforeItWasCompletedFailsItsRecord() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                def lose(r):
                    return gearsFuture()
                def collect(r):
                    import gc
                    # GraalPy runs weakref callbacks after a collection: a second one gives them their turn
                    gc.collect()
                    gc.collect()
                    return 'collected'
                def diag(r):
                    import gears, gc, weakref
                    alive = [f.peek() is not None for f in weakref.finalize._registry]
                    return repr((alive, list(gears._parked), list(gears._ready), gc.isenabled()))
                GB('CommandReader').map(lose).register(trigger='LOSE', mode='async_local')
                GB('CommandReader').map(collect).register(trigger='GC', mode='async_local')
                GB('CommandReader').map(diag).register(trigger='DIAG', mode='async_local')
                """));
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "LOSE");
            try {
                await().atMost(Duration.ofSeconds(120)).until(() -> {
                    assertEquals("[\"collected\"]", rg.call("RG.TRIGGER", "GC"));
                    return rg.call("RG.DUMPREGISTRATIONS").contains("\"lastError\", \"Async record did not called continue\"");
                });
            } catch (RuntimeException | AssertionError e) {
                // say what the context holds, and leave no parked execution behind for the other tests
                System.out.println("finalizers alive, parked, ready, gc enabled: " + rg.call("RG.TRIGGER", "DIAG"));
                Matcher m = Pattern.compile("\"executionId\", \"([^\"]+)\", \"status\", \"running\"")
                        .matcher(rg.call("RG.DUMPEXECUTIONS"));
                while (m.find()) {
                    rg.call("RG.ABORTEXECUTION", m.group(1));
                }
                throw e;
            }
            assertEquals("-Async record did not called continue", a.read());
        }
    }

    @Test
    void aLostFutureFailsItsRecordWithNoOtherWorkInItsContext() {
        // nothing but the server's own sweep runs Python in the session's context after LOSE
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                def lose(r):
                    return gearsFuture()
                GB('CommandReader').map(lose).register(trigger='LOSE2', mode='async_local')
                """));
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "LOSE2");
            await().atMost(Duration.ofSeconds(150)).until(() ->
                    rg.call("RG.DUMPREGISTRATIONS").contains("\"lastError\", \"Async record did not called continue\""));
            assertEquals("-Async record did not called continue", a.read());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> !running());
    }

    @Test
    void aSecondFutureInOneCallAndAnAwaitInsideAtomicAreRefused() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                def twice(r):
                    gearsFuture()
                    return gearsFuture()
                async def atomic_await(r):
                    f = createFuture()
                    with atomic():
                        await f
                GB('CommandReader').map(twice).register(trigger='TWICE', mode='async_local')
                GB('CommandReader').map(atomic_await).register(trigger='ATOMIC', mode='sync')
                """));
        String twice = rg.call("RG.TRIGGER", "TWICE");
        assertTrue(twice.startsWith("-") && twice.contains("gears.error: Can not create async record twice on the same step"),
                twice);
        String atomic = rg.call("RG.TRIGGER", "ATOMIC");
        assertTrue(atomic.startsWith("-") && atomic.contains("gears.error: await is not allow inside atomic block"), atomic);
        assertEquals("+PONG", rg.call("PING"));
    }

    @Test
    void registerTEWithAKeyNameStoresItsTimerInTheKeyAndDeletingTheKeyCancelsIt() {
        String script = """
                def tick():
                    execute('INCR', 'ticks')
                GB('ShardsIDReader').map(lambda x: str(registerTE(1, tick, 'te:tick'))).run()
                """;
        assertEquals("[[\"True\"], []]", py(script));
        // the key exists: nothing more is scheduled
        assertEquals("[[\"False\"], []]", py(script));
        assertEquals("+rg_timeev", rg.call("TYPE", "te:tick"));
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value", rg.call("GET", "te:tick"));
        String err = py("registerTE(1, lambda: None, 5)");
        assertTrue(err.startsWith("-") && err.contains("gears.error: key name must be a string"), err);
        // clients cannot create one themselves
        assertTrue(rg.call("RG.__TIMEEVENT", "k", "1", "s", "x").startsWith("-ERR unknown command 'RG.__TIMEEVENT'"));
        await().atMost(Duration.ofSeconds(60)).until(() -> rg.call("GET", "ticks").equals("\"2\""));
        assertEquals(":1", rg.call("DEL", "te:tick"));
        String after = rg.call("GET", "ticks");
        // at most a tick already on its way lands after the DEL; then nothing
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> {
            long n = Long.parseLong(rg.call("GET", "ticks").replace("\"", ""));
            return n <= Long.parseLong(after.replace("\"", "")) + 1;
        });
    }

    @Test
    void anUpgradedSessionIsDeadWhileAnExecutionOfItsOldRegistrationRuns() {
        assertEquals("+OK", rg.call("RG.PYEXECUTE", """
                import asyncio
                async def wait(r):
                    while execute('GET', 'go') is None:
                        await asyncio.sleep(0.05)
                    return 'v1 done'
                GB('CommandReader').map(wait).register(trigger='WAITV', mode='async_local')
                """, "ID", "app"));
        Matcher m = Pattern.compile("\"id\", \"(" + SHARD + "[0-9]+)\"").matcher(rg.call("RG.DUMPREGISTRATIONS"));
        assertTrue(m.find());
        String oldId = m.group(1);
        try (Rg a = new Rg(server)) {
            a.send("RG.TRIGGER", "WAITV");
            await().atMost(Duration.ofSeconds(120)).until(RegistrationsAsyncTest::running);
            assertEquals("[]", rg.call("RG.PYDUMPSESSIONS", "DEAD"));
            assertEquals("+OK", rg.call("RG.PYEXECUTE", "GB('CommandReader').map(lambda r: 'v2')"
                    + ".register(trigger='WAITV', mode='async_local')", "ID", "app", "UPGRADE"));
            String dead = "[[\"ID\", \"app\", \"sessionDescription\", nil, \"refCount\", :1, \"linked\", \"None\", "
                    + "\"dead\", \"true\", \"requirementInstallationNeeded\", :0, \"requirements\", [], \"registrations\", "
                    + "[\"" + oldId + "\"]]]";
            assertEquals(dead, rg.call("RG.PYDUMPSESSIONS", "DEAD"));
            // VERBOSE renders the vanished registration as its id
            assertEquals(dead, rg.call("RG.PYDUMPSESSIONS", "VERBOSE", "DEAD"));
            String live = rg.call("RG.PYDUMPSESSIONS");
            assertTrue(live.startsWith("[[\"ID\", \"app\", \"sessionDescription\", nil, \"refCount\", :1, \"linked\", "
                    + "\"primary\", \"dead\", \"false\"") && !live.contains(oldId), live);
            assertEquals("[\"v2\"]", rg.call("RG.TRIGGER", "WAITV"));
            assertEquals("+OK", rg.call("SET", "go", "1"));
            assertEquals("[\"v1 done\"]", a.read());
        }
        // its last execution ended: nothing references the old session any more
        assertEquals("[]", rg.call("RG.PYDUMPSESSIONS", "DEAD"));
    }
}
