package io.gearlog.engine;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The server log: one readable line per event, in redis-server's layout. Safe from any thread. */
public final class ServerLog {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS");
    private static volatile PrintStream out = System.out;
    private static volatile int level = 2;
    private static final long PID = ProcessHandle.current().pid();
    /** M for the server, C for a snapshot process (redis-server marks its fork's lines the same way). */
    private static volatile char role = 'M';

    private ServerLog() {
    }

    public static void output(PrintStream stream) {
        out = stream;
    }

    public static void role(char r) {
        role = r;
    }

    /** Prints a line another process of this server logged (a snapshot process), as it is. */
    public static void relay(String line) {
        synchronized (ServerLog.class) {
            out.println(line);
        }
    }

    /** debug, verbose, notice, warning. */
    public static void level(String name) {
        level = switch (name) {
            case "debug" -> 0;
            case "verbose" -> 1;
            case "warning" -> 3;
            case "nothing" -> 4;
            default -> 2;
        };
    }

    public static void debug(String msg) {
        log(0, '.', msg);
    }

    public static void verbose(String msg) {
        log(1, '-', msg);
    }

    public static void notice(String msg) {
        log(2, '*', msg);
    }

    public static void warning(String msg) {
        log(3, '#', msg);
    }

    private static void log(int lvl, char mark, String msg) {
        if (lvl < level) {
            return;
        }
        // the log line carries wall time for people; it never feeds engine state
        String line = PID + ":" + role + " " + LocalDateTime.now().format(FORMAT) + " " + mark + " " + msg;
        synchronized (ServerLog.class) {
            out.println(line);
        }
    }
}
