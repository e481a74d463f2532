package io.gearlog.journal;

import jnr.ffi.LibraryLoader;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;

import java.io.IOException;

/**
 * A file opened only to tell the kernel which of its pages will be needed ({@code POSIX_FADV_WILLNEED}): the kernel
 * brings exactly those pages into the page cache, as base pages, without treating anyone as a sequential reader.
 * Java's own channels cannot give this advice.
 */
final class PageCacheAdvice implements AutoCloseable {
    public interface LibC {
        int open(String path, int flags);

        int posix_fadvise(int fd, @off_t long offset, @off_t long len, int advice);

        int madvise(@size_t long address, @size_t long len, int advice);

        int close(int fd);
    }

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int POSIX_FADV_WILLNEED = 3;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final int MADV_DONTNEED = 4;
    private static final LibC LIBC = load();

    private final int fd;

    private PageCacheAdvice(int fd) {
        this.fd = fd;
    }

    private static LibC load() {
        try {
            return System.getProperty("os.name").startsWith("Linux") ? LibraryLoader.create(LibC.class).load("c") : null;
        } catch (Throwable t) {
            return null;
        }
    }

    /** Opens the file, or returns null where the advice cannot be given (not Linux, no native access). */
    static PageCacheAdvice open(String path) throws IOException {
        if (LIBC == null) {
            return null;
        }
        int fd = LIBC.open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open " + path);
        }
        return new PageCacheAdvice(fd);
    }

    /**
     * Linux acts on at most a readahead window of each advice (the larger of the device's optimal I/O size and the
     * file's readahead size; 128 KB by default) and silently drops the rest, so longer ranges go in steps of this.
     */
    static final long STEP = 128 << 10;

    /** Asks for the pages of {@code [offset, offset + len)} to be brought into the page cache. */
    void willNeed(long offset, long len) throws IOException {
        if (len < 0) {
            throw new IOException("negative length " + len);
        }
        long end = offset + len;
        for (long at = offset; at < end; at += STEP) {
            int err = LIBC.posix_fadvise(fd, at, Math.min(STEP, end - at), POSIX_FADV_WILLNEED);
            if (err != 0) {
                throw new IOException("posix_fadvise failed with error " + err);
            }
        }
    }

    /**
     * Drops the clean pages of {@code [offset, offset + len)} from the page cache. Dirty pages and pages some process
     * still maps are kept, so nothing written is lost; the freed pages are what the kernel hands out next.
     */
    void dontNeed(long offset, long len) throws IOException {
        int err = LIBC.posix_fadvise(fd, offset, len, POSIX_FADV_DONTNEED);
        if (err != 0) {
            throw new IOException("posix_fadvise failed with error " + err);
        }
    }

    /** True where {@link #unmap} can be called. */
    static boolean available() {
        return LIBC != null;
    }

    /**
     * Removes a shared file mapping's page-table entries for {@code [address, address + len)} (page aligned). The
     * data stays in the file and the page cache (a dirty page stays dirty); the next access maps it again. Only for
     * a range the caller knows is mapped, on the thread that owns the mapping.
     */
    static boolean unmap(long address, long len) {
        return LIBC != null && LIBC.madvise(address, len, MADV_DONTNEED) == 0;
    }

    @Override
    public void close() {
        LIBC.close(fd);
    }
}
