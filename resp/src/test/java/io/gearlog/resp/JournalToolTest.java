package io.gearlog.resp;

import io.gearlog.replay.JournalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gearlog.resp.RecoveryFiles.info;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ./gearlog-journal against the journal of a running server. */
class JournalToolTest {
    private static final String INDEX = "0x[0-9a-f]+";
    private static final String TIME = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z";

    @TempDir
    Path dir;

    /** The result of one run: exit status and output lines. */
    private record Run(int status, List<String> lines, String err) {
    }

    private Run tool(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        all[0] = "--dir";
        all[1] = dir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int status = JournalTool.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> false);
        String text = out.toString(StandardCharsets.UTF_8);
        return new Run(status, text.isEmpty() ? List.of() : Arrays.asList(text.split("\n")), err.toString(StandardCharsets.UTF_8));
    }

    /** Six records: SET, SET (binary), MULTI/EXEC, SET in db 2, PEXPIRE, DEL. */
    private static void write(Jedis j) {
        j.set("user:1", "ann");
        j.set("bin".getBytes(), new byte[]{(byte) 0xff, 'a'});
        Transaction t = j.multi();
        t.incr("counter");
        t.set("user:2", "bob");
        t.exec();
        j.select(2);
        j.set("user:3", "in db 2");
        j.select(0);
        j.pexpire("user:1", 100_000);
        j.del("counter");
    }

    @Test
    void listsEveryRecordReadably() {
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            write(j);
            Run r = tool();
            assertEquals(0, r.status(), r.err());
            assertEquals(6, r.lines().size(), r.lines().toString());
            assertTrue(r.lines().get(0).matches(INDEX + "  " + TIME + "  db0  client \\d+  SET \"user:1\" \"ann\""), r.lines().get(0));
            assertTrue(r.lines().get(1).endsWith("SET \"bin\" \"\\xffa\""), r.lines().get(1));
            assertTrue(r.lines().get(2).endsWith("MULTI/EXEC (2): INCR \"counter\"; SET \"user:2\" \"bob\""), r.lines().get(2));
            assertTrue(r.lines().get(3).contains("  db2  "), r.lines().get(3));
            assertTrue(r.lines().get(4).endsWith("PEXPIRE \"user:1\" \"100000\""), r.lines().get(4));
            assertTrue(r.lines().get(5).endsWith("DEL \"counter\""));
            // the index printed is the one INFO reports
            long last = Long.parseLong(info(j, "persistence").get("journal_last_index"));
            assertTrue(r.lines().get(5).startsWith("0x" + Long.toHexString(last) + "  "));
        }
    }

    @Test
    void filtersByCommandKeyDatabaseTypeIndexAndTime() {
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            write(j);
            assertEquals(4, tool("--command", "set").lines().size(), "three SETs and the MULTI/EXEC holding one");
            assertEquals(5, tool("--command", "SET,del").lines().size());
            List<String> users = tool("--key", "user:*").lines();
            assertEquals(4, users.size(), users.toString());
            assertEquals(1, tool("--key", "user:[3-9]").lines().size());
            assertEquals(1, tool("--command", "pexpire", "--key", "user:1").lines().size());
            assertEquals(0, tool("--command", "del", "--key", "user:*").lines().size());
            assertEquals(1, tool("--db", "2").lines().size());
            assertEquals(1, tool("--type", "transaction").lines().size());
            assertEquals(2, tool("--limit", "2").lines().size());
            String third = tool().lines().get(2).split(" ")[0];
            List<String> fromThird = tool("--from", third).lines();
            assertEquals(4, fromThird.size());
            assertTrue(fromThird.get(0).startsWith(third + "  "));
            assertEquals(6, tool("--since", "1h").lines().size());
            assertEquals(0, tool("--since", "2999-01-01T00:00:00Z").lines().size());
            assertEquals(0, tool("--until", "2000-01-01 00:00").lines().size());
            Run missing = tool("--from", "0x7");
            assertEquals(1, missing.status());
            assertTrue(missing.err().startsWith("gearlog-journal: the journal has no record at index 0x7 (first 0x"), missing.err());
        }
    }

    @Test
    void recordsOfOnePipelineShowTheirPositionInTheirSharedDocument() {
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            j.set("alone", "0");
            redis.clients.jedis.Pipeline p = j.pipelined();
            p.set("p1", "1");
            p.get("p1");
            p.set("p2", "2");
            p.del("p1");
            p.sync();
            List<String> lines = tool().lines();
            assertEquals(4, lines.size(), lines.toString());
            String doc = lines.get(1).split(" ")[0];
            assertTrue(doc.matches(INDEX), lines.toString());
            assertTrue(lines.get(1).endsWith("SET \"p1\" \"1\""), lines.get(1));
            assertTrue(lines.get(2).startsWith(doc + ".1  ") && lines.get(2).endsWith("SET \"p2\" \"2\""), lines.get(2));
            assertTrue(lines.get(3).startsWith(doc + ".2  ") && lines.get(3).endsWith("DEL \"p1\""), lines.get(3));
            assertTrue(Long.parseLong(lines.get(0).split(" ")[0].substring(2), 16) < Long.parseLong(doc.substring(2), 16));
            // INFO's last index is the document's
            assertEquals(doc, "0x" + Long.toHexString(Long.parseLong(info(j, "persistence").get("journal_last_index"))));
            List<String> json = tool("--json").lines();
            assertTrue(json.get(2).startsWith("{\"index\":\"" + doc + "\",\"position\":1,\"time\""), json.get(2));
            assertFalse(json.get(1).contains("position"), json.get(1));
            // --from a document lists it whole
            assertEquals(3, tool("--from", doc).lines().size());
        }
    }

    @Test
    void writesOneJsonObjectPerRecord() {
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            write(j);
            List<String> lines = tool("--json").lines();
            assertEquals(6, lines.size());
            String first = lines.get(0).replaceAll("\"index\":\"0x[0-9a-f]+\"", "\"index\":\"I\"")
                    .replaceAll("\"time\":\"[^\"]+\",\"time_ms\":\\d+", "\"time\":\"T\"")
                    .replaceAll("\"origin\":\\d+", "\"origin\":1");
            assertEquals("{\"index\":\"I\",\"time\":\"T\",\"type\":\"command\",\"db\":0,\"origin\":1,"
                    + "\"argv\":[\"SET\",\"user:1\",\"ann\"]}", first);
            assertTrue(lines.get(1).endsWith("\"argv\":[\"SET\",\"bin\",{\"base64\":\"/2E=\"}]}"), lines.get(1));
            assertTrue(lines.get(2).endsWith("\"type\":\"transaction\",\"db\":0,\"origin\":" + lines.get(2)
                    .replaceAll(".*\"origin\":(\\d+).*", "$1") + ",\"commands\":[[\"INCR\",\"counter\"],[\"SET\",\"user:2\",\"bob\"]]}"),
                    lines.get(2));
        }
    }

    @Test
    void followsNewRecordsAsTheServerAppendsThem() throws Exception {
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            write(j);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger status = new AtomicInteger(-1);
            Thread t = new Thread(() -> status.set(JournalTool.run(
                    new String[]{"--dir", dir.toString(), "tail", "--limit", "2"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err, stop::get)));
            t.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> out.toString(StandardCharsets.UTF_8).lines().count() == 2);
            assertTrue(out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow().endsWith("PEXPIRE \"user:1\" \"100000\""));
            j.set("live", "one");
            j.set("live", "two");
            await().atMost(Duration.ofSeconds(20)).until(() -> out.toString(StandardCharsets.UTF_8).contains("SET \"live\" \"two\""));
            stop.set(true);
            t.join(5000);
            assertEquals(0, status.get());
            List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
            assertTrue(lines.get(2).endsWith("SET \"live\" \"one\""), lines.toString());
        }
    }

    @Test
    void statsAndVerifySummariseAndFindDamage() throws Exception {
        try (TestServer s = TestServer.start(dir, "--save", ""); Jedis j = s.jedis()) {
            write(j);
            j.set("damaged", "DAMAGED-RECORD-MARKER");
            j.set("after", "x");
            j.save();
            Run stats = tool("stats");
            assertEquals(0, stats.status());
            String text = String.join("\n", stats.lines());
            assertTrue(text.contains("records        8\n"), text);
            assertTrue(text.contains("by type        command 7, transaction 1\n"), text);
            assertTrue(text.contains("by command     SET 6, DEL 1, INCR 1, PEXPIRE 1\n"), text);
            assertTrue(text.contains("snapshot       snapshot-00000001.gls: index 0x"), text);
            assertEquals(List.of("8 records verified, 0 corrupt"), tool("verify").lines());
        }
        assertEquals(1, RecoveryFiles.corruptJournalRecord(dir, "DAMAGED-RECORD-MARKER"));
        Run verify = tool("verify");
        assertEquals(1, verify.status());
        assertTrue(verify.lines().get(0).matches(INDEX + "  CORRUPT: checksum mismatch"), verify.lines().toString());
        assertEquals("7 records verified, 1 corrupt", verify.lines().get(1));
        List<String> listed = tool().lines();
        assertEquals(8, listed.size());
        assertTrue(listed.get(6).endsWith("CORRUPT: checksum mismatch"));
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        Run r = tool("--bogus");
        assertEquals(2, r.status());
        assertEquals("gearlog-journal: unknown argument '--bogus'\nTry 'gearlog-journal --help'.\n", r.err());
        assertEquals(2, tool("--since", "yesterday-ish").status());
        assertEquals("gearlog-journal: no journal under " + dir.resolve("nowhere").toAbsolutePath() + "\n",
                JournalToolTest.errOf(dir.resolve("nowhere")));
        assertTrue(tool("--help").lines().get(0).startsWith("Usage: gearlog-journal"));
    }

    private static String errOf(Path dataDir) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = JournalTool.run(new String[]{"--dir", dataDir.toString()}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> false);
        assertEquals(1, status);
        return err.toString(StandardCharsets.UTF_8);
    }
}
