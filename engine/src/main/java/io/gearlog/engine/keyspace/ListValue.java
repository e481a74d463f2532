package io.gearlog.engine.keyspace;

import io.gearlog.engine.reply.ReplyBuffer;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A list: a ring of nodes, each a byte array of packed entries, so an element costs its bytes plus two or three
 * bytes rather than an object per element (the same idea as Redis' quicklist of listpacks, which is why OBJECT
 * ENCODING says "quicklist").
 *
 * <p>Entry layout: a forward varint header, the payload, then a backward varint holding the length of header plus
 * payload so the list can be walked from either end. The header is {@code len << 1} for a string payload of
 * {@code len} bytes, or {@code zigzag(v) << 1 | 1} with no payload for an element that is the canonical decimal
 * form of a small integer {@code v} (canonical, so the original bytes come back exactly).
 *
 * <p>Owned by the engine thread.
 */
public final class ListValue extends RValue {
    /** Payload bytes a node takes before a new node starts (Redis' default list-max-listpack-size -2: 8 KB). */
    static final int NODE_LIMIT = 8192;
    /** Elements per RPUSH when a list is rewritten as commands. */
    private static final int REWRITE_CHUNK = 64;
    private static final byte[] RPUSH = "RPUSH".getBytes(StandardCharsets.US_ASCII);

    /** Nodes as a ring buffer with power-of-two capacity. */
    private Node[] ring = new Node[1];
    private int first;
    private int nodes;
    private long size;

    static final class Node {
        byte[] buf;
        int start;
        int end;
        int count;

        Node(int capacity, int start) {
            this.buf = new byte[capacity];
            this.start = start;
            this.end = start;
        }

        int used() {
            return end - start;
        }
    }

    public ListValue() {
    }

    @Override
    public ValueType type() {
        return ValueType.LIST;
    }

    @Override
    public String encoding() {
        return "quicklist";
    }

    public long size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    // ---- entry codec ----

    /** Parses a canonical decimal integer small enough for the integer form, or returns NOT_INT. */
    private static final long NOT_INT = Long.MIN_VALUE;

    static long canonicalInt(byte[] e) {
        int n = e.length;
        if (n == 0 || n > 19) {
            return NOT_INT;
        }
        int i = 0;
        boolean neg = false;
        if (e[0] == '-') {
            if (n == 1) {
                return NOT_INT;
            }
            neg = true;
            i = 1;
        }
        if (e[i] == '0') {
            return (n == 1) ? 0 : NOT_INT;
        }
        if (n - i > 18) {
            return NOT_INT;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = e[i] - '0';
            if (d < 0 || d > 9) {
                return NOT_INT;
            }
            v = v * 10 + d;
        }
        return neg ? -v : v;
    }

    /** The header of an element: integer form when canonical, else its length. */
    static long header(byte[] e) {
        long v = canonicalInt(e);
        if (v != NOT_INT) {
            return (((v << 1) ^ (v >> 63)) << 1) | 1;
        }
        return (long) e.length << 1;
    }

