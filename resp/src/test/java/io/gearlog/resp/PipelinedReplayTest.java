package io.gearlog.resp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random pipelines of every data type's commands (the generators of {@link RedisDifferentialTest}, blocking
 * commands and transactions included, plus SPOPs that take some members), each sent in one write so that its records share journal
 * documents, with SAVE and BGSAVE now and then in their middle. A restart from the newest snapshot, and one from the
 * journal alone, must reproduce DEBUG DIGEST. {@code -Dgearlog.replay.seed} and {@code -Dgearlog.replay.pipelines}
 * search further.
 */
class PipelinedReplayTest {
    private static final long SEED = Long.getLong("gearlog.replay.seed", 1);
    private static final int PIPELINES = Integer.getInteger("gearlog.replay.pipelines", 300);

    @TempDir
    Path dir;

    @Test
    void randomPipelinesWithSnapshotsInTheirMiddleRestartToTheSameDigest() throws Exception {
        List<Function<RedisDifferentialTest.Gen, List<String>>> all = new ArrayList<>();
        for (List<Function<RedisDifferentialTest.Gen, List<String>>> family : List.of(RedisDifferentialTest.STRINGS,
                RedisDifferentialTest.KEYSPACE, RedisDifferentialTest.TRANSACTIONS, RedisDifferentialTest.LISTS,
                RedisDifferentialTest.HASHES, RedisDifferentialTest.SETS, RedisDifferentialTest.ZSETS,
                RedisDifferentialTest.STREAMS)) {
            all.addAll(family);
        }
        // pops that take some members, not all: which ones comes from the record's seed, which replay must reproduce
        for (int i = 0; i < 4; i++) {
            all.add(g -> List.of("SADD", g.key(), "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8"));
            all.add(g -> List.of("SPOP", g.key()));
            all.add(g -> List.of("SPOP", g.key(), g.pick("1", "2", "3")));
        }
        SplittableRandom random = new SplittableRandom(SEED);
        RedisDifferentialTest.Gen gen = new RedisDifferentialTest.Gen(random);
        String digest;
        int snapshots = 0;
        try (TestServer s = TestServer.start(dir, "--save", "");
             RawConnection c = new RawConnection(s.port());
             RawConnection admin = new RawConnection(s.port())) {
            for (int p = 0; p < PIPELINES; p++) {
                ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
                int commands = 1 + random.nextInt(30);
                int replies = 0;
                for (int i = 0; i < commands; i++) {
                    pipeline.writeBytes(RawConnection.encode(all.get(random.nextInt(all.size())).apply(gen)
                            .toArray(new String[0])));
                    replies++;
                    if (random.nextInt(10) == 0) {
                        // a whole transaction of pops (the random stream's MULTIs mostly end in EXECABORT)
                        String key = gen.key();
                        for (String[] queued : List.of(new String[]{"MULTI"}, new String[]{"SPOP", key},
                                new String[]{"SADD", key, "t1", "t2", "t3"}, new String[]{"SPOP", key, "2"},
                                new String[]{"EXEC"})) {
                            pipeline.writeBytes(RawConnection.encode(queued));
                            replies++;
                        }
                    }
                    if (random.nextInt(100) == 0) {
                        // BGSAVE may answer "already in progress" (or be queued in an open MULTI): either is fine
                        pipeline.writeBytes(RawConnection.encode(random.nextBoolean() ? "SAVE" : "BGSAVE"));
                        replies++;
                        snapshots++;
                    }
                }
                c.send(pipeline.toByteArray());
                for (int i = 0; i < replies; i++) {
                    c.reply();
                }
            }
            c.call("DISCARD");
            await().atMost(Duration.ofSeconds(30)).until(() -> "0".equals(info(admin, "rdb_bgsave_in_progress")));
            digest = admin.call("DEBUG", "DIGEST");
            assertNotEquals("+" + "0".repeat(40), digest);
        }
        assertTrue(snapshots > 0, "no pipeline took a snapshot");
        try (TestServer s = TestServer.start(dir, "--save", ""); RawConnection admin = new RawConnection(s.port())) {
            assertEquals(digest, admin.call("DEBUG", "DIGEST"), "restart from the newest snapshot (seed " + SEED + ")");
            assertNotEquals("none", info(admin, "recovery_snapshot"));
        }
        for (String name : RecoveryFiles.snapshotNames(dir)) {
            Files.delete(dir.resolve("snapshots").resolve(name));
        }
        try (TestServer s = TestServer.start(dir, "--save", ""); RawConnection admin = new RawConnection(s.port())) {
            assertEquals(digest, admin.call("DEBUG", "DIGEST"), "restart from the journal alone (seed " + SEED + ")");
            assertEquals("none", info(admin, "recovery_snapshot"));
        }
    }

    /** One field of INFO persistence. */
    private static String info(RawConnection c, String field) throws Exception {
        String text = c.call("INFO", "persistence");
        for (String line : text.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new AssertionError(field + " not in " + text);
    }
}
