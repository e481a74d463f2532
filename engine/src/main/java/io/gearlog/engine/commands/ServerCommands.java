package io.gearlog.engine.commands;

import io.gearlog.engine.Client;
import io.gearlog.engine.CommandContext;
import io.gearlog.engine.CommandError;
import io.gearlog.engine.Engine;
import io.gearlog.engine.Errors;
import io.gearlog.engine.PersistenceService;
import io.gearlog.engine.ServerStats;
import io.gearlog.engine.SlowLog;
import io.gearlog.engine.command.CommandFlags;
import io.gearlog.engine.command.CommandSpec;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.command.MovableKeys;
import io.gearlog.engine.config.ConfigException;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.engine.keyspace.Database;
import io.gearlog.engine.keyspace.KeyspaceDigest;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.reply.NumberFormat;
import io.gearlog.engine.reply.ReplyBuffer;
import io.gearlog.engine.util.Glob;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.gearlog.engine.command.CommandFlags.*;

/** Server administration: INFO, CONFIG, COMMAND, DBSIZE, FLUSH*, SWAPDB, TIME, SLOWLOG, DEBUG, SHUTDOWN. */
public final class ServerCommands {
    public static final String GEARLOG_VERSION = "0.1.0";

    /** Extra INFO sections contributed by other parts of the server (the gears runtime adds "rg"). */
    public interface InfoSection {
        String name();

        void write(CommandContext ctx, StringBuilder sb);
    }

    private ServerCommands() {
    }

    static void register(CommandTable t) {
        t.add("info", -1, LOADING | STALE, 0, 0, 0, ServerCommands::info);
        t.add("dbsize", 1, READONLY | FAST, 0, 0, 0, ctx -> ctx.reply().integer(ctx.db().size()));
        t.add("flushdb", -1, WRITE, 0, 0, 0, ServerCommands::flushdb);
        t.add("flushall", -1, WRITE, 0, 0, 0, ServerCommands::flushall);
        t.add("swapdb", 3, WRITE | FAST, 0, 0, 0, ServerCommands::swapdb);
        t.add("time", 1, LOADING | STALE | FAST, 0, 0, 0, ServerCommands::time);
        t.add("command", -1, LOADING | STALE, 0, 0, 0, ServerCommands::command);
        t.add("config", -2, ADMIN | NOSCRIPT | LOADING | STALE, 0, 0, 0, ServerCommands::config);
        t.add("slowlog", -2, ADMIN | LOADING | STALE, 0, 0, 0, ServerCommands::slowlog);
        t.add("lastsave", 1, LOADING | STALE | FAST, 0, 0, 0, ServerCommands::lastsave);
        t.add("save", 1, ADMIN | NOSCRIPT | DENY_IN_MULTI, 0, 0, 0, ServerCommands::save);
        t.add("bgsave", -1, ADMIN | NOSCRIPT, 0, 0, 0, ServerCommands::bgsave);
        t.add("shutdown", -1, ADMIN | NOSCRIPT | LOADING | STALE | DENY_IN_MULTI, 0, 0, 0, ServerCommands::shutdown);
        t.add("debug", -2, ADMIN | NOSCRIPT | LOADING | STALE, 0, 0, 0, ServerCommands::debug);
        t.add("memory", -2, READONLY, 0, 0, 0, ServerCommands::memory);
        int meta = LOADING | STALE;
        for (String[] sub : new String[][]{{"count", "2"}, {"docs", "-2"}, {"getkeys", "-4"}, {"help", "2"},
            {"info", "-2"}, {"list", "-2"}}) {
            t.subcommand("command", sub[0], Integer.parseInt(sub[1]), meta);
        }
        t.subcommand("config", "get", -3, ADMIN | NOSCRIPT | meta);
        t.subcommand("config", "set", -4, ADMIN | NOSCRIPT | meta);
        t.subcommand("config", "resetstat", 2, ADMIN | NOSCRIPT | meta);
        t.subcommand("config", "rewrite", 2, ADMIN | NOSCRIPT | meta);
        t.subcommand("config", "help", 2, meta);
        t.subcommand("slowlog", "get", -2, ADMIN | meta);
        t.subcommand("slowlog", "len", 2, ADMIN | meta);
        t.subcommand("slowlog", "reset", 2, ADMIN | meta);
        t.subcommand("slowlog", "help", 2, meta);
        t.subcommand("memory", "doctor", 2, 0);
        t.subcommand("memory", "malloc-stats", 2, 0);
        t.subcommand("memory", "purge", 2, 0);
        t.subcommand("memory", "usage", -3, READONLY);
        t.subcommand("memory", "help", 2, meta);
    }

    // ---- keyspace-wide ----

    private static void flushOptions(CommandContext ctx) {
        if (ctx.argc() > 2 || (ctx.argc() == 2 && !ctx.is(1, "ASYNC") && !ctx.is(1, "SYNC"))) {
            throw new CommandError(Errors.SYNTAX);
        }
    }

