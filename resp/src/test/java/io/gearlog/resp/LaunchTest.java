package io.gearlog.resp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server as a process, the way ./gearlog runs it (Main with the same JVM flags and this test's class path):
 * option and config-file errors, one log line per phase, SIGTERM and SHUTDOWN, and a restart that recovers.
 */
class LaunchTest {
    private static final Pattern READY = Pattern.compile("Ready to accept connections on 127\\.0\\.0\\.1:(\\d+) ");

    /** A running (or finished) server process whose output lines are collected as they come. */
    static final class ServerProcess implements AutoCloseable {
        final Process process;
        final List<String> out = new CopyOnWriteArrayList<>();
        final List<String> err = new CopyOnWriteArrayList<>();
        private final List<Thread> pumps = new ArrayList<>();

        ServerProcess(String... args) throws IOException {
            this(List.of("-Xmx512m"), args);
        }

        ServerProcess(List<String> jvmOptions, String... args) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent")) {
                    cmd.add(a);
                }
            }
            cmd.addAll(jvmOptions);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add("io.gearlog.resp.Main");
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).start();
            pumps.add(pump(process.getInputStream(), out));
            pumps.add(pump(process.getErrorStream(), err));
        }

        private static Thread pump(java.io.InputStream in, List<String> sink) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        sink.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        int exitCode() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("server did not exit; output: " + out + err);
            }
            // the output is complete once both pipes reached end of file
            for (Thread t : pumps) {
                t.join(10_000);
            }
            return process.exitValue();
        }

        int awaitPort() {
            int[] port = new int[1];
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (String l : out) {
                    Matcher m = READY.matcher(l);
                    if (m.find()) {
                        port[0] = Integer.parseInt(m.group(1));
                        return true;
                    }
                }
                if (!process.isAlive()) {
                    throw new AssertionError("server exited: " + out + err);
                }
                return false;
            });
            return port[0];
        }

        boolean logged(String text) {
            return out.stream().anyMatch(l -> l.contains(text));
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static void assertFailsWithOneLine(String expected, String... args) throws Exception {
        try (ServerProcess p = new ServerProcess(args)) {
            assertEquals(1, p.exitCode());
            assertEquals(List.of(expected), p.err, () -> "stdout: " + p.out);
            assertEquals(List.of(), p.out);
        }
    }

    @Test
    void unknownOptionStopsWithOneLine() throws Exception {
        assertFailsWithOneLine("gearlog: unknown option 'bogus' (--bogus)", "--bogus", "1");
    }

    @Test
    void badValuesStopWithOneLine() throws Exception {
        assertFailsWithOneLine("gearlog: bad value 'abc' for 'port': argument couldn't be parsed into an integer (--port)",
                "--port", "abc");
        assertFailsWithOneLine("gearlog: bad value 'sometimes' for 'appendfsync': argument(s) must be one of the "
                + "following: always, everysec, no (--appendfsync)", "--appendfsync", "sometimes");
        assertFailsWithOneLine("gearlog: option --port needs a value", "--port");
        assertFailsWithOneLine("gearlog: unexpected argument '--' (options look like --port 7000)", "--port", "1", "--");
    }

    @Test
    void configFileErrorsNameTheLine(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("gearlog.conf");
        Files.writeString(conf, "# a comment\nport 7000\nbogus-directive yes\n");
        assertFailsWithOneLine("gearlog: unknown option 'bogus-directive' (" + conf + ":3)", conf.toString());
        Files.writeString(conf, "port 7000\nmaxclients lots\n");
        assertFailsWithOneLine("gearlog: bad value 'lots' for 'maxclients': argument couldn't be parsed into an integer ("
                + conf + ":2)", conf.toString());
        assertFailsWithOneLine("gearlog: cannot read config file " + dir.resolve("missing.conf") + ": no such file",
                dir.resolve("missing.conf").toString());
    }

    @Test
    void busyPortStopsWithOneLine(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
             ServerProcess p = new ServerProcess("--port", String.valueOf(taken.getLocalPort()), "--dir", dir.toString())) {
            assertEquals(1, p.exitCode());
            assertEquals(List.of("gearlog: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": Address already in use"),
                    p.err);
        }
    }

    private static long infoField(Jedis j, String section, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":(\\d+)\r?$").matcher(j.info(section));
        assertTrue(m.find(), () -> field + " not in INFO " + section);
        return Long.parseLong(m.group(1));
    }

    @Test
    void underZgcTheSoftHeapLimitStartsAtOneGigabyteAndFollowsTheLiveHeap(@TempDir Path dir) throws Exception {
        try (ServerProcess p = new ServerProcess(List.of("-XX:+UseZGC", "-Xmx3g"), "--port", "0", "--dir",
                dir.toString(), "--save", "", "--loglevel", "verbose")) {
            int port = p.awaitPort();
            assertTrue(p.logged("Heap soft limit 1024 MB, following twice the live heap plus 512 MB (max heap 3072 MB)"),
                    () -> p.out.toString());
            try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
                assertEquals(3L << 30, infoField(j, "memory", "jvm_heap_max"));
                assertEquals(1L << 30, infoField(j, "memory", "jvm_heap_soft_max"));
                // 400 MB that stay live: the next collection finds more than (1 GB - 512 MB) / 2 surviving
                byte[] value = new byte[1 << 20];
                for (int i = 0; i < 400; i++) {
                    value[0] = (byte) i;
                    value[1] = (byte) (i >> 8);
                    j.set(("big:" + i).getBytes(StandardCharsets.UTF_8), value);
                }
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    j.get("big:0".getBytes(StandardCharsets.UTF_8));  // a little allocation, so the collector keeps going
                    return infoField(j, "memory", "jvm_heap_soft_max") >= 2 * (400L << 20) + (512L << 20);
                });
                assertTrue(infoField(j, "memory", "jvm_heap_soft_max") <= 3L << 30);
            }
        }
    }

    @Test
    void withoutZgcTheSoftHeapLimitIsTheMaximumHeap(@TempDir Path dir) throws Exception {
        try (ServerProcess p = new ServerProcess(List.of("-XX:+UseSerialGC", "-Xmx512m"), "--port", "0", "--dir",
                dir.toString(), "--loglevel", "verbose")) {
            int port = p.awaitPort();
            assertTrue(p.out.stream().noneMatch(l -> l.contains("Heap soft limit")), () -> p.out.toString());
            try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
                assertEquals(infoField(j, "memory", "jvm_heap_max"), infoField(j, "memory", "jvm_heap_soft_max"));
            }
        }
    }

    @Test
    void startsFromAConfigFileStopsOnSigtermAndRecoversOnRestart(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("gearlog.conf");
        Files.writeString(conf, "# redis.conf syntax\nport 0\ndir \"" + dir.resolve("data") + "\"\nrequirepass first\n"
                + "notify-keyspace-events KEA\n");
        try (ServerProcess p = new ServerProcess(conf.toString(), "--requirepass", "pw", "--loglevel", "notice")) {
            int port = p.awaitPort();
            for (String phase : List.of("Gearlog 0.1.0 starting: pid ", "Journal opened at ", "Recovered 0 journal records in ",
                    "Ready to accept connections on 127.0.0.1:" + port)) {
                assertTrue(p.logged(phase), () -> phase + " not in " + p.out);
            }
            try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {  // generous: the first reply of a fresh JVM on a busy two-core machine
                assertEquals("OK", j.auth("pw"));
                assertEquals("AKE", j.configGet("notify-keyspace-events").get("notify-keyspace-events"));
                assertEquals("OK", j.set("kept", "across restarts"));
                assertEquals(42, j.incrBy("counter", 42));
            }
            // SIGTERM through the handle: Process.destroy() would also close our ends of the output pipes
            assertTrue(p.process.toHandle().destroy());
            assertEquals(0, p.exitCode());
            for (String phase : List.of("Received SIGTERM, shutting down", "Stopped accepting connections", "Engine stopped",
                    "Journal synced and closed at index", "Gearlog is now ready to exit, bye bye...")) {
                assertTrue(p.logged(phase), () -> phase + " not in " + p.out);
            }
            assertEquals(List.of(), p.err);
        }
        try (ServerProcess p = new ServerProcess(conf.toString(), "--requirepass", "pw")) {
            int port = p.awaitPort();
            assertTrue(p.logged("Recovered 2 journal records in "), () -> p.out.toString());
            try (Jedis j = new Jedis("127.0.0.1", port, 30_000)) {
                j.auth("pw");
                assertEquals("across restarts", j.get("kept"));
                assertEquals("42", j.get("counter"));
                j.shutdown();
            } catch (redis.clients.jedis.exceptions.JedisConnectionException expected) {
                // SHUTDOWN closes the connection without a reply
            }
            assertEquals(0, p.exitCode());
            assertTrue(p.logged("User requested shutdown..."), () -> p.out.toString());
            assertTrue(p.logged("Gearlog is now ready to exit, bye bye..."), () -> p.out.toString());
        }
    }

    @Test
    void versionAndHelpExitZero() throws Exception {
        try (ServerProcess p = new ServerProcess("--version")) {
            assertEquals(0, p.exitCode());
            assertEquals(List.of("Gearlog server v=0.1.0 (RESP, Redis 7.0 compatible)"), p.out);
        }
        try (ServerProcess p = new ServerProcess("--help")) {
            assertEquals(0, p.exitCode());
            assertTrue(p.out.get(0).startsWith("Usage: ./gearlog [/path/to/gearlog.conf] [--option value ...]"), p.out::toString);
        }
    }
}
