package io.gearlog.engine.gears;

import io.gearlog.engine.keyspace.DigestSink;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.engine.keyspace.ValueType;

import java.nio.charset.StandardCharsets;

/**
 * A time event that registerTE(seconds, callback, keyName) stored in a key (spec runtime.md 8; TYPE says
 * {@code rg_timeev}): its period, the session that created it and its callback pickled by value, so it keeps
 * firing after a restart. Deleting the key cancels it. Immutable; lives in the engine thread's keyspace.
 */
public final class TimeEventValue extends RValue {
    /** The internal command that creates one (journal EFFECT records and snapshots rebuild it through it). */
    public static final String COMMAND = "rg.__timeevent";

    final long seconds;
    final String session;
    final byte[] callback;

    TimeEventValue(long seconds, String session, byte[] callback) {
        this.seconds = seconds;
        this.session = session;
        this.callback = callback;
    }

    @Override
    public ValueType type() {
        return ValueType.TIME_EVENT;
    }

    @Override
    public String encoding() {
        return "raw";
    }

    @Override
    public RValue copy() {
        return new TimeEventValue(seconds, session, callback);
    }

    @Override
    public void digest(DigestSink sink) {
        sink.add(seconds);
        sink.add(session.getBytes(StandardCharsets.UTF_8));
        sink.add(callback);
    }

    @Override
    public void rewrite(byte[] key, java.util.function.Consumer<byte[][]> out) {
        out.accept(argv(key, seconds, session, callback));
    }

    public long seconds() {
        return seconds;
    }

    public String session() {
        return session;
    }

    public byte[] callback() {
        return callback;
    }

    static byte[][] argv(byte[] key, long seconds, String session, byte[] callback) {
        return new byte[][]{COMMAND.getBytes(StandardCharsets.US_ASCII), key,
                Long.toString(seconds).getBytes(StandardCharsets.US_ASCII), session.getBytes(StandardCharsets.UTF_8),
                callback};
    }
}
