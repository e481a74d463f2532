package io.gearlog.resp;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineClock;
import io.gearlog.engine.EngineExtension;
import io.gearlog.engine.ServerLog;
import io.gearlog.engine.commands.ServerCommands;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.journal.Journal;
import io.gearlog.journal.FsyncPolicy;
import io.gearlog.journal.JournalPretoucher;
import io.gearlog.journal.JournalSyncer;
import io.gearlog.snapshots.SnapshotCatalog;
import io.gearlog.snapshots.SnapshotService;
import io.gearlog.snapshots.StartupRecovery;

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
    private JournalPretoucher pretoucher;
    private SnapshotService persistence;
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
        journal = Journal.open(dir, Journal.rollCycle(config.rollCycle));
        ServerLog.notice("Journal opened at " + journal.directory() + " (" + journal.cycleFiles().length
                + " cycle files, " + (journal.lastIndex() < 0 ? "empty" : "last index " + Journal.formatIndex(journal.lastIndex())) + ")");
        engine = new Engine(config, EngineClock.SYSTEM);
        EngineExtension.installAll(engine, EngineExtension.Role.LIVE);
        SnapshotCatalog catalog = new SnapshotCatalog(dir);
        // replay applies the journaled layout settings; the ones given at this start win afterwards
        byte[][] startupLayout = config.dataShapingCommand();
        StartupRecovery.Outcome recovered = StartupRecovery.run(engine, journal, catalog, config.recoverTruncate);
        journal = recovered.journal(); // a new one if the old one was damaged past reading
        boolean layoutChanged = !java.util.Arrays.deepEquals(startupLayout, config.dataShapingCommand());
        engine.applyArgv(startupLayout, 0, engine.engineTime(), 0);
        syncer = new JournalSyncer(journal.appender(), config.appendfsync, config.journalMinFreeBytes);
        engine.journal(journal.appender(), syncer);
        pretoucher = new JournalPretoucher(journal.appender(), () -> syncer.policy() == FsyncPolicy.ALWAYS);

        persistence = new SnapshotService(engine, journal, syncer, catalog, recovered);
        persistence.install();
        config.onChange(() -> {
            syncer.policy(config.appendfsync);
            syncer.minFreeBytes(config.journalMinFreeBytes);
            ServerLog.level(config.loglevel);
        });
        engine.onShutdownRequest(() -> onShutdownCommand.run());
        server = new GearlogServer(engine, config);
        engine.startOn(server.engineLoop());
        if (layoutChanged) {
            // the appender belongs to the engine thread, so the record is appended there, before any client
            engine.call(e -> e.journalArgv(io.gearlog.journal.RecordType.COMMAND, e.engineTime(), 0, 0, startupLayout)).get();
        }
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
        if (persistence != null) {
            persistence.close();
        }
        if (engine != null) {
            engine.stop();
            ServerLog.notice("Engine stopped");
        }
        if (server != null) {
            server.close();
        }
        if (pretoucher != null) {
            pretoucher.close();
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