    private static void flushdb(CommandContext ctx) {
        flushOptions(ctx);
        ctx.keyspace().flush(ctx.db());
        ctx.engine().stats().dirty++;
        ctx.reply().ok();
    }

    private static void flushall(CommandContext ctx) {
        flushOptions(ctx);
        ctx.keyspace().flushAll();
        ctx.engine().stats().dirty++;
        ctx.reply().ok();
    }

    private static void swapdb(CommandContext ctx) {
        int a = swapIndex(ctx, 1, "ERR invalid first DB index");
        int b = swapIndex(ctx, 2, "ERR invalid second DB index");
        int n = ctx.keyspace().count();
        if (a < 0 || a >= n || b < 0 || b >= n) {
            throw new CommandError(Errors.DB_INDEX_OUT_OF_RANGE);
        }
        if (a != b) {
            ctx.keyspace().swap(a, b);
        }
        ctx.engine().stats().dirty++;
        ctx.reply().ok();
    }

    private static int swapIndex(CommandContext ctx, int i, String error) {
        Long v = NumberFormat.parseLongOrFail(ctx.arg(i));
        if (v == null || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new CommandError(error);
        }
        return v.intValue();
    }

    private static void time(CommandContext ctx) {
        long micros = ctx.engine().clock().currentTimeMicros();
        ReplyBuffer r = ctx.reply();
        r.array(2);
        r.bulk(Long.toString(micros / 1_000_000));
        r.bulk(Long.toString(micros % 1_000_000));
    }

    // ---- persistence ----

    private static PersistenceService persistence(CommandContext ctx) {
        return ctx.engine().service(PersistenceService.NAME);
    }

    private static void lastsave(CommandContext ctx) {
        PersistenceService p = persistence(ctx);
        ctx.reply().integer(p == null ? ctx.engine().stats().startTime / 1000 : p.lastSave());
    }

    private static void save(CommandContext ctx) {
        PersistenceService p = persistence(ctx);
        if (p == null) {
            throw new CommandError("ERR snapshots are not available");
        }
        if (p.inProgress()) {
            throw new CommandError("ERR Background save already in progress");
        }
        String err = p.save();
        if (err != null) {
            throw new CommandError("ERR " + err);
        }
        ctx.reply().ok();
    }

    private static void bgsave(CommandContext ctx) {
        if (ctx.argc() > 2 || (ctx.argc() == 2 && !ctx.is(1, "SCHEDULE"))) {
            throw new CommandError(Errors.SYNTAX);
        }
        PersistenceService p = persistence(ctx);
        if (p == null) {
            throw new CommandError("ERR snapshots are not available");
        }
        if (p.inProgress()) {
            if (ctx.argc() == 2) {
                ctx.reply().simple("Background saving scheduled");
                return;
            }
            throw new CommandError("ERR Background save already in progress");
        }
        String err = p.bgsave();
        if (err != null) {
            throw new CommandError("ERR " + err);
        }
        ctx.reply().simple("Background saving started");
    }

    private static void shutdown(CommandContext ctx) {
        boolean nosave = false;
        boolean save = false;
        boolean abort = false;
        boolean other = false;
        for (int i = 1; i < ctx.argc(); i++) {
            if (ctx.is(i, "NOSAVE")) {
                nosave = true;
            } else if (ctx.is(i, "SAVE")) {
                save = true;
            } else if (ctx.is(i, "NOW") || ctx.is(i, "FORCE")) {
                other = true;
            } else if (ctx.is(i, "ABORT")) {
                abort = true;
            } else {
                throw new CommandError(Errors.SYNTAX);
            }
        }
        if ((abort && (save || nosave || other)) || (save && nosave)) {
            throw new CommandError(Errors.SYNTAX);
        }
        if (abort) {
            // Gearlog shuts down at once, so there is never a shutdown in progress to abort
            throw new CommandError("ERR No shutdown in progress.");
        }
        Engine e = ctx.engine();
        if (save) {
            PersistenceService p = persistence(ctx);
            if (p != null) {
                String err = p.save();
                if (err != null) {
                    throw new CommandError("ERR Errors trying to SHUTDOWN. Check logs.");
                }
            }
        }
        ctx.client().closing = true;
        e.requestShutdown();
    }

    // ---- INFO ----

    private static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");

