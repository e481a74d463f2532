package io.gearlog.resp;

import org.awaitility.Awaitility;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records keyspace events of db 0 ({@code __keyevent@0__:*}) through a second Jedis connection, as "event key"
 * strings. {@link #drain} ends a batch with a marker command, waits for its event and returns everything before
 * it, so a test sees exactly the events its commands caused, no more and no fewer. The subscriber thread appends
 * to the (concurrent) event list; the test thread reads and clears it.
 */
final class KeyEvents implements AutoCloseable {
    private static final String MARKER_KEY = "__events_marker__";

    private final Jedis subscriber;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final JedisPubSub pubsub = new JedisPubSub() {
        @Override
        public void onPMessage(String pattern, String channel, String message) {
            events.add(channel.substring(channel.indexOf(':') + 1) + " " + message);
        }
    };
    private final Thread thread;

    KeyEvents(TestServer server) {
        subscriber = server.jedis();
        thread = new Thread(() -> subscriber.psubscribe(pubsub, "__keyevent@0__:*"), "key-events");
        thread.setDaemon(true);
        thread.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pubsub.isSubscribed());
    }

    /** Runs a marker command on {@code j}, waits for its event and returns (and forgets) the events before it. */
    List<String> drain(Jedis j) {
        j.set(MARKER_KEY, "x");
        String marker = "set " + MARKER_KEY;
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.contains(marker));
        List<String> out = new ArrayList<>(events.subList(0, events.indexOf(marker)));
        events.clear();
        j.del(MARKER_KEY);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("del " + MARKER_KEY));
        events.clear();
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        pubsub.punsubscribe();
        thread.join(10_000);
        subscriber.close();
    }
}
