package io.gearlog.resp;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** INFO, TIME, LASTSAVE, COMMAND, SLOWLOG, DEBUG DIGEST and redis-cli against them. */
class ServerInfoTest extends ServerTestBase {

    private String info(String... sections) throws IOException {
        String[] args = new String[sections.length + 1];
        args[0] = "info";
        System.arraycopy(sections, 0, args, 1, sections.length);
        String r = c.call(args);
        assertTrue(r.startsWith("$"), r);
        return r.substring(1);
    }

    private static String field(String info, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ":([^\r\n]*)\r\n").matcher(info);
        if (!m.find()) {
            throw new AssertionError(name + " not in " + info);
        }
        return m.group(1);
    }

    private static List<String> headers(String info) {
        List<String> out = new ArrayList<>();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("# ")) {
                out.add(line.substring(2));
            }
        }
        return out;
    }

    @Test
    void defaultInfoHasRedisSectionsInRedisOrder() throws IOException {
        String all = info();
        assertTrue(all.startsWith("# Server\r\nredis_version:7.0.15\r\n"), all);
        assertEquals(List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                "Errorstats", "Cluster", "Keyspace"), headers(all));
        assertTrue(all.endsWith("\r\n"), all);
        assertEquals(String.valueOf(server.port()), field(all, "tcp_port"));
        assertEquals("standalone", field(all, "redis_mode"));
        assertEquals("master", field(all, "role"));
        assertEquals("noeviction", field(all, "maxmemory_policy"));
        assertEquals("1", field(all, "aof_enabled"));
        assertEquals(headers(all), headers(info("default")));
    }

    @Test
    void sectionsCanBeAskedForOneByOneOrTogether() throws IOException {
        assertEquals(List.of("Server"), headers(info("server")));
        assertEquals(List.of("Clients", "Memory"), headers(info("memory", "CLIENTS")));
        assertEquals(List.of("Persistence", "Stats"), headers(info("stats", "persistence")));
        assertEquals("", info("nosuchsection"));
        String clients = info("clients");
        assertTrue(Integer.parseInt(field(clients, "connected_clients")) >= 1);
        assertEquals("10000", field(clients, "maxclients"));
        assertEquals("0", field(clients, "blocked_clients"));
        String memory = info("memory");
        assertTrue(Long.parseLong(field(memory, "used_memory")) > 0);
        assertEquals("0", field(memory, "maxmemory"));
    }

    @Test
    void keyspaceSectionCountsKeysAndExpiresPerDatabase() throws IOException {
        assertEquals("# Keyspace\r\n", info("keyspace"));
        assertEquals("+OK", c.call("mset", "a", "1", "b", "2"));
        assertEquals(":1", c.call("expire", "a", "1000"));
        assertEquals("+OK", c.call("select", "3"));
        assertEquals("+OK", c.call("set", "c", "3"));
        String ks = info("keyspace");
        Matcher m = Pattern.compile("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=(\\d+)\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n")
                .matcher(ks);
        assertTrue(m.matches(), ks);
        long avg = Long.parseLong(m.group(1));
        assertTrue(avg > 990_000 && avg <= 1_000_000, ks);
    }

    @Test
    void statsCountHitsMissesCommandsAndBytes() throws IOException {
        assertEquals("+OK", c.call("config", "resetstat"));
        String zero = info("stats");
        assertEquals("0", field(zero, "keyspace_hits"));
        assertEquals("0", field(zero, "keyspace_misses"));
        assertEquals("+OK", c.call("set", "k", "v"));
        assertEquals("$v", c.call("get", "k"));
        assertEquals("$-1", c.call("get", "nokey"));
        assertEquals("*[$v, $-1]", c.call("mget", "k", "nokey"));
        assertEquals("-ERR wrong number of arguments for 'get' command", c.call("get"));
        String stats = info("stats");
        assertEquals("2", field(stats, "keyspace_hits"));
        assertEquals("2", field(stats, "keyspace_misses"));
        assertTrue(Long.parseLong(field(stats, "total_commands_processed")) >= 6);
        assertTrue(Long.parseLong(field(stats, "total_error_replies")) >= 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> Long.parseLong(field(info("stats"), "total_net_input_bytes")) > 0);
        assertTrue(Long.parseLong(field(stats, "total_net_output_bytes")) > 0);
    }

    @Test
    void timeIsSecondsAndMicroseconds() throws IOException {
        String t = c.call("time");
        Matcher m = Pattern.compile("\\*\\[\\$(\\d+), \\$(\\d+)]").matcher(t);
        assertTrue(m.matches(), t);
        long secs = Long.parseLong(m.group(1));
        assertTrue(Math.abs(secs - System.currentTimeMillis() / 1000) <= 2, t);
        assertTrue(Long.parseLong(m.group(2)) < 1_000_000, t);
    }

    @Test
    void lastsaveIsAUnixTime() throws IOException {
        String r = c.call("lastsave");
        long t = Long.parseLong(r.substring(1));
        assertTrue(t > 1_600_000_000L && t <= System.currentTimeMillis() / 1000 + 1, r);
    }

    @Test
    void commandCountMatchesCommandAndListsSubcommands() throws IOException {
        int count = Integer.parseInt(c.call("command", "count").substring(1));
        assertTrue(count > 70, "count " + count);
        try (Jedis j = server.jedis()) {
            assertEquals(count, j.commandList().stream().filter(n -> !n.contains("|")).count());
            assertTrue(j.commandList().contains("client|kill"));
            assertEquals(List.of("client|getname", "client|setname"),
                    j.commandListFilterBy(redis.clients.jedis.params.CommandListFilterByParams.commandListFilterByParams()
                            .filterByPattern("client|?etname")).stream().sorted().toList());
        }
        String info = c.call("command", "info", "client");
        assertTrue(info.startsWith("*[*[$client, :-2, *[+loading, +stale], :0, :0, :0, *[+@slow, +@connection], "), info);
        assertTrue(info.contains("*[$client|kill, :-3, *[+admin, +loading, +stale], :0, :0, :0, "
                + "*[+@admin, +@slow, +@dangerous, +@connection], "), info);
        assertEquals("*[*[$config|get, :-3, *[+admin, +noscript, +loading, +stale], :0, :0, :0, "
                + "*[+@admin, +@slow, +@dangerous], *[], *[], *[]]]", c.call("command", "info", "config|get"));
        assertEquals("*[$get, *[$summary, $The Redis 7.0 GET command, $since, $1.0.0, $group, $string]]",
                c.call("command", "docs", "get"));
        String shutdown = c.call("command", "info", "shutdown");
        assertTrue(shutdown.contains("+no_multi"), shutdown);
    }

    @Test
    void slowlogRecordsSlowCommands() throws IOException {
        assertEquals("+OK", c.call("slowlog", "reset"));
        assertEquals("+OK", c.call("config", "set", "slowlog-log-slower-than", "0"));
        try {
            assertEquals("+OK", c.call("client", "setname", "slow"));
            assertEquals("+OK", c.call("set", "k", "x".repeat(200)));
        } finally {
            assertEquals("+OK", c.call("config", "set", "slowlog-log-slower-than", "10000"));
        }
        String entries = c.call("slowlog", "get", "2");
        Pattern entry = Pattern.compile("\\*\\[\\*\\[:(\\d+), :(\\d+), :(\\d+), \\*\\[\\$set, \\$k, \\$(x+)\\.\\.\\. \\(72 more "
                + "bytes\\)], \\$127\\.0\\.0\\.1:\\d+, \\$slow], \\*\\[:\\d+, :\\d+, :\\d+, \\*\\[\\$client, \\$setname, \\$slow], .*");
        Matcher m = entry.matcher(entries);
        assertTrue(m.matches(), entries);
        assertEquals(128, m.group(4).length());
        assertTrue(Long.parseLong(c.call("slowlog", "len").substring(1)) >= 2);
        assertEquals("+OK", c.call("slowlog", "reset"));
        assertEquals("*[]", c.call("slowlog", "get", "0"));
    }

    @Test
    void slowlogOfAPipelineLogsTheSlowCommandAndEveryCommandAtThresholdZero() throws IOException {
        try (Jedis j = new Jedis("127.0.0.1", server.port())) {
            // warm: a first run of cold code can take milliseconds
            redis.clients.jedis.Pipeline p = j.pipelined();
            for (int i = 0; i < 40; i++) {
                p.incr("warm");
            }
            p.sync();
            assertEquals("+OK", c.call("slowlog", "reset"));
            assertEquals("+OK", c.call("config", "set", "slowlog-log-slower-than", "100000"));
            // more fast commands in a row than are left untimed, a slow one among them, and a fast one last
            p = j.pipelined();
            for (int i = 0; i < 40; i++) {
                p.incr("n");
            }
            p.sendCommand((redis.clients.jedis.commands.ProtocolCommand) () -> "DEBUG".getBytes(), "sleep", "0.15");
            p.incr("n");
            List<Object> replies = p.syncAndReturnAll();
            assertEquals(42, replies.size());
            assertEquals(41L, replies.get(41));
            List<Object> log = j.slowlogGetBinary();
            assertEquals(1, log.size(), log.toString());
            List<?> entry = (List<?>) log.get(0);
            assertTrue((Long) entry.get(2) >= 150_000, entry.toString());
            assertEquals("[DEBUG, sleep, 0.15]", ((List<?>) entry.get(3)).stream()
                    .map(b -> new String((byte[]) b)).toList().toString());

            assertEquals("+OK", c.call("slowlog", "reset"));
            assertEquals("+OK", c.call("config", "set", "slowlog-log-slower-than", "0"));
            p = j.pipelined();
            for (int i = 0; i < 40; i++) {
                p.incr("n");
            }
            p.syncAndReturnAll();
            assertEquals("+OK", c.call("config", "set", "slowlog-log-slower-than", "100000"));
            // the 40 INCRs and the CONFIG SET that ended it, each timed on its own
            assertEquals(":41", c.call("slowlog", "len"));
        } finally {
            assertEquals("+OK", c.call("config", "set", "slowlog-log-slower-than", "10000"));
        }
    }

    @Test
    void debugDigestDependsOnContentOnly() throws IOException {
        assertEquals("+" + "0".repeat(40), c.call("debug", "digest"));
        assertEquals("+OK", c.call("mset", "a", "1", "b", "2"));
        String d1 = c.call("debug", "digest");
        assertTrue(d1.matches("\\+[0-9a-f]{40}"), d1);
        assertNotEquals("+" + "0".repeat(40), d1);
        assertEquals("+OK", c.call("set", "a", "changed"));
        assertNotEquals(d1, c.call("debug", "digest"));
        assertEquals("+OK", c.call("set", "a", "1"));
        assertEquals(d1, c.call("debug", "digest"));
        String values = c.call("debug", "digest-value", "a", "nokey");
        assertTrue(values.matches("\\*\\[\\+[0-9a-f]{40}, \\+0{40}]"), values);
    }

    @Test
    void redisCliWorksForCommonAdminTasks() {
        assertEquals("OK", server.cli("set", "cli", "1"));
        assertEquals("2", server.cli("incr", "cli"));
        assertEquals("1", server.cli("dbsize"));
        assertTrue(server.cli("info", "server").contains("redis_version:7.0.15"));
        assertEquals("maxmemory\n0", server.cli("config", "get", "maxmemory"));
        assertTrue(server.cli("--no-raw", "command", "count").startsWith("(integer) "));
        assertEquals("OK", server.cli("flushall"));
        // pipe mode (redis-cli --pipe) streams raw commands and checks the replies it gets
        String piped = server.cliWithInput("SET p1 a\r\nSET p2 b\r\n", "--pipe");
        assertTrue(piped.contains("errors: 0, replies: 2"), piped);
        assertEquals("2", server.cli("dbsize"));
    }
}