    private static void info(CommandContext ctx) {
        List<String> wanted = new ArrayList<>();
        boolean all = false;
        boolean everything = false;
        for (int i = 1; i < ctx.argc(); i++) {
            String s = ctx.str(i).toLowerCase(Locale.ROOT);
            if (s.equals("all") || s.equals("everything")) {
                all = true;
                everything |= s.equals("everything");
            } else if (s.equals("default")) {
                wanted.addAll(DEFAULT_SECTIONS);
            } else {
                wanted.add(s);
            }
        }
        List<InfoSection> extra = extraSections(ctx.engine());
        List<String> order = new ArrayList<>(DEFAULT_SECTIONS);
        for (InfoSection s : extra) {
            order.add(s.name());
        }
        if (ctx.argc() == 1) {
            wanted = new ArrayList<>(DEFAULT_SECTIONS);
        } else if (all) {
            // as Redis: "all" is every server section, "everything" adds the module sections
            wanted = new ArrayList<>(everything ? order : DEFAULT_SECTIONS);
        }
        StringBuilder sb = new StringBuilder();
        for (String section : order) {
            if (!wanted.contains(section)) {
                continue;
            }
            int before = sb.length();
            if (before > 0) {
                sb.append("\r\n");
            }
            int mark = sb.length();
            writeSection(ctx, section, sb, extra);
            if (sb.length() == mark) {
                sb.setLength(before);
            }
        }
        ctx.reply().verbatim(sb.toString());
    }

    @SuppressWarnings("unchecked")
    private static List<InfoSection> extraSections(Engine e) {
        List<InfoSection> l = e.service("info-sections");
        return l == null ? List.of() : l;
    }

    /** Registers an additional INFO section. */
    public static void addInfoSection(Engine e, InfoSection s) {
        List<InfoSection> l = e.service("info-sections");
        if (l == null) {
            l = new ArrayList<>();
            e.service("info-sections", l);
        }
        l.add(s);
    }

    private static void line(StringBuilder sb, String k, Object v) {
        sb.append(k).append(':').append(v).append("\r\n");
    }

