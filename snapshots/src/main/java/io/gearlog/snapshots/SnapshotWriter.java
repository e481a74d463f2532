package io.gearlog.snapshots;

import io.gearlog.engine.Engine;
import io.gearlog.engine.SnapshotContributor;
import io.gearlog.engine.keyspace.Database;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.Keyspace;
import io.gearlog.engine.keyspace.RValue;
import io.gearlog.journal.RecordCodec;
import io.gearlog.journal.RecordType;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/**
 * Writes the state of an engine as a snapshot file: every live key as the commands that rebuild it
 * ({@link RValue#rewrite}) plus PEXPIREAT for its TTL, each a COMMAND record of the key's database, then the
 * records of every {@link SnapshotContributor}. The file is written as {@code .tmp}, synced and renamed, so a
 * snapshot under its final name is always complete. Used by one thread at a time, the one that owns the engine.
 */
public final class SnapshotWriter implements SnapshotContributor.Sink {
    private static final byte[] PEXPIREAT = "PEXPIREAT".getBytes(StandardCharsets.US_ASCII);

    private final RecordCodec codec = new RecordCodec();
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[8];
    private final BooleanSupplier cancelled;
    private OutputStream out;
    private long time;
    private long records;
    private long bytes;

    public SnapshotWriter(BooleanSupplier cancelled) {
        this.cancelled = cancelled;
    }

    /**
     * Writes {@code engine}'s state, which must be the state after journal record {@code index} at engine time
     * {@code engineTime}, to {@code target}.
     *
     * @throws SnapshotException when the file cannot be written
     * @throws CancellationException when {@code cancelled} turned true meanwhile (nothing is left behind)
     */
    public SnapshotInfo write(Engine engine, long index, long engineTime, SnapshotCatalog.Entry target) {
        long start = System.nanoTime();
        Path tmp = target.path().resolveSibling(target.name() + ".tmp");
        Keyspace ks = engine.keyspace();
        SnapshotHeader header = new SnapshotHeader(SnapshotHeader.FORMAT_VERSION, index, engineTime,
                System.currentTimeMillis(), ks.count());
        time = engineTime;
        records = 0;
        bytes = 0;
        crc.reset();
        long keys = 0;
        boolean done = false;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20);
            raw(header.encode(), 0, SnapshotHeader.SIZE);
            // values below are rebuilt under the layout settings that were in force at the snapshot's index
            argv(RecordType.COMMAND, 0, engine.config().dataShapingCommand());
            for (int i = 0; i < ks.count(); i++) {
                keys += writeDatabase(ks.db(i), engineTime);
            }
            for (SnapshotContributor c : SnapshotContributor.of(engine)) {
                c.contribute(engine, this);
            }
            int32(SnapshotHeader.END_OF_RECORDS);
            int64(records);
            int64(keys);
            int32((int) crc.getValue());
            out.flush();
            ch.force(true);
            done = true;
        } catch (IOException | UncheckedIOException e) {
            String why = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
            throw new SnapshotException("cannot write snapshot " + tmp + ": " + why, e);
        } finally {
            out = null;
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // removed at the next startup
                }
            }
        }
        try {
            Files.move(tmp, target.path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            SnapshotCatalog.syncDirectory(target.path().getParent());
        } catch (IOException e) {
            throw new SnapshotException("cannot rename " + tmp + ": " + e.getMessage(), e);
        }
        return new SnapshotInfo(target.sequence(), target.path(), header, records, keys, bytes,
                (System.nanoTime() - start) / 1_000_000);
    }

    private long writeDatabase(Database db, long now) {
        long[] n = {0};
        int dbIndex = db.index();
        db.forEach((Key k, RValue v) -> {
            if (v.hasExpire() && v.expireAt() <= now) {
                return;
            }
            if ((++n[0] & 0xfff) == 0 && cancelled.getAsBoolean()) {
                throw new CancellationException("snapshot cancelled");
            }
            v.rewrite(k.bytes(), argv -> argv(RecordType.COMMAND, dbIndex, argv));
            if (v.hasExpire()) {
                argv(RecordType.COMMAND, dbIndex, new byte[][]{PEXPIREAT, k.bytes(),
                        Long.toString(v.expireAt()).getBytes(StandardCharsets.US_ASCII)});
            }
        });
        return n[0];
    }

    @Override
    public void argv(int type, int db, byte[][] argv) {
        codec.begin(type, time, 0, db);
        codec.argv(argv);
        frame();
    }

    @Override
    public void payload(int type, int db, byte[] payload) {
        codec.begin(type, time, 0, db);
        codec.payload(payload, 0, payload.length);
        frame();
    }

    private void frame() {
        codec.end();
        try {
            int32(codec.length());
            raw(codec.buffer(), 0, codec.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        records++;
    }

    private void raw(byte[] b, int off, int n) throws IOException {
        out.write(b, off, n);
        crc.update(b, off, n);
        bytes += n;
    }

    private void int32(int v) throws IOException {
        for (int i = 0; i < 4; i++) {
            scratch[i] = (byte) (v >>> (8 * i));
        }
        out.write(scratch, 0, 4);
        crc.update(scratch, 0, 4);
        bytes += 4;
    }

    private void int64(long v) throws IOException {
        for (int i = 0; i < 8; i++) {
            scratch[i] = (byte) (v >>> (8 * i));
        }
        out.write(scratch, 0, 8);
        crc.update(scratch, 0, 8);
        bytes += 8;
    }
}
