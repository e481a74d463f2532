package io.gearlog.resp;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Sends the same random command sequences to Gearlog and to redis-server 7.0 (the Debian package, started here on
 * loopback) and requires the same replies, RESP type and error text included. The sequences use a few keys so that
 * types collide (WRONGTYPE), and arguments full of edge cases: negative and out-of-range indexes, non-numbers, huge
 * integers, inf and nan, bad stream ids, unknown options. Replies whose order or content Redis leaves open (set
 * members, random picks, SCAN cursors, TTLs, auto-generated stream ids) are compared in a canonical form. A failure
 * prints the seed and the commands that led to the difference.
 */
class RedisDifferentialTest {
    private static final List<String> KEYS = List.of("k1", "k2", "k3", "{k}4");
    /** Sequences per test; {@code -Dgearlog.diff.sequences=5000} searches further. */
    private static final int SEQUENCES = Integer.getInteger("gearlog.diff.sequences", 150);
    /** Added to every seed, so that a longer search can cover other sequences than the default run. */
    private static final long SEED_OFFSET = Long.getLong("gearlog.diff.seed", 0);
    private static final int MAX_LENGTH = 30;

    static TestServer gearlog;
    static Process redis;
    static int redisPort;
    static Path redisDir;

    @BeforeAll
    static void start() throws Exception {
        String version;
        try {
            Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
            version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server is needed for this test (apt-get install redis-server)", e);
        }
        // the replies Gearlog promises are those of 7.0; another version is not a reference
        Assumptions.assumeTrue(version.contains("v=7.0."), "needs redis-server 7.0, found: " + version.trim());
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        redisDir = Files.createTempDirectory("gearlog-diff-redis");
        redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", redisDir.toString())
                .redirectErrorStream(true).redirectOutput(redisDir.resolve("log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (RawConnection c = new RawConnection(redisPort)) {
                if (c.call(List.of("PING")).equals("+PONG")) {
                    break;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !redis.isAlive()) {
                    throw new IllegalStateException("redis-server did not start: "
                            + Files.readString(redisDir.resolve("log")), e);
                }
                Thread.sleep(50);
            }
        }
        gearlog = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gearlog != null) {
            gearlog.close();
        }
        if (redis != null) {
            redis.destroy();
            redis.waitFor();
        }
        if (redisDir != null) {
            try (var files = Files.walk(redisDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void stringsAndKeys() throws IOException {
        compare(1, false, STRINGS, KEYSPACE);
    }

    @Test
    void lists() throws IOException {
        compare(2, false, LISTS, KEYSPACE);
    }

    @Test
    void hashesAndSets() throws IOException {
        compare(3, false, HASHES, SETS);
    }

    @Test
    void sortedSets() throws IOException {
        compare(4, false, ZSETS);
    }

    @Test
    void streams() throws IOException {
        compare(5, false, STREAMS);
    }

    @Test
    void everyTypeMixed() throws IOException {
        compare(6, false, STRINGS, KEYSPACE, LISTS, HASHES, SETS, ZSETS, STREAMS);
    }

    @Test
    void everyTypeMixedInResp3() throws IOException {
        compare(7, true, STRINGS, KEYSPACE, LISTS, HASHES, SETS, ZSETS, STREAMS);
    }

    @Test
    void transactions() throws IOException {
        compare(10, false, TRANSACTIONS, STRINGS, KEYSPACE, LISTS, HASHES, ZSETS, STREAMS);
    }

    /** Commands that block, end or change the connection, or read server-wide state that differs by nature. */
    private static final Set<String> NOT_RANDOMIZED = Set.of("shutdown", "quit", "subscribe", "psubscribe",
            "ssubscribe", "unsubscribe", "punsubscribe", "monitor", "sync", "psync", "debug", "blpop", "brpop",
            "blmove", "brpoplpush", "blmpop", "bzpopmin", "bzpopmax", "bzmpop", "xread", "xreadgroup", "client",
            "hello", "auth", "reset", "save", "bgsave", "bgrewriteaof", "failover", "replicaof", "slaveof", "wait",
            "multi", "exec", "discard", "watch", "unwatch", "select", "swapdb", "flushall", "flushdb", "config",
            "info", "time", "lastsave", "slowlog", "memory", "command", "lolwut", "role", "dbsize", "randomkey",
            "object", "module", "acl", "cluster", "latency", "readonly", "readwrite", "asking", "script", "eval",
            "evalsha", "function", "fcall", "pubsub", "publish", "echo", "ping");
    private static final List<String> ARGUMENTS = List.of("k1", "k2", "k3", "k4", "k5", "k6", "0", "1", "-1", "x", "",
            "a", "1.5", "NX", "XX", "COUNT", "*", "+", "-", "LIMIT", "BYSCORE", "WITHSCORES", "MATCH", "GET", "EX",
            "STREAMS", "$", ">");

    /**
     * Every data command Gearlog lists (RG.* aside) with zero to five arguments drawn from keys of every type and
     * option words: arity errors, syntax errors, WRONGTYPE and which of them wins must all be Redis' own.
     */
    @Test
    void everyCommandWithRandomArguments() throws IOException {
        try (RawConnection g = new RawConnection(gearlog.port()); RawConnection r = new RawConnection(redisPort)) {
            List<String> names = new ArrayList<>();
            for (String n : topLevelElements(g.call(List.of("COMMAND", "LIST")))) {
                String name = n.substring(1);
                if (!name.contains("|") && !name.startsWith("rg.") && !NOT_RANDOMIZED.contains(name)) {
                    names.add(name);
                }
            }
            names.sort(null);
            assertTrue(names.size() > 100, "COMMAND LIST gave " + names);
            SplittableRandom random = new SplittableRandom(8 + SEED_OFFSET);
            for (int i = 0; i < SEQUENCES * 10; i++) {
                List<String> cmd = new ArrayList<>();
                cmd.add(names.get(random.nextInt(names.size())).toUpperCase());
                int n = random.nextInt(6);
                for (int j = 0; j < n; j++) {
                    cmd.add(ARGUMENTS.get(random.nextInt(ARGUMENTS.size())));
                }
                for (RawConnection c : List.of(g, r)) {
                    c.call(List.of("FLUSHALL"));
                    c.call(List.of("RPUSH", "k1", "a", "b"));
                    c.call(List.of("SET", "k2", "5"));
                    c.call(List.of("HSET", "k3", "a", "1"));
                    c.call(List.of("ZADD", "k4", "1", "a", "2", "b"));
                    c.call(List.of("XADD", "k5", "1-1", "f", "v"));
                    c.call(List.of("SADD", "k6", "a", "1"));
                }
                String expected = canonical(cmd, r.call(cmd));
                String actual = canonical(cmd, g.call(cmd));
                if (!expected.equals(actual)) {
                    fail("call " + i + ": " + cmd + "\n  redis-server: " + expected + "\n  Gearlog:      " + actual);
                }
            }
        }
    }

    /**
     * The keyspace notifications of random sequences over every type, as a pattern subscriber sees them: which
     * events, on which keys, in which order. A message published after each sequence marks its end.
     */
    @Test
    void keyspaceNotifications() throws IOException {
        List<Function<Gen, List<String>>> all = new ArrayList<>();
        for (List<Function<Gen, List<String>>> f : List.of(STRINGS, KEYSPACE, LISTS, HASHES, SETS, ZSETS, STREAMS)) {
            all.addAll(f);
        }
        try (RawConnection g = new RawConnection(gearlog.port()); RawConnection r = new RawConnection(redisPort);
             RawConnection gs = new RawConnection(gearlog.port()); RawConnection rs = new RawConnection(redisPort)) {
            for (RawConnection c : List.of(g, r)) {
                c.call(List.of("CONFIG", "SET", "notify-keyspace-events", "KEA"));
            }
            for (RawConnection c : List.of(gs, rs)) {
                c.call(List.of("PSUBSCRIBE", "__key*__:*"));
            }
            try {
                for (int i = 0; i < SEQUENCES; i++) {
                    long s = (9 + SEED_OFFSET) * 1_000_000 + i;
                    Gen gen = new Gen(new SplittableRandom(s));
                    List<List<String>> seq = new ArrayList<>();
                    int n = 1 + gen.r.nextInt(10);
                    for (int j = 0; j < n; j++) {
                        seq.add(all.get(gen.r.nextInt(all.size())).apply(gen));
                    }
                    List<String> expected = notifications(r, rs, seq);
                    List<String> actual = notifications(g, gs, seq);
                    if (!expected.equals(actual)) {
                        fail("seed " + s + ": notifications differ for\n  " + seq + "\n  redis-server: " + expected
                                + "\n  Gearlog:      " + actual);
                    }
                }
            } finally {
                for (RawConnection c : List.of(g, r)) {
                    c.call(List.of("CONFIG", "SET", "notify-keyspace-events", ""));
                }
            }
        }
    }

    private static List<String> notifications(RawConnection c, RawConnection subscriber, List<List<String>> seq)
            throws IOException {
        c.call(List.of("FLUSHALL"));
        for (List<String> cmd : seq) {
            c.call(cmd);
        }
        c.call(List.of("PUBLISH", "__keyspace@0__:end-of-sequence", "end"));
        List<String> out = new ArrayList<>();
        while (true) {
            String m = subscriber.reply();
            if (m.contains("end-of-sequence")) {
                return out;
            }
            out.add(m);
        }
    }

    @SafeVarargs
    private static void compare(long seed, boolean resp3, List<Function<Gen, List<String>>>... families)
            throws IOException {
        List<Function<Gen, List<String>>> all = new ArrayList<>();
        for (List<Function<Gen, List<String>>> f : families) {
            all.addAll(f);
        }
        try (RawConnection g = new RawConnection(gearlog.port()); RawConnection r = new RawConnection(redisPort)) {
            if (resp3) {
                g.call(List.of("HELLO", "3"));
                r.call(List.of("HELLO", "3"));
            }
            for (int i = 0; i < SEQUENCES; i++) {
                long s = (seed + SEED_OFFSET) * 1_000_000 + i;
                Gen gen = new Gen(new SplittableRandom(s));
                for (RawConnection c : List.of(g, r)) {
                    // a sequence may have left a transaction open or keys watched
                    c.call(List.of("DISCARD"));
                    c.call(List.of("UNWATCH"));
                    c.call(List.of("FLUSHALL"));
                }
                int n = 1 + gen.r.nextInt(MAX_LENGTH);
                List<List<String>> done = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    List<String> cmd = all.get(gen.r.nextInt(all.size())).apply(gen);
                    String fromRedis = r.call(cmd);
                    String fromGearlog = g.call(cmd);
                    String expected = canonical(cmd, fromRedis);
                    String actual = canonical(cmd, fromGearlog);
                    if (!expected.equals(actual)) {
                        StringBuilder sb = new StringBuilder("seed " + s + (resp3 ? " (RESP3)" : "")
                                + ": replies differ at command " + j + "\n");
                        for (List<String> d : done) {
                            sb.append("  ").append(d).append('\n');
                        }
                        sb.append("> ").append(cmd).append("\n  redis-server: ").append(fromRedis)
                                .append("\n  Gearlog:      ").append(fromGearlog);
                        fail(sb.toString());
                    }
                    done.add(cmd);
                }
            }
        }
    }

    // ---- canonical forms of replies Redis leaves open ----

    private static final Set<String> UNORDERED = Set.of("SMEMBERS", "SINTER", "SUNION", "SDIFF", "KEYS", "HKEYS",
            "HVALS");
    private static final Set<String> RANDOM = Set.of("SPOP", "SRANDMEMBER", "HRANDFIELD", "ZRANDMEMBER");
    private static final Pattern STREAM_TIME_ID = Pattern.compile("1[6-9]\\d{11}-\\d+");

    static String canonical(List<String> cmd, String reply) {
        String name = cmd.get(0).toUpperCase();
        String rep = STREAM_TIME_ID.matcher(reply).replaceAll("<time-id>");
        char t = rep.charAt(0);
        if (t == '-') {
            return rep;
        }
        if ((name.equals("TTL") || name.equals("PTTL") || name.equals("EXPIRETIME")) && rep.matches(":[1-9]\\d*")) {
            return ":<positive>";
        }
        if (name.equals("OBJECT")) {
            return rep.startsWith("$-1") || rep.equals("_") ? rep : "$<encoding>";
        }
        if (name.endsWith("SCAN") && (t == '*')) {
            return "<scan reply>";
        }
        if (RANDOM.contains(name) && (t == '*' || t == '~' || t == '%')) {
            return t + "<" + topLevelCount(rep) + " elements>";
        }
        if (RANDOM.contains(name) && t == '$' && !rep.equals("$-1")) {
            return "$<member>";
        }
        if (name.equals("XINFO") && t == '*' && cmd.get(1).equalsIgnoreCase("STREAM")) {
            return "<stream info>";
        }
        if (UNORDERED.contains(name) && (t == '*' || t == '~')) {
            List<String> elements = topLevelElements(rep);
            elements.sort(null);
            return t + elements.toString();
        }
        if (name.equals("HGETALL") && (t == '*' || t == '%')) {
            List<String> e = topLevelElements(rep);
            List<String> pairs = new ArrayList<>();
            for (int i = 0; i + 1 < e.size(); i += 2) {
                pairs.add(e.get(i) + "=" + e.get(i + 1));
            }
            pairs.sort(null);
            return t + pairs.toString();
        }
        return rep;
    }

    // ---- the command generators ----

    /** Random choices for one sequence. Expiry times stay long (or are already past) so timing never decides. */
    static final class Gen {
        final SplittableRandom r;

        Gen(SplittableRandom r) {
            this.r = r;
        }

        String pick(String... options) {
            return options[r.nextInt(options.length)];
        }

        List<String> pickList(List<List<String>> options) {
            return options.get(r.nextInt(options.size()));
        }

        String key() {
            return KEYS.get(r.nextInt(KEYS.size()));
        }

        String integer() {
            return pick("0", "1", "-1", "2", "3", "10", "-5", "100", String.valueOf(r.nextInt(41) - 20),
                    "9223372036854775807", "-9223372036854775808", "1.5", "abc", "", " 1", "+1", "01", "1e3", "-0");
        }

        String seconds() {
            return pick("100", "300", "-1", "0", "abc", "", "1.5", "9223372036854775807");
        }

        String decimal() {
            return pick("0", "1", "-1", "1.5", "-2.25", "inf", "-inf", "+inf", "nan", "1e2", "abc", "", "3", "0.1",
                    "1e400", "-0", ".5", "5.");
        }

        String value() {
            return pick("a", "b", "c", "hello", "", "1", "2", "10", "-3", "xxxxx", "foo bar", "1.5", "z");
        }

        String index() {
            return pick("0", "1", "-1", "2", "-2", "5", "-100", "100", "x", "1.0");
        }

        String streamId() {
            return pick("0-1", "1-0", "1-1", "2-0", "5", "0-0", "*", "3-*", "abc", "1-", "-", "+",
                    "18446744073709551615-18446744073709551615", "$", ">");
        }

        String range() {
            return pick("-inf", "+inf", "(1", "1", "0", "(0", "2", "5", "[a", "(b", "-", "+", "x");
        }

        List<String> values(int max) {
            List<String> out = new ArrayList<>();
            int n = r.nextInt(max + 1);
            for (int i = 0; i < n; i++) {
                out.add(value());
            }
            return out;
        }

        List<String> pairs(int max, boolean numericFirst) {
            List<String> out = new ArrayList<>();
            int n = r.nextInt(max + 1);
            for (int i = 0; i < n; i++) {
                out.add(numericFirst ? decimal() : value());
                out.add(value());
            }
            return out;
        }
    }

    private static List<String> cmd(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof List<?> l) {
                for (Object o : l) {
                    out.add((String) o);
                }
            } else {
                out.add((String) p);
            }
        }
        return out;
    }

