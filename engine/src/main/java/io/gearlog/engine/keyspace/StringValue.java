package io.gearlog.engine.keyspace;

import io.gearlog.engine.reply.NumberFormat;

/**
 * A string value. Its byte array is replaced, never written in place: INCR stores small values from one shared
 * table, and gears' KeysReader hands the array itself to Python.
 */
public final class StringValue extends RValue {
    private byte[] bytes;
    private boolean raw;
    /** Created from a float result (INCRBYFLOAT): Redis stores those as embstr/raw even when they look integral. */
    private boolean notInt;

    public StringValue(byte[] bytes) {
        this.bytes = bytes;
    }

    public byte[] bytes() {
        return bytes;
    }

    public void set(byte[] bytes, boolean raw) {
        this.bytes = bytes;
        this.raw = raw;
        this.notInt = false;
    }

    /** Marks the value as a plain (non-integer) string object, as INCRBYFLOAT results are. */
    public void notInteger() {
        this.notInt = true;
    }

    /** GET, INCR, DECR and STRLEN (two arguments) read the bytes; SET replaces them unread (see BatchTouch). */
    @Override
    Object elementBucket(byte[][] argv) {
        return argv.length == 2 ? bytes : null;
    }

    @Override
    public ValueType type() {
        return ValueType.STRING;
    }

    @Override
    public String encoding() {
        if (!raw && !notInt && bytes.length <= 20 && NumberFormat.isLong(bytes)) {
            return "int";
        }
        return (!raw && bytes.length <= 44) ? "embstr" : "raw";
    }

    @Override
    public RValue copy() {
        StringValue v = new StringValue(bytes.clone());
        v.raw = raw;
        v.notInt = notInt;
        return v;
    }

    @Override
    public void rewrite(byte[] key, java.util.function.Consumer<byte[][]> out) {
        out.accept(new byte[][]{"SET".getBytes(), key, bytes});
    }

    @Override
    public void digest(DigestSink sink) {
        sink.add(bytes);
    }
}
