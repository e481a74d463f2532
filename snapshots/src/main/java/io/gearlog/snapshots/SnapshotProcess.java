package io.gearlog.snapshots;

import io.gearlog.engine.EngineClock;
import io.gearlog.engine.ServerLog;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.journal.Journal;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Writes a background snapshot in a JVM of its own, as redis-server forks for BGSAVE. The shadow engine a snapshot
 * is built from holds the whole keyspace a second time; built in the server, every object of it would survive the
 * young collections it meets, and a copying collector would pause the engine to move them (tens to hundreds of
 * milliseconds for a million keys). Here that memory is another process's, and the server only waits for a line.
 *
 * <p>The child gets the data directory and the journal index on its command line and the server's configuration on
 * its standard input (so that no password shows in a process list); it opens the journal read-only, writes the
 * snapshot file into the catalog, and ends with one result line on its standard output. Its log lines go to the
 * same output, marked {@code :C} as redis-server marks its child's, and the server relays them to its own log.
 */
public final class SnapshotProcess {
    private static final String RESULT = "gearlog-snapshot-result ";
    /**
     * Options of the server's JVM the child must not repeat: debuggers, agents and recordings would clash over ports
     * and files, the collector is chosen here for a short batch job, and the Graal compiler serves only GraalPy, which
     * the child never runs (without the upgraded module path the JVM also starts from its class-data archive, about
     * 0.2 s sooner).
     */
    private static final Pattern NOT_INHERITED = Pattern.compile(
            "-agentlib:.*|-agentpath:.*|-javaagent:.*|-Xrunjdwp.*|-Xdebug|-Xlog.*|-XX:StartFlightRecording.*"
                    + "|-XX:FlightRecorderOptions.*|-Dcom\\.sun\\.management\\.jmxremote.*|-XX:[+-]Use\\w*GC"
                    + "|-XX:SoftMaxHeapSize=.*|-Xmn.*|-XX:MaxGCPauseMillis=.*|-XX:[+-]DumpPerfMapAtExit"
                    + "|-XX:ActiveProcessorCount=.*|-XX:HeapDumpPath=.*|-XX:[+-]HeapDumpOnOutOfMemoryError"
                    + "|--upgrade-module-path=.*|-XX:[+-]EnableJVMCI");

    private SnapshotProcess() {
    }

    /** Starts the child for a snapshot at {@code index}; IOException if no process could be started. */
    static Process start(Path dataDir, long index, ServerConfig config) throws IOException {
        Process p = new ProcessBuilder(command(dataDir, index))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        // the pipe stays open while the child works: its end tells the child the server is gone (see main)
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(p.getOutputStream()));
            List<ServerConfig.Parameter> params = new ArrayList<>(config.parameters().values());
            out.writeInt(params.size());
            for (ServerConfig.Parameter param : params) {
                String v = param.getter().get();
                out.writeUTF(param.name());
                out.writeUTF(v == null ? "" : v);
            }
            out.flush();
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    /**
     * Relays the child's log and returns the snapshot it wrote. A failure it reports, or its ending without a
     * result, is a {@link SnapshotException}; its being stopped because the server closes is a cancellation.
     */
    static SnapshotInfo await(Process p, SnapshotCatalog catalog, BooleanSupplier closing) {
        String result = null;
        try (OutputStream toChild = p.getOutputStream();
             BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(RESULT)) {
                    result = line.substring(RESULT.length());
                } else {
                    ServerLog.relay(line);
                }
            }
            // the child has ended: closing its standard input (toChild) no longer stops anything
            p.waitFor();
        } catch (IOException e) {
            p.destroyForcibly();
            if (!closing.getAsBoolean()) {
                throw new SnapshotException("lost the snapshot process: " + e.getMessage(), e);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
        if (result == null) {
            if (closing.getAsBoolean()) {
                catalog.removeTemporaryFiles();
                throw new CancellationException("shutdown");
            }
            throw new SnapshotException("the snapshot process ended (exit status "
                    + (p.isAlive() ? "unknown" : p.exitValue()) + ") without writing a snapshot");
        }
        if (result.startsWith("error ")) {
            throw new SnapshotException(result.substring("error ".length()));
        }
        String[] f = result.split(" ", 7);
        if (f.length != 7 || !f[0].equals("ok")) {
            throw new SnapshotException("unexpected answer from the snapshot process: " + result);
        }
        Path path = catalog.directory().resolve(f[6]);
        return new SnapshotInfo(Long.parseLong(f[1]), path, SnapshotCatalog.header(path), Long.parseLong(f[2]),
                Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]));
    }

    private static List<String> command(Path dataDir, long index) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!NOT_INHERITED.matcher(arg).matches()) {
                cmd.add(arg);
            }
        }
        // a batch job: the throughput collector, whose pauses nobody waits for
        cmd.add("-XX:+UseParallelGC");
        // one core at most, whatever the machine has: the server keeps the others
        cmd.add("-XX:ActiveProcessorCount=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SnapshotProcess.class.getName());
        cmd.add(dataDir.toAbsolutePath().toString());
        cmd.add(Long.toString(index));
        return cmd;
    }

    /** The child: {@code SnapshotProcess <data dir> <journal index>}, the configuration on standard input. */
    public static void main(String[] args) {
        ServerLog.role('C');
        int status = 1;
        try {
            Path dataDir = Path.of(args[0]);
            long index = Long.parseLong(args[1]);
            ServerConfig config = readConfig(new DataInputStream(System.in));
            stopWithTheServer();
            ServerLog.level(config.loglevel);
            try (Journal journal = Journal.openReadOnly(dataDir)) {
                SnapshotInfo info = ShadowSnapshot.write(config, EngineClock.SYSTEM, journal,
                        new SnapshotCatalog(dataDir), index, () -> false);
                System.out.println(RESULT + "ok " + info.sequence() + " " + info.records() + " " + info.keys() + " "
                        + info.bytes() + " " + info.millis() + " " + info.name());
                status = 0;
            }
        } catch (Throwable t) {
            String why = t.getMessage() == null ? t.toString() : t.getMessage();
            System.out.println(RESULT + "error " + why.replace('\r', ' ').replace('\n', ' '));
        }
        System.out.flush();
        // Chronicle's background threads must not keep the process alive
        System.exit(status);
    }

    /**
     * Ends this process when its standard input closes, which happens when the server dies (kill -9): it must not
     * go on writing into a data directory that a new server may own by then. The unfinished file is removed when a
     * server starts there.
     */
    private static void stopWithTheServer() {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the server writes nothing more
                }
            } catch (IOException e) {
                // as closed
            }
            Runtime.getRuntime().halt(2);
        }, "server-watch");
        t.setDaemon(true);
        t.start();
    }

    private static ServerConfig readConfig(DataInputStream in) throws IOException {
        ServerConfig config = new ServerConfig();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            String value = in.readUTF();
            ServerConfig.Parameter p = config.parameter(name);
            if (p != null) {
                p.setter().accept(value);
            }
        }
        return config;
    }
}
