package io.gearlog.engine.command;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Key positions of the commands whose keys move with their arguments (Redis' movablekeys flag): a numkeys count
 * (ZUNIONSTORE, LMPOP, ...) or the keys after a STREAMS keyword (XREAD, XREADGROUP). Stateless.
 */
public final class MovableKeys {
    /** How a command's keys are found: a destination key first or not, where numkeys stands, or a keyword. */
    private record Rule(int destination, int numkeys, int keywordFrom) {
    }

    private static final Map<String, Rule> RULES = Map.ofEntries(
            Map.entry("zunionstore", new Rule(1, 2, 0)),
            Map.entry("zinterstore", new Rule(1, 2, 0)),
            Map.entry("zdiffstore", new Rule(1, 2, 0)),
            Map.entry("zunion", new Rule(0, 1, 0)),
            Map.entry("zinter", new Rule(0, 1, 0)),
            Map.entry("zdiff", new Rule(0, 1, 0)),
            Map.entry("zintercard", new Rule(0, 1, 0)),
            Map.entry("sintercard", new Rule(0, 1, 0)),
            Map.entry("lmpop", new Rule(0, 1, 0)),
            Map.entry("zmpop", new Rule(0, 1, 0)),
            Map.entry("blmpop", new Rule(0, 2, 0)),
            Map.entry("bzmpop", new Rule(0, 2, 0)),
            Map.entry("xread", new Rule(0, 0, 1)),
            Map.entry("xreadgroup", new Rule(0, 0, 4)));

    private MovableKeys() {
    }

    public static boolean isMovable(String command) {
        return RULES.containsKey(command);
    }

    /**
     * The argument indexes of the keys in {@code argv} (argv[0] is the command), or null when the arguments do not
     * name keys the way the command expects (Redis: {@code ERR Invalid arguments specified for command}).
     */
    public static int[] positions(String command, byte[][] argv) {
        Rule r = RULES.get(command);
        if (r == null) {
            return null;
        }
        if (r.keywordFrom > 0) {
            for (int i = r.keywordFrom; i < argv.length; i++) {
                if (new String(argv[i], StandardCharsets.UTF_8).equalsIgnoreCase("STREAMS")) {
                    int n = (argv.length - i - 1) / 2;
                    return n == 0 ? null : range(i + 1, n, 0);
                }
            }
            return null;
        }
        long n;
        try {
            n = Long.parseLong(new String(argv[r.numkeys], StandardCharsets.UTF_8));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return null;
        }
        if (n < 1 || n > argv.length - r.numkeys - 1) {
            return null;
        }
        int[] keys = range(r.numkeys + 1, (int) n, r.destination);
        if (r.destination > 0) {
            keys[0] = r.destination;
        }
        return keys;
    }

    private static int[] range(int from, int n, int destination) {
        int lead = destination > 0 ? 1 : 0;
        int[] keys = new int[lead + n];
        for (int i = 0; i < n; i++) {
            keys[lead + i] = from + i;
        }
        return keys;
    }
}
