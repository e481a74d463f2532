package io.gearlog.engine.keyspace;

import java.util.Arrays;
import java.util.List;

/**
 * Reads, ahead of a pipelined batch, what its commands will read first: for each command whose second argument is
 * a key (most are), the key table's bucket, the entry, the key's bytes and the value's header; then for a hash, set
 * or sorted set the element table's bucket, entry and the element's bytes, and a string's bytes when the command
 * reads them. The other keys of MSET, MSETNX, MGET, DEL, UNLINK, EXISTS and TOUCH are read ahead as far as their
 * value's header. Each step runs over the whole batch before the next, so a step's loads do not depend on each
 * other and their cache misses overlap; one command at a time they are a chain the CPU must wait out link by link.
 * Only reads: a wrong guess (an argument that is not a key, a SELECT within the batch) costs a probe and changes
 * nothing. Owned by the engine thread.
 */
public final class BatchTouch {
    /** Keys longer than this are skipped: hashing them twice could cost more than the miss saved. */
    private static final int MAX_KEY = 128;
    /** Keys read ahead per batch at most: the arrays stay small, and a huge MSET gains little from more. */
    private static final int MAX_KEYS = 4096;

    private int[] hashes = new int[64];
    private Object[] refs = new Object[64];
    /** Per key read ahead: the batch position of its command when it is that command's first key, else -1. */
    private int[] commands = new int[64];
    /** Sink for the loaded bytes, so the JIT keeps the loads. */
    private int sink;

    /** True when reading ahead could help: several commands, or one with several keys. */
    public static boolean worthIt(List<byte[][]> argvs) {
        return argvs.size() > 1 || (argvs.size() == 1 && argvs.get(0).length > 3 && keyStep(argvs.get(0)[0]) > 0);
    }

    public void touch(Database db, List<byte[][]> argvs) {
        int n = argvs.size();
        int k = 0;
        for (int i = 0; i < n && k < MAX_KEYS; i++) {
            byte[][] argv = argvs.get(i);
            if (argv.length < 2) {
                continue;
            }
            int step = argv.length > 3 ? keyStep(argv[0]) : 0;
            int last = step == 0 ? 1 : argv.length - 1;
            for (int a = 1; a <= last && k < MAX_KEYS; a += Math.max(step, 1)) {
                byte[] key = argv[a];
                if (key.length > MAX_KEY) {
                    continue;
                }
                if (k == refs.length) {
                    grow();
                }
                int h = EntryDict.hash(key, 0, key.length);
                hashes[k] = h;
                refs[k] = db.bucketOf(h);
                commands[k] = a == 1 ? i : -1;
                k++;
            }
        }
        int[] h = hashes;
        Object[] r = refs;
        int sum = 0;
        for (int j = 0; j < k; j++) {
            if (r[j] instanceof Database.Slot s) {
                RValue v = s.value;
                sum += s.firstKeyByte() + (int) v.expireAt;
                int i = commands[j];
                r[j] = s.hash == h[j] && i >= 0 ? v.elementBucket(argvs.get(i)) : null;
            }
        }
        for (int j = 0; j < k; j++) {
            Object e = r[j];
            if (e instanceof EntryDict.Entry entry) {
                sum += entry.firstKeyByte();
            } else if (e instanceof byte[] bytes) {
                sum += firstByte(bytes);
            }
        }
        Arrays.fill(r, 0, k, null);
        sink += sum;
    }

    private void grow() {
        int size = refs.length * 2;
        hashes = Arrays.copyOf(hashes, size);
        refs = Arrays.copyOf(refs, size);
        commands = Arrays.copyOf(commands, size);
    }

    /**
     * Which arguments after the first are keys, judged by the command's name: 2 for every other one (MSET,
     * MSETNX), 1 for all (MGET, DEL, UNLINK, EXISTS, TOUCH), 0 when only the first is read ahead.
     */
    static int keyStep(byte[] name) {
        switch (name.length) {
            case 3:
                return is(name, "del") ? 1 : 0;
            case 4:
                return is(name, "mset") ? 2 : is(name, "mget") ? 1 : 0;
            case 5:
                return is(name, "touch") ? 1 : 0;
            case 6:
                return is(name, "msetnx") ? 2 : is(name, "unlink") || is(name, "exists") ? 1 : 0;
            default:
                return 0;
        }
    }

    /** ASCII case-insensitive equality with a lower-case name of the same length. */
    private static boolean is(byte[] name, String lower) {
        for (int i = 0; i < name.length; i++) {
            if ((name[i] | 0x20) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int firstByte(byte[] b) {
        return b.length > 0 ? b[0] : 0;
    }
}
