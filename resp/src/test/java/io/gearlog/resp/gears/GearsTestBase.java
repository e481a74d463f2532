package io.gearlog.resp.gears;

import io.gearlog.resp.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One real server and one raw RESP client ({@link Rg}, which keeps simple strings, bulk strings and nil apart) per
 * test class. GraalPy contexts take seconds to build, so gears tests share a server across their methods.
 */
abstract class GearsTestBase {
    static final String SHARD = "0000000000000000000000000000000000000000-";
    static TestServer server;
    static Rg rg;

    @BeforeAll
    static void startServer() {
        server = TestServer.start();
        rg = new Rg(server);
    }

    @AfterAll
    static void stopServer() {
        rg.close();
        server.close();
    }

    /** RG.PYEXECUTE of {@code code} with {@code options}; the reply as {@link Rg} renders it. */
    static String py(String code, String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "RG.PYEXECUTE";
        args[1] = code;
        System.arraycopy(options, 0, args, 2, options.length);
        return rg.call(args);
    }

    /** Unregisters every registration, so each test starts without the previous one's. */
    static void unregisterAll() {
        Matcher m = Pattern.compile("\"id\", \"(" + SHARD + "[0-9]+)\"").matcher(rg.call("RG.DUMPREGISTRATIONS"));
        while (m.find()) {
            assertEquals("+OK", rg.call("RG.UNREGISTER", m.group(1)));
        }
        assertEquals("[]", rg.call("RG.DUMPREGISTRATIONS"));
    }
}
