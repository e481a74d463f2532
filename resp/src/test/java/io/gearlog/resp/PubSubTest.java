package io.gearlog.resp;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pub/Sub in RESP2 (arrays, subscribed-context rules) and RESP3 (push messages), raw and through clients. */
class PubSubTest extends ServerTestBase {

    @Test
    void subscribePublishResp2() throws IOException {
        try (RawConnection s = connection()) {
            assertEquals("*[$subscribe, $ch1, :1]", s.call("subscribe", "ch1", "ch2"));
            assertEquals("*[$subscribe, $ch2, :2]", s.reply());
            assertEquals(":1", c.call("publish", "ch1", "hello"));
            assertEquals("*[$message, $ch1, $hello]", s.reply());
            assertEquals(":0", c.call("publish", "nobody", "x"));
            assertEquals("*[$ch1, :1, $ch2, :1, $ch3, :0]", c.call("pubsub", "numsub", "ch1", "ch2", "ch3"));
            assertUnordered("*[$ch1, $ch2]", c.call("pubsub", "channels"));
            assertEquals("*[$ch1]", c.call("pubsub", "channels", "ch1*"));
            assertEquals(":0", c.call("pubsub", "numpat"));
            assertEquals("*[$pong, $]", s.call("ping"));
            assertEquals("*[$pong, $hi]", s.call("ping", "hi"));
            assertEquals("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", s.call("get", "k"));
            assertEquals("-ERR wrong number of arguments for 'client|id' command", s.call("client", "id", "x"));
            assertEquals("*[$unsubscribe, $ch1, :1]", s.call("unsubscribe", "ch1"));
            assertEquals("*[$unsubscribe, $ch2, :0]", s.call("unsubscribe"));
            assertEquals("$-1", s.call("get", "k"));
        }
    }

    @Test
    void psubscribeResp2() throws IOException {
        try (RawConnection s = connection()) {
            assertEquals("*[$psubscribe, $news.*, :1]", s.call("psubscribe", "news.*", "a?"));
            assertEquals("*[$psubscribe, $a?, :2]", s.reply());
            assertEquals(":1", c.call("publish", "news.art", "x"));
            assertEquals("*[$pmessage, $news.*, $news.art, $x]", s.reply());
            assertEquals(":1", c.call("publish", "ab", "y"));
            assertEquals("*[$pmessage, $a?, $ab, $y]", s.reply());
            assertEquals(":2", c.call("pubsub", "numpat"));
            assertEquals("*[$punsubscribe, $news.*, :1]", s.call("punsubscribe", "news.*"));
            assertEquals("*[$punsubscribe, $a?, :0]", s.call("punsubscribe"));
            assertEquals("*[$punsubscribe, $-1, :0]", s.call("punsubscribe"));
        }
    }

    @Test
    void patternAndChannelBothMatch() throws IOException {
        try (RawConnection s = connection()) {
            assertEquals("*[$subscribe, $news.art, :1]", s.call("subscribe", "news.art"));
            assertEquals("*[$psubscribe, $news.*, :2]", s.call("psubscribe", "news.*"));
            assertEquals(":2", c.call("publish", "news.art", "z"));
            assertEquals("*[$message, $news.art, $z]", s.reply());
            assertEquals("*[$pmessage, $news.*, $news.art, $z]", s.reply());
            assertEquals("*[$unsubscribe, $news.art, :1]", s.call("unsubscribe"));
            assertEquals("*[$unsubscribe, $-1, :1]", s.call("unsubscribe"));
        }
    }

    @Test
    void subscribeResp3Push() throws IOException {
        try (RawConnection s = connection()) {
            assertTrue(s.call("hello", "3").startsWith("%[$server, $redis, $version, $7.0.15, $proto, :3, $id, :"));
            assertEquals(">[$subscribe, $ch, :1]", s.call("subscribe", "ch"));
            assertEquals(":1", c.call("publish", "ch", "hi"));
            assertEquals(">[$message, $ch, $hi]", s.reply());
            assertEquals("_", s.call("get", "k"));
            assertEquals("+PONG", s.call("ping"));
            assertEquals(">[$psubscribe, $p*, :2]", s.call("psubscribe", "p*"));
            assertEquals(":1", c.call("publish", "px", "m"));
            assertEquals(">[$pmessage, $p*, $px, $m]", s.reply());
            assertEquals(">[$punsubscribe, $p*, :1]", s.call("punsubscribe"));
            assertEquals(">[$unsubscribe, $ch, :0]", s.call("unsubscribe"));
            assertEquals(">[$unsubscribe, _, :0]", s.call("unsubscribe"));
            assertTrue(c.call("hello", "3").startsWith("%[$server, $redis, $version, $7.0.15, $proto, :3, $id, :"));
            assertEquals("*[$ch, :0]", c.call("pubsub", "numsub", "ch"));
        }
    }

    @Test
    void pubsubErrors() throws IOException {
        try (RawConnection s = connection()) {
            assertEquals("-ERR wrong number of arguments for 'pubsub' command", c.call("pubsub"));
            assertEquals("-ERR unknown subcommand 'foo'. Try PUBSUB HELP.", c.call("pubsub", "foo"));
            assertEquals("-ERR wrong number of arguments for 'pubsub|numpat' command", c.call("pubsub", "numpat", "x"));
            assertEquals("-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.", c.call("pubsub", "channels", "a", "b"));
            assertEquals("-ERR wrong number of arguments for 'subscribe' command", c.call("subscribe"));
            assertEquals("-ERR wrong number of arguments for 'psubscribe' command", c.call("psubscribe"));
            assertEquals("-ERR wrong number of arguments for 'publish' command", c.call("publish", "ch"));
        }
    }

    @Test
    void jedisSubscriberReceivesChannelAndPatternMessages() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                got.add(channel + "=" + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                got.add(pattern + ":" + channel + "=" + message);
                if (message.equals("stop")) {
                    punsubscribe();
                    unsubscribe();
                }
            }
        };
        Thread t = new Thread(() -> {
            try (Jedis j = server.jedis()) {
                j.subscribe(listener, "jc");
            }
        });
        t.start();
        await().atMost(Duration.ofSeconds(10)).until(listener::isSubscribed);
        listener.psubscribe("j*");
        try (Jedis pub = server.jedis()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> pub.pubsubNumPat() == 1);
            assertEquals(2, pub.publish("jc", "one"));
            assertEquals(1, pub.publish("jx", "stop"));
        }
        t.join(10_000);
        assertEquals(List.of("jc=one", "j*:jc=one", "j*:jx=stop"), got);
    }

    @Test
    void lettuceResp3SubscriberGetsPushMessages() {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub()) {
            List<String> got = new CopyOnWriteArrayList<>();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    got.add(channel + "=" + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    got.add(pattern + ":" + channel + "=" + message);
                }
            });
            sub.sync().subscribe("lc");
            sub.sync().psubscribe("l?");
            // RESP3 allows ordinary commands on a subscribed connection
            assertEquals("PONG", sub.sync().ping());
            assertEquals(null, sub.sync().get("nokey"));
            try (var pub = client.connect()) {
                assertEquals(2L, pub.sync().publish("lc", "hi"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
            assertEquals(List.of("lc=hi", "l?:lc=hi"), got);
        } finally {
            client.shutdown();
        }
    }
}
