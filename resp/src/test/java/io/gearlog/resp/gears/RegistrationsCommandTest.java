package io.gearlog.resp.gears;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CommandReader registrations (spec examples.md 18-20, readers.md CommandReader, commands.md RG.TRIGGER) through a
 * real client with their exact replies. One server for the class; each test unregisters what it registered.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistrationsCommandTest extends GearsTestBase {
    @BeforeEach
    void clean() {
        unregisterAll();
        assertEquals("+OK", rg.call("FLUSHALL"));
    }

    @Test
    @Order(1)
    void example18Triggers() {
        assertEquals("+OK", py("GB('CommandReader').register(trigger='mytrigger')"));
        assertEquals("[\"['mytrigger', 'foo', 'bar']\"]", rg.call("RG.TRIGGER", "mytrigger", "foo", "bar"));
        assertEquals("+OK", py("GB('CommandReader').map(lambda x: f'{x[0]} got {len(x)-1} arguments! Ah ah ah!')"
                + ".register(trigger='CountVonCount')"));
        assertEquals("[\"CountVonCount got 2 arguments! Ah ah ah!\"]", rg.call("RG.TRIGGER", "CountVonCount", "bat", "bat"));
        assertEquals("+OK", py("GB('CommandReader').map(lambda x: execute('SET', x[1], x[2])).register(trigger='my_set', mode='sync')"));
        assertEquals("[\"OK\"]", rg.call("RG.TRIGGERONKEY", "my_set", "foo", "bar"));
        assertEquals("\"bar\"", rg.call("GET", "foo"));
        assertEquals("+OK", py("GB('CommandReader').map(lambda x: '+OK').register(trigger='ok', mode='sync')"));
        assertEquals("[+OK]", rg.call("RG.TRIGGER", "ok"));
        assertEquals("+OK", py("GB('CommandReader').flatmap(lambda x: x[1:]).countby(lambda x: x).register(trigger='cnt')"));
        assertEquals("[\"{'key': 'a', 'value': 3}\"]", rg.call("RG.TRIGGER", "cnt", "a", "a", "a"));
        assertEquals("+OK", py("GB('CommandReader').foreach(lambda x: flat_error('boom')).register(trigger='fail')"));
        assertEquals("-boom", rg.call("RG.TRIGGER", "fail"));
        assertEquals("-ERR subcommand not found", rg.call("RG.TRIGGER", "nosuch"));
        assertEquals("-ERR subcommand not found", rg.call("RG.TRIGGER", "MYTRIGGER"));
        assertEquals("-ERR wrong number of arguments for 'RG.TRIGGER' command", rg.call("RG.TRIGGER"));
        String r = py("GB('CommandReader').register(trigger='mytrigger')");
        assertTrue(r.startsWith("-") && r.contains("trigger already registered"), r);
        r = py("GB('CommandReader').register(trigger='t2')\nGB('CommandReader').register(trigger='t2')");
        assertTrue(r.startsWith("-") && r.contains("trigger already registered in this session"), r);
        assertEquals("+OK", rg.call("MULTI"));
        assertEquals("+QUEUED", rg.call("RG.TRIGGER", "mytrigger"));
        assertEquals("[-ERR can not run a non-sync execution inside a MULTI/LUA (blocking is not allowed) or on loading.]",
                rg.call("EXEC"));
        assertEquals("+OK", rg.call("MULTI"));
        assertEquals("+QUEUED", rg.call("RG.TRIGGER", "ok"));
        assertEquals("[[+OK]]", rg.call("EXEC"));
        // trigger executions are dropped after replying; numTriggered counts every call
        assertEquals("[]", rg.call("RG.DUMPEXECUTIONS"));
        String dump = rg.call("RG.DUMPREGISTRATIONS");
        assertTrue(dump.contains("\"reader\", \"CommandReader\", \"desc\", nil, \"RegistrationData\", [\"mode\", \"sync\", "
                + "\"numTriggered\", :2, \"numSuccess\", :2, \"numFailures\", :0, \"numAborted\", :0, "), dump);
        assertTrue(dump.contains("\"args\", [\"trigger\", \"ok\", \"inorder\", :0]]"), dump);
        assertTrue(dump.contains("\"numTriggered\", :1, \"numSuccess\", :0, \"numFailures\", :1, \"numAborted\", :0, "), dump);
        assertTrue(dump.contains("\"lastError\", \"boom\", \"args\", [\"trigger\", \"fail\", \"inorder\", :0]]"), dump);
    }

    @Test
    @Order(2)
    void badCommandReaderArguments() {
        String[][] cases = {
                {"GB('CommandReader').register()", "no trigger or hook argument was given"},
                {"GB('CommandReader').register(trigger=1)", "trigger argument is not string"},
                {"GB('CommandReader').register(hook=1)", "hook argument is not string"},
                {"GB('CommandReader').register(hook='set', keyprefix=1)", "keyprefix argument is not string"},
                {"GB('CommandReader').register(trigger='x', inorder=1)", "inorder argument is be boolean"},
                {"GB('CommandReader').register(trigger='x', hook='set')", "trigger argument can not be given with keyprefix or hook"},
                {"GB('CommandReader').run()", "Given reader do not support run or not exists"},
        };
        for (String[] c : cases) {
            String r = py(c[0]);
            assertTrue(r.startsWith("-") && r.contains(c[1]), c[0] + " -> " + r);
        }
        assertEquals("[]", rg.call("RG.DUMPREGISTRATIONS"));
    }

    @Test
    @Order(3)
    void example19Hooks() {
        String h1 = "def my_hset(r):\n    t = str(execute('TIME')[0])\n    return call_next(*(r[1:] + ['_last_modified_', t]))\n\n"
                + "GB('CommandReader').map(my_hset).register(hook='hset', mode='sync')\n";
        String h2 = "def count_mod(r):\n    execute('HINCRBY', r[1], '_times_modified_', 1)\n    return call_next(*r[1:])\n\n"
                + "GB('CommandReader').map(count_mod).register(hook='hset', mode='sync')\n";
        assertEquals("+OK", py(h1));
        assertEquals("\"2\"", rg.call("HSET", "k1", "foo", "bar"));
        assertEquals("\"bar\"", rg.call("HGET", "k1", "foo"));
        assertEquals(":1", rg.call("HEXISTS", "k1", "_last_modified_"));
        assertEquals("+OK", py(h2));
        assertEquals("\"2\"", rg.call("HSET", "k2", "foo", "bar"));
        assertEquals("\"1\"", rg.call("HGET", "k2", "_times_modified_"));
        assertEquals(":1", rg.call("HEXISTS", "k2", "_last_modified_"));
        assertEquals("+OK", py("GB('CommandReader').map(lambda r: call_next(*r[1:])).register(hook='set', keyprefix='guarded:', mode='sync')"));
        assertEquals("\"OK\"", rg.call("SET", "guarded:a", "1"));
        assertEquals("+OK", rg.call("SET", "other", "1"));
        assertEquals("\"1\"", rg.call("GET", "guarded:a"));
        assertEquals("+OK", py("GB('CommandReader').flatmap(lambda x: x).register(hook='incr', mode='sync')"));
        assertEquals("-Command hook must return exactly one result", rg.call("INCR", "c"));
        String r = py("GB('CommandReader').register(hook='nosuchcmd')");
        assertTrue(r.startsWith("-") && r.contains("Can not override an unexisting command"), r);
        r = py("GB('CommandReader').register(hook='multi')");
        assertTrue(r.startsWith("-") && r.contains("Can not override a command which are not allowed inside a script"), r);
        r = py("GB('ShardsIDReader').map(lambda r: call_next(r)).run()");
        assertTrue(r.startsWith("[[], [\"") && r.contains("Can not get CommandHook ctx"), r);
        // hook executions are dropped after replying; the command itself is never journaled as such
        assertEquals("[]", rg.call("RG.DUMPEXECUTIONS"));
    }

    @Test
    @Order(4)
    void hookErrorsAndAsyncHooks() {
        assertEquals("+OK", py("GB('CommandReader').foreach(lambda r: flat_error('no ' + r[1])).register(hook='get', mode='sync')"));
        assertEquals("-no x", rg.call("GET", "x"));
        assertTrue(rg.call("RG.DUMPREGISTRATIONS").contains("\"lastError\", \"no x\", \"args\", [\"trigger\", \"get\", \"inorder\", :0]]"));
        String r = py("GB('CommandReader').register(hook='get', mode='async_local')");
        assertEquals("+OK", r);
        // an async hook blocks the client until its execution ends; its record is the command as sent
        assertEquals("\"['GeT', 'y']\"", rg.call("GeT", "y"));
        r = py("GB('CommandReader').register(hook='get', mode='sync')");
        assertTrue(r.contains("Can not override a none sync registration"), r);
        assertEquals("+OK", rg.call("MULTI"));
        assertEquals("+QUEUED", rg.call("GET", "y"));
        assertEquals("[-ERR can not run a non-sync execution inside a MULTI/LUA (blocking is not allowed) or on loading.]",
                rg.call("EXEC"));
    }

    @Test
    @Order(5)
    void example20ReadThroughOnKeymiss() {
        assertEquals("+OK", py("GB().foreach(lambda x: override_reply('default'))"
                + ".register(prefix='cache:*', eventTypes=['keymiss'], commands=['get'], mode='sync')"));
        assertEquals("\"default\"", rg.call("GET", "cache:x"));
        assertEquals("nil", rg.call("GET", "other"));
        assertEquals("+OK", rg.call("SET", "cache:y", "1"));
        assertEquals("\"1\"", rg.call("GET", "cache:y"));
        assertEquals("+OK", rg.call("MULTI"));
        assertEquals("+QUEUED", rg.call("GET", "cache:z"));
        assertEquals("[\"default\"]", rg.call("EXEC"));
        String r = py("GB().register(commands=['xread'])");
        assertTrue(r.startsWith("-") && r.contains("Can not hook a command with moveable keys by key prefix"), r);
        // get_command and the once-only override
        assertEquals("+OK", py("def f(x):\n    override_reply(str(get_command()))\n    override_reply('again')\n"
                + "GB().foreach(f).register(prefix='gc:*', eventTypes=['keymiss'], commands=['get'], mode='sync')"));
        assertEquals("\"['get', 'gc:1']\"", rg.call("get", "gc:1"));
        assertTrue(rg.call("RG.DUMPREGISTRATIONS").contains("Can only override reply once"));
        assertTrue(rg.call("RG.DUMPREGISTRATIONS").contains("\"hookCommands\", [\"get\"]"));
    }

    @Test
    @Order(6)
    void example20AsyncVariant() {
        assertEquals("+OK", py("GB().foreach(lambda x: override_reply('-ERR not cached'))"
                + ".register(prefix='miss:*', eventTypes=['keymiss'], commands=['get'], mode='async_local')"));
        assertEquals("-ERR not cached", rg.call("GET", "miss:a"));
        assertEquals("+OK", rg.call("MULTI"));
        assertEquals("+QUEUED", rg.call("GET", "miss:b"));
        assertEquals("[nil]", rg.call("EXEC"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> rg.call("RG.DUMPREGISTRATIONS").contains("Can not get command ctx"));
    }

    @Test
    @Order(7)
    void example23UpgradeRollbackReplace() {
        assertEquals("+OK", py("GB('CommandReader').map(lambda x: 'v1').register(trigger='ver')", "ID", "app"));
        assertEquals("[\"v1\"]", rg.call("RG.TRIGGER", "ver"));
        assertEquals("-Session app already exists", py("GB('CommandReader').map(lambda x: 'v2').register(trigger='ver')", "ID", "app"));
        assertEquals("+OK", py("GB('CommandReader').map(lambda x: 'v2').register(trigger='ver')", "ID", "app", "UPGRADE"));
        assertEquals("[\"v2\"]", rg.call("RG.TRIGGER", "ver"));
        String r = py("GB('CommandReader').map(lambda x: 'v3').register(trigger='ver')\nfailure()", "ID", "app", "UPGRADE");
        assertTrue(r.startsWith("-") && r.contains("name 'failure' is not defined"), r);
        assertEquals("[\"v2\"]", rg.call("RG.TRIGGER", "ver"));
        r = py("GB('CommandReader').register(trigger='ver')", "ID", "other");
        assertTrue(r.startsWith("-") && r.contains("trigger already registered"), r);
        assertEquals("+OK", py("GB('CommandReader').map(lambda x: 'v4').register(trigger='ver')", "ID", "app2", "REPLACE_WITH", "app"));
        assertEquals("[\"v4\"]", rg.call("RG.TRIGGER", "ver"));
        String sessions = rg.call("RG.PYDUMPSESSIONS");
        assertTrue(sessions.startsWith("[[\"ID\", \"app2\", ") && !sessions.contains("\"ID\", \"app\""), sessions);
        assertEquals("-Can not replace with nosuch, session does not exists.", py("GB().run()", "ID", "x", "REPLACE_WITH", "nosuch"));
        assertEquals("-Can not replace an existing session app2 with app2", py("GB().run()", "ID", "app2", "REPLACE_WITH", "app2"));
        r = py("GB('CommandReader').count().register(trigger='t1')\nGB('CommandReader').count().register(trigger='t1')", "ID", "dup");
        assertTrue(r.startsWith("-") && r.contains("trigger already registered in this session"), r);
        // globals of a session persist across its executions
        assertEquals("+OK", py("n = 0\ndef inc(x):\n    global n\n    n += 1\n    return n\n"
                + "GB('CommandReader').map(inc).register(trigger='inc', mode='sync')", "ID", "glob"));
        assertEquals("[\"1\"]", rg.call("RG.TRIGGER", "inc"));
        assertEquals("[\"2\"]", rg.call("RG.TRIGGER", "inc"));
    }

    @Test
    @Order(8)
    void onRegisteredAndRunawayHandlers() {
        assertEquals("+OK", py("GB('CommandReader').map(lambda x: execute('GET', 'boot')).register(trigger='boot', mode='sync', "
                + "onRegistered=lambda: execute('SET', 'boot', 'done'))"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .until(() -> rg.call("RG.TRIGGER", "boot").equals("[\"done\"]"));
        String r = py("GB('CommandReader').register(trigger='x', onRegistered=1)");
        assertTrue(r.contains("OnRegistered argument must be a function"), r);
        // a sync handler that never ends is stopped; the server keeps serving and the stats say what happened
        assertEquals("+OK", py("def spin(x):\n    while True:\n        pass\n"
                + "GB('CommandReader').map(spin).register(trigger='spin', mode='sync')"));
        r = rg.call("RG.TRIGGER", "spin");
        assertTrue(r.startsWith("-") && r.contains("forcestopped"), r);
        assertEquals("PONG", rg.call("PING").substring(1));
        String dump = rg.call("RG.DUMPREGISTRATIONS");
        assertTrue(dump.contains("\"numTriggered\", :1, \"numSuccess\", :0, \"numFailures\", :1, "), dump);
        assertEquals("[\"done\"]", rg.call("RG.TRIGGER", "boot"));
    }

    @Test
    @Order(9)
    void example21AsyncAwait() {
        assertEquals("[[\"1!\"], []]", py("import asyncio\nasync def slow(r):\n    await asyncio.sleep(0.1)\n    return r + '!'\n"
                + "GB('ShardsIDReader').map(slow).run()"));
        assertEquals("+OK", rg.call("MSET", "a", "1", "b", "2", "c", "3"));
        assertEquals("+OK", py("async def cnt(r):\n    res = await GB().count().run()\n    return res[0][0] if res[0] else '0'\n"
                + "GB('CommandReader').map(cnt).register(trigger='COUNT_KEYS', mode='async_local')"));
        assertEquals("[\"3\"]", rg.call("RG.TRIGGER", "COUNT_KEYS"));
        assertEquals("+OK", py("def c(r):\n    if isAsyncAllow():\n        async def f():\n            return 'no multi'\n        return f()\n"
                + "    return 'multi'\nGB('CommandReader').map(c).register(trigger='test', mode='sync')"));
        assertEquals("[\"no multi\"]", rg.call("RG.TRIGGER", "test"));
        assertEquals("+OK", rg.call("MULTI"));
        assertEquals("+QUEUED", rg.call("RG.TRIGGER", "test"));
        assertEquals("[[\"multi\"]]", rg.call("EXEC"));
        assertEquals("+OK", py("import asyncio\nasync def echo(r):\n    await asyncio.sleep(0.1)\n    return r[0]\n"
                + "GB('CommandReader').map(echo).register(trigger='echo_sync', mode='sync')"));
        assertEquals("[\"echo_sync\"]", rg.call("RG.TRIGGER", "echo_sync"));
        assertEquals("+OK", rg.call("MULTI"));
        assertEquals("+QUEUED", rg.call("RG.TRIGGER", "echo_sync"));
        assertEquals("[-Error type: <class 'gears.error'>, Value: Creating async record is not allowed]", rg.call("EXEC"));
    }

    @Test
    @Order(10)
    void registerTimeEvents() {
        assertEquals("+OK", py("def tick():\n    execute('INCR', 'ticks')\n    if int(execute('GET', 'ticks')) >= 2:\n        raise Exception('enough')\n"
                + "registerTE(1, tick)"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> rg.call("GET", "ticks").equals("\"2\""));
        // the callback raised: the timer stopped
        org.awaitility.Awaitility.await().pollDelay(java.time.Duration.ofMillis(2500)).until(() -> true);
        assertEquals("\"2\"", rg.call("GET", "ticks"));
        assertEquals("[[\"True\"], []]", py("GB('ShardsIDReader').map(lambda x: registerTE(3600, lambda: None)).run()"));
        String[][] cases = {
                {"registerTE(1)", "not enough arguments for time event"},
                {"registerTE('1', lambda: None)", "time argument must be a long"},
                {"registerTE(1, 2)", "callback must be a function"},
        };
        for (String[] c : cases) {
            String r = py(c[0]);
            assertTrue(r.startsWith("-") && r.contains(c[1]), c[0] + " -> " + r);
        }
    }
}
