package io.gearlog.resp;

import io.gearlog.engine.config.ConfigException;
import io.gearlog.engine.config.ServerConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Startup options the way redis-server takes them: an optional config file in redis.conf syntax first, then
 * {@code --name value...} pairs that override it. Every problem is one line of text.
 */
public final class Options {
    private Options() {
    }

    public static void apply(ServerConfig cfg, String[] args) {
        int i = 0;
        if (args.length > 0 && !args[0].startsWith("--")) {
            if (args[0].equals("-h") || args[0].equals("-v")) {
                throw new ConfigException(args[0].equals("-v") ? "version" : "help");
            }
            loadFile(cfg, Path.of(args[0]));
            i = 1;
        }
        while (i < args.length) {
            String a = args[i];
            if (a.equals("--help") || a.equals("--version")) {
                throw new ConfigException(a.substring(2));
            }
            if (!a.startsWith("--") || a.length() == 2) {
                throw new ConfigException("unexpected argument '" + a + "' (options look like --port 7000)");
            }
            String name = a.substring(2);
            List<String> values = new ArrayList<>();
            i++;
            while (i < args.length && !args[i].startsWith("--")) {
                values.add(args[i]);
                i++;
            }
            if (values.isEmpty()) {
                throw new ConfigException("option --" + name + " needs a value");
            }
            set(cfg, name, String.join(" ", values), "--" + name);
        }
    }

    private static void set(ServerConfig cfg, String name, String value, String where) {
        if (cfg.parameter(name) == null) {
            throw new ConfigException("unknown option '" + name + "' (" + where + ")");
        }
        try {
            cfg.setAtStartup(name, value);
        } catch (ConfigException e) {
            throw new ConfigException(e.getMessage() + " (" + where + ")");
        }
    }

    static void loadFile(ServerConfig cfg, Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException("cannot read config file " + file + ": no such file");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new ConfigException("cannot read config file " + file + ": permission denied");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<byte[]> parts = InlineParser.split(line.getBytes(StandardCharsets.UTF_8));
            if (parts == null || parts.isEmpty()) {
                throw new ConfigException("unbalanced quotes at " + file + ":" + n);
            }
            String name = new String(parts.get(0), StandardCharsets.UTF_8).toLowerCase();
            if (name.equals("include")) {
                for (int j = 1; j < parts.size(); j++) {
                    loadFile(cfg, file.resolveSibling(new String(parts.get(j), StandardCharsets.UTF_8)));
                }
                continue;
            }
            List<String> values = new ArrayList<>();
            for (int j = 1; j < parts.size(); j++) {
                values.add(new String(parts.get(j), StandardCharsets.UTF_8));
            }
            if (values.isEmpty() && !name.equals("save")) {
                throw new ConfigException("option '" + name + "' has no value at " + file + ":" + n);
            }
            set(cfg, name, String.join(" ", values), file + ":" + n);
        }
    }
}
