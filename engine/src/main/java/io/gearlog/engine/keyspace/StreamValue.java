package io.gearlog.engine.keyspace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A Redis stream: entries in id order stored flat in chunks that split like Redis' listpack nodes, the stream's
 * counters (last id, entries added, max deleted id) and its consumer groups. Command families and Gears readers
 * use it through append / range / delete / trim / groups. Owned by the engine thread.
 */
public final class StreamValue extends RValue {
    public static final int DEFAULT_NODE_MAX_ENTRIES = 100;
    public static final long DEFAULT_NODE_MAX_BYTES = 4096;

    private StreamChunk[] chunks = new StreamChunk[2];
    private int head;
    private int tail;
    private long length;
    private long lastMs;
    private long lastSeq;
    private StreamId maxDeletedId = StreamId.MIN;
    private long entriesAdded;
    private TreeMap<Key, ConsumerGroup> groups;
    /** Cached id of the first live entry; null when unknown. */
    private StreamId firstId;

    /** Receives one string of an entry: {@code length} bytes of {@code array} from {@code offset}. */
    @FunctionalInterface
    public interface Strings {
        void accept(byte[] array, int offset, int length);
    }

    /** Visits entries during a range scan; returns false to stop. The view is only valid during the call. */
    @FunctionalInterface
    public interface EntryVisitor {
        boolean visit(EntryView e);
    }

    /** One entry seen during a scan, without copying it. */
    public static final class EntryView {
        private final StreamChunk.Cursor cursor;

        EntryView(StreamChunk.Cursor cursor) {
            this.cursor = cursor;
        }

        public long ms() {
            return cursor.ms;
        }

        public long seq() {
            return cursor.seq;
        }

        public StreamId id() {
            return new StreamId(cursor.ms, cursor.seq);
        }

        /** Number of field/value pairs. */
        public int fieldCount() {
            return cursor.fieldCount;
        }

        /** Fields and values alternating, without copying. */
        public void strings(Strings sink) {
            cursor.strings(sink);
        }

        public byte[][] fieldsValues() {
            byte[][] out = new byte[cursor.fieldCount * 2][];
            int[] i = {0};
            cursor.strings((a, off, len) -> out[i[0]++] = Arrays.copyOfRange(a, off, off + len));
            return out;
        }

        public StreamEntry toEntry() {
            return new StreamEntry(id(), fieldsValues());
        }
    }

    // ---- counters ----

    @Override
    public ValueType type() {
        return ValueType.STREAM;
    }

    @Override
    public String encoding() {
        return "stream";
    }

    /** Number of live entries. */
    public long length() {
        return length;
    }

    /** The last id ever generated or set (XSETID), 0-0 for a new stream. */
    public StreamId lastId() {
        return new StreamId(lastMs, lastSeq);
    }

    public StreamId maxDeletedId() {
        return maxDeletedId;
    }

    public long entriesAdded() {
        return entriesAdded;
    }

    /** XSETID: sets the last id and optionally the entries-added counter (-1: keep) and max deleted id (null: keep). */
    public void setId(StreamId last, long entriesAdded, StreamId maxDeleted) {
        lastMs = last.ms();
        lastSeq = last.seq();
        if (entriesAdded != -1) {
            this.entriesAdded = entriesAdded;
        }
        if (maxDeleted != null) {
            maxDeletedId = maxDeleted;
        }
    }

    /** Id of the first live entry, 0-0 when the stream is empty (Redis' recorded first entry id). */
    public StreamId firstId() {
        if (length == 0) {
            return StreamId.MIN;
        }
        if (firstId == null) {
            StreamId[] found = {null};
            forEach(StreamId.MIN, StreamId.MAX, 1, false, e -> {
                found[0] = e.id();
                return false;
            });
            firstId = found[0];
        }
        return firstId;
    }

    /** Id of the last live entry, or null when the stream is empty. */
    public StreamId lastEntryId() {
        if (length == 0) {
            return null;
        }
        StreamId[] found = {null};
        forEach(StreamId.MIN, StreamId.MAX, 1, true, e -> {
            found[0] = e.id();
            return false;
        });
        return found[0];
    }

