package io.gearlog.resp.gears;

import io.gearlog.resp.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * KeysReader registrations (spec examples.md 11-14, readers.md KeysReader register) through a real client, with
 * their exact replies. One server for the class; each test unregisters what it registered.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistrationsKeysTest {
    static TestServer server;
    static Rg rg;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        rg = new Rg(server);
    }

    @AfterAll
    static void stop() {
        rg.close();
        server.close();
    }

    @BeforeEach
    void clean() {
        assertEquals("+OK", rg.call("FLUSHALL"));
    }

    private static String py(String code, String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "RG.PYEXECUTE";
        args[1] = code;
        System.arraycopy(options, 0, args, 2, options.length);
        return rg.call(args);
    }

    @Test
    @Order(1)
    void example13IntrospectionAndUnregister() {
        assertEquals("+OK", py("GB(desc='all x keys').register('x*', mode='sync')", "ID", "reg", "DESCRIPTION", "demo"));
        String id = "0000000000000000000000000000000000000000-1";
        assertEquals("[[\"id\", \"" + id + "\", \"reader\", \"KeysReader\", \"desc\", \"all x keys\", "
                + "\"RegistrationData\", [\"mode\", \"sync\", \"numTriggered\", :0, \"numSuccess\", :0, \"numFailures\", :0, "
                + "\"numAborted\", :0, \"lastRunDurationMS\", :0, \"totalRunDurationMS\", :0, \"avgRunDurationMS\", \"0\", "
                + "\"lastError\", nil, \"args\", [\"regex\", \"x*\", \"eventTypes\", nil, \"keyTypes\", nil, \"hookCommands\", nil]], "
                + "\"PD\", \"{'sessionName':'reg', 'sessionDescription':'demo', 'refCount': 1, 'linkedTo': primary, 'dead': false, "
                + "'isInstallationNeeded':0, 'registrationsList':['" + id + "'], 'depsList':[]}\", "
                + "\"ExecutionThreadPool\", \"DefaultPool\"]]", rg.call("RG.DUMPREGISTRATIONS"));
        String session = "[\"ID\", \"reg\", \"sessionDescription\", \"demo\", \"refCount\", :1, \"linked\", \"primary\", "
                + "\"dead\", \"false\", \"requirementInstallationNeeded\", :0, \"requirements\", [], \"registrations\", [\"" + id + "\"]]";
        assertEquals("[" + session + "]", rg.call("RG.PYDUMPSESSIONS"));
        assertEquals("+OK", rg.call("SET", "x1", "a"));
        assertEquals("[[\"executionId\", \"" + id + "\", \"status\", \"done\", \"registered\", :1]]", rg.call("RG.DUMPEXECUTIONS"));
        assertEquals("[[\"{'event': 'set', 'key': 'x1', 'type': 'string', 'value': 'a'}\"], []]", rg.call("RG.GETRESULTS", id));
        assertEquals("[" + session + ", \"Session nosuch does not exists\"]", rg.call("RG.PYDUMPSESSIONS", "SESSIONS", "reg", "nosuch"));
        assertEquals("-Unknown option foo", rg.call("RG.PYDUMPSESSIONS", "foo"));
        System.out.println("VERBOSE " + rg.call("RG.PYDUMPSESSIONS", "VERBOSE"));
        System.out.println("DUMP " + rg.call("RG.DUMPREGISTRATIONS"));
        assertEquals("+OK", rg.call("RG.UNREGISTER", id));
        assertEquals("[]", rg.call("RG.DUMPREGISTRATIONS"));
        assertEquals("[]", rg.call("RG.DUMPEXECUTIONS"));
        assertEquals("[]", rg.call("RG.PYDUMPSESSIONS"));
        assertEquals("-execution is not registered", rg.call("RG.UNREGISTER", id));
    }

    @Test
    @Order(2)
    void example11AuditLogAndFilters() {
        assertEquals("+OK", py("GB().foreach(lambda x: execute('XADD', 'audit', '*', 'key', x['key'], 'event', x['event']))"
                + ".register(prefix='user:*', mode='sync', readValue=False)"));
        assertEquals(":1", rg.call("HSET", "user:1", "name", "alice"));
        assertEquals("+OK", rg.call("SET", "user:2", "x"));
        assertEquals(":1", rg.call("DEL", "user:1"));
        assertEquals("+OK", rg.call("SET", "other", "1"));
        assertEquals(":3", rg.call("XLEN", "audit"));
        String range = rg.call("XRANGE", "audit", "-", "+");
        assertTrue(range.matches("\\[\\[\"[0-9]+-[0-9]+\", \\[\"key\", \"user:1\", \"event\", \"hset\"\\]\\], "
                + "\\[\"[0-9]+-[0-9]+\", \\[\"key\", \"user:2\", \"event\", \"set\"\\]\\], "
                + "\\[\"[0-9]+-[0-9]+\", \\[\"key\", \"user:1\", \"event\", \"del\"\\]\\]\\]"), range);
        assertEquals("+OK", py("GB().foreach(lambda x: execute('INCR', 'list_pushes'))"
                + ".register(eventTypes=['lpush', 'RPUSH'], keyTypes=['list'], mode='sync')"));
        assertEquals(":1", rg.call("LPUSH", "q", "a"));
        assertEquals(":2", rg.call("RPUSH", "q", "b"));
        assertEquals("+OK", rg.call("SET", "x", "1"));
        assertEquals(":1", rg.call("SADD", "s", "a"));
        assertEquals("\"2\"", rg.call("GET", "list_pushes"));
    }
}