    private static List<String> opt(String... words) {
        return Arrays.asList(words);
    }

    private static final List<String> NONE = List.of();

    static final List<Function<Gen, List<String>>> STRINGS = List.of(
            g -> cmd("SET", g.key(), g.value(), g.pickList(List.of(NONE, opt("NX"), opt("XX"), opt("GET"),
                    opt("EX", g.seconds()), opt("PX", "200000"), opt("KEEPTTL"), opt("NX", "GET"),
                    opt("XX", "EX", "100"), opt("EX", "10", "PX", "10"), opt("BADOPT")))),
            g -> cmd("GET", g.key()),
            g -> cmd("GETDEL", g.key()),
            g -> cmd("GETEX", g.key(), g.pickList(List.of(NONE, opt("PERSIST"), opt("EX", g.seconds()),
                    opt("PX", "400000"), opt("EXAT", "1"), opt("FOO")))),
            g -> cmd("INCR", g.key()),
            g -> cmd("DECR", g.key()),
            g -> cmd("INCRBY", g.key(), g.integer()),
            g -> cmd("DECRBY", g.key(), g.integer()),
            g -> cmd("INCRBYFLOAT", g.key(), g.decimal()),
            g -> cmd("APPEND", g.key(), g.value()),
            g -> cmd("STRLEN", g.key()),
            g -> cmd("SETRANGE", g.key(), g.index(), g.value()),
            g -> cmd("GETRANGE", g.key(), g.index(), g.index()),
            g -> cmd("SUBSTR", g.key(), g.index(), g.index()),
            g -> cmd("MSET", g.pairs(3, false)),
            g -> cmd("MSETNX", g.pairs(3, false)),
            g -> cmd("MGET", g.key(), g.key()),
            g -> cmd("SETNX", g.key(), g.value()),
            g -> cmd("GETSET", g.key(), g.value()),
            g -> cmd("SETEX", g.key(), g.seconds(), g.value()),
            g -> cmd("PSETEX", g.key(), g.pick("200000", "-1", "0", "abc", ""), g.value()),
            g -> cmd("LCS", g.key(), g.key(), g.pickList(List.of(NONE, opt("LEN"), opt("IDX"),
                    opt("IDX", "MINMATCHLEN", "1"), opt("IDX", "WITHMATCHLEN"), opt("LEN", "IDX")))));

