package io.gearlog.resp;

import io.gearlog.engine.ServerLog;
import io.gearlog.engine.commands.ServerCommands;
import io.gearlog.engine.config.ConfigException;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.journal.JournalException;

import java.net.BindException;

/** {@code ./gearlog [config-file] [--option value ...]}: runs a server until SHUTDOWN or SIGTERM. */
public final class Main {
    private Main() {
    }

    /**
     * Netty's per-buffer safety checks, set before its classes load unless given on the command line: leak
     * tracking samples buffer allocations with a stack trace, and the accessibility and bounds checks run on every
     * byte the decoder reads; our buffers never leave the event loop that allocated them.
     */
    private static void nettyDefaults() {
        defaultProperty("io.netty.leakDetection.level", "disabled");
        defaultProperty("io.netty.buffer.checkAccessible", "false");
        defaultProperty("io.netty.buffer.checkBounds", "false");
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    /** The reason text when {@code e} is a failure to bind the listening socket, else null. */
    static String bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof BindException || (m != null && m.startsWith("bind(..) failed"))) {
                int colon = m == null ? -1 : m.lastIndexOf(": ");
                return m == null ? t.toString() : colon >= 0 ? m.substring(colon + 2) : m;
            }
        }
        return null;
    }

    public static void main(String[] args) {
        nettyDefaults();
        ServerConfig cfg = new ServerConfig();
        try {
            Options.apply(cfg, args);
        } catch (ConfigException e) {
            switch (e.getMessage()) {
                case "version" -> {
                    System.out.println("Gearlog server v=" + ServerCommands.GEARLOG_VERSION + " (RESP, Redis 7.0 compatible)");
                    System.exit(0);
                }
                case "help" -> {
                    System.out.println("Usage: ./gearlog [/path/to/gearlog.conf] [--option value ...]");
                    System.out.println("Examples: ./gearlog --port 7000 --dir /tmp/g    ./gearlog gearlog.conf --loglevel verbose");
                    System.exit(0);
                }
                default -> {
                    System.err.println("gearlog: " + e.getMessage());
                    System.exit(1);
                }
            }
            return;
        }
        ServerLog.level(cfg.loglevel);
        // before the server is ready, so INFO shows the limit from the first request on
        HeapSoftLimit.installIfZgc();
        GearlogNode node;
        try {
            node = GearlogNode.start(cfg);
        } catch (JournalException e) {
            System.err.println("gearlog: " + e.getMessage());
            System.exit(1);
            return;
        } catch (Exception e) {
            String bind = bindFailure(e);
            System.err.println(bind != null ? "gearlog: cannot listen on " + cfg.bind + ":" + cfg.port + ": " + bind
                    : "gearlog: startup failed: " + e);
            System.exit(1);
            return;
        }
        GearlogNode n = node;
        Thread hook = new Thread(() -> {
            ServerLog.notice("Received SIGTERM, shutting down");
            n.close();
            ServerLog.notice("Gearlog is now ready to exit, bye bye...");
            System.out.flush();
            System.err.flush();
            // the journal is closed: exit 0 as redis-server does on SIGTERM, not the JVM's 143
            Runtime.getRuntime().halt(0);
        }, "gearlog-sigterm");
        Runtime.getRuntime().addShutdownHook(hook);
        node.onShutdownCommand(() -> {
            ServerLog.notice("User requested shutdown...");
            Runtime.getRuntime().removeShutdownHook(hook);
            n.close();
            ServerLog.notice("Gearlog is now ready to exit, bye bye...");
            System.exit(0);
        });
    }
}
