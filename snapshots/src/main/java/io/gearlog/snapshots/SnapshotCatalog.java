package io.gearlog.snapshots;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The snapshot files of a data directory ({@code <dir>/snapshots/snapshot-00000042.gls}), numbered in the order
 * they were written. A file appears under its final name only once complete and synced (written as
 * {@code .tmp}, then renamed); a file that failed its checks at startup is renamed {@code .corrupt} and left
 * for the operator. Stateless apart from the directory: safe from any thread, and the writers (one snapshot at a
 * time) never race on names.
 */
public final class SnapshotCatalog {
    public static final String DIRECTORY = "snapshots";
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{8,})\\.gls");
    private static final Pattern ANY = Pattern.compile("snapshot-(\\d{8,})\\.gls(\\..*)?");

    /** One complete snapshot file. */
    public record Entry(long sequence, Path path) {
        public String name() {
            return path.getFileName().toString();
        }
    }

    private final Path dir;

    public SnapshotCatalog(Path dataDir) {
        this.dir = dataDir.resolve(DIRECTORY);
    }

    public Path directory() {
        return dir;
    }

    private void ensureDirectory() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SnapshotException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Complete snapshot files, newest first. */
    public List<Entry> newestFirst() {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(new Entry(Long.parseLong(m.group(1)), p));
                }
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparingLong(Entry::sequence).reversed());
        return out;
    }

    /** The path the next snapshot gets (one past every number used, including set-aside files). */
    public Entry next() {
        ensureDirectory();
        long max = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = ANY.matcher(p.getFileName().toString());
                if (m.matches()) {
                    max = Math.max(max, Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        long seq = max + 1;
        return new Entry(seq, dir.resolve(String.format("snapshot-%08d.gls", seq)));
    }

    /** Reads just the header of a snapshot file (no checksum over the body). */
    public static SnapshotHeader header(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] h = in.readNBytes(SnapshotHeader.SIZE);
            if (h.length < SnapshotHeader.SIZE) {
                throw new SnapshotException("file too short for a snapshot header");
            }
            return SnapshotHeader.decode(h);
        } catch (IOException e) {
            throw new SnapshotException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes {@code .tmp} files left by a snapshot that was interrupted (crash or shutdown). */
    public int removeTemporaryFiles() {
        int n = 0;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tmp")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
                n++;
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot clean " + dir + ": " + e.getMessage(), e);
        }
        return n;
    }

    /** Renames a snapshot that failed its checks to {@code <name>.corrupt}; returns the new path. */
    public Path setAside(Entry e) {
        Path target = e.path().resolveSibling(e.name() + ".corrupt");
        try {
            Files.move(e.path(), target, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
        } catch (IOException x) {
            throw new SnapshotException("cannot rename " + e.path() + ": " + x.getMessage(), x);
        }
        return target;
    }

    /** Moves every file of the snapshot directory (complete or not) into {@code target}. */
    public void moveAllTo(Path target) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            Files.createDirectories(target);
            for (Path p : ds) {
                Files.move(p, target.resolve(p.getFileName()));
            }
        } catch (IOException e) {
            throw new SnapshotException("cannot move the snapshots to " + target + ": " + e.getMessage(), e);
        }
        syncDirectory(dir);
    }

    /** Deletes all but the {@code keep} newest snapshots; returns how many were deleted. */
    public int prune(int keep) {
        List<Entry> all = newestFirst();
        int n = 0;
        for (int i = keep; i < all.size(); i++) {
            try {
                Files.deleteIfExists(all.get(i).path());
                n++;
            } catch (IOException e) {
                throw new SnapshotException("cannot delete " + all.get(i).path() + ": " + e.getMessage(), e);
            }
        }
        if (n > 0) {
            syncDirectory(dir);
        }
        return n;
    }

    /** Forces a directory's entries (a rename) to disk where the file system allows it. */
    static void syncDirectory(Path d) {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot sync directories; the files themselves were synced
        }
    }
}
