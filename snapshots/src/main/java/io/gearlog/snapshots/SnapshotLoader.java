package io.gearlog.snapshots;

import io.gearlog.engine.Engine;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.StringValue;
import io.gearlog.journal.JournalRecord;
import io.gearlog.journal.RecordCodec;
import io.gearlog.journal.RecordType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/**
 * Reads snapshot files: {@link #verify} checks every byte (header, each record's CRC, counts, the whole-file
 * CRC) without touching an engine; {@link #load} applies the records to an engine, as if they were journal
 * records, making the same checks on the way. The file is streamed in large chunks and records are checked in
 * place; plain {@code SET key value} records (a string key's rewrite) are put into the database directly, which
 * is what applying them through the command path would do to an empty keyspace while nothing listens yet.
 * Each call is confined to the calling thread.
 */
public final class SnapshotLoader {
    /**
     * What a verification found. {@code keysPerDb}: how many keys the records build in each database (runs of
     * records naming the same key), used to size the key tables before loading.
     */
    public record Verified(SnapshotHeader header, long records, long keys, long bytes, int highestDb, int[] keysPerDb) {
    }

    private interface FrameVisitor {
        /** A record that passed its checks: {@code b[off, off+len)}, the {@code n}th of the file, of database {@code db}. */
        void visit(byte[] b, int off, int len, long n, int db);
    }

    private static final int CHUNK = 1 << 22;
    private static final byte[] CONFIG = "CONFIG".getBytes(StandardCharsets.US_ASCII);

    private SnapshotLoader() {
    }

    /**
     * Reads the whole file and checks it.
     *
     * @throws SnapshotException saying what is wrong
     */
    public static Verified verify(Path file) {
        return read(file, (b, off, len, n, db) -> {
        }, () -> false);
    }

    /**
     * Applies a snapshot to {@code engine}, which should be empty. Afterwards the engine's last applied index is
     * the snapshot's and its clock stands at the snapshot's engine time. Verify the file first: a file that fails
     * half way leaves the engine partly loaded.
     */
    public static SnapshotInfo load(SnapshotCatalog.Entry entry, Engine engine, BooleanSupplier cancelled) {
        return load(entry, engine, cancelled, null);
    }

