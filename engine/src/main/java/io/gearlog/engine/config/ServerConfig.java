package io.gearlog.engine.config;

import io.gearlog.engine.keyspace.EventClass;
import io.gearlog.journal.FsyncPolicy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Every configuration parameter Gearlog understands, with the names, defaults and value syntax of redis.conf.
 * Startup options and CONFIG GET/SET both go through here. Values are volatile so the network layer can read
 * the few it needs; they are set on the engine thread (or before it starts).
 */
public final class ServerConfig {
    /** One parameter: how to read it, how to set it, whether it can change at runtime. */
    public record Parameter(String name, boolean mutable, Supplier<String> getter, Consumer<String> setter) {
    }

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final List<Runnable> listeners = new ArrayList<>();

    public volatile String bind = "127.0.0.1";
    public volatile int port = 6379;
    public volatile String dir = "./data";
    public volatile String requirepass = "";
    public volatile FsyncPolicy appendfsync = FsyncPolicy.EVERYSEC;
    public volatile int databases = 16;
    public volatile int notifyKeyspaceEvents;
    public volatile int hz = 10;
    public volatile long timeout;
    public volatile String loglevel = "notice";
    public volatile String logfile = "";
    public volatile int maxclients = 10000;
    public volatile long slowlogLogSlowerThan = 10000;
    public volatile int slowlogMaxLen = 128;
    public volatile long protoMaxBulkLen = 512L * 1024 * 1024;
    public volatile long clientQueryBufferLimit = 1024L * 1024 * 1024;
    /** How long a network thread that was busy a moment ago polls for ready connections before it sleeps. */
    public volatile long busyPollMicros = 20;
    public volatile long maxmemory;
    public volatile String maxmemoryPolicy = "noeviction";
    public volatile int hashMaxListpackEntries = 512;
    public volatile int hashMaxListpackValue = 64;
    public volatile int setMaxIntsetEntries = 512;
    public volatile int zsetMaxListpackEntries = 128;
    public volatile int zsetMaxListpackValue = 64;
    public volatile int listMaxListpackSize = -2;
    public volatile int streamNodeMaxEntries = 100;
    public volatile long streamNodeMaxBytes = 4096;
    /** Snapshot after this many changes ... */
    public volatile long snapshotChanges = 100_000;
    /** ... or this many seconds after the last snapshot when anything changed; 0 disables the policy. */
    public volatile long snapshotSeconds = 300;
    /** Journal cycle files covered by a snapshot are kept at least this long. */
    public volatile long journalRetentionSeconds = 3600;
    /** Writes are refused while the journal's disk has less free space than this. */
    public volatile long journalMinFreeBytes = 64L * 1024 * 1024;
    public volatile String rollCycle = "FAST_HOURLY";
    public volatile boolean recoverTruncate;
    public volatile int executionThreads = 3;
    public volatile boolean pythonAllowFiles;
    public volatile String pythonWheelsDir = "";
    /** Python code running longer than this (script body or execution) is interrupted; 0 = no limit. */
    public volatile long pythonTimeLimit;
    /** Old-generation heap use above which the Python code filling it is interrupted; 0 = 85% of the max heap. */
    public volatile long pythonMemoryLimit;
    /** RedisGears load-time arguments: name value pairs (MaxExecutions 500 MyOption x ...). */
    public volatile String gearsConfig = "";

