package io.gearlog.snapshots;

import io.gearlog.engine.Engine;
import io.gearlog.journal.CorruptRecordException;
import io.gearlog.journal.JournalRecord;
import io.gearlog.journal.RecordCodec;
import io.gearlog.journal.RecordType;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/**
 * Reads snapshot files: {@link #verify} checks every byte (header, each record's CRC, counts, the whole-file
 * CRC) without touching an engine; {@link #load} applies the records to an engine with {@link Engine#apply}, as
 * if they were journal records. Each call is confined to the calling thread.
 */
public final class SnapshotLoader {
    /** What a verification found. */
    public record Verified(SnapshotHeader header, long records, long keys, long bytes, int highestDb) {
    }

    private interface RecordVisitor {
        void visit(JournalRecord r);
    }

    private SnapshotLoader() {
    }

    /**
     * Reads the whole file and checks it.
     *
     * @throws SnapshotException saying what is wrong
     */
    public static Verified verify(Path file) {
        int[] highest = {-1};
        return read(file, r -> highest[0] = Math.max(highest[0], r.db()), () -> false, highest);
    }

    /**
     * Applies a snapshot to {@code engine}, which should be empty. Afterwards the engine's last applied index is
     * the snapshot's and its clock stands at the snapshot's engine time. Verify the file first: a file that fails
     * half way leaves the engine partly loaded.
     */
    public static SnapshotInfo load(SnapshotCatalog.Entry entry, Engine engine, BooleanSupplier cancelled) {
        long start = System.nanoTime();
        Verified v = read(entry.path(), engine::apply, cancelled, new int[]{-1});
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

    private static Verified read(Path file, RecordVisitor visitor, BooleanSupplier cancelled, int[] highestDb) {
        CRC32C crc = new CRC32C();
        long bytes = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            long size = Files.size(file);
            byte[] h = readExactly(in, new byte[SnapshotHeader.SIZE], SnapshotHeader.SIZE, "header");
            SnapshotHeader header = SnapshotHeader.decode(h);
            crc.update(h);
            bytes += h.length;
            byte[] four = new byte[4];
            byte[] eight = new byte[8];
            byte[] buf = new byte[4096];
            JournalRecord rec = new JournalRecord();
            long records = 0;
            while (true) {
                int len = le32(readExactly(in, four, 4, "record length"));
                crc.update(four);
                bytes += 4;
                if (len == SnapshotHeader.END_OF_RECORDS) {
                    break;
                }
                if (len < RecordCodec.HEADER + RecordCodec.TRAILER || len > SnapshotHeader.MAX_RECORD
                        || bytes + len > size) {
                    throw new SnapshotException("bad record length " + len + " at record " + records);
                }
                if (buf.length < len) {
                    buf = new byte[Math.max(len, buf.length * 2)];
                }
                readExactly(in, buf, len, "record " + records);
                crc.update(buf, 0, len);
                bytes += len;
                try {
                    rec.decode(buf, 0, len, records);
                } catch (CorruptRecordException e) {
                    throw new SnapshotException("record " + records + " is damaged: " + e.getMessage().replaceFirst(".*: ", ""));
                }
                if (rec.db() < 0 || rec.db() >= header.databases()) {
                    throw new SnapshotException("record " + records + " names database " + rec.db());
                }
                visitor.visit(rec);
                records++;
                if ((records & 0xfff) == 0 && cancelled.getAsBoolean()) {
                    throw new CancellationException("snapshot loading cancelled");
                }
            }
            long count = le64(readExactly(in, eight, 8, "trailer"));
            crc.update(eight);
            long keys = le64(readExactly(in, eight, 8, "trailer"));
            crc.update(eight);
            int expected = le32(readExactly(in, four, 4, "trailer"));
            bytes += 20;
            if (count != records) {
                throw new SnapshotException("trailer says " + count + " records, file holds " + records);
            }
            if ((int) crc.getValue() != expected) {
                throw new SnapshotException("checksum mismatch");
            }
            if (in.read() != -1) {
                throw new SnapshotException("unexpected bytes after the trailer");
            }
            return new Verified(header, records, keys, bytes, highestDb[0]);
        } catch (IOException e) {
            throw new SnapshotException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readExactly(InputStream in, byte[] b, int n, String what) throws IOException {
        int got = in.readNBytes(b, 0, n);
        if (got < n) {
            throw new SnapshotException("file ends inside the " + what + " (truncated)");
        }
        return b;
    }

    private static int le32(byte[] b) {
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    private static long le64(byte[] b) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }
}
