package io.gearlog.engine.gears;

/** Execution and registration ids: {@code <40-char shard id>-<counter>} (spec README section 2). */
public final class ExecutionIds {
    /** The shard id of a standalone server. */
    public static final String SHARD_ID = "0".repeat(40);

    private ExecutionIds() {
    }

    public static String format(long number) {
        return SHARD_ID + "-" + number;
    }

    /**
     * Parses an id the way the original does: 40 bytes of shard id, '-', then a C {@code sscanf("%lld")}
     * (leading blanks, sign and zeros accepted, trailing junk ignored). Returns -1 when nothing is found.
     */
    public static long parse(byte[] id) {
        if (id.length < 42 || id[40] != '-') {
            return -1;
        }
        for (int i = 0; i < 40; i++) {
            if (id[i] != '0') {
                return -1;
            }
        }
        int i = 41;
        while (i < id.length && (id[i] == ' ' || (id[i] >= '\t' && id[i] <= '\r'))) {
            i++;
        }
        boolean negative = false;
        if (i < id.length && (id[i] == '+' || id[i] == '-')) {
            negative = id[i] == '-';
            i++;
        }
        int start = i;
        long v = 0;
        while (i < id.length && id[i] >= '0' && id[i] <= '9') {
            if (v > (Long.MAX_VALUE - (id[i] - '0')) / 10) {
                return -1;
            }
            v = v * 10 + (id[i] - '0');
            i++;
        }
        if (i == start || negative && v != 0) {
            return -1;
        }
        return v;
    }
}