    // ---- appending ----

    /** The id {@code XADD *} gives at engine time {@code nowMs}, or null when the stream exhausted its ids. */
    public StreamId nextAutoId(long nowMs) {
        if (Long.compareUnsigned(nowMs, lastMs) > 0) {
            return new StreamId(nowMs, 0);
        }
        return lastId().next();
    }

    /** Appends with Redis' default node limits. */
    public void append(StreamId id, byte[][] fieldsValues) {
        append(id, fieldsValues, DEFAULT_NODE_MAX_BYTES, DEFAULT_NODE_MAX_ENTRIES);
    }

    /**
     * Appends an entry; {@code id} must be greater than {@link #lastId()} and {@code fieldsValues} must hold at
     * least one pair. A new chunk starts where Redis would start a new node.
     */
    public void append(StreamId id, byte[][] fieldsValues, long nodeMaxBytes, int nodeMaxEntries) {
        if (id.compareTo(lastId()) <= 0) {
            throw new IllegalArgumentException("stream id " + id + " is not greater than " + lastId());
        }
        StreamChunk t = tail > head ? chunks[tail - 1] : null;
        if (t != null) {
            long maxBytes = nodeMaxBytes == 0 || nodeMaxBytes > StreamChunk.LISTPACK_MAX_SIZE
                    ? StreamChunk.LISTPACK_MAX_SIZE : nodeMaxBytes;
            long totalLen = 0;
            for (byte[] b : fieldsValues) {
                totalLen += b.length;
            }
            if (t.lpBytes() + totalLen >= maxBytes || (nodeMaxEntries != 0 && t.total() >= nodeMaxEntries)) {
                t.seal();
                t = null;
            }
        }
        if (t == null) {
            t = new StreamChunk(id.ms(), id.seq(), fieldsValues);
            addChunk(t);
        }
        t.append(id.ms(), id.seq(), fieldsValues);
        length++;
        entriesAdded++;
        lastMs = id.ms();
        lastSeq = id.seq();
        if (length == 1) {
            firstId = id;
        }
    }

    private void addChunk(StreamChunk c) {
        if (tail == chunks.length) {
            int n = tail - head;
            if (head > 0 && n < chunks.length / 2) {
                System.arraycopy(chunks, head, chunks, 0, n);
                Arrays.fill(chunks, n, tail, null);
            } else {
                StreamChunk[] bigger = new StreamChunk[Math.max(4, chunks.length * 2)];
                System.arraycopy(chunks, head, bigger, 0, n);
                chunks = bigger;
            }
            head = 0;
            tail = n;
        }
        chunks[tail++] = c;
    }

    private void removeChunk(int i) {
        if (i == head) {
            chunks[head++] = null;
        } else {
            System.arraycopy(chunks, i + 1, chunks, i, tail - i - 1);
            chunks[--tail] = null;
        }
        if (head == tail) {
            head = tail = 0;
        }
    }

