package io.gearlog.engine;

import java.util.ArrayDeque;
import java.util.Deque;

/** Commands that took longer than {@code slowlog-log-slower-than}. Engine thread only. */
public final class SlowLog {
    /** One slow command. */
    public record Entry(long id, long unixSeconds, long micros, byte[][] argv, String addr, String name) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    void record(long unixSeconds, long micros, byte[][] argv, Client c, int maxLen) {
        int n = Math.min(argv.length, 32);
        byte[][] kept = new byte[n][];
        for (int i = 0; i < n; i++) {
            if (i == 31 && argv.length > 32) {
                kept[i] = ("... (" + (argv.length - 31) + " more arguments)").getBytes();
            } else if (argv[i].length > 128) {
                byte[] head = java.util.Arrays.copyOf(argv[i], 128);
                byte[] tail = ("... (" + (argv[i].length - 128) + " more bytes)").getBytes();
                kept[i] = new byte[head.length + tail.length];
                System.arraycopy(head, 0, kept[i], 0, head.length);
                System.arraycopy(tail, 0, kept[i], head.length, tail.length);
            } else {
                kept[i] = argv[i];
            }
        }
        entries.addFirst(new Entry(nextId++, unixSeconds, micros, kept, c.outbound.remoteAddress(),
                c.name == null ? "" : c.name));
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    public Deque<Entry> entries() {
        return entries;
    }

    public void reset() {
        entries.clear();
    }
}
