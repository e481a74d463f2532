package io.gearlog.engine.keyspace;

/** Receives the canonical content of a value for DEBUG DIGEST. */
public interface DigestSink {
    void add(byte[] bytes);

    void add(long v);

    default void add(double d) {
        add(Double.doubleToLongBits(d));
    }
}
