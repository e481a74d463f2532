package io.gearlog.resp;

import io.gearlog.journal.RecordCodec;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.util.SafeEncoder;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Helpers for the durability tests: INFO fields, DEBUG DIGEST, and damaging journal and snapshot files. */
final class RecoveryFiles {
    private static final ProtocolCommand DEBUG = () -> SafeEncoder.encode("DEBUG");

    private RecoveryFiles() {
    }

    static String digest(Jedis j) {
        return SafeEncoder.encode((byte[]) j.sendCommand(DEBUG, "DIGEST"));
    }

    /** The fields of one INFO section. */
    static Map<String, String> info(Jedis j, String section) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : j.info(section).split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, c), line.substring(c + 1));
            }
        }
        return m;
    }

    static List<Path> cycleFiles(Path dataDir) throws IOException {
        try (Stream<Path> s = Files.list(dataDir.resolve("journal"))) {
            return s.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    /**
     * Flips one byte inside the first occurrence of {@code marker} in the journal's cycle files (the marker is a
     * value written by the test, so the damaged byte lies inside that record's payload). Returns how many
     * occurrences there were (the caller expects exactly one).
     */
    static int corruptJournalRecord(Path dataDir, String marker) throws IOException {
        byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
        int found = 0;
        for (Path f : cycleFiles(dataDir)) {
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                byte[] data = new byte[(int) Math.min(raf.length(), 64L << 20)];
                raf.readFully(data);
                for (int i = 0; i + needle.length <= data.length; i++) {
                    if (matches(data, i, needle)) {
                        if (found == 0) {
                            raf.seek(i + needle.length / 2);
                            raf.write(data[i + needle.length / 2] ^ 0x20);
                        }
                        found++;
                    }
                }
            }
        }
        return found;
    }

    /**
     * Zeroes the 4-byte Chronicle header of the journal record holding {@code marker} (a lone SET), so
     * Chronicle can no longer tell where that record ends and cannot read past it.
     */
    static void damageRecordHeader(Path dataDir, String marker) throws IOException {
        byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
        for (Path f : cycleFiles(dataDir)) {
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                byte[] data = new byte[(int) Math.min(raf.length(), 64L << 20)];
                raf.readFully(data);
                for (int i = 0; i + needle.length <= data.length; i++) {
                    if (matches(data, i, needle)) {
                        int recordStart = recordHolding(data, i);
                        raf.seek(recordStart - 4);
                        raf.write(new byte[4]);
                        return;
                    }
                }
            }
        }
        throw new AssertionError(marker + " not found in the journal");
    }

    /** The start of the journal record whose bytes hold offset {@code at}: the nearest one before it that verifies. */
    private static int recordHolding(byte[] data, int at) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        for (int start = at - 1; start >= Math.max(0, at - 4096); start--) {
            if (data.length - start < RecordCodec.HEADER) {
                continue;
            }
            int len = RecordCodec.recordLength(data, start);
            if (len > at - start && len <= data.length - start && RecordCodec.verify(data, start, len, crc) == null) {
                return start;
            }
        }
        throw new AssertionError("no record found around offset " + at);
    }

    private static boolean matches(byte[] data, int at, byte[] needle) {
        for (int j = 0; j < needle.length; j++) {
            if (data[at + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    /** Flips the byte at {@code offset} of {@code file}. */
    static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x55);
        }
    }

    static List<String> snapshotNames(Path dataDir) throws IOException {
        Path d = dataDir.resolve("snapshots");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