    static final List<Function<Gen, List<String>>> KEYSPACE = List.of(
            g -> cmd("DEL", g.key(), g.key()),
            g -> cmd("EXISTS", g.key(), g.key()),
            g -> cmd("TYPE", g.key()),
            g -> cmd("RENAME", g.key(), g.key()),
            g -> cmd("RENAMENX", g.key(), g.key()),
            g -> cmd("COPY", g.key(), g.key(), g.pickList(List.of(NONE, opt("REPLACE"), opt("DB", "1"),
                    opt("DB", "x")))),
            g -> cmd("EXPIRE", g.key(), g.seconds(), g.pickList(List.of(NONE, opt("NX"), opt("XX"), opt("GT"),
                    opt("LT"), opt("NX", "XX"), opt("FOO")))),
            g -> cmd("PEXPIRE", g.key(), g.pick("200000", "400000", "-1", "0"), g.pickList(List.of(NONE, opt("GT"),
                    opt("LT")))),
            g -> cmd("TTL", g.key()),
            g -> cmd("PTTL", g.key()),
            g -> cmd("PERSIST", g.key()),
            g -> cmd("EXPIRETIME", g.key()),
            g -> cmd("OBJECT", "ENCODING", g.key()),
            g -> cmd("TOUCH", g.key(), g.key()),
            g -> cmd("UNLINK", g.key()),
            g -> cmd("MOVE", g.key(), g.pick("1", "0", "16", "x")),
            g -> cmd("SWAPDB", "0", g.pick("1", "0", "16")),
            g -> cmd("DBSIZE"),
            g -> cmd("KEYS", g.pick("*", "k*", "?1", "[a-k]*", "\\{*")),
            g -> cmd("SCAN", g.pick("0", "x", "-1"), g.pickList(List.of(NONE, opt("MATCH", "k*"),
                    opt("COUNT", g.index()), opt("TYPE", g.pick("string", "list", "zset", "foo"))))));

