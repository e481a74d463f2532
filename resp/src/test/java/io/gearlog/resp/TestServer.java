package io.gearlog.resp;

import io.gearlog.engine.config.ServerConfig;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real Gearlog server in this JVM on a free port with its own data directory. */
public final class TestServer implements AutoCloseable {
    private final GearlogNode node;
    private final Path dir;
    /** The data directory was made for this server alone and goes away with it. */
    private boolean ownsDir;

    private TestServer(GearlogNode node, Path dir) {
        this.node = node;
        this.dir = dir;
    }

    public static TestServer start(String... options) {
        try {
            Path dir = Files.createTempDirectory("gearlog-test");
            TestServer s = start(dir, options);
            s.ownsDir = true;
            return s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestServer start(Path dir, String... options) {
        try {
            ServerConfig cfg = new ServerConfig();
            List<String> args = new ArrayList<>(List.of("--port", "0", "--dir", dir.toString(), "--loglevel", "warning"));
            args.addAll(List.of(options));
            Options.apply(cfg, args.toArray(new String[0]));
            return new TestServer(GearlogNode.start(cfg), dir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return node.port();
    }

    public Path dir() {
        return dir;
    }

    public GearlogNode node() {
        return node;
    }

    public Jedis jedis() {
        Jedis j = new Jedis("127.0.0.1", port(), 10_000);
        return j;
    }

    /** Runs redis-cli against this server and returns its stdout (trailing newline removed). */
    public String cli(String... args) {
        return cliWithInput(null, args);
    }

    public String cliWithInput(String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port())));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli timed out");
            }
            return out.stripTrailing();
        } catch (IOException e) {
            throw new IllegalStateException("redis-cli is needed for this test (apt-get install redis-tools)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        node.close();
        if (ownsDir) {
            deleteTree(dir);
        }
    }

    /** Deletes a directory tree (a test's data directory); problems are ignored. */
    public static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is a temporary directory
        }
    }
}
