package io.gearlog.engine.gears;

import io.gearlog.engine.config.ConfigException;
import io.gearlog.engine.reply.ReplyBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RedisGears configuration (spec configuration.md): engine options, Python plugin options and the extra
 * (user-defined) dictionary, with RG.CONFIGGET/RG.CONFIGSET's exact replies. Set on the engine thread; the
 * values are volatile or concurrent because Python workers read them.
 */
public final class GearsConfig {
    private static final String PYTHON_DIR = "/var/opt/redislabs/modules/rg";
    private static final String DEPS_URL =
            "http://redismodules.s3.amazonaws.com/redisgears/redisgears-python.Linux-x86_64.1.2.13.tgz";

    public volatile long maxExecutions = 1000;
    public volatile long maxExecutionsPerRegistration = 100;
    public volatile long profileExecutions;
    public volatile int executionThreads;
    public volatile long executionMaxIdleTime = 5000;
    public volatile long sendMsgRetries = 3;
    public volatile long pythonAttemptTraceback = 1;
    public volatile long pythonInstallReqMaxIdleTime = 30000;
    private long overridePythonAllocators = 1;
    private long createVenv;
    private long downloadDeps;
    private long forceDownloadDepsOnEnterprise;
    private String dependenciesUrl = DEPS_URL;
    private String dependenciesSha256 = "";
    private String pythonInstallationDir = PYTHON_DIR;
    /** User-defined options and Python options set by name (spec configuration.md section 5). */
    private final Map<String, String> extra = new ConcurrentHashMap<>();

    /** Names of the engine options, as RG.CONFIGGET spells them (case-sensitive there). */
    private static final String[] ENGINE = {"MaxExecutions", "MaxExecutionsPerRegistration", "ProfileExecutions",
            "ExecutionThreads", "ExecutionMaxIdleTime", "SendMsgRetries", "Plugin"};

    public GearsConfig(int executionThreads) {
        this.executionThreads = executionThreads;
    }

    public boolean profiling() {
        return profileExecutions != 0;
    }

    public boolean traceback() {
        return pythonAttemptTraceback != 0;
    }

    /** The value {@code configGet(key)} returns to Python: the extra dictionary only. */
    public String extra(String key) {
        return extra.get(key);
    }

    /** Load-time pairs ({@code gears-config}): built-in names case-insensitively; a bad value stops startup. */
    public void loadTime(String pairs) {
        String[] t = pairs.trim().isEmpty() ? new String[0] : pairs.trim().split("\\s+");
        if (t.length % 2 != 0) {
            throw new ConfigException("gears-config needs name value pairs, '" + t[t.length - 1] + "' has no value");
        }
        for (int i = 0; i < t.length; i += 2) {
            String name = t[i];
            String canon = engineName(name);
            if (canon != null) {
                if (canon.equals("Plugin")) {
                    continue;
                }
                if (canon.equals("ExecutionThreads")) {
                    Long v = parse(t[i + 1]);
                    if (v == null || v <= 0 || v > 64) {
                        throw new ConfigException("bad value '" + t[i + 1] + "' for gears option " + name);
                    }
                    executionThreads = (int) (long) v;
                } else if (!setEngine(canon, t[i + 1])) {
                    throw new ConfigException("bad value '" + t[i + 1] + "' for gears option " + name);
                }
                continue;
            }
            String py = pythonName(name);
            if (py != null && !setPython(py, t[i + 1], true)) {
                throw new ConfigException("bad value '" + t[i + 1] + "' for gears option " + name);
            }
            extra.put(name, t[i + 1]);
        }
    }

    // ---- RG.CONFIGGET

    public void get(String[] names, ReplyBuffer r) {
        r.array(names.length);
        for (String n : names) {
            getOne(n, r);
        }
    }

    private void getOne(String n, ReplyBuffer r) {
        switch (n) {
            case "MaxExecutions" -> r.integer(maxExecutions);
            case "MaxExecutionsPerRegistration" -> r.integer(maxExecutionsPerRegistration);
            case "ProfileExecutions" -> r.integer(profileExecutions);
            case "ExecutionThreads" -> r.integer(executionThreads);
            case "ExecutionMaxIdleTime" -> r.integer(executionMaxIdleTime);
            case "SendMsgRetries" -> r.integer(sendMsgRetries);
            case "Plugin" -> r.array(0);
            case "PythonAttemptTraceback" -> r.integer(pythonAttemptTraceback);
            case "PythonInstallReqMaxIdleTime" -> r.integer(pythonInstallReqMaxIdleTime);
            case "OverridePythonAllocators" -> r.integer(overridePythonAllocators);
            case "CreateVenv" -> r.integer(createVenv);
            case "DownloadDeps" -> r.integer(downloadDeps);
            case "ForeceDownloadDepsOnEnterprise" -> r.integer(forceDownloadDepsOnEnterprise);
            case "DependenciesUrl" -> r.bulk(dependenciesUrl);
            case "DependenciesSha256" -> r.bulk(dependenciesSha256);
            case "PythonInstallationDir" -> r.bulk(pythonInstallationDir);
            default -> {
                String v = extra.get(n);
                if (v != null) {
                    r.bulk(v);
                } else {
                    r.error("(error) Unsupported config parameter: " + n);
                }
            }
        }
    }

