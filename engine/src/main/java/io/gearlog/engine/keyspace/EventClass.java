package io.gearlog.engine.keyspace;

/** Keyspace event classes as in {@code notify-keyspace-events}. */
public final class EventClass {
    public static final int KEYSPACE = 1;
    public static final int KEYEVENT = 1 << 1;
    public static final int GENERIC = 1 << 2;
    public static final int STRING = 1 << 3;
    public static final int LIST = 1 << 4;
    public static final int SET = 1 << 5;
    public static final int HASH = 1 << 6;
    public static final int ZSET = 1 << 7;
    public static final int EXPIRED = 1 << 8;
    public static final int EVICTED = 1 << 9;
    public static final int STREAM = 1 << 10;
    public static final int KEY_MISS = 1 << 11;
    public static final int MODULE = 1 << 12;
    public static final int NEW = 1 << 13;
    /** 'A': every class except key-miss and new. */
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    private EventClass() {
    }

    /** Parses a flags string; returns -1 on an unknown character. */
    public static int parse(String flags) {
        int r = 0;
        for (char c : flags.toCharArray()) {
            switch (c) {
                case 'A' -> r |= ALL;
                case 'g' -> r |= GENERIC;
                case '$' -> r |= STRING;
                case 'l' -> r |= LIST;
                case 's' -> r |= SET;
                case 'h' -> r |= HASH;
                case 'z' -> r |= ZSET;
                case 'x' -> r |= EXPIRED;
                case 'e' -> r |= EVICTED;
                case 'K' -> r |= KEYSPACE;
                case 'E' -> r |= KEYEVENT;
                case 't' -> r |= STREAM;
                case 'm' -> r |= KEY_MISS;
                case 'd' -> r |= MODULE;
                case 'n' -> r |= NEW;
                default -> {
                    return -1;
                }
            }
        }
        return r;
    }

    /** Formats flags the way CONFIG GET notify-keyspace-events shows them. */
    public static String format(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & ALL) == ALL) {
            sb.append('A');
        } else {
            if ((flags & GENERIC) != 0) sb.append('g');
            if ((flags & STRING) != 0) sb.append('$');
            if ((flags & LIST) != 0) sb.append('l');
            if ((flags & SET) != 0) sb.append('s');
            if ((flags & HASH) != 0) sb.append('h');
            if ((flags & ZSET) != 0) sb.append('z');
            if ((flags & EXPIRED) != 0) sb.append('x');
            if ((flags & EVICTED) != 0) sb.append('e');
            if ((flags & STREAM) != 0) sb.append('t');
            if ((flags & MODULE) != 0) sb.append('d');
            // Redis 7.0 lists 'n' only here, so "An" reads back as "A"
            if ((flags & NEW) != 0) sb.append('n');
        }
        if ((flags & KEYSPACE) != 0) sb.append('K');
        if ((flags & KEYEVENT) != 0) sb.append('E');
        if ((flags & KEY_MISS) != 0) sb.append('m');
        return sb.toString();
    }
}