    /** Listed twice where a sequence should meet them more often than one data command. */
    static final List<Function<Gen, List<String>>> TRANSACTIONS = List.of(
            g -> cmd("MULTI"),
            g -> cmd("MULTI"),
            g -> cmd("EXEC"),
            g -> cmd("EXEC"),
            g -> cmd("DISCARD"),
            g -> cmd("WATCH", g.key(), g.key()),
            g -> cmd("WATCH", g.key()),
            g -> cmd("UNWATCH"),
            g -> cmd("WATCH"),
            g -> cmd("GET"),
            g -> cmd("NOSUCHCOMMAND", g.key()),
            g -> cmd("XGROUP", "DESTROY", g.key()),
            g -> cmd("OBJECT", "NOPE", g.key()));

    static final List<Function<Gen, List<String>>> LISTS = List.of(
            g -> cmd("LPUSH", g.key(), g.values(3)),
            g -> cmd("RPUSH", g.key(), g.values(3)),
            g -> cmd("LPUSHX", g.key(), g.value()),
            g -> cmd("RPUSHX", g.key(), g.value()),
            g -> cmd("LPOP", g.key(), g.pickList(List.of(NONE, opt(g.index())))),
            g -> cmd("RPOP", g.key(), g.pickList(List.of(NONE, opt(g.index())))),
            g -> cmd("LRANGE", g.key(), g.index(), g.index()),
            g -> cmd("LLEN", g.key()),
            g -> cmd("LINDEX", g.key(), g.index()),
            g -> cmd("LSET", g.key(), g.index(), g.value()),
            g -> cmd("LREM", g.key(), g.index(), g.value()),
            g -> cmd("LTRIM", g.key(), g.index(), g.index()),
            g -> cmd("LINSERT", g.key(), g.pick("BEFORE", "AFTER", "X"), g.value(), g.value()),
            g -> cmd("LPOS", g.key(), g.value(), g.pickList(List.of(NONE, opt("RANK", g.index()),
                    opt("COUNT", g.index()), opt("MAXLEN", g.index()), opt("RANK", "0")))),
            g -> cmd("LMOVE", g.key(), g.key(), g.pick("LEFT", "RIGHT", "UP"), g.pick("LEFT", "RIGHT")),
            g -> cmd("RPOPLPUSH", g.key(), g.key()),
            g -> cmd("LMPOP", g.pick("1", "2", "0", "x"), g.key(), g.key(), g.pick("LEFT", "RIGHT", "X"),
                    g.pickList(List.of(NONE, opt("COUNT", g.index())))),
            g -> cmd("BLPOP", g.key(), g.key(), g.pick("0.01", "-1", "x")),
            g -> cmd("BLMOVE", g.key(), g.key(), "LEFT", "RIGHT", g.pick("0.01", "x")));