    /** Index of the last chunk whose first id is at most (ms, seq), or head - 1 if none. */
    private int chunkFor(long ms, long seq) {
        int lo = head;
        int hi = tail - 1;
        int found = head - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            StreamChunk c = chunks[mid];
            if (StreamId.compare(c.masterMs, c.masterSeq, ms, seq) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    // ---- reading ----

    /**
     * Visits live entries with {@code start <= id <= end} in id order (reverse order when {@code reverse}), at
     * most {@code count} of them (0: no limit). Returns how many were visited.
     */
    public long forEach(StreamId start, StreamId end, long count, boolean reverse, EntryVisitor visitor) {
        if (length == 0 || start.compareTo(end) > 0) {
            return 0;
        }
        StreamChunk.Cursor cur = new StreamChunk.Cursor();
        EntryView view = new EntryView(cur);
        long n = 0;
        if (!reverse) {
            int i = Math.max(head, chunkFor(start.ms(), start.seq()));
            for (; i < tail; i++) {
                cur.reset(chunks[i]);
                while (cur.next()) {
                    if (cur.deleted()) {
                        continue;
                    }
                    if (StreamId.compare(cur.ms, cur.seq, start.ms(), start.seq()) < 0) {
                        continue;
                    }
                    if (StreamId.compare(cur.ms, cur.seq, end.ms(), end.seq()) > 0) {
                        return n;
                    }
                    n++;
                    if (!visitor.visit(view) || n == count) {
                        return n;
                    }
                }
            }
            return n;
        }
        int i = chunkFor(end.ms(), end.seq());
        int[] starts = new int[16];
        long[] ids = new long[32];
        for (; i >= head; i--) {
            StreamChunk c = chunks[i];
            cur.reset(c);
            int k = 0;
            while (true) {
                int at = cur.pos;
                long pm = cur.ms;
                long ps = cur.seq;
                if (!cur.next()) {
                    break;
                }
                if (k == starts.length) {
                    starts = Arrays.copyOf(starts, k * 2);
                    ids = Arrays.copyOf(ids, k * 4);
                }
                starts[k] = at;
                ids[2 * k] = pm;
                ids[2 * k + 1] = ps;
                k++;
            }
            for (int j = k - 1; j >= 0; j--) {
                cur.pos = starts[j];
                cur.ms = ids[2 * j];
                cur.seq = ids[2 * j + 1];
                cur.first = j == 0;
                cur.next();
                if (cur.deleted()) {
                    continue;
                }
                if (StreamId.compare(cur.ms, cur.seq, end.ms(), end.seq()) > 0) {
                    continue;
                }
                if (StreamId.compare(cur.ms, cur.seq, start.ms(), start.seq()) < 0) {
                    return n;
                }
                n++;
                if (!visitor.visit(view) || n == count) {
                    return n;
                }
            }
        }
        return n;
    }

    /** Copies out up to {@code count} entries (0: all) with {@code start <= id <= end}, in id order. */
    public List<StreamEntry> range(StreamId start, StreamId end, long count) {
        List<StreamEntry> out = new ArrayList<>();
        forEach(start, end, count, false, e -> out.add(e.toEntry()));
        return out;
    }

    /** Up to {@code count} entries (0: all) with ids greater than {@code after}, in id order: what a reader polls. */
    public List<StreamEntry> readAfter(StreamId after, long count) {
        StreamId start = after.next();
        return start == null ? List.of() : range(start, StreamId.MAX, count);
    }

    /** The live entry with this id, or null. */
    public StreamEntry get(StreamId id) {
        StreamEntry[] found = {null};
        forEach(id, id, 1, false, e -> {
            found[0] = e.toEntry();
            return false;
        });
        return found[0];
    }

    public boolean exists(StreamId id) {
        return forEach(id, id, 1, false, e -> false) == 1;
    }

    // ---- deleting and trimming ----

    /** XDEL of one id: marks the entry deleted and records it as the max deleted id if larger. */
    public boolean delete(StreamId id) {
        int i = chunkFor(id.ms(), id.seq());
        if (i < head) {
            return false;
        }
        StreamChunk c = chunks[i];
        StreamChunk.Cursor cur = new StreamChunk.Cursor();
        cur.reset(c);
        while (cur.next()) {
            int cmp = StreamId.compare(cur.ms, cur.seq, id.ms(), id.seq());
            if (cmp > 0) {
                return false;
            }
            if (cmp == 0) {
                if (cur.deleted()) {
                    return false;
                }
                cur.markDeleted();
                c.live--;
                c.deleted++;
                length--;
                if (c.live == 0) {
                    removeChunk(i);
                }
                if (id.compareTo(maxDeletedId) > 0) {
                    maxDeletedId = id;
                }
                if (id.equals(firstId)) {
                    firstId = null;
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Trims the oldest entries until at most {@code maxLen} remain. {@code approx} removes whole chunks only;
     * {@code limit} (0: none) caps how many entries may go. Returns the number removed.
     */
    public long trimMaxLen(long maxLen, boolean approx, long limit) {
        return trim(maxLen, null, approx, limit);
    }

    /** Trims entries with ids below {@code minId}; see {@link #trimMaxLen}. */
    public long trimMinId(StreamId minId, boolean approx, long limit) {
        return trim(-1, minId, approx, limit);
    }

    private long trim(long maxLen, StreamId minId, boolean approx, long limit) {
        long removed = 0;
        while (head < tail) {
            if (minId == null && length <= maxLen) {
                break;
            }
            StreamChunk c = chunks[head];
            long entries = c.live;
            if (limit != 0 && removed + entries > limit) {
                break;
            }
            boolean whole = minId == null ? length - entries >= maxLen
                    : StreamId.compare(c.lastMs, c.lastSeq, minId.ms(), minId.seq()) < 0;
            if (whole) {
                removeChunk(head);
                length -= entries;
                removed += entries;
                continue;
            }
            if (approx) {
                break;
            }
            StreamChunk.Cursor cur = new StreamChunk.Cursor();
            cur.reset(c);
            while (cur.next()) {
                boolean stop = minId == null ? length <= maxLen
                        : StreamId.compare(cur.ms, cur.seq, minId.ms(), minId.seq()) >= 0;
                if (stop) {
                    break;
                }
                if (!cur.deleted()) {
                    cur.markDeleted();
                    c.live--;
                    c.deleted++;
                    length--;
                    removed++;
                }
            }
            break;
        }
        if (removed > 0) {
            firstId = null;
        }
        return removed;
    }

    // ---- consumer groups ----

    public ConsumerGroup group(byte[] name) {
        return groups == null ? null : groups.get(new Key(name));
    }

    /** Creates a group; returns null when one with that name exists. */
    public ConsumerGroup createGroup(byte[] name, StreamId lastId, long entriesRead) {
        if (groups == null) {
            groups = new TreeMap<>();
        }
        Key k = new Key(name);
        if (groups.containsKey(k)) {
            return null;
        }
        ConsumerGroup g = new ConsumerGroup(name, lastId, entriesRead);
        groups.put(k, g);
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        return groups != null && groups.remove(new Key(name)) != null;
    }

    /** Groups in name order (read-only view). */
    public Collection<ConsumerGroup> groups() {
        return groups == null ? List.of() : Collections.unmodifiableCollection(groups.values());
    }

    public int groupCount() {
        return groups == null ? 0 : groups.size();
    }

    /**
     * Moves a group past a newly delivered entry, keeping its entries-read counter exact when no deleted entry
     * lies ahead and estimating it otherwise (as Redis does).
     */
    public void advanceGroup(ConsumerGroup g, StreamId id) {
        if (id.compareTo(g.lastId) <= 0) {
            return;
        }
        if (g.entriesRead != ConsumerGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(id, null)) {
            g.entriesRead++;
        } else if (entriesAdded != 0) {
            g.entriesRead = estimateEntriesRead(id);
        }
        g.lastId = id;
    }

    /** True if a deleted entry may lie in [start, end] (null end: no upper bound). */
    public boolean rangeHasTombstones(StreamId start, StreamId end) {
        if (length == 0 || maxDeletedId.isZero()) {
            return false;
        }
        if (firstId().compareTo(maxDeletedId) > 0) {
            return false;
        }
        StreamId s = start == null ? StreamId.MIN : start;
        StreamId e = end == null ? StreamId.MAX : end;
        return s.compareTo(maxDeletedId) <= 0 && maxDeletedId.compareTo(e) <= 0;
    }

    /**
     * The logical read counter of {@code id} (how many entries were ever added up to it), or
     * {@link ConsumerGroup#INVALID_ENTRIES_READ} when deletions make it unknowable.
     */
    public long estimateEntriesRead(StreamId id) {
        if (entriesAdded == 0) {
            return 0;
        }
        StreamId last = lastId();
        if (length == 0 && id.compareTo(last) < 1) {
            return entriesAdded;
        }
        int cmpLast = id.compareTo(last);
        if (cmpLast == 0) {
            return entriesAdded;
        } else if (cmpLast > 0) {
            return ConsumerGroup.INVALID_ENTRIES_READ;
        }
        StreamId first = firstId();
        int cmpFirst = id.compareTo(first);
        if (maxDeletedId.isZero() || maxDeletedId.compareTo(first) < 0) {
            if (cmpFirst < 0) {
                return entriesAdded - length;
            } else if (cmpFirst == 0) {
                return entriesAdded - length + 1;
            }
        }
        return ConsumerGroup.INVALID_ENTRIES_READ;
    }

    /** Entries not yet delivered to the group, or null when that cannot be known. */
    public Long lag(ConsumerGroup g) {
        if (entriesAdded == 0) {
            return 0L;
        }
        if (g.entriesRead != ConsumerGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId, null)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateEntriesRead(g.lastId);
        return read == ConsumerGroup.INVALID_ENTRIES_READ ? null : entriesAdded - read;
    }

    // ---- node statistics (XINFO STREAM) ----

    /** Number of chunks: Redis' radix-tree-keys. */
    public int nodeCount() {
        return tail - head;
    }

    /** Nodes of a compact radix tree over the chunks' 128-bit big-endian first ids: Redis' radix-tree-nodes. */
    public long radixTreeNodes() {
        int n = tail - head;
        if (n == 0) {
            return 1;
        }
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) {
            StreamChunk c = chunks[head + i];
            byte[] k = new byte[16];
            for (int b = 0; b < 8; b++) {
                k[b] = (byte) (c.masterMs >>> (56 - 8 * b));
                k[8 + b] = (byte) (c.masterSeq >>> (56 - 8 * b));
            }
            keys[i] = k;
        }
        return raxNodes(keys, 0, n, 0);
    }

    /** Nodes under the node at {@code depth} holding sorted keys [lo, hi). */
    private static long raxNodes(byte[][] keys, int lo, int hi, int depth) {
        if (hi - lo == 1) {
            return depth == 16 ? 1 : 2; // a compressed node with the rest of the key, then the key's leaf
        }
        byte[] a = keys[lo];
        byte[] b = keys[hi - 1];
        int split = depth;
        while (a[split] == b[split]) {
            split++;
        }
        long nodes = split > depth ? 2 : 1; // a compressed run up to the branching node, and that node
        int i = lo;
        while (i < hi) {
            int j = i + 1;
            while (j < hi && keys[j][split] == keys[i][split]) {
                j++;
            }
            nodes += raxNodes(keys, i, j, split + 1);
            i = j;
        }
        return nodes;
    }

    // ---- RValue ----

    @Override
    public RValue copy() {
        StreamValue s = new StreamValue();
        s.chunks = new StreamChunk[Math.max(2, tail - head)];
        for (int i = head; i < tail; i++) {
            s.chunks[i - head] = chunks[i].copy();
        }
        s.tail = tail - head;
        s.length = length;
        s.lastMs = lastMs;
        s.lastSeq = lastSeq;
        s.maxDeletedId = maxDeletedId;
        s.entriesAdded = entriesAdded;
        if (groups != null) {
            s.groups = new TreeMap<>();
            for (var e : groups.entrySet()) {
                s.groups.put(e.getKey(), e.getValue().deepCopy());
            }
        }
        return s;
    }

    @Override
    public void digest(DigestSink sink) {
        sink.add(length);
        forEach(StreamId.MIN, StreamId.MAX, 0, false, e -> {
            sink.add(e.ms());
            sink.add(e.seq());
            sink.add(e.fieldCount());
            e.strings((a, off, len) -> sink.add(Arrays.copyOfRange(a, off, off + len)));
            return true;
        });
        sink.add(lastMs);
        sink.add(lastSeq);
        sink.add(entriesAdded);
        sink.add(maxDeletedId.ms());
        sink.add(maxDeletedId.seq());
        sink.add(groupCount());
        for (ConsumerGroup g : groups()) {
            sink.add(g.name());
            sink.add(g.lastId.ms());
            sink.add(g.lastId.seq());
            sink.add(g.entriesRead);
            sink.add(g.consumers.size());
            for (StreamConsumer c : g.consumers.values()) {
                sink.add(c.name());
            }
            sink.add(g.pel.size());
            for (PendingEntry p : g.pel.values()) {
                sink.add(p.id().ms());
                sink.add(p.id().seq());
                sink.add(p.consumer == null ? new byte[0] : p.consumer.name());
                sink.add(p.deliveryTime);
                sink.add(p.deliveryCount);
            }
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] num(long v) {
        return b(Long.toString(v));
    }

    /**
     * Rebuilds the stream with XADD (every live entry with its id), XGROUP CREATE ... ENTRIESREAD, XGROUP
     * CREATECONSUMER, XCLAIM ... FORCE JUSTID for every pending entry (with its owner, delivery time and count)
     * and XSETID with the counters. Pending entries whose stream entry is gone are added as placeholders so
     * XCLAIM accepts them, then trimmed or deleted again.
     */
    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> out) {
        TreeMap<StreamId, Boolean> dangling = new TreeMap<>();
        for (ConsumerGroup g : groups()) {
            for (StreamId id : g.pel.keySet()) {
                if (!exists(id)) {
                    dangling.put(id, Boolean.TRUE);
                }
            }
        }
        var it = dangling.keySet().iterator();
        StreamId[] nextDangling = {it.hasNext() ? it.next() : null};
        forEach(StreamId.MIN, StreamId.MAX, 0, false, e -> {
            while (nextDangling[0] != null && nextDangling[0].compareTo(e.id()) < 0) {
                out.accept(new byte[][]{b("XADD"), key, nextDangling[0].toBytes(), b("x"), new byte[0]});
                nextDangling[0] = it.hasNext() ? it.next() : null;
            }
            byte[][] fv = e.fieldsValues();
            byte[][] cmd = new byte[3 + fv.length][];
            cmd[0] = b("XADD");
            cmd[1] = key;
            cmd[2] = e.id().toBytes();
            System.arraycopy(fv, 0, cmd, 3, fv.length);
            out.accept(cmd);
            return true;
        });
        while (nextDangling[0] != null) {
            out.accept(new byte[][]{b("XADD"), key, nextDangling[0].toBytes(), b("x"), new byte[0]});
            nextDangling[0] = it.hasNext() ? it.next() : null;
        }
        if (length == 0 && dangling.isEmpty()) {
            out.accept(new byte[][]{b("XADD"), key, b("MAXLEN"), b("0"), b("0-1"), b("x"), new byte[0]});
        }
        for (ConsumerGroup g : groups()) {
            out.accept(new byte[][]{b("XGROUP"), b("CREATE"), key, g.name(), g.lastId.toBytes(), b("ENTRIESREAD"),
                num(g.entriesRead)});
            for (StreamConsumer c : g.consumers.values()) {
                out.accept(new byte[][]{b("XGROUP"), b("CREATECONSUMER"), key, g.name(), c.name()});
            }
            for (PendingEntry p : g.pel.values()) {
                if (p.consumer == null) {
                    continue;
                }
                out.accept(new byte[][]{b("XCLAIM"), key, g.name(), p.consumer.name(), b("0"), p.id().toBytes(),
                    b("TIME"), num(p.deliveryTime), b("RETRYCOUNT"), num(p.deliveryCount), b("FORCE"), b("JUSTID"),
                    b("LASTID"), g.lastId.toBytes()});
            }
        }
        if (!dangling.isEmpty()) {
            // placeholders before the first live entry go by trimming (which leaves max-deleted-id alone)
            StreamId first = length == 0 ? null : firstId();
            List<byte[]> xdel = new ArrayList<>();
            boolean trimHead = false;
            for (StreamId id : dangling.keySet()) {
                if (first == null || id.compareTo(first) < 0) {
                    trimHead = true;
                } else {
                    xdel.add(id.toBytes());
                }
            }
            if (trimHead) {
                out.accept(first == null
                        ? new byte[][]{b("XTRIM"), key, b("MAXLEN"), b("0")}
                        : new byte[][]{b("XTRIM"), key, b("MINID"), first.toBytes()});
            }
            if (!xdel.isEmpty()) {
                byte[][] cmd = new byte[2 + xdel.size()][];
                cmd[0] = b("XDEL");
                cmd[1] = key;
                for (int i = 0; i < xdel.size(); i++) {
                    cmd[2 + i] = xdel.get(i);
                }
                out.accept(cmd);
            }
        }
        out.accept(new byte[][]{b("XSETID"), key, lastId().toBytes(), b("ENTRIESADDED"), num(entriesAdded),
            b("MAXDELETEDID"), maxDeletedId.toBytes()});
    }
}
