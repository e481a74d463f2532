package io.gearlog.engine.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Every command Gearlog supports, looked up by name without allocating (case-insensitive open addressing).
 * Built once at start; read-only afterwards.
 */
public final class CommandTable {
    private CommandSpec[] slots = new CommandSpec[1024];
    private byte[][] names = new byte[1024][];
    private final List<CommandSpec> all = new ArrayList<>();
    private final java.util.Map<String, java.util.Map<String, Subcommand>> subcommands = new java.util.HashMap<>();

    /**
     * A subcommand of a container command (CLIENT LIST, CONFIG GET): the dispatcher checks that it exists and its
     * arity before the command runs or is queued in MULTI, and names errors and CLIENT LIST entries "client|list".
     */
    public record Subcommand(String container, String name, int arity, int flags) {
        public String fullName() {
            return container + "|" + name;
        }

        public boolean arityOk(int argc) {
            return arity >= 0 ? argc == arity : argc >= -arity;
        }
    }

    public CommandTable add(String name, int arity, int flags, int firstKey, int lastKey, int step, CommandHandler h) {
        return add(new CommandSpec(name.toLowerCase(Locale.ROOT), arity, flags, firstKey, lastKey, step, h));
    }

    public CommandTable add(CommandSpec spec) {
        if (all.size() * 2 >= slots.length) {
            rehash();
        }
        byte[] n = spec.name().getBytes(StandardCharsets.US_ASCII);
        int mask = slots.length - 1;
        int i = hash(n, n.length) & mask;
        while (slots[i] != null) {
            if (equalsIgnoreCase(names[i], n)) {
                all.remove(slots[i]);
                break;
            }
            i = (i + 1) & mask;
        }
        slots[i] = spec;
        names[i] = n;
        all.add(spec);
        return this;
    }

    private void rehash() {
        CommandSpec[] old = slots;
        slots = new CommandSpec[old.length * 2];
        names = new byte[old.length * 2][];
        List<CommandSpec> specs = new ArrayList<>(all);
        all.clear();
        for (CommandSpec s : specs) {
            add(s);
        }
    }

    /** Declares a subcommand of {@code container} (registered with {@link #add}) with its Redis arity and flags. */
    public CommandTable subcommand(String container, String name, int arity, int flags) {
        String c = container.toLowerCase(Locale.ROOT);
        String n = name.toLowerCase(Locale.ROOT);
        subcommands.computeIfAbsent(c, k -> new java.util.LinkedHashMap<>()).put(n, new Subcommand(c, n, arity, flags));
        return this;
    }

    /** True when {@code spec} is a container whose subcommands the dispatcher checks. */
    public boolean hasSubcommands(CommandSpec spec) {
        return subcommands.containsKey(spec.name());
    }

    /** The subcommand of {@code spec} named {@code name} (any case), or null. */
    public Subcommand subcommand(CommandSpec spec, byte[] name) {
        java.util.Map<String, Subcommand> m = subcommands.get(spec.name());
        return m == null ? null : m.get(new String(name, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
    }

    /** The subcommands of {@code spec} in declaration order (empty when it has none). */
    public Collection<Subcommand> subcommands(CommandSpec spec) {
        java.util.Map<String, Subcommand> m = subcommands.get(spec.name());
        return m == null ? List.of() : m.values();
    }

    public CommandSpec lookup(byte[] name) {
        int mask = slots.length - 1;
        int i = hash(name, name.length) & mask;
        while (slots[i] != null) {
            if (equalsIgnoreCase(names[i], name)) {
                return slots[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    public CommandSpec lookup(String name) {
        return lookup(name.getBytes(StandardCharsets.UTF_8));
    }

    public Collection<CommandSpec> all() {
        return all;
    }

    public int size() {
        return all.size();
    }

    private static int hash(byte[] b, int n) {
        int h = 0;
        for (int i = 0; i < n; i++) {
            int c = b[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            h = 31 * h + c;
        }
        return h ^ (h >>> 16);
    }

    private static boolean equalsIgnoreCase(byte[] lower, byte[] b) {
        if (lower.length != b.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            int c = b[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }
}