    static final List<Function<Gen, List<String>>> HASHES = List.of(
            g -> cmd("HSET", g.key(), g.pairs(2, false)),
            g -> cmd("HSETNX", g.key(), g.value(), g.value()),
            g -> cmd("HGET", g.key(), g.value()),
            g -> cmd("HMGET", g.key(), g.value(), g.value()),
            g -> cmd("HDEL", g.key(), g.value(), g.value()),
            g -> cmd("HLEN", g.key()),
            g -> cmd("HEXISTS", g.key(), g.value()),
            g -> cmd("HINCRBY", g.key(), g.value(), g.integer()),
            g -> cmd("HINCRBYFLOAT", g.key(), g.value(), g.decimal()),
            g -> cmd("HSTRLEN", g.key(), g.value()),
            g -> cmd("HGETALL", g.key()),
            g -> cmd("HKEYS", g.key()),
            g -> cmd("HVALS", g.key()),
            g -> cmd("HMSET", g.key(), g.value(), g.value()),
            g -> cmd("HRANDFIELD", g.key(), g.pickList(List.of(NONE, opt(g.index()), opt(g.index(), "WITHVALUES")))),
            g -> cmd("HSCAN", g.key(), g.pick("0", "x"), g.pickList(List.of(NONE, opt("MATCH", "*"),
                    opt("COUNT", g.index())))));

