package io.gearlog.replay;

import io.gearlog.engine.command.CommandSpec;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.commands.Commands;
import io.gearlog.engine.util.Glob;
import io.gearlog.journal.CorruptRecordException;
import io.gearlog.journal.Journal;
import io.gearlog.journal.JournalException;
import io.gearlog.journal.JournalReader;
import io.gearlog.journal.JournalRecord;
import io.gearlog.journal.RecordType;
import io.gearlog.snapshots.SnapshotCatalog;
import io.gearlog.snapshots.SnapshotException;
import io.gearlog.snapshots.SnapshotHeader;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * {@code ./gearlog-journal}: reads a Gearlog journal for people, also while the server runs (it takes no lock and
 * never writes). Lists records from an index or a time, follows the tail live, filters by command, key glob,
 * database and record type, prints counts, verifies checksums, and writes text or one JSON object per line.
 * Single-threaded.
 */
public final class JournalTool {
    private static final String USAGE = """
            Usage: gearlog-journal [list|tail|stats|verify] [options]

              list          print records, oldest first (the default)
              tail          print the last records (--limit, default 10), then follow new ones as they are appended
              stats         record counts per type and command, index and time range, size, snapshots
              verify        check every record's checksum; exit status 1 if any is corrupt

            Options:
              --dir DIR         data directory of the server (default ./data)
              --from INDEX      start at this record index (0x... as Gearlog prints them, or decimal)
              --since TIME      records at or after TIME: 2024-05-01T12:00:00Z, '2024-05-01 12:00' (UTC),
                                Unix milliseconds, or an age such as 30s, 10m, 2h, 1d
              --until TIME      records before TIME (same forms)
              --command NAMES   only records with these commands, comma separated (a MULTI/EXEC block matches
                                when any command in it does)
              --key GLOB        only records touching a key that matches GLOB (Redis glob: * ? [a-z] \\x)
              --db N            only records of database N
              --type TYPES      only these record types, comma separated: command, transaction, effect, tick, gears
              --limit N         stop after N records
              --follow, -f      after the last record, wait for new ones (Ctrl-C stops)
              --json            one JSON object per line instead of text
            """;

    private static final CommandTable COMMANDS = new CommandTable();

    static {
        Commands.registerAll(COMMANDS);
    }

    private final PrintStream out;
    private final PrintStream err;
    private final BooleanSupplier stop;
    private String action = "list";
    private Path dir = Path.of("data");
    private long from = -1;
    private long since = Long.MIN_VALUE;
    private long until = Long.MAX_VALUE;
    private Set<String> commands;
    private byte[] keyGlob;
    private int db = -1;
    private Set<Integer> types;
    private long limit = -1;
    private boolean follow;
    private boolean json;