    static int varLen(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    static int entrySize(byte[] e, long h) {
        int inner = varLen(h) + ((h & 1) == 0 ? e.length : 0);
        return inner + varLen(inner);
    }

    static void writeEntry(byte[] buf, int p, byte[] e, long h) {
        int q = p;
        long v = h;
        while ((v & ~0x7fL) != 0) {
            buf[q++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        buf[q++] = (byte) v;
        if ((h & 1) == 0) {
            System.arraycopy(e, 0, buf, q, e.length);
            q += e.length;
        }
        int inner = q - p;
        int n = varLen(inner);
        for (int i = n - 1; i >= 0; i--) {
            buf[q + i] = (byte) ((inner & 0x7f) | (i > 0 ? 0x80 : 0));
            inner >>>= 7;
        }
    }

    /** Reads the header at {@code p}; the header's byte length goes to {@code HL} of the scratch. */
    private static long readHeader(byte[] buf, int p, int[] hl) {
        long v = 0;
        int shift = 0;
        int q = p;
        byte b;
        do {
            b = buf[q++];
            v |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        hl[0] = q - p;
        return v;
    }

    private static long readHeader(byte[] buf, int p) {
        long v = 0;
        int shift = 0;
        byte b;
        do {
            b = buf[p++];
            v |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return v;
    }

    private static int headerLen(byte[] buf, int p) {
        int q = p;
        while ((buf[q] & 0x80) != 0) {
            q++;
        }
        return q - p + 1;
    }

    /** Offset just past the entry starting at {@code p}. */
    static int next(byte[] buf, int p) {
        int hl = headerLen(buf, p);
        long h = readHeader(buf, p);
        int inner = hl + ((h & 1) == 0 ? (int) (h >>> 1) : 0);
        return p + inner + varLen(inner);
    }

    /** Offset of the entry that ends at {@code q}. */
    static int prev(byte[] buf, int q) {
        int p = q - 1;
        int b = buf[p];
        int inner = b & 0x7f;
        int shift = 7;
        while ((b & 0x80) != 0) {
            b = buf[--p];
            inner |= (b & 0x7f) << shift;
            shift += 7;
        }
        return p - inner;
    }

    private static long intOf(long h) {
        long z = h >>> 1;
        return (z >>> 1) ^ -(z & 1);
    }

    /** The element stored at {@code p}. */
    static byte[] decode(byte[] buf, int p) {
        long h = readHeader(buf, p);
        if ((h & 1) != 0) {
            return Long.toString(intOf(h)).getBytes(StandardCharsets.US_ASCII);
        }
        int len = (int) (h >>> 1);
        int from = p + headerLen(buf, p);
        byte[] out = new byte[len];
        System.arraycopy(buf, from, out, 0, len);
        return out;
    }

    /** Writes the element stored at {@code p} as a bulk reply without copying it first. */
    static void writeBulk(byte[] buf, int p, ReplyBuffer r) {
        long h = readHeader(buf, p);
        if ((h & 1) != 0) {
            r.bulk(intOf(h));
        } else {
            r.bulk(buf, p + headerLen(buf, p), (int) (h >>> 1));
        }
    }

    /** An element to compare entries against, encoded once. */
    public static final class Probe {
        final byte[] bytes;
        final long header;

        public Probe(byte[] bytes) {
            this.bytes = bytes;
            this.header = header(bytes);
        }

        boolean matches(byte[] buf, int p) {
            long h = readHeader(buf, p);
            if (h != header) {
                return false;
            }
            if ((h & 1) != 0) {
                return true;
            }
            return java.util.Arrays.equals(buf, p + headerLen(buf, p), p + headerLen(buf, p) + bytes.length,
                    bytes, 0, bytes.length);
        }
    }

    // ---- ring of nodes ----

    private Node node(int i) {
        return ring[(first + i) & (ring.length - 1)];
    }

    private void growRing() {
        Node[] r = new Node[ring.length * 2];
        for (int i = 0; i < nodes; i++) {
            r[i] = node(i);
        }
        ring = r;
        first = 0;
    }

    /** Inserts {@code n} so that it becomes node {@code i}. */
    private void insertNode(int i, Node n) {
        if (nodes == ring.length) {
            growRing();
        }
        int mask = ring.length - 1;
        if (i == 0) {
            first = (first - 1) & mask;
            ring[first] = n;
        } else {
            for (int j = nodes; j > i; j--) {
                ring[(first + j) & mask] = ring[(first + j - 1) & mask];
            }
            ring[(first + i) & mask] = n;
        }
        nodes++;
    }

    private void removeNode(int i) {
        int mask = ring.length - 1;
        if (i == 0) {
            ring[first] = null;
            first = (first + 1) & mask;
        } else {
            for (int j = i; j < nodes - 1; j++) {
                ring[(first + j) & mask] = ring[(first + j + 1) & mask];
            }
            ring[(first + nodes - 1) & mask] = null;
        }
        nodes--;
        if (nodes == 0) {
            first = 0;
        } else if (ring.length > 8 && nodes < ring.length / 4) {
            Node[] r = new Node[ring.length / 2];
            for (int j = 0; j < nodes; j++) {
                r[j] = node(j);
            }
            ring = r;
            first = 0;
        }
    }

    /** Drops the slack of a node that stopped growing at an end. */
    private static void seal(Node n) {
        if (n.buf.length - n.used() > 64) {
            byte[] b = new byte[n.used()];
            System.arraycopy(n.buf, n.start, b, 0, b.length);
            n.buf = b;
            n.end = b.length;
            n.start = 0;
        }
    }

    /**
     * Reallocates a node so it has {@code need} free bytes at its front or back. The slack goes to the side that
     * grows, or is shared when the node is the only one (pushes may come from both ends).
     */
    private static void grow(Node n, int need, boolean front, boolean shared) {
        int used = n.used();
        int min = used + need;
        int cap = Math.min(Math.max(16, min * 2), Math.max(min, NODE_LIMIT));
        byte[] b = new byte[cap];
        int spare = cap - min;
        int at = shared ? (front ? need + spare / 2 : spare / 2) : (front ? cap - used : 0);
        System.arraycopy(n.buf, n.start, b, at, used);
        n.buf = b;
        n.start = at;
        n.end = at + used;
    }

    /** Gives back memory when a node shrank to a quarter of its buffer. */
    private static void shrinkIfSparse(Node n) {
        if (n.buf.length > 256 && n.used() < n.buf.length / 4) {
            int used = n.used();
            byte[] b = new byte[Math.max(16, used * 2)];
            int at = (b.length - used) / 2;
            System.arraycopy(n.buf, n.start, b, at, used);
            n.buf = b;
            n.start = at;
            n.end = at + used;
        }
    }

    /** Opens a gap of {@code len} bytes at {@code off} inside the node; returns where the gap starts. */
    private static int openGap(Node n, int off, int len) {
        if (n.buf.length - n.end >= len && (n.end - off <= off - n.start || n.start < len)) {
            System.arraycopy(n.buf, off, n.buf, off + len, n.end - off);
            n.end += len;
            return off;
        }
        if (n.start >= len) {
            System.arraycopy(n.buf, n.start, n.buf, n.start - len, off - n.start);
            n.start -= len;
            return off - len;
        }
        int used = n.used();
        int cap = Math.min(Math.max(16, (used + len) * 2), Math.max(used + len, NODE_LIMIT));
        byte[] b = new byte[cap];
        int before = off - n.start;
        System.arraycopy(n.buf, n.start, b, 0, before);
        System.arraycopy(n.buf, off, b, before + len, n.end - off);
        n.buf = b;
        n.start = 0;
        n.end = used + len;
        return before;
    }

    /**
     * Removes {@code len} bytes at {@code off}, moving whichever side is shorter; returns how far the bytes
     * before {@code off} moved (0 or {@code len}).
     */
    private static int closeGap(Node n, int off, int len) {
        if (off - n.start < n.end - (off + len)) {
            System.arraycopy(n.buf, n.start, n.buf, n.start + len, off - n.start);
            n.start += len;
            return len;
        }
        System.arraycopy(n.buf, off + len, n.buf, off, n.end - off - len);
        n.end -= len;
        return 0;
    }

    /** Splits node {@code i} near its middle while it is over the limit and holds more than one entry. */
    private void splitIfOver(int i) {
        Node n = node(i);
        if (n.used() <= NODE_LIMIT || n.count < 2) {
            return;
        }
        int half = n.start + n.used() / 2;
        int p = n.start;
        int k = 0;
        int q = next(n.buf, p);
        p = q;
        k = 1;
        while (k < n.count - 1 && p < half) {
            p = next(n.buf, p);
            k++;
        }
        Node right = new Node(n.end - p, 0);
        System.arraycopy(n.buf, p, right.buf, 0, n.end - p);
        right.end = n.end - p;
        right.count = n.count - k;
        n.end = p;
        n.count = k;
        seal(n);
        insertNode(i + 1, right);
        splitIfOver(i + 1);
        splitIfOver(i);
    }

    // ---- element operations ----

    public void push(byte[] e, boolean head) {
        long h = header(e);
        int s = entrySize(e, h);
        if (head) {
            Node n = nodes == 0 ? null : node(0);
            if (n == null || (n.count > 0 && n.used() + s > NODE_LIMIT)) {
                if (n != null) {
                    seal(n);
                }
                n = new Node(Math.max(16, s), Math.max(16, s));
                insertNode(0, n);
            }
            if (n.start < s) {
                grow(n, s, true, nodes == 1);
            }
            n.start -= s;
            writeEntry(n.buf, n.start, e, h);
            n.count++;
        } else {
            Node n = nodes == 0 ? null : node(nodes - 1);
            if (n == null || (n.count > 0 && n.used() + s > NODE_LIMIT)) {
                if (n != null) {
                    seal(n);
                }
                n = new Node(Math.max(16, s), 0);
                insertNode(nodes, n);
            }
            if (n.buf.length - n.end < s) {
                grow(n, s, false, nodes == 1);
            }
            writeEntry(n.buf, n.end, e, h);
            n.end += s;
            n.count++;
        }
        size++;
    }

    /** Removes and returns the first or last element, or null when empty. */
    public byte[] pop(boolean head) {
        if (size == 0) {
            return null;
        }
        int i = head ? 0 : nodes - 1;
        Node n = node(i);
        int at = head ? n.start : prev(n.buf, n.end);
        byte[] e = decode(n.buf, at);
        dropEnd(head, i, n, at);
        return e;
    }

    /**
     * Removes the first or last element and writes it to {@code r} as a bulk string straight from its node, without
     * an array of its own in between (LPOP and RPOP); a null bulk when the list is empty.
     */
    public void popTo(boolean head, ReplyBuffer r) {
        if (size == 0) {
            r.nullBulk();
            return;
        }
        int i = head ? 0 : nodes - 1;
        Node n = node(i);
        int at = head ? n.start : prev(n.buf, n.end);
        writeBulk(n.buf, at, r);
        dropEnd(head, i, n, at);
    }

    /** Removes the entry at {@code at}, the first (head) or last entry of node {@code i}, the list's first or last. */
    private void dropEnd(boolean head, int i, Node n, int at) {
        if (head) {
            n.start = next(n.buf, at);
        } else {
            n.end = at;
        }
        n.count--;
        size--;
        if (n.count == 0) {
            removeNode(i);
        } else {
            shrinkIfSparse(n);
        }
    }

    /** A position in the list: a node and the offset of an entry in it. */
    public final class Cursor {
        int node;
        int off;

        Cursor(int node, int off) {
            this.node = node;
            this.off = off;
        }

        public byte[] element() {
            return decode(node(node).buf, off);
        }

        public void writeTo(ReplyBuffer r) {
            writeBulk(node(node).buf, off, r);
        }

        public boolean matches(Probe p) {
            return p.matches(node(node).buf, off);
        }

        /** Moves to the next element; false at the end. */
        public boolean next() {
            Node n = node(node);
            off = ListValue.next(n.buf, off);
            if (off < n.end) {
                return true;
            }
            if (node + 1 >= nodes) {
                return false;
            }
            node++;
            off = node(node).start;
            return true;
        }

        /** Moves to the previous element; false at the start. */
        public boolean prev() {
            Node n = node(node);
            if (off > n.start) {
                off = ListValue.prev(n.buf, off);
                return true;
            }
            if (node == 0) {
                return false;
            }
            node--;
            Node m = node(node);
            off = ListValue.prev(m.buf, m.end);
            return true;
        }
    }

    /** A cursor at element {@code index} (0-based, must be in range). */
    public Cursor cursor(long index) {
        int i;
        long before;
        if (index < size / 2) {
            i = 0;
            before = 0;
            while (before + node(i).count <= index) {
                before += node(i).count;
                i++;
            }
        } else {
            i = nodes - 1;
            before = size - node(i).count;
            while (before > index) {
                i--;
                before -= node(i).count;
            }
        }
        Node n = node(i);
        int k = (int) (index - before);
        int off;
        if (k <= n.count / 2) {
            off = n.start;
            for (int j = 0; j < k; j++) {
                off = next(n.buf, off);
            }
        } else {
            off = n.end;
            for (int j = n.count; j > k; j--) {
                off = prev(n.buf, off);
            }
        }
        return new Cursor(i, off);
    }

    public byte[] get(long index) {
        return cursor(index).element();
    }

    /** Replaces element {@code index} (in range). */
    public void set(long index, byte[] e) {
        Cursor c = cursor(index);
        Node n = node(c.node);
        int oldLen = next(n.buf, c.off) - c.off;
        long h = header(e);
        int s = entrySize(e, h);
        int at = c.off;
        if (s > oldLen) {
            at = openGap(n, c.off + oldLen, s - oldLen) - oldLen;
        } else if (s < oldLen) {
            at = c.off + closeGap(n, c.off + s, oldLen - s);
        }
        writeEntry(n.buf, at, e, h);
        splitIfOver(c.node);
    }

    /** Inserts {@code e} before or after the cursor's element. */
    public void insert(Cursor c, byte[] e, boolean after) {
        Node n = node(c.node);
        int at = after ? next(n.buf, c.off) : c.off;
        long h = header(e);
        int s = entrySize(e, h);
        at = openGap(n, at, s);
        writeEntry(n.buf, at, e, h);
        n.count++;
        size++;
        splitIfOver(c.node);
    }

    /** The first element equal to {@code p} from the head, or null. */
    public Cursor find(Probe p) {
        for (int i = 0; i < nodes; i++) {
            Node n = node(i);
            for (int off = n.start; off < n.end; off = next(n.buf, off)) {
                if (p.matches(n.buf, off)) {
                    return new Cursor(i, off);
                }
            }
        }
        return null;
    }

    /**
     * Removes elements equal to {@code p}: the first {@code count} from the head when positive, the last
     * {@code -count} from the tail when negative, all when zero. Returns how many were removed.
     */
    public long remove(Probe p, long count) {
        if (size == 0) {
            return 0;
        }
        long firstIndex = 0;
        long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
        if (count < 0) {
            // find the index of the earliest of the last |count| matches, then remove every match from there on
            Cursor c = cursor(size - 1);
            long index = size - 1;
            long found = 0;
            firstIndex = -1;
            do {
                if (c.matches(p)) {
                    found++;
                    firstIndex = index;
                    if (found == limit) {
                        break;
                    }
                }
                index--;
            } while (c.prev());
            if (firstIndex < 0) {
                return 0;
            }
            limit = found;
        }
        long removed = 0;
        long index = 0;
        for (int i = 0; i < nodes && removed < limit; i++) {
            Node n = node(i);
            if (index + n.count <= firstIndex) {
                index += n.count;
                continue;
            }
            int w = n.start;
            int r = n.start;
            int kept = 0;
            while (r < n.end) {
                int q = next(n.buf, r);
                if (removed < limit && index >= firstIndex && p.matches(n.buf, r)) {
                    removed++;
                } else {
                    if (w != r) {
                        System.arraycopy(n.buf, r, n.buf, w, q - r);
                    }
                    w += q - r;
                    kept++;
                }
                index++;
                r = q;
            }
            n.end = w;
            n.count = kept;
        }
        size -= removed;
        if (removed > 0) {
            tidy();
        }
        return removed;
    }

    /** Drops empty nodes and merges neighbours that fit in one node after removals in the middle. */
    private void tidy() {
        int i = 0;
        while (i < nodes) {
            Node n = node(i);
            if (n.count == 0) {
                removeNode(i);
                continue;
            }
            if (i + 1 < nodes) {
                Node m = node(i + 1);
                if (m.count > 0 && n.used() + m.used() <= NODE_LIMIT) {
                    int at = openGap(n, n.end, m.used());
                    System.arraycopy(m.buf, m.start, n.buf, at, m.used());
                    n.count += m.count;
                    removeNode(i + 1);
                    continue;
                }
            }
            shrinkIfSparse(n);
            i++;
        }
    }

    /** Removes {@code head} elements from the head and {@code tail} from the tail (LTRIM). */
    public void trim(long head, long tail) {
        if (head + tail >= size) {
            clear();
            return;
        }
        size -= head + tail;
        while (head > 0) {
            Node n = node(0);
            if (n.count <= head) {
                head -= n.count;
                removeNode(0);
            } else {
                for (long j = 0; j < head; j++) {
                    n.start = next(n.buf, n.start);
                }
                n.count -= (int) head;
                shrinkIfSparse(n);
                head = 0;
            }
        }
        while (tail > 0) {
            Node n = node(nodes - 1);
            if (n.count <= tail) {
                tail -= n.count;
                removeNode(nodes - 1);
            } else {
                for (long j = 0; j < tail; j++) {
                    n.end = prev(n.buf, n.end);
                }
                n.count -= (int) tail;
                shrinkIfSparse(n);
                tail = 0;
            }
        }
    }

    private void clear() {
        ring = new Node[1];
        first = 0;
        nodes = 0;
        size = 0;
    }

    // ---- RValue ----

    @Override
    public RValue copy() {
        ListValue c = new ListValue();
        int cap = 1;
        while (cap < nodes) {
            cap <<= 1;
        }
        c.ring = new Node[cap];
        for (int i = 0; i < nodes; i++) {
            Node n = node(i);
            Node m = new Node(n.used(), 0);
            System.arraycopy(n.buf, n.start, m.buf, 0, n.used());
            m.end = n.used();
            m.count = n.count;
            c.ring[i] = m;
        }
        c.nodes = nodes;
        c.size = size;
        return c;
    }

    /** Calls {@code action} with every element from head to tail. */
    public void forEach(Consumer<byte[]> action) {
        for (int i = 0; i < nodes; i++) {
            Node n = node(i);
            for (int off = n.start; off < n.end; off = next(n.buf, off)) {
                action.accept(decode(n.buf, off));
            }
        }
    }

    @Override
    public void digest(DigestSink sink) {
        sink.add(size);
        forEach(sink::add);
    }

    @Override
    public void rewrite(byte[] key, Consumer<byte[][]> out) {
        if (size == 0) {
            return;
        }
        byte[][][] chunk = {null};
        int[] k = {0};
        long[] left = {size};
        forEach(e -> {
            if (chunk[0] == null) {
                int n = (int) Math.min(REWRITE_CHUNK, left[0]);
                chunk[0] = new byte[n + 2][];
                chunk[0][0] = RPUSH;
                chunk[0][1] = key;
                k[0] = 2;
            }
            chunk[0][k[0]++] = e;
            left[0]--;
            if (k[0] == chunk[0].length) {
                out.accept(chunk[0]);
                chunk[0] = null;
            }
        });
    }
}