    static final List<Function<Gen, List<String>>> SETS = List.of(
            g -> cmd("SADD", g.key(), g.values(3)),
            g -> cmd("SREM", g.key(), g.value(), g.value()),
            g -> cmd("SMEMBERS", g.key()),
            g -> cmd("SISMEMBER", g.key(), g.value()),
            g -> cmd("SMISMEMBER", g.key(), g.value(), g.value()),
            g -> cmd("SCARD", g.key()),
            g -> cmd("SINTER", g.key(), g.key()),
            g -> cmd("SUNION", g.key(), g.key()),
            g -> cmd("SDIFF", g.key(), g.key()),
            g -> cmd("SINTERSTORE", g.key(), g.key(), g.key()),
            g -> cmd("SUNIONSTORE", g.key(), g.key(), g.key()),
            g -> cmd("SDIFFSTORE", g.key(), g.key(), g.key()),
            g -> cmd("SINTERCARD", g.pick("1", "2", "0", "3"), g.key(), g.key(),
                    g.pickList(List.of(NONE, opt("LIMIT", g.index())))),
            g -> cmd("SMOVE", g.key(), g.key(), g.value()),
            // only pops that take every member (or fail): which members a smaller pop takes is random
            g -> cmd("SPOP", g.key(), g.pick("100", "0", "-1", "x")),
            g -> cmd("SRANDMEMBER", g.key(), g.pickList(List.of(NONE, opt(g.index())))),
            g -> cmd("SSCAN", g.key(), g.pick("0", "x"), g.pickList(List.of(NONE, opt("COUNT", g.index())))));

