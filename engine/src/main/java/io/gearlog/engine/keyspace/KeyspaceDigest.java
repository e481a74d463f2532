package io.gearlog.engine.keyspace;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * DEBUG DIGEST: a SHA-1 based fingerprint of every live key, its type, value and TTL. Independent of iteration
 * order, so two engines with equal contents give equal digests however they got there.
 */
public final class KeyspaceDigest {
    private KeyspaceDigest() {
    }

    static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sink that feeds a SHA-1 with length-prefixed data. */
    public static final class Sha1Sink implements DigestSink {
        final MessageDigest md = sha1();

        @Override
        public void add(byte[] bytes) {
            add((long) bytes.length);
            md.update(bytes);
        }

        @Override
        public void add(long v) {
            for (int i = 0; i < 8; i++) {
                md.update((byte) (v >>> (8 * i)));
            }
        }

        public byte[] finish() {
            return md.digest();
        }
    }

    /** SHA-1 of one element, for order-independent XOR mixing in unordered collections. */
    public static byte[] of(byte[]... parts) {
        Sha1Sink s = new Sha1Sink();
        for (byte[] p : parts) {
            s.add(p);
        }
        return s.finish();
    }

    public static void xorInto(byte[] acc, byte[] d) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] ^= d[i];
        }
    }

    public static byte[] keyDigest(int db, Key key, RValue v) {
        Sha1Sink s = new Sha1Sink();
        s.add(db);
        s.add(key.bytes());
        s.add(v.type().typeName().getBytes(StandardCharsets.US_ASCII));
        v.digest(s);
        s.add(v.expireAt());
        return s.finish();
    }

    /** Hex digest of all live keys at {@code now}; forty zeros when the keyspace is empty. */
    public static String digest(Keyspace ks, long now) {
        byte[] acc = new byte[20];
        boolean any = false;
        for (int i = 0; i < ks.count(); i++) {
            Database db = ks.db(i);
            final int dbIndex = i;
            final boolean[] found = {false};
            db.forEach((k, v) -> {
                if (v.expireAt() != RValue.NO_EXPIRE && v.expireAt() <= now) {
                    return;
                }
                xorInto(acc, keyDigest(dbIndex, k, v));
                found[0] = true;
            });
            any |= found[0];
        }
        if (!any) {
            return "0".repeat(40);
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : acc) {
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }

    public static String valueDigest(RValue v) {
        if (v == null) {
            return "0".repeat(40);
        }
        Sha1Sink s = new Sha1Sink();
        v.digest(s);
        StringBuilder sb = new StringBuilder();
        for (byte b : s.finish()) {
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }
}