    private JournalTool(PrintStream out, PrintStream err, BooleanSupplier stop) {
        this.out = out;
        this.err = err;
        this.stop = stop;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, () -> false));
    }

    /** Runs the tool; returns the exit status (0 ok, 1 error or corrupt records found, 2 bad usage). */
    public static int run(String[] args, PrintStream out, PrintStream err, BooleanSupplier stop) {
        JournalTool t = new JournalTool(out, err, stop);
        try {
            t.parse(args);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null) {
                out.print(USAGE);
                return 0;
            }
            err.println("gearlog-journal: " + e.getMessage());
            err.println("Try 'gearlog-journal --help'.");
            return 2;
        }
        try (Journal journal = Journal.openReadOnly(t.dir.toAbsolutePath().normalize())) {
            return switch (t.action) {
                case "stats" -> t.stats(journal);
                case "verify" -> t.verify(journal);
                default -> t.list(journal);
            };
        } catch (JournalException e) {
            err.println("gearlog-journal: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
        }
    }

    // ---- options ----

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "list", "tail", "stats", "verify" -> action = a;
                case "-h", "--help" -> throw new IllegalArgumentException((String) null);
                case "-f", "--follow" -> follow = true;
                case "--json" -> json = true;
                case "--dir" -> dir = Path.of(value(args, ++i, a));
                case "--from" -> from = parseIndex(value(args, ++i, a));
                case "--since" -> since = parseTime(value(args, ++i, a));
                case "--until" -> until = parseTime(value(args, ++i, a));
                case "--command" -> {
                    commands = new HashSet<>();
                    for (String c : value(args, ++i, a).split(",")) {
                        if (!c.isBlank()) {
                            commands.add(c.trim().toLowerCase(Locale.ROOT));
                        }
                    }
                }
                case "--key" -> keyGlob = value(args, ++i, a).getBytes(StandardCharsets.UTF_8);
                case "--db" -> db = (int) parseNumber(value(args, ++i, a), a);
                case "--type" -> {
                    types = new HashSet<>();
                    for (String s : value(args, ++i, a).split(",")) {
                        types.add(parseType(s.trim()));
                    }
                }
                case "--limit" -> limit = parseNumber(value(args, ++i, a), a);
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        if (action.equals("tail")) {
            follow = true;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static long parseNumber(String s, String option) {
        try {
            long n = Long.parseLong(s);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, not '" + s + "'");
        }
    }

    private static long parseIndex(String s) {
        try {
            return Journal.parseIndex(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--from needs a record index such as 0x79c5c00000011, not '" + s + "'");
        }
    }

    private static int parseType(String s) {
        for (int t = RecordType.COMMAND; t <= RecordType.GEARS; t++) {
            if (RecordType.name(t).equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown record type '" + s + "' (command, transaction, effect, tick, gears)");
    }

    /** A time given as ISO-8601, 'yyyy-MM-dd HH:mm[:ss]' (UTC), Unix milliseconds, or an age like 10m. */
    static long parseTime(String s) {
        String t = s.trim();
        if (t.matches("\\d+[smhd]")) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            long unit = switch (t.charAt(t.length() - 1)) {
                case 's' -> 1000L;
                case 'm' -> 60_000L;
                case 'h' -> 3_600_000L;
                default -> 86_400_000L;
            };
            return System.currentTimeMillis() - n * unit;
        }
        if (t.matches("\\d{9,}")) {
            return Long.parseLong(t);
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // try the forms without a zone
        }
        String iso = t.replace(' ', 'T');
        if (iso.matches("\\d{4}-\\d{2}-\\d{2}")) {
            iso += "T00:00";
        }
        try {
            return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("cannot read the time '" + s + "' (try 2024-05-01T12:00:00Z, "
                    + "'2024-05-01 12:00', Unix milliseconds or 10m)");
        }
    }

    // ---- list / tail ----

    private int list(Journal journal) {
        long printed = 0;
        JournalRecord rec = new JournalRecord();
        try (JournalReader reader = journal.reader()) {
            position(journal, reader);
            if (action.equals("tail")) {
                printed = printLast(reader, rec, limit < 0 ? 10 : limit);
            }
            long max = action.equals("tail") ? -1 : limit;
            while (max < 0 || printed < max) {
                if (stop.getAsBoolean()) {
                    break;
                }
                boolean got;
                try {
                    got = reader.next(rec);
                } catch (CorruptRecordException e) {
                    printCorrupt(e);
                    continue;
                }
                if (!got) {
                    if (!follow) {
                        break;
                    }
                    out.flush();
                    sleep();
                    continue;
                }
                if (rec.time() >= until) {
                    break;
                }
                if (matches(rec)) {
                    print(rec);
                    printed++;
                }
            }
        }
        return 0;
    }

    /** Puts the reader at --from, or at the cycle holding --since, or at the start. */
    private void position(Journal journal, JournalReader reader) {
        if (from >= 0) {
            if (!reader.at(from)) {
                throw new JournalException("the journal has no record at index " + Journal.formatIndex(from)
                        + " (first " + Journal.formatIndex(journal.firstIndex()) + ", last "
                        + Journal.formatIndex(journal.lastIndex()) + ")");
            }
            return;
        }
        if (since != Long.MIN_VALUE) {
            long length = journal.rollCycle().lengthInMillis();
            for (java.io.File f : journal.cycleFiles()) {
                int cycle = journal.cycleOf(f);
                if (cycle >= 0 && journal.cycleStartMillis(cycle) + length > since) {
                    if (reader.at(journal.firstIndexOfCycle(cycle))) {
                        return;
                    }
                    break;
                }
            }
        }
        reader.fromStart();
    }

    /** Prints the last {@code n} matching records up to the end of the journal. */
    private long printLast(JournalReader reader, JournalRecord rec, long n) {
        ArrayDeque<byte[]> last = new ArrayDeque<>();
        ArrayDeque<long[]> indexes = new ArrayDeque<>();
        while (true) {
            try {
                if (!reader.next(rec)) {
                    break;
                }
            } catch (CorruptRecordException e) {
                continue;
            }
            if (rec.time() < until && matches(rec)) {
                last.add(rec.encoded());
                indexes.add(new long[]{rec.index(), rec.position()});
                if (last.size() > n) {
                    last.poll();
                    indexes.poll();
                }
            }
        }
        JournalRecord r = new JournalRecord();
        long count = 0;
        while (!last.isEmpty()) {
            byte[] b = last.poll();
            long[] at = indexes.poll();
            print(r.decode(b, 0, b.length, at[0], (int) at[1]));
            count++;
        }
        return count;
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean matches(JournalRecord r) {
        if (r.time() < since || (db >= 0 && r.db() != db) || (types != null && !types.contains(r.type()))) {
            return false;
        }
        if (commands == null && keyGlob == null) {
            return true;
        }
        List<byte[][]> argvs = switch (r.type()) {
            case RecordType.COMMAND, RecordType.EFFECT -> List.<byte[][]>of(r.argv());
            case RecordType.TRANSACTION -> r.argvList();
            default -> List.of();
        };
        for (byte[][] argv : argvs) {
            if (argv.length == 0) {
                continue;
            }
            if (commands != null && !commands.contains(new String(argv[0], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (keyGlob == null || anyKeyMatches(argv)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyKeyMatches(byte[][] argv) {
        for (byte[] key : keys(argv)) {
            if (Glob.match(keyGlob, key, false)) {
                return true;
            }
        }
        return false;
    }

    /** The key arguments of a command, from the positions the command table declares. */
    static List<byte[]> keys(byte[][] argv) {
        List<byte[]> keys = new ArrayList<>();
        CommandSpec spec = COMMANDS.lookup(argv[0]);
        if (spec == null || spec.firstKey() <= 0) {
            return keys;
        }
        int last = spec.lastKey() < 0 ? argv.length + spec.lastKey() : spec.lastKey();
        int step = Math.max(1, spec.step());
        for (int i = spec.firstKey(); i <= last && i < argv.length; i += step) {
            keys.add(argv[i]);
        }
        return keys;
    }

    // ---- output ----

    private void print(JournalRecord r) {
        out.println(json ? json(r) : text(r));
    }

    private void printCorrupt(CorruptRecordException e) {
        String why = e.getMessage().replaceFirst(".*: ", "");
        if (json) {
            out.println("{\"index\":\"" + Journal.formatIndex(e.index()) + "\",\"corrupt\":" + jsonString(why) + "}");
        } else {
            out.println(Journal.formatIndex(e.index()) + "  CORRUPT: " + why);
        }
    }

    static String text(JournalRecord r) {
        StringBuilder sb = new StringBuilder();
        sb.append(Journal.formatIndex(r.index()));
        if (r.position() > 0) {
            // a record grouped behind others in one journal document (a pipelined batch)
            sb.append('.').append(r.position());
        }
        sb.append("  ").append(Instant.ofEpochMilli(r.time())).append("  db")
                .append(r.db()).append("  ");
        switch (r.type()) {
            case RecordType.COMMAND -> sb.append("client ").append(r.origin()).append("  ").append(words(r.argv()));
            case RecordType.EFFECT -> sb.append("execution ").append(r.origin()).append("  ").append(words(r.argv()));
            case RecordType.TRANSACTION -> {
                List<byte[][]> list = r.argvList();
                sb.append("client ").append(r.origin()).append("  MULTI/EXEC (").append(list.size()).append("):");
                for (int i = 0; i < list.size(); i++) {
                    sb.append(i == 0 ? " " : "; ").append(words(list.get(i)));
                }
            }
            case RecordType.TICK -> sb.append("tick (expiry)");
            default -> sb.append(RecordType.name(r.type())).append(" (").append(r.payloadLength()).append(" bytes)");
        }
        return sb.toString();
    }

    /** A command as redis-cli would echo it: the name bare, arguments quoted. */
    private static String words(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < argv.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            if (i == 0 && argv[0].length > 0 && isWord(argv[0])) {
                sb.append(new String(argv[0], StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT));
            } else {
                sb.append(JournalRecord.quote(argv[i]));
            }
        }
        return sb.toString();
    }

    private static boolean isWord(byte[] b) {
        for (byte x : b) {
            if (!(Character.isLetterOrDigit(x) || x == '.' || x == '_' || x == '-' || x == '|')) {
                return false;
            }
        }
        return true;
    }

    static String json(JournalRecord r) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"index\":\"").append(Journal.formatIndex(r.index())).append('"');
        if (r.position() > 0) {
            sb.append(",\"position\":").append(r.position());
        }
        sb.append(",\"time\":\"").append(Instant.ofEpochMilli(r.time())).append('"');
        sb.append(",\"time_ms\":").append(r.time());
        sb.append(",\"type\":\"").append(RecordType.name(r.type())).append('"');
        sb.append(",\"db\":").append(r.db());
        sb.append(",\"origin\":").append(r.origin());
        switch (r.type()) {
            case RecordType.COMMAND, RecordType.EFFECT -> sb.append(",\"argv\":").append(jsonArgv(r.argv()));
            case RecordType.TRANSACTION -> {
                sb.append(",\"commands\":[");
                List<byte[][]> list = r.argvList();
                for (int i = 0; i < list.size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(jsonArgv(list.get(i)));
                }
                sb.append(']');
            }
            case RecordType.TICK -> {
            }
            default -> sb.append(",\"payload_base64\":\"").append(Base64.getEncoder().encodeToString(r.payload())).append('"');
        }
        return sb.append('}').toString();
    }

    /** Arguments as JSON strings; one that is not valid UTF-8 becomes {"base64": "..."}. */
    private static String jsonArgv(byte[][] argv) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < argv.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            String s = utf8(argv[i]);
            sb.append(s != null ? jsonString(s) : "{\"base64\":\"" + Base64.getEncoder().encodeToString(argv[i]) + "\"}");
        }
        return sb.append(']').toString();
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    // ---- stats / verify ----

    private int stats(Journal journal) {
        Map<String, Long> byType = new TreeMap<>();
        Map<String, Long> byCommand = new TreeMap<>();
        long records = 0;
        long corrupt = 0;
        long firstTime = -1;
        long lastTime = -1;
        JournalRecord rec = new JournalRecord();
        try (JournalReader reader = journal.reader()) {
            position(journal, reader);
            while (limit < 0 || records < limit) {
                try {
                    if (!reader.next(rec)) {
                        break;
                    }
                } catch (CorruptRecordException e) {
                    corrupt++;
                    continue;
                }
                if (rec.time() >= until) {
                    break;
                }
                if (!matches(rec)) {
                    continue;
                }
                records++;
                if (firstTime < 0) {
                    firstTime = rec.time();
                }
                lastTime = rec.time();
                byType.merge(RecordType.name(rec.type()), 1L, Long::sum);
                if (rec.type() == RecordType.COMMAND || rec.type() == RecordType.EFFECT) {
                    byCommand.merge(commandName(rec.argv()), 1L, Long::sum);
                } else if (rec.type() == RecordType.TRANSACTION) {
                    for (byte[][] a : rec.argvList()) {
                        byCommand.merge(commandName(a), 1L, Long::sum);
                    }
                }
            }
        }
        out.printf(Locale.ROOT, "journal        %s (%d cycle files, roll cycle %s, %,d bytes of records)%n",
                journal.directory(), journal.cycleFiles().length, ((Enum<?>) journal.rollCycle()).name(), journal.sizeOnDisk());
        out.printf(Locale.ROOT, "indexes        %s .. %s%n", Journal.formatIndex(journal.firstIndex()),
                Journal.formatIndex(journal.lastIndex()));
        out.printf(Locale.ROOT, "records        %,d%s%n", records, corrupt > 0 ? String.format(Locale.ROOT, " (and %,d corrupt)", corrupt) : "");
        if (firstTime >= 0) {
            out.printf(Locale.ROOT, "time           %s .. %s%n", Instant.ofEpochMilli(firstTime), Instant.ofEpochMilli(lastTime));
        }
        out.println("by type        " + counts(byType));
        out.println("by command     " + counts(byCommand));
        List<long[]> q = journal.quarantinedRanges();
        if (!q.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (long[] r : q) {
                sb.append(sb.length() == 0 ? "" : ", ").append(Journal.formatIndex(r[0])).append("..").append(Journal.formatIndex(r[1]));
            }
            out.println("cut off        " + sb + " (skipped by every reader)");
        }
        if (journal.retainedFrom() >= 0) {
            out.println("retained from  " + Journal.formatIndex(journal.retainedFrom()) + " (older cycle files deleted after snapshots)");
        }
        SnapshotCatalog catalog = new SnapshotCatalog(journal.dataDirectory());
        for (SnapshotCatalog.Entry e : catalog.newestFirst()) {
            try {
                SnapshotHeader h = SnapshotCatalog.header(e.path());
                out.printf(Locale.ROOT, "snapshot       %s: index %s, taken %s, %,d bytes%n", e.name(),
                        Journal.formatIndex(h.index()), Instant.ofEpochMilli(h.createdMillis()), e.path().toFile().length());
            } catch (SnapshotException x) {
                out.println("snapshot       " + e.name() + ": unreadable header (" + x.getMessage() + ")");
            }
        }
        return 0;
    }

    private static String commandName(byte[][] argv) {
        return argv.length == 0 ? "(empty)" : new String(argv[0], StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    }

    private static String counts(Map<String, Long> m) {
        if (m.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e ->
                sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                        .append(String.format(Locale.ROOT, "%,d", e.getValue())));
        return sb.toString();
    }

    private int verify(Journal journal) {
        long good = 0;
        long bad = 0;
        JournalRecord rec = new JournalRecord();
        try (JournalReader reader = journal.reader().fromStart()) {
            while (true) {
                try {
                    if (!reader.next(rec)) {
                        break;
                    }
                    good++;
                } catch (CorruptRecordException e) {
                    bad++;
                    printCorrupt(e);
                }
            }
        }
        int cut = journal.quarantinedRanges().size();
        out.printf(Locale.ROOT, "%,d records verified, %,d corrupt%s%n", good, bad,
                cut == 0 ? "" : String.format(Locale.ROOT, " (%d range(s) already cut off by recovery and skipped)", cut));
        return bad == 0 ? 0 : 1;
    }
}
