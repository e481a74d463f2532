package io.gearlog.engine.commands;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What COMMAND DOCS and COMMAND INFO say about a command beyond its spec: its Redis group, the version it appeared
 * in and its ACL category. The table (command/groups.txt) lists Redis 7.0's commands; commands Redis does not have
 * (RG.*) belong to the "module" group. Immutable after class initialisation.
 */
final class CommandDocs {
    private static final Map<String, String> GROUP = new HashMap<>();
    private static final Map<String, String> SINCE = new HashMap<>();

    static {
        try (InputStream in = CommandDocs.class.getResourceAsStream("/io/gearlog/engine/command/groups.txt")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.trim().split("\\s+");
                for (int i = 1; i < parts.length; i++) {
                    int eq = parts[i].indexOf('=');
                    GROUP.put(parts[i].substring(0, eq), parts[0]);
                    SINCE.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CommandDocs() {
    }

    static String group(String command) {
        return GROUP.getOrDefault(command, "module");
    }

    static String since(String command) {
        return SINCE.getOrDefault(command, "1.0.0");
    }

    static String summary(String command) {
        String name = command.toUpperCase(Locale.ROOT);
        return GROUP.containsKey(command) ? "The Redis 7.0 " + name + " command" : "The Gearlog " + name + " command";
    }

    /** The ACL category of a group, or null for groups whose commands carry none (server, module). */
    static String category(String group) {
        return switch (group) {
            case "string" -> "@string";
            case "list" -> "@list";
            case "set" -> "@set";
            case "sorted-set" -> "@sortedset";
            case "hash" -> "@hash";
            case "stream" -> "@stream";
            case "generic" -> "@keyspace";
            case "connection" -> "@connection";
            case "transactions" -> "@transaction";
            case "pubsub" -> "@pubsub";
            case "scripting" -> "@scripting";
            case "geo" -> "@geo";
            case "hyperloglog" -> "@hyperloglog";
            case "bitmap" -> "@bitmap";
            default -> null;
        };
    }
}
