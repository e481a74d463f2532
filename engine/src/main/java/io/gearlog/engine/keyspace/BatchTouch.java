package io.gearlog.engine.keyspace;

import java.util.Arrays;
import java.util.List;

/**
 * Reads, ahead of a pipelined batch, what its commands will read first: for each command whose second argument is
 * a key (most are), the key table's bucket, the entry, the key's bytes and the value's header; then for a hash, set
 * or sorted set the element table's bucket, entry and the element's bytes, and a string's bytes when the command
 * reads them. Each step runs over the whole batch before the next, so a step's loads do not depend on each other
 * and their cache misses overlap; one command at a time they are a chain the CPU must wait out link by link. Only
 * reads: a wrong guess (an argument that is not a key, a SELECT within the batch) costs a probe and changes
 * nothing. Owned by the engine thread.
 */
public final class BatchTouch {
    /** Keys longer than this are skipped: hashing them twice could cost more than the miss saved. */
    private static final int MAX_KEY = 128;

    private int[] hashes = new int[64];
    private Object[] refs = new Object[64];
    /** Sink for the loaded bytes, so the JIT keeps the loads. */
    private int sink;

    public void touch(Database db, List<byte[][]> argvs) {
        int n = argvs.size();
        if (refs.length < n) {
            hashes = new int[Math.max(n, refs.length * 2)];
            refs = new Object[hashes.length];
        }
        int[] h = hashes;
        Object[] r = refs;
        int sum = 0;
        for (int i = 0; i < n; i++) {
            byte[][] argv = argvs.get(i);
            Database.Slot s = null;
            if (argv.length > 1 && argv[1].length <= MAX_KEY) {
                byte[] k = argv[1];
                h[i] = EntryDict.hash(k, 0, k.length);
                s = db.bucketOf(h[i]);
            }
            r[i] = s;
        }
        for (int i = 0; i < n; i++) {
            if (r[i] instanceof Database.Slot s) {
                RValue v = s.value;
                sum += s.firstKeyByte() + (int) v.expireAt;
                byte[][] argv = argvs.get(i);
                r[i] = s.hash == h[i] ? v.elementBucket(argv) : null;
            }
        }
        for (int i = 0; i < n; i++) {
            Object e = r[i];
            if (e instanceof EntryDict.Entry entry) {
                sum += entry.firstKeyByte();
            } else if (e instanceof byte[] bytes) {
                sum += firstByte(bytes);
            }
        }
        Arrays.fill(r, 0, n, null);
        sink += sum;
    }

    static int firstByte(byte[] b) {
        return b.length > 0 ? b[0] : 0;
    }
}