    private static void writeSection(CommandContext ctx, String section, StringBuilder sb, List<InfoSection> extra) {
        Engine e = ctx.engine();
        ServerStats st = e.stats();
        ServerConfig cfg = e.config();
        long now = ctx.now();
        switch (section) {
            case "server" -> {
                sb.append("# Server\r\n");
                line(sb, "redis_version", ConnectionCommands.REDIS_VERSION);
                line(sb, "gearlog_version", GEARLOG_VERSION);
                line(sb, "redis_git_sha1", "00000000");
                line(sb, "redis_git_dirty", 0);
                line(sb, "redis_build_id", "0");
                line(sb, "redis_mode", "standalone");
                line(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
                line(sb, "arch_bits", 64);
                line(sb, "multiplexing_api", "epoll");
                line(sb, "java_version", System.getProperty("java.version"));
                line(sb, "process_id", ProcessHandle.current().pid());
                line(sb, "run_id", "0".repeat(40));
                line(sb, "tcp_port", cfg.port);
                line(sb, "server_time_usec", e.clock().currentTimeMicros());
                long uptime = Math.max(0, (now - st.startTime) / 1000);
                line(sb, "uptime_in_seconds", uptime);
                line(sb, "uptime_in_days", uptime / 86400);
                line(sb, "hz", cfg.hz);
                line(sb, "configured_hz", cfg.hz);
                line(sb, "executable", "gearlog");
                line(sb, "config_file", "");
            }
            case "clients" -> {
                sb.append("# Clients\r\n");
                int pubsub = 0;
                for (Client c : e.clients().values()) {
                    if (c.inPubSub()) {
                        pubsub++;
                    }
                }
                line(sb, "connected_clients", e.clients().size());
                line(sb, "cluster_connections", 0);
                line(sb, "maxclients", cfg.maxclients);
                line(sb, "client_recent_max_input_buffer", 0);
                line(sb, "client_recent_max_output_buffer", 0);
                line(sb, "blocked_clients", e.blockedClients().count());
                line(sb, "tracking_clients", 0);
                line(sb, "pubsub_clients", pubsub);
                line(sb, "clients_in_timeout_table", e.blockedClients().count());
            }
            case "memory" -> {
                sb.append("# Memory\r\n");
                Runtime rt = Runtime.getRuntime();
                long used = rt.totalMemory() - rt.freeMemory();
                line(sb, "used_memory", used);
                line(sb, "used_memory_human", human(used));
                line(sb, "used_memory_peak", used);
                line(sb, "used_memory_peak_human", human(used));
                line(sb, "total_system_memory", ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize());
                line(sb, "maxmemory", cfg.maxmemory);
                line(sb, "maxmemory_human", human(cfg.maxmemory));
                line(sb, "maxmemory_policy", cfg.maxmemoryPolicy);
                line(sb, "jvm_heap_committed", rt.totalMemory());
                line(sb, "jvm_heap_max", rt.maxMemory());
                line(sb, "jvm_heap_soft_max", softMaxHeap(rt.maxMemory()));
                line(sb, "mem_allocator", "jvm");
            }
            case "persistence" -> {
                sb.append("# Persistence\r\n");
                PersistenceService p = persistence(ctx);
                line(sb, "loading", 0);
                line(sb, "async_loading", 0);
                line(sb, "rdb_changes_since_last_save", st.dirty);
                line(sb, "rdb_bgsave_in_progress", p != null && p.inProgress() ? 1 : 0);
                line(sb, "rdb_last_save_time", p == null ? st.startTime / 1000 : p.lastSave());
                line(sb, "aof_enabled", 1);
                line(sb, "aof_rewrite_in_progress", 0);
                line(sb, "aof_last_write_status", e.writeRefusal() == null ? "ok" : "err");
                line(sb, "appendfsync", cfg.appendfsync.configName());
                if (e.appender() != null) {
                    line(sb, "journal_dir", e.appender().journal().directory());
                    line(sb, "journal_size_bytes", e.appender().journal().sizeOnDisk());
                    line(sb, "journal_last_index", e.appender().lastIndex());
                    line(sb, "journal_records_appended", e.appender().appendedCount());
                }
                if (e.syncer() != null) {
                    line(sb, "journal_synced_index", e.syncer().syncedIndex());
                    line(sb, "journal_fsyncs", e.syncer().syncCount());
                    line(sb, "journal_last_fsync_usec", e.syncer().lastSyncMicros());
                }
                if (p != null) {
                    p.info().forEach((k, v) -> line(sb, k, v));
                }
            }
            case "stats" -> {
                sb.append("# Stats\r\n");
                line(sb, "total_connections_received", st.connectionsReceived);
                line(sb, "total_commands_processed", st.commandsProcessed);
                line(sb, "instantaneous_ops_per_sec", 0);
                line(sb, "total_net_input_bytes", st.netInputBytes);
                line(sb, "total_net_output_bytes", st.netOutputBytes);
                line(sb, "rejected_connections", st.rejectedConnections);
                line(sb, "expired_keys", ctx.keyspace().stats().expiredKeys);
                line(sb, "evicted_keys", 0);
                line(sb, "keyspace_hits", ctx.keyspace().stats().keyspaceHits);
                line(sb, "keyspace_misses", ctx.keyspace().stats().keyspaceMisses);
                line(sb, "pubsub_channels", e.pubsub().channelCount());
                line(sb, "pubsub_patterns", e.pubsub().patternCount());
                line(sb, "total_error_replies", st.totalErrorReplies);
                line(sb, "journal_records", st.journalRecords);
            }
            case "replication" -> {
                sb.append("# Replication\r\n");
                line(sb, "role", "master");
                line(sb, "connected_slaves", 0);
                line(sb, "master_replid", "0".repeat(40));
                line(sb, "master_repl_offset", 0);
            }
            case "cpu" -> {
                sb.append("# CPU\r\n");
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                double cpu = os.getProcessCpuTime() / 1e9;
                line(sb, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", cpu / 2));
                line(sb, "used_cpu_user", String.format(Locale.ROOT, "%.6f", cpu / 2));
            }
            case "modules" -> {
                sb.append("# Modules\r\n");
                line(sb, "module", "name=rg,ver=10213,api=1,filters=0,usedby=[],using=[],options=[]");
            }
            case "errorstats" -> sb.append("# Errorstats\r\n");
            case "cluster" -> {
                sb.append("# Cluster\r\n");
                line(sb, "cluster_enabled", 0);
            }
            case "keyspace" -> {
                sb.append("# Keyspace\r\n");
                for (int i = 0; i < ctx.keyspace().count(); i++) {
                    Database db = ctx.keyspace().db(i);
                    if (db.size() > 0) {
                        line(sb, "db" + i, "keys=" + db.size() + ",expires=" + db.volatileKeys() + ",avg_ttl=" + db.averageTtl(now));
                    }
                }
            }
            default -> {
                for (InfoSection s : extra) {
                    if (s.name().equals(section)) {
                        s.write(ctx, sb);
                    }
                }
            }
        }
    }

    /** The collector's soft heap limit (ZGC's SoftMaxHeapSize; the server keeps it near the live heap), else the max. */
    private static long softMaxHeap(long maxHeap) {
        try {
            long soft = Long.parseLong(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("SoftMaxHeapSize").getValue());
            return soft > 0 && soft < maxHeap ? soft : maxHeap;
        } catch (RuntimeException e) {
            return maxHeap;
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"K", "M", "G", "T"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.2f%s", v, units[i]);
    }

    // ---- COMMAND ----

    private static void command(CommandContext ctx) {
        CommandTable t = ctx.engine().commands();
        ReplyBuffer r = ctx.reply();
        if (ctx.argc() == 1) {
            r.array(t.size());
            for (CommandSpec s : t.all()) {
                commandInfo(r, t, s);
            }
            return;
        }
        switch (ctx.str(1).toUpperCase(Locale.ROOT)) {
            case "COUNT" -> r.integer(t.size());
            case "INFO" -> {
                if (ctx.argc() == 2) {
                    r.array(t.size());
                    for (CommandSpec s : t.all()) {
                        commandInfo(r, t, s);
                    }
                    return;
                }
                r.array(ctx.argc() - 2);
                for (int i = 2; i < ctx.argc(); i++) {
                    Object found = lookupFull(t, ctx.str(i));
                    if (found instanceof CommandSpec s) {
                        commandInfo(r, t, s);
                    } else if (found instanceof CommandTable.Subcommand sub) {
                        subcommandInfo(r, sub);
                    } else {
                        r.nullBulk();
                    }
                }
            }
            case "DOCS" -> {
                List<Object> found = new ArrayList<>();
                if (ctx.argc() == 2) {
                    found.addAll(t.all());
                } else {
                    for (int i = 2; i < ctx.argc(); i++) {
                        Object f = lookupFull(t, ctx.str(i));
                        if (f != null) {
                            found.add(f);
                        }
                    }
                }
                r.map(found.size());
                for (Object f : found) {
                    if (f instanceof CommandSpec s) {
                        r.bulk(s.name());
                        commandDocs(r, t, s);
                    } else {
                        CommandTable.Subcommand sub = (CommandTable.Subcommand) f;
                        r.bulk(sub.fullName());
                        subcommandDocs(r, sub);
                    }
                }
            }
            case "LIST" -> {
                byte[] pattern = null;
                if (ctx.argc() == 5 && ctx.is(2, "FILTERBY") && ctx.is(3, "PATTERN")) {
                    pattern = ctx.arg(4);
                } else if (ctx.argc() != 2) {
                    throw new CommandError(Errors.SYNTAX);
                }
                List<String> names = new ArrayList<>();
                for (CommandSpec s : t.all()) {
                    addIfMatches(names, s.name(), pattern);
                    for (CommandTable.Subcommand sub : t.subcommands(s)) {
                        addIfMatches(names, sub.fullName(), pattern);
                    }
                }
                r.array(names.size());
                for (String n : names) {
                    r.bulk(n);
                }
            }
            case "GETKEYS" -> {
                CommandSpec s = t.lookup(ctx.arg(2));
                if (s == null) {
                    throw new CommandError("ERR Invalid command specified");
                }
                int argc = ctx.argc() - 2;
                if (MovableKeys.isMovable(s.name())) {
                    if (!s.arityOk(argc)) {
                        throw new CommandError("ERR Invalid number of arguments specified for command");
                    }
                    byte[][] argv = new byte[argc][];
                    for (int i = 0; i < argc; i++) {
                        argv[i] = ctx.arg(i + 2);
                    }
                    int[] at = MovableKeys.positions(s.name(), argv);
                    if (at == null) {
                        throw new CommandError("ERR Invalid arguments specified for command");
                    }
                    r.array(at.length);
                    for (int i : at) {
                        r.bulk(argv[i]);
                    }
                    return;
                }
                if (s.firstKey() == 0) {
                    throw new CommandError("ERR The command has no key arguments");
                }
                if (!s.arityOk(argc)) {
                    throw new CommandError("ERR Invalid number of arguments specified for command");
                }
                int last = s.lastKey() < 0 ? argc + s.lastKey() : s.lastKey();
                List<byte[]> keys = new ArrayList<>();
                for (int i = s.firstKey(); i <= last && i < argc; i += Math.max(1, s.step())) {
                    keys.add(ctx.arg(i + 2));
                }
                r.array(keys.size());
                for (byte[] k : keys) {
                    r.bulk(k);
                }
            }
            default -> help(r, "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "(no subcommand)",
                    "    Return details about all Redis commands.",
                    "COUNT",
                    "    Return the total number of commands in this Redis server.",
                    "LIST",
                    "    Return a list of all commands in this Redis server.",
                    "INFO [<command-name> ...]",
                    "    Return details about multiple Redis commands.",
                    "    If no command names are given, documentation details for all",
                    "    commands are returned.",
                    "DOCS [<command-name> ...]",
                    "    Return documentation details about multiple Redis commands.",
                    "    If no command names are given, documentation details for all",
                    "    commands are returned.",
                    "GETKEYS <full-command>",
                    "    Return the keys from a full Redis command.",
                    "HELP",
                    "    Print this help.");
        }
    }

    private static void addIfMatches(List<String> names, String name, byte[] pattern) {
        if (pattern == null || Glob.match(pattern, name.getBytes(java.nio.charset.StandardCharsets.UTF_8), true)) {
            names.add(name);
        }
    }

    /** A command or "container|subcommand" by name, or null. */
    private static Object lookupFull(CommandTable t, String name) {
        int bar = name.indexOf('|');
        if (bar < 0) {
            return t.lookup(name);
        }
        CommandSpec s = t.lookup(name.substring(0, bar));
        return s == null ? null : t.subcommand(s, name.substring(bar + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Redis' error for a known subcommand used with arguments it does not take. */
    static String subcommandSyntaxError(CommandContext ctx) {
        String sub = ctx.str(1);
        return "ERR unknown subcommand or wrong number of arguments for '" + (sub.length() > 128 ? sub.substring(0, 128) : sub)
                + "'. Try " + ctx.str(0).toUpperCase(Locale.ROOT) + " HELP.";
    }

    static void help(ReplyBuffer r, String... lines) {
        r.array(lines.length);
        for (String l : lines) {
            r.simple(l);
        }
    }

    private static void commandInfo(ReplyBuffer r, CommandTable t, CommandSpec s) {
        r.array(10);
        r.bulk(s.name());
        r.integer(s.arity());
        flagSet(r, s.flags(), MovableKeys.isMovable(s.name()));
        r.integer(s.firstKey());
        r.integer(s.lastKey());
        r.integer(s.step());
        categories(r, s.flags(), CommandDocs.group(s.name()));
        r.set(0);
        r.set(0);
        java.util.Collection<CommandTable.Subcommand> subs = t.subcommands(s);
        r.set(subs.size());
        for (CommandTable.Subcommand sub : subs) {
            subcommandInfo(r, sub);
        }
    }

    private static void subcommandInfo(ReplyBuffer r, CommandTable.Subcommand sub) {
        r.array(10);
        r.bulk(sub.fullName());
        r.integer(sub.arity());
        flagSet(r, sub.flags());
        r.integer(0);
        r.integer(0);
        r.integer(0);
        categories(r, sub.flags(), CommandDocs.group(sub.container()));
        r.set(0);
        r.set(0);
        r.set(0);
    }

    private static void flagSet(ReplyBuffer r, int flags) {
        flagSet(r, flags, false);
    }

    /** Redis appends movablekeys after the flags a command is declared with. */
    private static void flagSet(ReplyBuffer r, int flags, boolean movableKeys) {
        String[] names = CommandFlags.names(flags);
        r.set(names.length + (movableKeys ? 1 : 0));
        for (String f : names) {
            r.simple(f);
        }
        if (movableKeys) {
            r.simple("movablekeys");
        }
    }

    /** ACL categories in the order Redis lists them (the order of its category bits). */
    private static final List<String> CATEGORY_ORDER = List.of("@keyspace", "@read", "@write", "@set", "@sortedset",
            "@list", "@hash", "@string", "@bitmap", "@hyperloglog", "@geo", "@stream", "@pubsub", "@admin", "@fast",
            "@slow", "@blocking", "@dangerous", "@connection", "@transaction", "@scripting");

    /** ACL categories as COMMAND INFO shows them: from the flags and from the command's group. */
    private static void categories(ReplyBuffer r, int flags, String group) {
        List<String> cats = new ArrayList<>();
        if ((flags & WRITE) != 0) {
            cats.add("@write");
        }
        if ((flags & READONLY) != 0) {
            cats.add("@read");
        }
        if ((flags & ADMIN) != 0) {
            cats.add("@admin");
            cats.add("@dangerous");
        }
        if ((flags & BLOCKING) != 0) {
            cats.add("@blocking");
        }
        cats.add((flags & FAST) != 0 ? "@fast" : "@slow");
        String groupCategory = CommandDocs.category(group);
        if (groupCategory != null) {
            cats.add(groupCategory);
        }
        cats.sort(java.util.Comparator.comparingInt(CATEGORY_ORDER::indexOf));
        r.set(cats.size());
        for (String c : cats) {
            r.simple(c);
        }
    }

    private static void commandDocs(ReplyBuffer r, CommandTable t, CommandSpec s) {
        java.util.Collection<CommandTable.Subcommand> subs = t.subcommands(s);
        r.map(subs.isEmpty() ? 3 : 4);
        docFields(r, s.name());
        if (!subs.isEmpty()) {
            r.bulk("subcommands");
            r.map(subs.size());
            for (CommandTable.Subcommand sub : subs) {
                r.bulk(sub.fullName());
                subcommandDocs(r, sub);
            }
        }
    }

    private static void subcommandDocs(ReplyBuffer r, CommandTable.Subcommand sub) {
        r.map(3);
        docFields(r, sub.container());
    }

    private static void docFields(ReplyBuffer r, String name) {
        r.bulk("summary");
        r.bulk(CommandDocs.summary(name));
        r.bulk("since");
        r.bulk(CommandDocs.since(name));
        r.bulk("group");
        r.bulk(CommandDocs.group(name));
    }

    // ---- CONFIG ----

    private static void config(CommandContext ctx) {
        ServerConfig cfg = ctx.engine().config();
        ReplyBuffer r = ctx.reply();
        String sub = ctx.str(1).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "GET" -> {
                Map<String, String> out = new LinkedHashMap<>();
                for (int i = 2; i < ctx.argc(); i++) {
                    String pattern = ctx.str(i).toLowerCase(Locale.ROOT);
                    for (ServerConfig.Parameter p : cfg.parameters().values()) {
                        if (Glob.match(pattern, p.name())) {
                            out.put(p.name(), p.getter().get());
                        }
                    }
                    for (Map.Entry<String, String> a : cfg.aliases().entrySet()) {
                        if (!pattern.contains("*") && !pattern.contains("?") && !pattern.contains("[")
                                && Glob.match(pattern, a.getKey())) {
                            out.put(a.getKey(), cfg.get(a.getValue()));
                        }
                    }
                }
                r.map(out.size());
                out.forEach((k, v) -> {
                    r.bulk(k);
                    r.bulk(v);
                });
            }
            case "SET" -> {
                if (ctx.argc() % 2 != 0) {
                    throw new CommandError(Errors.SYNTAX);
                }
                Map<ServerConfig.Parameter, String> changes = new LinkedHashMap<>();
                Map<ServerConfig.Parameter, String> previous = new LinkedHashMap<>();
                for (int i = 2; i < ctx.argc(); i += 2) {
                    ServerConfig.Parameter p = cfg.parameter(ctx.str(i));
                    if (p == null) {
                        throw new CommandError("ERR Unknown option or number of arguments for CONFIG SET - '" + ctx.str(i) + "'");
                    }
                    if (changes.containsKey(p)) {
                        throw new CommandError("ERR CONFIG SET failed (possibly related to argument '" + ctx.str(i)
                                + "') - duplicate parameter");
                    }
                    if (!p.mutable()) {
                        throw new CommandError("ERR CONFIG SET failed (possibly related to argument '" + ctx.str(i)
                                + "') - can't set immutable config");
                    }
                    changes.put(p, ctx.str(i + 1));
                    previous.put(p, p.getter().get());
                }
                for (Map.Entry<ServerConfig.Parameter, String> ch : changes.entrySet()) {
                    try {
                        ch.getKey().setter().accept(ch.getValue());
                    } catch (ConfigException ex) {
                        previous.forEach((p, v) -> {
                            try {
                                p.setter().accept(v);
                            } catch (ConfigException ignored) {
                                // restoring a value that was valid before
                            }
                        });
                        throw new CommandError("ERR CONFIG SET failed (possibly related to argument '"
                                + ch.getKey().name() + "') - " + ex.getMessage());
                    }
                }
                journalDataShaping(ctx, changes.keySet());
                cfg.changed();
                ctx.engine().clearAppendFailure();
                r.ok();
            }
            case "RESETSTAT" -> {
                ctx.engine().stats().reset();
                ctx.keyspace().stats().reset();
                ctx.engine().slowLog().reset();
                r.ok();
            }
            case "REWRITE" -> throw new CommandError("ERR The server is running without a config file");
            case "HELP" -> {
                String[] lines = {
                    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "GET <pattern>",
                    "    Return parameters matching the glob-like <pattern> and their values.",
                    "SET <directive> <value>",
                    "    Set the configuration <directive> to <value>.",
                    "RESETSTAT",
                    "    Reset statistics reported by the INFO command.",
                    "REWRITE",
                    "    Rewrite the configuration file.",
                    "HELP",
                    "    Prints this help."};
                r.array(lines.length);
                for (String l : lines) {
                    r.simple(l);
                }
            }
            default -> throw new CommandError(Errors.unknownSubcommand(ctx.str(1), "CONFIG"));
        }
    }

    /** Journals the data-shaping part of a CONFIG SET, so replay lays values out as the live run did. */
    private static void journalDataShaping(CommandContext ctx, java.util.Collection<ServerConfig.Parameter> changed) {
        if (!ctx.engine().shouldJournal()) {
            return;
        }
        List<byte[]> args = new ArrayList<>(List.of("CONFIG".getBytes(), "SET".getBytes()));
        for (ServerConfig.Parameter p : changed) {
            if (ServerConfig.DATA_SHAPING.contains(p.name())) {
                args.add(p.name().getBytes());
                args.add(p.getter().get().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        if (args.size() > 2) {
            ctx.engine().journalArgv(io.gearlog.journal.RecordType.COMMAND, ctx.now(), ctx.client().id, ctx.client().db,
                    args.toArray(new byte[0][]));
        }
    }

    // ---- SLOWLOG ----

    private static void slowlog(CommandContext ctx) {
        SlowLog log = ctx.engine().slowLog();
        ReplyBuffer r = ctx.reply();
        String sub = ctx.str(1).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "GET" -> {
                long count = 10;
                if (ctx.argc() == 3) {
                    Long c = NumberFormat.parseLongOrFail(ctx.arg(2));
                    if (c == null || c < -1) {
                        throw new CommandError("ERR count should be greater than or equal to -1");
                    }
                    count = c == -1 ? Long.MAX_VALUE : c;
                } else if (ctx.argc() > 3) {
                    throw new CommandError(subcommandSyntaxError(ctx));
                }
                List<SlowLog.Entry> entries = new ArrayList<>();
                for (SlowLog.Entry e : log.entries()) {
                    if (entries.size() >= count) {
                        break;
                    }
                    entries.add(e);
                }
                r.array(entries.size());
                for (SlowLog.Entry e : entries) {
                    r.array(6);
                    r.integer(e.id());
                    r.integer(e.unixSeconds());
                    r.integer(e.micros());
                    r.array(e.argv().length);
                    for (byte[] a : e.argv()) {
                        r.bulk(a);
                    }
                    r.bulk(e.addr());
                    r.bulk(e.name());
                }
            }
            case "LEN" -> {
                r.integer(log.entries().size());
            }
            case "RESET" -> {
                log.reset();
                r.ok();
            }
            case "HELP" -> {
                String[] lines = {
                    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "GET [<count>]",
                    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                    "    Entries are made of:",
                    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                    "    client name",
                    "LEN",
                    "    Return the length of the slowlog.",
                    "RESET",
                    "    Reset the slowlog.",
                    "HELP",
                    "    Prints this help."};
                r.array(lines.length);
                for (String l : lines) {
                    r.simple(l);
                }
            }
            default -> throw new CommandError(Errors.unknownSubcommand(ctx.str(1), "SLOWLOG"));
        }
    }

    // ---- DEBUG / MEMORY ----

    private static void debug(CommandContext ctx) {
        String sub = ctx.str(1).toUpperCase(Locale.ROOT);
        switch (sub) {
            case "DIGEST" -> ctx.reply().simple(KeyspaceDigest.digest(ctx.keyspace(), ctx.now()));
            case "DIGEST-VALUE" -> {
                ctx.reply().array(ctx.argc() - 2);
                for (int i = 2; i < ctx.argc(); i++) {
                    RValue v = ctx.db().lookup(ctx.key(i), ctx.now());
                    ctx.reply().simple(KeyspaceDigest.valueDigest(v));
                }
            }
            case "SLEEP" -> {
                if (ctx.argc() != 3) {
                    throw new CommandError(Errors.wrongArity("debug"));
                }
                double secs = ctx.doubleArg(2);
                try {
                    Thread.sleep((long) (secs * 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ctx.reply().ok();
            }
            case "OBJECT" -> {
                if (ctx.argc() != 3) {
                    throw new CommandError(Errors.wrongArity("debug"));
                }
                RValue v = ctx.db().lookup(ctx.key(2), ctx.now());
                if (v == null) {
                    throw new CommandError(Errors.NO_SUCH_KEY);
                }
                ctx.reply().simple("Value at:0x0 refcount:1 encoding:" + v.encoding() + " serializedlength:0 lru:0 lru_seconds_idle:0");
            }
            case "HELP" -> {
                String[] lines = {"DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "DIGEST", "    Output a hex signature representing the current DB content.",
                    "DIGEST-VALUE <key> [<key> ...]", "    Output a hex signature of the values of all the specified keys.",
                    "OBJECT <key>", "    Show low level info about the key and associated value.",
                    "SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed."};
                ctx.reply().array(lines.length);
                for (String l : lines) {
                    ctx.reply().simple(l);
                }
            }
            default -> throw new CommandError(Errors.unknownSubcommand(ctx.str(1), "DEBUG"));
        }
    }

    private static void memory(CommandContext ctx) {
        ReplyBuffer r = ctx.reply();
        switch (ctx.str(1).toUpperCase(Locale.ROOT)) {
            case "USAGE" -> {
                for (int i = 3; i < ctx.argc(); i++) {
                    if (ctx.is(i, "SAMPLES") && i + 1 < ctx.argc()) {
                        if (ctx.longArg(++i) < 0) {
                            throw new CommandError(Errors.SYNTAX);
                        }
                    } else {
                        throw new CommandError(Errors.SYNTAX);
                    }
                }
                RValue v = ctx.db().lookup(ctx.key(2), ctx.now());
                if (v == null) {
                    r.nullBulk();
                    return;
                }
                // an estimate: key and element bytes plus a fixed overhead per element (the JVM has no allocator stats)
                long[] bytes = {ctx.arg(2).length + 48L};
                v.digest(new io.gearlog.engine.keyspace.DigestSink() {
                    @Override
                    public void add(byte[] b) {
                        bytes[0] += b.length + 16;
                    }

                    @Override
                    public void add(long x) {
                        bytes[0] += 8;
                    }
                });
                r.integer(bytes[0]);
            }
            case "DOCTOR" -> r.verbatim("Hi Sam, I can't find any memory issue in your instance. "
                    + "I can only account for what occurs on this base.");
            case "MALLOC-STATS" -> r.verbatim("Stats not supported for the current allocator");
            case "PURGE" -> r.ok();
            default -> help(r, "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "DOCTOR",
                    "    Return memory problems reports.",
                    "MALLOC-STATS",
                    "    Return internal statistics report from the memory allocator.",
                    "PURGE",
                    "    Attempt to purge dirty pages for reclamation by the allocator.",
                    "USAGE <key> [SAMPLES <count>]",
                    "    Return memory in bytes used by <key> and its value. Nested values are",
                    "    sampled up to <count> times (default: 5, 0 means sample all).",
                    "HELP",
                    "    Prints this help.");
        }
    }
}
