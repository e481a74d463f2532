package io.gearlog.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pretoucher's Linux path must really be taken there: without it the page cache fills with 2 MB folios. */
class PageCacheAdviceTest {
    @Test
    @EnabledOnOs(OS.LINUX)
    void onLinuxTheAdviceIsGivenAndAnInvalidRangeIsReported(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sparse");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(64L << 20);
        }
        try (PageCacheAdvice advice = PageCacheAdvice.open(f.toString())) {
            assertNotNull(advice, "native access is on in every JVM the build starts");
            advice.willNeed(1 << 20, 8 << 20);
            assertThrows(IOException.class, () -> advice.willNeed(0, -1));
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void everyPageOfALongRangeIsBroughtIn(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sparse");
        long from = 4L << 20;
        long len = 24L << 20;
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(64L << 20);
        }
        try (PageCacheAdvice advice = PageCacheAdvice.open(f.toString());
             FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            assertNotNull(advice);
            MappedByteBuffer before = ch.map(FileChannel.MapMode.READ_ONLY, from, len);
            assertFalse(before.isLoaded(), "a fresh sparse file has nothing in the page cache");
            advice.willNeed(from, len);
            // mincore: residency in the page cache, whether or not this mapping touched the pages; Linux acts on
            // only the first readahead window of a single long advice
            assertTrue(ch.map(FileChannel.MapMode.READ_ONLY, from, len).isLoaded());
            assertFalse(ch.map(FileChannel.MapMode.READ_ONLY, from + len, 4L << 20).isLoaded(),
                    "only the advised range");
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aMissingFileIsAnError(@TempDir Path dir) {
        assertThrows(IOException.class, () -> PageCacheAdvice.open(dir.resolve("absent").toString()));
    }
}