    public ServerConfig() {
        str("bind", false, () -> bind, v -> bind = v.trim().isEmpty() ? "127.0.0.1" : v.trim().split("\\s+")[0]);
        integer("port", false, 0, 65535, () -> port, v -> port = (int) (long) v);
        str("dir", false, () -> dir, v -> dir = v);
        str("requirepass", true, () -> requirepass, v -> requirepass = v);
        add("appendfsync", true, () -> appendfsync.configName(), v -> {
            FsyncPolicy p = FsyncPolicy.parse(v);
            if (p == null) {
                throw new ConfigException("argument(s) must be one of the following: always, everysec, no");
            }
            appendfsync = p;
        });
        add("appendonly", true, () -> "yes", v -> {
            if (!v.equalsIgnoreCase("yes")) {
                throw new ConfigException("Gearlog always journals; appendonly can only be yes");
            }
        });
        integer("databases", false, 1, 1 << 16, () -> databases, v -> databases = (int) (long) v);
        add("notify-keyspace-events", true, () -> EventClass.format(notifyKeyspaceEvents), v -> {
            int f = EventClass.parse(v);
            if (f < 0) {
                throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmd'.");
            }
            notifyKeyspaceEvents = f;
        });
        // Redis accepts any non-negative hz and clamps it to 1..500
        integer("hz", true, 0, Integer.MAX_VALUE, () -> hz, v -> hz = (int) Math.max(1, Math.min(500, v)));
        integer("timeout", true, 0, Integer.MAX_VALUE, () -> timeout, v -> timeout = v);
        add("loglevel", true, () -> loglevel, v -> {
            String l = v.toLowerCase(Locale.ROOT);
            if (!List.of("debug", "verbose", "notice", "warning", "nothing").contains(l)) {
                throw new ConfigException("argument(s) must be one of the following: debug, verbose, notice, warning, nothing");
            }
            loglevel = l;
        });
        str("logfile", false, () -> logfile, v -> logfile = v);
        integer("maxclients", true, 1, 4294967295L, () -> maxclients, v -> maxclients = (int) Math.min(Integer.MAX_VALUE, v));
        integer("slowlog-log-slower-than", true, -1, Long.MAX_VALUE, () -> slowlogLogSlowerThan, v -> slowlogLogSlowerThan = v);
        integer("slowlog-max-len", true, 0, Integer.MAX_VALUE, () -> slowlogMaxLen, v -> slowlogMaxLen = (int) (long) v);
        memory("proto-max-bulk-len", true, 1024 * 1024, Long.MAX_VALUE, () -> protoMaxBulkLen, v -> protoMaxBulkLen = v);
        memory("client-query-buffer-limit", true, 1024 * 1024, Long.MAX_VALUE, () -> clientQueryBufferLimit, v -> clientQueryBufferLimit = v);
        integer("busy-poll-us", true, 0, 1000, () -> busyPollMicros, v -> busyPollMicros = v);
        memory("maxmemory", true, 0, Long.MAX_VALUE, () -> maxmemory, v -> maxmemory = v);
        add("maxmemory-policy", true, () -> maxmemoryPolicy, v -> {
            if (!v.equalsIgnoreCase("noeviction")) {
                throw new ConfigException("Gearlog supports only noeviction");
            }
            maxmemoryPolicy = "noeviction";
        });
        integer("hash-max-listpack-entries", true, 0, Integer.MAX_VALUE, () -> hashMaxListpackEntries, v -> hashMaxListpackEntries = (int) (long) v);
        integer("hash-max-listpack-value", true, 0, Integer.MAX_VALUE, () -> hashMaxListpackValue, v -> hashMaxListpackValue = (int) (long) v);
        alias("hash-max-ziplist-entries", "hash-max-listpack-entries");
        alias("hash-max-ziplist-value", "hash-max-listpack-value");
        integer("set-max-intset-entries", true, 0, Integer.MAX_VALUE, () -> setMaxIntsetEntries, v -> setMaxIntsetEntries = (int) (long) v);
        integer("zset-max-listpack-entries", true, 0, Integer.MAX_VALUE, () -> zsetMaxListpackEntries, v -> zsetMaxListpackEntries = (int) (long) v);
        integer("zset-max-listpack-value", true, 0, Integer.MAX_VALUE, () -> zsetMaxListpackValue, v -> zsetMaxListpackValue = (int) (long) v);
        alias("zset-max-ziplist-entries", "zset-max-listpack-entries");
        alias("zset-max-ziplist-value", "zset-max-listpack-value");
        integer("list-max-listpack-size", true, Integer.MIN_VALUE, Integer.MAX_VALUE, () -> listMaxListpackSize, v -> listMaxListpackSize = (int) (long) v);
        alias("list-max-ziplist-size", "list-max-listpack-size");
        integer("stream-node-max-entries", true, 0, Integer.MAX_VALUE, () -> streamNodeMaxEntries, v -> streamNodeMaxEntries = (int) (long) v);
        memory("stream-node-max-bytes", true, 0, Long.MAX_VALUE, () -> streamNodeMaxBytes, v -> streamNodeMaxBytes = v);
        add("save", true, () -> snapshotSeconds == 0 ? "" : snapshotSeconds + " " + snapshotChanges, v -> {
            String t = v.trim();
            if (t.isEmpty()) {
                snapshotSeconds = 0;
                return;
            }
            String[] parts = t.split("\\s+");
            if (parts.length % 2 != 0) {
                throw new ConfigException("Invalid save parameters");
            }
            try {
                long s = Long.parseLong(parts[0]);
                long c = Long.parseLong(parts[1]);
                if (s < 0 || c < 0) {
                    throw new ConfigException("Invalid save parameters");
                }
                snapshotSeconds = s;
                snapshotChanges = c;
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid save parameters");
            }
        });
        integer("snapshot-changes", true, 1, Long.MAX_VALUE, () -> snapshotChanges, v -> snapshotChanges = v);
        integer("snapshot-seconds", true, 0, Long.MAX_VALUE, () -> snapshotSeconds, v -> snapshotSeconds = v);
        integer("journal-retention-seconds", true, 0, Long.MAX_VALUE, () -> journalRetentionSeconds, v -> journalRetentionSeconds = v);
        memory("journal-min-free-bytes", true, 0, Long.MAX_VALUE, () -> journalMinFreeBytes, v -> journalMinFreeBytes = v);
        add("journal-roll-cycle", false, () -> rollCycle, v -> {
            String u = v.toUpperCase(Locale.ROOT);
            if (!List.of("FAST_HOURLY", "FAST_DAILY", "TEN_MINUTELY", "FIVE_MINUTELY", "MINUTELY", "TEST_SECONDLY").contains(u)) {
                throw new ConfigException("argument must be one of FAST_HOURLY, FAST_DAILY, TEN_MINUTELY, FIVE_MINUTELY, MINUTELY");
            }
            rollCycle = u;
        });
        bool("journal-recover-truncate", false, () -> recoverTruncate, v -> recoverTruncate = v);
        integer("execution-threads", false, 1, 64, () -> executionThreads, v -> executionThreads = (int) (long) v);
        bool("python-allow-files", false, () -> pythonAllowFiles, v -> pythonAllowFiles = v);
        str("python-wheels-dir", false, () -> pythonWheelsDir, v -> pythonWheelsDir = v);
        integer("python-time-limit", true, 0, Long.MAX_VALUE, () -> pythonTimeLimit, v -> pythonTimeLimit = v);
        memory("python-memory-limit", true, 0, Long.MAX_VALUE, () -> pythonMemoryLimit, v -> pythonMemoryLimit = v);
        str("gears-config", false, () -> gearsConfig, v -> gearsConfig = v);
    }

