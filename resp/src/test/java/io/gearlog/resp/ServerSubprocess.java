package io.gearlog.resp;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/** A server in a JVM of its own (for SIGKILL tests): this JVM's class path and module flags, output to a log file. */
public final class ServerSubprocess {
    private static final Pattern READY = Pattern.compile("Ready to accept connections on [^:]+:(\\d+)");

    private ServerSubprocess() {
    }

    /** Starts io.gearlog.resp.Main with {@code jvmOptions} (heap, JIT) and {@code serverArgs}; port 0 is the caller's. */
    public static Process start(Path log, List<String> jvmOptions, String... serverArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")
                    || a.startsWith("-Dchronicle") || a.startsWith("-Ddisable.perf")) {
                cmd.add(a);
            }
        }
        cmd.add("-Dchronicle.analytics.disable=true");
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.gearlog.resp.Main"));
        cmd.addAll(List.of(serverArgs));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The port the server says it listens on, once it is ready; fails with its log if it exits first. */
    public static int awaitPort(Process server, Path log, Duration atMost) {
        int[] port = {-1};
        await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!server.isAlive()) {
                fail("server exited: " + Files.readString(log));
            }
            Matcher m = READY.matcher(Files.readString(log));
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
        return port[0];
    }
}
