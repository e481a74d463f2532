package io.gearlog.engine.gears;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads back the RESP2 reply a command wrote for an internal client (Python's execute(), reader value reads):
 * simple strings become {@link String}, bulk strings {@code byte[]}, integers {@link Long}, nulls null, arrays
 * {@link List}, errors {@link Error}. Stateless.
 */
public final class Replies {
    /** An error reply. */
    public record Error(String message) {
    }

    /** A hash value read by HGETALL: field, value, field, value... in the order HGETALL returned them. */
    public record Hash(List<byte[]> flat) {
    }

    private Replies() {
    }

    /** Parses the first reply in {@code buf[0..len)}; null if there is none. */
    public static Object parse(byte[] buf, int len) {
        if (len == 0) {
            return new Error("Failed executing command");
        }
        int[] pos = {0};
        return read(buf, pos);
    }

    private static Object read(byte[] b, int[] pos) {
        byte t = b[pos[0]++];
        String line = line(b, pos);
        switch (t) {
            case '+':
                return line;
            case '-':
                return new Error(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                byte[] v = new byte[n];
                System.arraycopy(b, pos[0], v, 0, n);
                pos[0] += n + 2;
                return v;
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(read(b, pos));
                }
                return l;
            }
            default:
                throw new IllegalStateException("unexpected reply type '" + (char) t + "'");
        }
    }

    private static String line(byte[] b, int[] pos) {
        int start = pos[0];
        int i = start;
        while (b[i] != '\r') {
            i++;
        }
        pos[0] = i + 2;
        return new String(b, start, i - start, StandardCharsets.UTF_8);
    }
}
