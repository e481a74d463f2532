package io.gearlog.engine.gears;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One registration (spec README section 4): what fires it (reader and its arguments), how its executions run (mode),
 * its session and its statistics. Owned by the engine thread.
 */
public final class Registration {
    public enum Reader {
        KEYS("KeysReader"), STREAM("StreamReader"), COMMAND("CommandReader");

        final String text;

        Reader(String text) {
            this.text = text;
        }

        static Reader of(String name) {
            for (Reader r : values()) {
                if (r.text.equals(name)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown reader " + name);
        }
    }

    public enum Mode {
        SYNC("sync"), ASYNC("async"), ASYNC_LOCAL("async_local");

        final String text;

        Mode(String text) {
            this.text = text;
        }

        static Mode of(String name) {
            for (Mode m : values()) {
                if (m.text.equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown mode " + name);
        }
    }

    /** StreamReader registration states as RG.DUMPREGISTRATIONS shows them. */
    public static final String OK = "OK";
    public static final String WAITING_FOR_RETRY = "WAITING_FOR_RETRY_ON_FAILURE";
    public static final String ABORTED = "ABORTED";
    public static final String PAUSED = "PAUSED";

    final long number;
    final String id;
    final Reader reader;
    final Mode mode;
    final String desc;
    final Session session;
    /** Which register() call of the session's script made it (-1: made inside an execution). */
    final int scriptOrdinal;
    /** The plan pickled by value, for registrations made inside executions (null otherwise). */
    final byte[] pickledPlan;
    final boolean hasOnRegistered;
    final List<Execution.Step> steps;

    // KeysReader
    String prefix = "*";
    List<String> eventTypes;
    List<String> keyTypes;
    boolean readValue = true;
    List<String> commands;
    // StreamReader
    long batch = 1;
    long durationMs;
    String onFailedPolicy = "continue";
    long retryIntervalSec = 1;
    boolean trimStream = true;
    // CommandReader
    String trigger;
    String hook;
    String keyPrefix;
    boolean inorder;

    // statistics (spec README section 4)
    long numTriggered;
    long numSuccess;
    long numFailures;
    long numAborted;
    long lastRunMillis;
    long totalRunMillis;
    long lastLagMillis;
    long totalLagMillis;
    String lastError;
    /** StreamReader state. */
    String status = OK;

    /** Finished executions kept for it (MaxExecutionsPerRegistration), oldest first. */
    final ArrayDeque<Execution> kept = new ArrayDeque<>();
    /** Its executions that have not finished. */
    final List<Execution> unfinished = new ArrayList<>();
    boolean removed;

    Registration(long number, Reader reader, Mode mode, String desc, Session session, int scriptOrdinal,
                 byte[] pickledPlan, boolean hasOnRegistered, List<Execution.Step> steps) {
        this.number = number;
        this.id = ExecutionIds.format(number);
        this.reader = reader;
        this.mode = mode;
        this.desc = desc;
        this.session = session;
        this.scriptOrdinal = scriptOrdinal;
        this.pickledPlan = pickledPlan;
        this.hasOnRegistered = hasOnRegistered;
        this.steps = steps;
    }

    public String id() {
        return id;
    }

    public boolean sync() {
        return mode == Mode.SYNC;
    }

    /** KeysReader/StreamReader key filter: "x*" is a prefix, anything else an exact name. */
    boolean keyMatches(byte[] key) {
        return prefixMatches(prefix, key);
    }

    static boolean prefixMatches(String prefix, byte[] key) {
        byte[] p = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (p.length > 0 && p[p.length - 1] == '*') {
            int n = p.length - 1;
            if (key.length < n) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (key[i] != p[i]) {
                    return false;
                }
            }
            return true;
        }
        return java.util.Arrays.equals(p, key);
    }

    boolean eventMatches(String event) {
        if (eventTypes == null) {
            return true;
        }
        for (String e : eventTypes) {
            if (e.equalsIgnoreCase(event)) {
                return true;
            }
        }
        return false;
    }

    boolean keyTypeMatches(String type) {
        return keyTypes == null || keyTypes.contains(type);
    }

    boolean hooksCommand(String name) {
        if (commands == null) {
            return false;
        }
        for (String c : commands) {
            if (c.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** avgRunDurationMS: total over every finished or aborted execution. */
    double avgRunMillis() {
        long n = numSuccess + numFailures + numAborted;
        return n == 0 ? 0 : (double) totalRunMillis / n;
    }

    double avgLagMillis() {
        long n = numSuccess + numFailures + numAborted;
        return n == 0 ? 0 : (double) totalLagMillis / n;
    }

    /** RG.CLEARREGISTRATIONSSTATS for this registration (executions in flight stay counted as triggered). */
    void clearStats() {
        numTriggered -= numSuccess + numFailures + numAborted;
        numSuccess = 0;
        numFailures = 0;
        numAborted = 0;
        lastRunMillis = 0;
        totalRunMillis = 0;
        lastLagMillis = 0;
        totalLagMillis = 0;
        lastError = null;
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
