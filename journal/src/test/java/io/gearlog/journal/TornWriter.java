package io.gearlog.journal;

import java.nio.file.Path;

/**
 * Run in its own JVM by {@link JournalTest}: appends records, then starts one more and halts the JVM half way
 * through it, leaving what a SIGKILL during an append leaves (a record header still marked incomplete).
 */
public final class TornWriter {
    private TornWriter() {
    }

    public static void main(String[] args) {
        Journal j = Journal.open(Path.of(args[0]));
        JournalAppender a = j.appender();
        int n = Integer.parseInt(args[1]);
        for (int i = 0; i < n; i++) {
            a.appendArgv(RecordType.COMMAND, 1000 + i, 1, 0, JournalTest.argv("SET", "k" + i, "v" + i));
        }
        net.openhft.chronicle.wire.DocumentContext dc = j.queue().createAppender().writingDocument();
        dc.wire().bytes().write(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9});
        System.out.println("halting inside a record");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
