package io.gearlog.snapshots;

import io.gearlog.engine.Engine;
import io.gearlog.engine.EngineClock;
import io.gearlog.engine.SnapshotContributor;
import io.gearlog.engine.config.ServerConfig;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.KeyspaceDigest;
import io.gearlog.engine.keyspace.StringValue;
import io.gearlog.journal.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The snapshot file: what is written, what loads back, and how each kind of damage is caught. */
class SnapshotFormatTest {
    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private static Engine engine() {
        return new Engine(new ServerConfig(), EngineClock.SYSTEM);
    }

    private static byte[][] argv(String... parts) {
        byte[][] a = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            a[i] = parts[i].getBytes(StandardCharsets.UTF_8);
        }
        return a;
    }

    /** An engine with keys in two databases, TTLs, and a key already expired at {@code T + 1000}. */
    private static Engine populated() {
        Engine e = engine();
        e.applyArgv(argv("SET", "a", "1"), 0, T, 1);
        e.applyArgv(argv("SET", "ttl", "x", "PX", "500000"), 0, T, 2);
        e.applyArgv(argv("SET", "short", "y", "PX", "10"), 0, T, 3);
        e.applyArgv(argv("SET", "other-db", "z"), 5, T, 4);
        e.applyArgv(argv("APPEND", "a", "23"), 0, T + 1, 5);
        return e;
    }

    private SnapshotInfo write(Engine e, SnapshotCatalog catalog) {
        return new SnapshotWriter(() -> false).write(e, 42, T + 1000, catalog.next());
    }

    @Test
    void aSnapshotLoadsBackToTheSameStateClockAndIndex() {
        SnapshotCatalog catalog = new SnapshotCatalog(dir);
        Engine source = populated();
        SnapshotInfo info = write(source, catalog);
        assertEquals("snapshot-00000001.gls", info.name());
        assertEquals(3, info.keys(), "the key expired at snapshot time is left out");
        assertEquals(5, info.records(), "the layout settings, three keys and one PEXPIREAT");
        assertEquals(Files.exists(info.path()) ? info.bytes() : -1, info.path().toFile().length());

        SnapshotLoader.Verified v = SnapshotLoader.verify(info.path());
        assertEquals(42, v.header().index());
        assertEquals(T + 1000, v.header().engineTime());
        assertEquals(16, v.header().databases());
        assertEquals(5, v.highestDb());

        Engine target = engine();
        SnapshotLoader.load(catalog.newestFirst().get(0), target, () -> false);
        assertEquals(42, target.lastAppliedIndex());
        assertEquals(T + 1000, target.engineTime());
        assertEquals(KeyspaceDigest.digest(source.keyspace(), T + 1000), KeyspaceDigest.digest(target.keyspace(), T + 1000));
        StringValue a = (StringValue) target.keyspace().db(0).lookup(Key.of("a"), T + 1000);
        assertArrayEquals("123".getBytes(), a.bytes());
        assertEquals(T + 500_000, target.keyspace().db(0).peek(Key.of("ttl")).expireAt());
        assertNull(target.keyspace().db(0).peek(Key.of("short")));
        assertEquals(0, target.stats().dirty, "a loaded snapshot counts as saved");
    }

    @Test
    void verifyingCountsTheKeysOfEachDatabaseAndLoadingSizesTheTablesAsGrowingWould() {
        SnapshotCatalog catalog = new SnapshotCatalog(dir);
        Engine source = engine();
        for (int i = 0; i < 37; i++) {
            source.applyArgv(argv("SET", "k" + i, "v" + i), 0, T, 10 + i);
        }
        source.applyArgv(argv("SET", "k1", "w", "PX", "900000"), 0, T, 50);
        source.applyArgv(argv("HSET", "h", "f1", "1", "f2", "2"), 0, T, 51);
        source.applyArgv(argv("RPUSH", "l", "a", "b"), 3, T, 52);
        source.applyArgv(argv("SET", "s", "x"), 3, T, 53);
        write(source, catalog);

        SnapshotLoader.Verified v = SnapshotLoader.verify(catalog.newestFirst().get(0).path());
        assertEquals(38, v.keysPerDb()[0], "37 strings (one with a TTL record) and a hash; the layout record is no key");
        assertEquals(2, v.keysPerDb()[3]);
        assertEquals(0, v.keysPerDb()[1]);

        Engine target = engine();
        SnapshotLoader.load(catalog.newestFirst().get(0), target, () -> false, v);
        assertEquals(source.keyspace().db(0).buckets(), target.keyspace().db(0).buckets());
        assertEquals(64, target.keyspace().db(0).buckets());
        assertEquals(KeyspaceDigest.digest(source.keyspace(), T + 1000), KeyspaceDigest.digest(target.keyspace(), T + 1000));
        assertEquals(T + 900_000, target.keyspace().db(0).peek(Key.of("k1")).expireAt());
        assertArrayEquals("w".getBytes(), ((StringValue) target.keyspace().db(0).peek(Key.of("k1"))).bytes());
    }

    @Test
    void contributorsAddRecordsThatTheirApplierGetsBackInOrder() {
        SnapshotCatalog catalog = new SnapshotCatalog(dir);
        Engine source = populated();
        SnapshotContributor.register(source, (engine, sink) -> {
            sink.payload(RecordType.GEARS, 0, "session-1".getBytes());
            sink.payload(RecordType.GEARS, 2, "registration-7".getBytes());
        });
        SnapshotInfo info = write(source, catalog);
        assertEquals(7, info.records());

        Engine target = engine();
        List<String> applied = new ArrayList<>();
        target.service("record:" + RecordType.GEARS, (Engine.RecordApplier) r -> {
            assertEquals(T + 1000, r.time());
            applied.add(r.db() + ":" + new String(r.payload()));
            assertEquals(3, target.keyspace().totalKeys(), "keys are loaded before contributed records");
        });
        SnapshotLoader.load(catalog.newestFirst().get(0), target, () -> false);
        assertEquals(List.of("0:session-1", "2:registration-7"), applied);
    }

    private static void flip(Path f, long offset) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x10);
        }
    }

    @Test
    void everyKindOfDamageIsCaughtBeforeLoading() throws Exception {
        SnapshotCatalog catalog = new SnapshotCatalog(dir);
        Path good = write(populated(), catalog).path();
        long size = Files.size(good);
        byte[] original = Files.readAllBytes(good);
        Object[][] cases = {
                {0L, "not a Gearlog snapshot (bad magic)"},
                {14L, "header checksum mismatch"},
                {48L + 4 + 30L, "record 0 is damaged: checksum mismatch"},
                {48L, "record 0 is damaged: record length mismatch"},
                {51L, "bad record length"},
                {size - 20, "trailer says"},
                {size - 2, "checksum mismatch"},
        };
        for (Object[] c : cases) {
            Files.write(good, original);
            flip(good, (Long) c[0]);
            SnapshotException e = assertThrows(SnapshotException.class, () -> SnapshotLoader.verify(good));
            assertTrue(e.getMessage().startsWith((String) c[1]), c[0] + ": " + e.getMessage());
        }
        Files.write(good, java.util.Arrays.copyOf(original, original.length - 7));
        assertEquals("file ends inside the trailer (truncated)",
                assertThrows(SnapshotException.class, () -> SnapshotLoader.verify(good)).getMessage());
        byte[] longer = java.util.Arrays.copyOf(original, original.length + 1);
        Files.write(good, longer);
        assertEquals("unexpected bytes after the trailer",
                assertThrows(SnapshotException.class, () -> SnapshotLoader.verify(good)).getMessage());
        Files.write(good, original);
        SnapshotLoader.verify(good);
    }

    @Test
    void theCatalogNumbersOnPastSetAsideFilesPrunesAndCleansUp() throws Exception {
        SnapshotCatalog catalog = new SnapshotCatalog(dir);
        Engine e = populated();
        write(e, catalog);
        write(e, catalog);
        SnapshotCatalog.Entry second = catalog.newestFirst().get(0);
        assertEquals(2, second.sequence());
        catalog.setAside(second);
        assertEquals("snapshot-00000003.gls", write(e, catalog).name());
        write(e, catalog);
        write(e, catalog);
        assertEquals(2, catalog.prune(2));
        assertEquals(List.of(5L, 4L), catalog.newestFirst().stream().map(SnapshotCatalog.Entry::sequence).toList());
        Files.writeString(catalog.directory().resolve("snapshot-00000006.gls.tmp"), "half written");
        assertEquals(1, catalog.removeTemporaryFiles());
        try (var s = Files.list(catalog.directory())) {
            assertEquals(List.of("snapshot-00000002.gls.corrupt", "snapshot-00000004.gls", "snapshot-00000005.gls"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
