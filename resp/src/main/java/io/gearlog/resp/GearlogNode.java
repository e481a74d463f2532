package io.gearlog.resp;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineClock;
import io.gearlog.engine.Recovery;
import io.gearlog.engine.ServerLog;
import io.gearlog.engine.commands.ServerCommands;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalSyncer;
import net.openhft.chronicle.queue.RollCycles;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A whole Gearlog server: journal, engine, recovery and the TCP listener, started in phases with one log line
 * each. {@code Main} runs one; integration tests start them in-process on free ports.
 */
public final class GearlogNode implements AutoCloseable {
    private final ServerConfig config;
    private Journal journal;
    private JournalSyncer syncer;
    private Engine engine;
    private GearlogServer server;
    private int port;
    private volatile boolean closed;
    private Runnable onShutdownCommand = this::close;

    private GearlogNode(ServerConfig config) {
        this.config = config;
    }

    public static GearlogNode start(ServerConfig config) throws Exception {
        GearlogNode n = new GearlogNode(config);
        try {
            n.boot();
        } catch (Exception | Error e) {
            n.close();
            throw e;
        }
        return n;
    }

    private void boot() throws Exception {
        ServerLog.level(config.loglevel);
        long t0 = System.nanoTime();
        ServerLog.notice("Gearlog " + ServerCommands.GEARLOG_VERSION + " starting: pid " + ProcessHandle.current().pid()
                + ", Java " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        Path dir = Path.of(config.dir).toAbsolutePath().normalize();
        journal = Journal.open(dir, RollCycles.valueOf(config.rollCycle));
        ServerLog.notice("Journal opened at " + journal.directory() + " (" + journal.cycleFiles().length
                + " cycle files, " + (journal.lastIndex() < 0 ? "empty" : "last index " + Journal.formatIndex(journal.lastIndex())) + ")");
        engine = new Engine(config, EngineClock.SYSTEM);
        io.gearlog.engine.gears.GearsService.install(engine).startPython();
        long after = -1;
        Recovery.Result r = Recovery.run(engine, journal, after, config.recoverTruncate);
        if (r.cutOff() != null) {
            ServerLog.warning(r.cutOff());
        }
        double secs = r.millis() / 1000.0;
        ServerLog.notice(String.format(Locale.ROOT, "Recovered %,d records in %.1f s (%,d keys)", r.records(), secs,
                engine.keyspace().totalKeys()));
        syncer = new JournalSyncer(journal.appender(), config.appendfsync, config.journalMinFreeBytes);
        engine.journal(journal.appender(), syncer);
        config.onChange(() -> {
            syncer.policy(config.appendfsync);
            syncer.minFreeBytes(config.journalMinFreeBytes);
            ServerLog.level(config.loglevel);
        });
        engine.onShutdownRequest(() -> onShutdownCommand.run());
        engine.start();
        server = new GearlogServer(engine, config);
        port = server.start();
        ServerLog.notice(String.format(Locale.ROOT, "Ready to accept connections on %s:%d (%s, appendfsync %s) after %.1f s",
                config.bind, port, server.transport(), config.appendfsync.configName(), (System.nanoTime() - t0) / 1e9));
    }

    public int port() {
        return port;
    }

    public Engine engine() {
        return engine;
    }

    public ServerConfig config() {
        return config;
    }

    /** What SHUTDOWN does; Main makes it exit the process after closing. */
    public void onShutdownCommand(Runnable r) {
        this.onShutdownCommand = r;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.closeListener();
            ServerLog.notice("Stopped accepting connections");
        }
        if (engine != null) {
            engine.stop();
            ServerLog.notice("Engine stopped");
        }
        if (server != null) {
            server.close();
        }
        if (syncer != null) {
            syncer.close();
        }
        if (journal != null) {
            long last = journal.lastIndex();
            journal.close();
            ServerLog.notice("Journal synced and closed at index " + Journal.formatIndex(last));
        }
    }
}
