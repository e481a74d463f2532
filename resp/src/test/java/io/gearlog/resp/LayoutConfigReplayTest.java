package io.gearlog.resp;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CONFIG SET of layout settings (encodings, stream nodes) is journaled: after a restart, values written before
 * and after the change come back laid out as they were, and the startup options apply from then on.
 */
class LayoutConfigReplayTest {
    @Test
    void layoutSettingsChangedAtRuntimeAreReplayedAtTheSamePoint() throws Exception {
        Path dir = Files.createTempDirectory("gearlog-layout");
        String digest;
        List<String> smallOrder;
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            j.hset("before", "b", "1");
            j.hset("before", "a", "2");
            assertEquals("OK", j.configSet("hash-max-listpack-entries", "1"));
            j.hset("after", "b", "1");
            j.hset("after", "a", "2");
            j.hset("after", "c", "3");
            assertEquals("listpack", j.objectEncoding("before"));
            assertEquals("hashtable", j.objectEncoding("after"));
            smallOrder = j.hkeys("before").stream().toList();
            digest = s.cli("debug", "digest");
        }
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            assertEquals(digest, s.cli("debug", "digest"));
            assertEquals("listpack", j.objectEncoding("before"));
            assertEquals("hashtable", j.objectEncoding("after"));
            assertEquals(smallOrder, j.hkeys("before").stream().toList());
            // the start's own settings apply to new writes
            assertEquals(List.of("hash-max-listpack-entries", "512"), j.configGet("hash-max-listpack-entries").entrySet()
                    .stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toList());
            j.hset("fresh", "x", "1");
            j.hset("fresh", "y", "2");
            assertEquals("listpack", j.objectEncoding("fresh"));
        }
        try (TestServer s = TestServer.start(dir); Jedis j = s.jedis()) {
            assertEquals("listpack", j.objectEncoding("fresh"));
            assertEquals("hashtable", j.objectEncoding("after"));
        } finally {
            TestServer.deleteTree(dir);
        }
    }
}