    /**
     * As {@link #load(SnapshotCatalog.Entry, Engine, BooleanSupplier)}, with what verifying the file found: its key
     * counts size the key tables up front.
     */
    public static SnapshotInfo load(SnapshotCatalog.Entry entry, Engine engine, BooleanSupplier cancelled,
                                    Verified verified) {
        long start = System.nanoTime();
        if (verified != null) {
            int[] keys = verified.keysPerDb();
            for (int i = 0; i < keys.length && i < engine.keyspace().count(); i++) {
                engine.keyspace().db(i).presize(keys[i]);
            }
        }
        JournalRecord rec = new JournalRecord();
        Verified v = read(entry.path(), (b, off, len, n, db) -> {
            if (!putPlainSet(engine, b, off, len, db)) {
                engine.apply(rec.decode(b, off, len, n));
            }
        }, cancelled);
        // a TICK at the snapshot's time puts the engine's clock where the snapshot was taken
        RecordCodec codec = new RecordCodec();
        codec.begin(RecordType.TICK, v.header().engineTime(), 0, 0);
        codec.end();
        engine.apply(new JournalRecord().decode(codec.buffer(), 0, codec.length(), v.records()));
        engine.lastAppliedIndex(v.header().index());
        engine.stats().dirty = 0;
        return new SnapshotInfo(entry.sequence(), entry.path(), v.header(), v.records(), v.keys(), v.bytes(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Puts the key of a {@code SET key value} COMMAND record straight into its database; false (nothing done) for
     * any other record. The record has passed its checks; lengths are still kept within it.
     */
    private static boolean putPlainSet(Engine engine, byte[] b, int off, int len, int db) {
        if (b[off + 1] != RecordType.COMMAND) {
            return false;
        }
        int end = off + len - RecordCodec.TRAILER;
        int p = off + RecordCodec.HEADER;
        if (p + 11 > end || RecordCodec.readInt(b, p) != 3 || RecordCodec.readInt(b, p + 4) != 3
                || (b[p + 8] | 0x20) != 's' || (b[p + 9] | 0x20) != 'e' || (b[p + 10] | 0x20) != 't') {
            return false;
        }
        p += 11;
        int kl = p + 4 <= end ? RecordCodec.readInt(b, p) : -1;
        if (kl < 0 || p + 4 + kl + 4 > end) {
            return false;
        }
        int kp = p + 4;
        p = kp + kl;
        int vl = RecordCodec.readInt(b, p);
        int vp = p + 4;
        if (vl < 0 || vp + vl != end) {
            return false;
        }
        engine.keyspace().db(db).put(new Key(Arrays.copyOfRange(b, kp, kp + kl)),
                new StringValue(Arrays.copyOfRange(b, vp, vp + vl)));
        return true;
    }

    private static Verified read(Path file, FrameVisitor visitor, BooleanSupplier cancelled) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Chunks in = new Chunks(ch);
            long size = ch.size();
            int h = in.take(SnapshotHeader.SIZE, "header", true);
            SnapshotHeader header = SnapshotHeader.decode(Arrays.copyOfRange(in.buf, h, h + SnapshotHeader.SIZE));
            int[] keysPerDb = new int[Math.max(0, header.databases())];
            KeyRuns runs = new KeyRuns();
            CRC32C recordCrc = new CRC32C();
            int highestDb = -1;
            long records = 0;
            while (true) {
                int len = RecordCodec.readInt(in.buf, in.take(4, "record length", true));
                if (len == SnapshotHeader.END_OF_RECORDS) {
                    break;
                }
                if (len < RecordCodec.HEADER + RecordCodec.TRAILER || len > SnapshotHeader.MAX_RECORD
                        || in.consumed + len > size) {
                    throw new SnapshotException("bad record length " + len + " at record " + records);
                }
                int off = in.fill(len) ? in.take(len, null, true) : in.take(len, "record " + records, true);
                String problem = RecordCodec.verify(in.buf, off, len, recordCrc);
                if (problem != null) {
                    throw new SnapshotException("record " + records + " is damaged: " + problem);
                }
                int db = RecordCodec.readInt(in.buf, off + 18);
                if (db < 0 || db >= header.databases()) {
                    throw new SnapshotException("record " + records + " names database " + db);
                }
                highestDb = Math.max(highestDb, db);
                if (runs.newKey(in.buf, off, len, db)) {
                    keysPerDb[db]++;
                }
                visitor.visit(in.buf, off, len, records, db);
                records++;
                if ((records & 0xfff) == 0 && cancelled.getAsBoolean()) {
                    throw new CancellationException("snapshot loading cancelled");
                }
            }
            long count = le64(in.buf, in.take(8, "trailer", true));
            long keys = le64(in.buf, in.take(8, "trailer", true));
            int expected = RecordCodec.readInt(in.buf, in.take(4, "trailer", false));
            if (count != records) {
                throw new SnapshotException("trailer says " + count + " records, file holds " + records);
            }
            if ((int) in.crc.getValue() != expected) {
                throw new SnapshotException("checksum mismatch");
            }
            if (in.fill(1)) {
                throw new SnapshotException("unexpected bytes after the trailer");
            }
            return new Verified(header, records, keys, in.consumed, highestDb, keysPerDb);
        } catch (IOException e) {
            throw new SnapshotException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Tells where a new key starts: the writer emits all the records of one key (its rewrite, then PEXPIREAT)
     * one after the other, so a COMMAND record naming another key than the one before starts a key. The layout
     * settings record (CONFIG SET) names no key.
     */
    private static final class KeyRuns {
        private byte[] key = new byte[64];
        private int keyLen = -1;
        private int keyDb = -1;

        boolean newKey(byte[] b, int off, int len, int db) {
            if (b[off + 1] != RecordType.COMMAND) {
                return false;
            }
            int end = off + len - RecordCodec.TRAILER;
            int p = off + RecordCodec.HEADER;
            if (p + 8 > end || RecordCodec.readInt(b, p) < 2) {
                return false;
            }
            int nl = RecordCodec.readInt(b, p + 4);
            int np = p + 8;
            if (nl < 0 || np + nl + 4 > end
                    || Arrays.mismatch(b, np, np + nl, CONFIG, 0, CONFIG.length) < 0) {
                return false;
            }
            int kl = RecordCodec.readInt(b, np + nl);
            int kp = np + nl + 4;
            if (kl < 0 || kp + kl > end) {
                return false;
            }
            if (db == keyDb && kl == keyLen && Arrays.equals(b, kp, kp + kl, key, 0, kl)) {
                return false;
            }
            if (key.length < kl) {
                key = new byte[Math.max(kl, key.length * 2)];
            }
            System.arraycopy(b, kp, key, 0, kl);
            keyLen = kl;
            keyDb = db;
            return true;
        }
    }

    /** The file read in large chunks; every byte taken goes through the whole-file CRC unless said otherwise. */
    private static final class Chunks {
        final CRC32C crc = new CRC32C();
        private final FileChannel ch;
        byte[] buf = new byte[CHUNK];
        private ByteBuffer bb = ByteBuffer.wrap(buf);
        private int pos;
        private int limit;
        long consumed;

        Chunks(FileChannel ch) {
            this.ch = ch;
        }

        /** Makes {@code n} bytes available from {@code pos}; false when the file ends first. */
        boolean fill(int n) throws IOException {
            if (limit - pos >= n) {
                return true;
            }
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
            }
            if (n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(n, buf.length * 2));
                bb = ByteBuffer.wrap(buf);
            }
            while (limit < n) {
                bb.limit(buf.length).position(limit);
                int r = ch.read(bb);
                if (r < 0) {
                    return false;
                }
                limit += r;
            }
            return true;
        }

        /** Takes the next {@code n} bytes and returns their offset in {@link #buf}. */
        int take(int n, String what, boolean checksum) throws IOException {
            if (!fill(n)) {
                throw new SnapshotException("file ends inside the " + what + " (truncated)");
            }
            int at = pos;
            if (checksum) {
                crc.update(buf, at, n);
            }
            pos += n;
            consumed += n;
            return at;
        }
    }

    private static long le64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }
}
