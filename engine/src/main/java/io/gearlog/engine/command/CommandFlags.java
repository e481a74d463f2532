package io.gearlog.engine.command;

/** Properties of a command (a subset of Redis' command flags). */
public final class CommandFlags {
    /** May change the data set: journaled before it runs. */
    public static final int WRITE = 1;
    public static final int READONLY = 1 << 1;
    public static final int DENYOOM = 1 << 2;
    public static final int ADMIN = 1 << 3;
    public static final int PUBSUB = 1 << 4;
    public static final int NOSCRIPT = 1 << 5;
    public static final int BLOCKING = 1 << 6;
    public static final int LOADING = 1 << 7;
    public static final int STALE = 1 << 8;
    /** Allowed before AUTH. */
    public static final int NO_AUTH = 1 << 9;
    public static final int FAST = 1 << 10;
    /** Not queued inside MULTI (MULTI, EXEC, DISCARD, WATCH, QUIT, RESET). */
    public static final int NO_MULTI = 1 << 11;
    /** Allowed in a RESP2 subscribed context. */
    public static final int PUBSUB_CONTEXT = 1 << 12;
    /** Writes its own journal record (for instance a rewritten form); the dispatcher must not. */
    public static final int SELF_JOURNALED = 1 << 13;
    /** Rejected inside MULTI with an error. */
    public static final int DENY_IN_MULTI = 1 << 14;
    /** Gears command (RG.*); journaled by the gears layer itself. */
    public static final int GEARS = 1 << 15;
    /** Not allowed from Python execute(). */
    public static final int NO_PYTHON = 1 << 16;
    /**
     * A write that changes nothing, whatever its other arguments, when none of its keys (by the spec's key
     * positions) has an entry at all (LPOP, GETDEL, EXPIRE, DEL...): it is not journaled then, as Redis does not
     * propagate it to the AOF. A queue polled empty does not grow the journal.
     */
    public static final int NOOP_ON_MISSING_KEY = 1 << 17;
    /**
     * A write to the set at its first argument that changes nothing when the set already holds every member it
     * names (SADD): not journaled then, as Redis does not propagate it. A value with a TTL is always journaled.
     */
    public static final int NOOP_WHEN_ALL_MEMBERS_PRESENT = 1 << 18;
    /**
     * The same for a write that changes nothing when the set, hash or sorted set at its first argument holds none
     * of the members or fields it names, or does not exist (SREM, HDEL, ZREM): one probe of the key serves both.
     */
    public static final int NOOP_WHEN_NO_MEMBER_PRESENT = 1 << 19;

    private CommandFlags() {
    }

    public static String[] names(int flags) {
        java.util.List<String> l = new java.util.ArrayList<>();
        if ((flags & WRITE) != 0) l.add("write");
        if ((flags & READONLY) != 0) l.add("readonly");
        if ((flags & DENYOOM) != 0) l.add("denyoom");
        if ((flags & ADMIN) != 0) l.add("admin");
        if ((flags & PUBSUB) != 0) l.add("pubsub");
        if ((flags & NOSCRIPT) != 0) l.add("noscript");
        if ((flags & BLOCKING) != 0) l.add("blocking");
        if ((flags & LOADING) != 0) l.add("loading");
        if ((flags & STALE) != 0) l.add("stale");
        if ((flags & NO_AUTH) != 0) l.add("no_auth");
        if ((flags & FAST) != 0) l.add("fast");
        if ((flags & DENY_IN_MULTI) != 0) l.add("no_multi");
        return l.toArray(new String[0]);
    }
}
