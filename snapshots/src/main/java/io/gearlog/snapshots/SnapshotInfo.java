package io.gearlog.snapshots;

import java.nio.file.Path;

/** A snapshot written or loaded: where, what it covers, how big, how long it took. */
public record SnapshotInfo(long sequence, Path path, SnapshotHeader header, long records, long keys, long bytes,
                           long millis) {
    public long index() {
        return header.index();
    }

    public String name() {
        return path.getFileName().toString();
    }
}