    static final List<Function<Gen, List<String>>> ZSETS = List.of(
            g -> cmd("ZADD", g.key(), g.pickList(List.of(NONE, opt("NX"), opt("XX"), opt("GT"), opt("LT"),
                    opt("CH"), opt("INCR"), opt("NX", "GT"), opt("XX", "CH"), opt("GT", "LT"))), g.pairs(2, true)),
            g -> cmd("ZINCRBY", g.key(), g.decimal(), g.value()),
            g -> cmd("ZSCORE", g.key(), g.value()),
            g -> cmd("ZMSCORE", g.key(), g.value(), g.value()),
            g -> cmd("ZRANK", g.key(), g.value()),
            g -> cmd("ZREVRANK", g.key(), g.value()),
            g -> cmd("ZCARD", g.key()),
            g -> cmd("ZREM", g.key(), g.value()),
            g -> cmd("ZRANGE", g.key(), g.range(), g.range(), g.pickList(List.of(NONE, opt("WITHSCORES"),
                    opt("BYSCORE"), opt("BYLEX"), opt("REV"), opt("BYSCORE", "LIMIT", "0", "2"), opt("LIMIT", "0", "1"),
                    opt("BYSCORE", "REV", "WITHSCORES")))),
            g -> cmd("ZRANGEBYSCORE", g.key(), g.range(), g.range(), g.pickList(List.of(NONE, opt("WITHSCORES"),
                    opt("LIMIT", g.index(), g.index())))),
            g -> cmd("ZREVRANGEBYSCORE", g.key(), g.range(), g.range()),
            g -> cmd("ZRANGEBYLEX", g.key(), g.range(), g.range()),
            g -> cmd("ZREVRANGEBYLEX", g.key(), g.range(), g.range()),
            g -> cmd("ZREVRANGE", g.key(), g.index(), g.index(), g.pickList(List.of(NONE, opt("WITHSCORES")))),
            g -> cmd("ZCOUNT", g.key(), g.range(), g.range()),
            g -> cmd("ZLEXCOUNT", g.key(), g.range(), g.range()),
            g -> cmd("ZREMRANGEBYRANK", g.key(), g.index(), g.index()),
            g -> cmd("ZREMRANGEBYSCORE", g.key(), g.range(), g.range()),
            g -> cmd("ZREMRANGEBYLEX", g.key(), g.range(), g.range()),
            g -> cmd("ZPOPMIN", g.key(), g.pickList(List.of(NONE, opt(g.index())))),
            g -> cmd("ZPOPMAX", g.key(), g.pickList(List.of(NONE, opt(g.index())))),
            g -> cmd("ZUNIONSTORE", g.key(), g.pick("1", "2", "0"), g.key(), g.key(), g.pickList(List.of(NONE,
                    opt("WEIGHTS", "2", "3"), opt("AGGREGATE", "MAX"), opt("AGGREGATE", "X")))),
            g -> cmd("ZUNION", g.pick("1", "2", "0", "-1"), g.key(), g.key(), g.pickList(List.of(NONE,
                    opt("WITHSCORES"), opt("WEIGHTS", "1", "x"), opt("AGGREGATE", "MIN", "WITHSCORES")))),
            g -> cmd("ZINTER", g.pick("1", "2"), g.key(), g.key(), g.pickList(List.of(NONE, opt("WITHSCORES")))),
            g -> cmd("ZINTERSTORE", g.key(), "2", g.key(), g.key()),
            g -> cmd("ZINTERCARD", g.pick("1", "2", "0"), g.key(), g.key(),
                    g.pickList(List.of(NONE, opt("LIMIT", g.index())))),
            g -> cmd("ZDIFF", g.pick("1", "2"), g.key(), g.key(), g.pickList(List.of(NONE, opt("WITHSCORES")))),
            g -> cmd("ZDIFFSTORE", g.key(), "2", g.key(), g.key()),
            g -> cmd("ZRANGESTORE", g.key(), g.key(), g.index(), g.index()),
            g -> cmd("ZMPOP", g.pick("1", "2"), g.key(), g.key(), g.pick("MIN", "MAX", "X"),
                    g.pickList(List.of(NONE, opt("COUNT", g.index())))),
            g -> cmd("ZRANDMEMBER", g.key(), g.pickList(List.of(NONE, opt(g.index()), opt(g.index(), "WITHSCORES")))),
            g -> cmd("BZPOPMIN", g.key(), g.pick("0.01", "-1", "x")),
            g -> cmd("ZSCAN", g.key(), g.pick("0", "x"), g.pickList(List.of(NONE, opt("COUNT", g.index())))));