    // ---- RG.CONFIGSET

    public void set(String[] args, ReplyBuffer r) {
        // one element per name, whatever happens to its value; processing goes on after an error
        List<Consumer<ReplyBuffer>> replies = new ArrayList<>();
        int i = 0;
        while (i < args.length) {
            String name = args[i];
            String canon = engineName(name);
            if (canon != null) {
                if (canon.equals("ExecutionThreads") || canon.equals("Plugin")) {
                    replies.add(b -> b.error("(error) Config value " + name + " not modifiable at runtime"));
                    i += 2;
                    continue;
                }
                if (i + 1 >= args.length || !setEngine(canon, args[i + 1])) {
                    replies.add(b -> b.error("(error) Failed setting config value " + name));
                    i += 2;
                    continue;
                }
                replies.add(ReplyBuffer::ok);
                i += 2;
                continue;
            }
            if (i + 1 >= args.length) {
                replies.add(b -> b.error("(error) Value was not given to " + name));
                i++;
                continue;
            }
            String value = args[i + 1];
            i += 2;
            String py = pythonName(name);
            if (py != null && !py.equals(name)) {
                py = null;
            }
            if (py != null && !pythonRuntime(py)) {
                replies.add(b -> b.error("(error) " + name + " is not configurable at runtime"));
                continue;
            }
            if (py != null && !setPython(py, value, false)) {
                replies.add(b -> b.error("Failed setting config value for key '" + name + "' with value '" + value + "'"));
                continue;
            }
            extra.put(name, value);
            replies.add(b -> b.simple("OK - value was saved in extra config dictionary"));
        }
        r.array(replies.size());
        for (Consumer<ReplyBuffer> w : replies) {
            w.accept(r);
        }
    }

    private static String engineName(String name) {
        for (String e : ENGINE) {
            if (e.equalsIgnoreCase(name)) {
                return e;
            }
        }
        return null;
    }

    private static final String[] PYTHON = {"PythonAttemptTraceback", "PythonInstallReqMaxIdleTime",
            "OverridePythonAllocators", "CreateVenv", "DownloadDeps", "ForeceDownloadDepsOnEnterprise",
            "DependenciesUrl", "DependenciesSha256", "PythonInstallationDir"};

    /** The Python option {@code name} refers to (case-insensitively, as at load time), or null. */
    private static String pythonName(String name) {
        for (String p : PYTHON) {
            if (p.equalsIgnoreCase(name)) {
                return p;
            }
        }
        return null;
    }

    private static boolean pythonRuntime(String py) {
        return py.equals("PythonAttemptTraceback") || py.equals("PythonInstallReqMaxIdleTime");
    }

    private static Long parse(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private boolean setEngine(String canon, String value) {
        Long v = parse(value);
        if (v == null) {
            return false;
        }
        switch (canon) {
            case "MaxExecutions" -> maxExecutions = v;
            case "MaxExecutionsPerRegistration" -> maxExecutionsPerRegistration = v;
            case "ProfileExecutions" -> profileExecutions = v;
            case "ExecutionMaxIdleTime" -> {
                if (v <= 0) {
                    return false;
                }
                executionMaxIdleTime = v;
            }
            case "SendMsgRetries" -> {
                if (v < 0) {
                    return false;
                }
                sendMsgRetries = v;
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean setPython(String py, String value, boolean loadTime) {
        switch (py) {
            case "DependenciesUrl" -> dependenciesUrl = value;
            case "DependenciesSha256" -> dependenciesSha256 = value;
            case "PythonInstallationDir" -> pythonInstallationDir = value;
            default -> {
                Long v = parse(value);
                if (v == null) {
                    return false;
                }
                long b = v != 0 ? 1 : 0;
                switch (py) {
                    case "PythonAttemptTraceback" -> pythonAttemptTraceback = b;
                    case "PythonInstallReqMaxIdleTime" -> {
                        if (v <= 0) {
                            return false;
                        }
                        pythonInstallReqMaxIdleTime = v;
                    }
                    case "OverridePythonAllocators" -> overridePythonAllocators = b;
                    case "CreateVenv" -> createVenv = b;
                    case "DownloadDeps" -> downloadDeps = b;
                    case "ForeceDownloadDepsOnEnterprise" -> forceDownloadDepsOnEnterprise = b;
                    default -> {
                        return false;
                    }
                }
            }
        }
        return loadTime || pythonRuntime(py);
    }

    /** For INFO: the extra dictionary. */
    public Map<String, String> extras() {
        return extra;
    }
}
