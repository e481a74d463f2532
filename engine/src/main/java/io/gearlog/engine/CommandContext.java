package io.gearlog.engine;

import io.gearlog.engine.keyspace.Database;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.Keyspace;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.keyspace.ValueType;
import io.gearlog.engine.reply.NumberFormat;
import io.gearlog.engine.reply.ReplyBuffer;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * One command being applied: its arguments, client, database and the engine time of its record. Engine thread
 * only. Commands report errors by throwing {@link CommandError}.
 */
public final class CommandContext {
    private final Engine engine;
    private final Client client;
    // not final: the engine refills one context for replayed commands (see reuse)
    private byte[][] argv;
    private long now;
    private long seed;
    private SplittableRandom random;

    CommandContext(Engine engine, Client client, byte[][] argv, long now, long seed) {
        this.engine = engine;
        this.client = client;
        this.argv = argv;
        this.now = now;
        this.seed = seed;
    }

    /**
     * Makes this context that of the next command of the same client. Only for a context nobody holds on to past
     * its command: handlers use it while they run, and blocked commands get a new one when they are served.
     */
    CommandContext reuse(byte[][] argv, long now, long seed) {
        this.argv = argv;
        this.now = now;
        this.seed = seed;
        this.random = null;
        return this;
    }

    public Engine engine() {
        return engine;
    }

    public Client client() {
        return client;
    }

    public byte[][] argv() {
        return argv;
    }

    public int argc() {
        return argv.length;
    }

    public byte[] arg(int i) {
        return argv[i];
    }

    public String str(int i) {
        return new String(argv[i], StandardCharsets.UTF_8);
    }

    /** The command name as the client typed it, lower-cased (for error messages). */
    public String commandName() {
        return str(0).toLowerCase(java.util.Locale.ROOT);
    }

    /** Case-insensitive comparison of argument {@code i} with an ASCII word. */
    public boolean is(int i, String word) {
        byte[] a = argv[i];
        if (a.length != word.length()) {
            return false;
        }
        for (int j = 0; j < a.length; j++) {
            int c = a[j];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            int w = word.charAt(j);
            if (w >= 'a' && w <= 'z') {
                w -= 32;
            }
            if (c != w) {
                return false;
            }
        }
        return true;
    }

    public Key key(int i) {
        return new Key(argv[i]);
    }

    /** Engine time of this command, in milliseconds. */
    public long now() {
        return now;
    }

    public Keyspace keyspace() {
        return engine.keyspace();
    }

    public Database db() {
        return engine.keyspace().db(client.db);
    }

    public ReplyBuffer reply() {
        return client.reply;
    }

    /** Deterministic randomness derived from the command's record, so replay makes the same choices. */
    public SplittableRandom random() {
        if (random == null) {
            random = new SplittableRandom(seed);
        }
        return random;
    }

    /** The seed of this command: its record index when journaled. */
    public long seedBase() {
        return seed;
    }

    // ---- argument parsing ----

    public long longArg(int i) {
        return parseLong(argv[i], Errors.NOT_INTEGER);
    }

    public static long parseLong(byte[] b, String error) {
        Long v = NumberFormat.parseLongOrFail(b);
        if (v == null) {
            throw new CommandError(error);
        }
        return v;
    }

    public double doubleArg(int i) {
        Double d = NumberFormat.parseDouble(argv[i]);
        if (d == null) {
            throw new CommandError(Errors.NOT_FLOAT);
        }
        return d;
    }

    // ---- keyspace access ----

    /** Reads a key for a read command: counts a hit or a miss and emits {@code keymiss} when absent. */
    public RValue lookupRead(Key key) {
        RValue v = db().lookup(key, now);
        if (v == null) {
            keyspace().stats().keyspaceMisses++;
            notify(io.gearlog.engine.keyspace.EventClass.KEY_MISS, "keymiss", key);
        } else {
            keyspace().stats().keyspaceHits++;
        }
        return v;
    }

    public RValue lookupWrite(Key key) {
        return db().lookup(key, now);
    }

    /** The value if it has the given type, null when absent; WRONGTYPE otherwise. */
    @SuppressWarnings("unchecked")
    public <T extends RValue> T read(Key key, ValueType type) {
        RValue v = lookupRead(key);
        if (v != null && v.type() != type) {
            throw new CommandError(Errors.WRONGTYPE);
        }
        return (T) v;
    }

    @SuppressWarnings("unchecked")
    public <T extends RValue> T write(Key key, ValueType type) {
        RValue v = lookupWrite(key);
        if (v != null && v.type() != type) {
            throw new CommandError(Errors.WRONGTYPE);
        }
        return (T) v;
    }

    /** Emits a keyspace event for {@code key} in the current database. */
    public void notify(int eventClass, String event, Key key) {
        keyspace().events().emit(eventClass, event, client.db, key.bytes());
    }

    /** Signals that {@code key} changed (WATCH, blocked clients) and counts a change for snapshots. */
    public void modified(Key key) {
        keyspace().modified(db(), key);
        engine.stats().dirty++;
    }

    public void error(String message) {
        throw new CommandError(message);
    }
}