    static final List<Function<Gen, List<String>>> STREAMS = List.of(
            g -> cmd("XADD", g.key(), g.pickList(List.of(NONE, opt("NOMKSTREAM"), opt("MAXLEN", "2"),
                    opt("MAXLEN", "~", "2"), opt("MINID", "1"))), g.streamId(), g.pairs(2, false)),
            g -> cmd("XLEN", g.key()),
            g -> cmd("XRANGE", g.key(), g.streamId(), g.streamId(), g.pickList(List.of(NONE, opt("COUNT", g.index())))),
            g -> cmd("XREVRANGE", g.key(), g.streamId(), g.streamId()),
            g -> cmd("XDEL", g.key(), g.streamId()),
            g -> cmd("XTRIM", g.key(), "MAXLEN", g.index()),
            g -> cmd("XREAD", "COUNT", "2", "STREAMS", g.key(), g.streamId()),
            g -> cmd("XGROUP", "CREATE", g.key(), "g", g.streamId(), g.pickList(List.of(NONE, opt("MKSTREAM")))),
            g -> cmd("XGROUP", g.pick("SETID", "DESTROY", "CREATECONSUMER", "DELCONSUMER"), g.key(), "g",
                    g.pickList(List.of(opt(g.streamId()), opt("c"), NONE))),
            g -> cmd("XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "STREAMS", g.key(), g.streamId()),
            g -> cmd("XACK", g.key(), "g", g.streamId()),
            g -> cmd("XPENDING", g.key(), "g"),
            g -> cmd("XPENDING", g.key(), "g", "-", "+", g.index(), g.pickList(List.of(NONE, opt("c")))),
            g -> cmd("XCLAIM", g.key(), "g", "c", "0", g.streamId(), g.pickList(List.of(NONE, opt("JUSTID"),
                    opt("FORCE"), opt("RETRYCOUNT", "x")))),
            g -> cmd("XAUTOCLAIM", g.key(), "g", "c", "0", g.streamId(), g.pickList(List.of(NONE,
                    opt("COUNT", g.index()), opt("JUSTID")))),
            g -> cmd("XSETID", g.key(), g.streamId()),
            g -> cmd("XINFO", "STREAM", g.key()),
            g -> cmd("XINFO", "GROUPS", g.key()));

    /** The top-level elements of a rendered aggregate reply, split at its own commas only. */
    static List<String> topLevelElements(String rendered) {
        List<String> out = new ArrayList<>();
        String body = rendered.substring(2, rendered.length() - 1);
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (depth == 0 && c == ',' && i + 1 < body.length() && body.charAt(i + 1) == ' ') {
                out.add(body.substring(start, i));
                start = i + 2;
            }
        }
        if (!body.isEmpty()) {
            out.add(body.substring(start));
        }
        return out;
    }

    static int topLevelCount(String rendered) {
        return rendered.length() <= 3 ? 0 : topLevelElements(rendered).size();
    }
}