    private void add(String name, boolean mutable, Supplier<String> getter, Consumer<String> setter) {
        parameters.put(name, new Parameter(name, mutable, getter, setter));
    }

    private void alias(String alias, String target) {
        aliases.put(alias, target);
    }

    private void str(String name, boolean mutable, Supplier<String> getter, Consumer<String> setter) {
        add(name, mutable, getter, setter);
    }

    private void bool(String name, boolean mutable, Supplier<Boolean> getter, Consumer<Boolean> setter) {
        add(name, mutable, () -> getter.get() ? "yes" : "no", v -> {
            if (v.equalsIgnoreCase("yes")) {
                setter.accept(true);
            } else if (v.equalsIgnoreCase("no")) {
                setter.accept(false);
            } else {
                throw new ConfigException("argument must be 'yes' or 'no'");
            }
        });
    }

    private void integer(String name, boolean mutable, long min, long max, Supplier<Number> getter, Consumer<Long> setter) {
        add(name, mutable, () -> String.valueOf(getter.get()), v -> {
            long n;
            try {
                n = Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException("argument couldn't be parsed into an integer");
            }
            if (n < min || n > max) {
                throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
            }
            setter.accept(n);
        });
    }

    private void memory(String name, boolean mutable, long min, long max, Supplier<Number> getter, Consumer<Long> setter) {
        add(name, mutable, () -> String.valueOf(getter.get()), v -> {
            long n = parseMemory(v);
            if (n < min || n > max) {
                throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
            }
            setter.accept(n);
        });
    }

    /** Parses redis.conf memory units: 1k, 1kb, 1m, 1mb, 1g, 1gb (k = 1000, kb = 1024). */
    public static long parseMemory(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long mul = 1;
        String[][] units = {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"}, {"m", "1000000"}, {"g", "1000000000"}, {"b", "1"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                mul = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), mul);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException("argument must be a memory value");
        }
    }

    /**
     * Parameters that decide how values are laid out (encodings, stream node sizes) and so what later commands
     * do (HGETALL order, approximate XTRIM). Their changes are journaled so replay runs under the same values.
     */
    public static final List<String> DATA_SHAPING = List.of("hash-max-listpack-entries", "hash-max-listpack-value",
            "set-max-intset-entries", "zset-max-listpack-entries", "zset-max-listpack-value", "list-max-listpack-size",
            "stream-node-max-entries", "stream-node-max-bytes");

    /** {@code CONFIG SET} arguments restoring the current data-shaping values. */
    public byte[][] dataShapingCommand() {
        List<String> args = new ArrayList<>(List.of("CONFIG", "SET"));
        for (String name : DATA_SHAPING) {
            args.add(name);
            args.add(get(name));
        }
        byte[][] argv = new byte[args.size()][];
        for (int i = 0; i < argv.length; i++) {
            argv[i] = args.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return argv;
    }

    /** An independent copy (for engines built off the live one, such as a snapshot's shadow engine). */
    public ServerConfig copy() {
        ServerConfig c = new ServerConfig();
        for (Parameter p : parameters.values()) {
            c.parameter(p.name()).setter().accept(p.getter().get());
        }
        return c;
    }

    public Parameter parameter(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return parameters.get(aliases.getOrDefault(n, n));
    }

    public Map<String, Parameter> parameters() {
        return parameters;
    }

    public Map<String, String> aliases() {
        return aliases;
    }

    /** Sets a parameter at startup (immutable ones allowed). */
    public void setAtStartup(String name, String value) {
        Parameter p = parameter(name);
        if (p == null) {
            throw new ConfigException("unknown option '" + name + "'");
        }
        try {
            p.setter().accept(value);
        } catch (ConfigException e) {
            throw new ConfigException("bad value '" + value + "' for '" + name + "': " + e.getMessage());
        }
    }

    public String get(String name) {
        Parameter p = parameter(name);
        return p == null ? null : p.getter().get();
    }

    public void onChange(Runnable r) {
        listeners.add(r);
    }

    public void changed() {
        for (Runnable r : listeners) {
            r.run();
        }
    }
}
