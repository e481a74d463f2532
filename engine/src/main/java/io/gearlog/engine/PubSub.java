package io.gearlog.engine;

import io.gearlog.engine.keyspace.EventClass;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.keyspace.KeyspaceEventListener;
import io.gearlog.engine.reply.ReplyBuffer;
import io.gearlog.engine.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Channels, patterns and their subscribers; turns keyspace events into {@code __keyspace@N__} and
 * {@code __keyevent@N__} messages according to {@code notify-keyspace-events}. Engine thread only.
 */
public final class PubSub implements KeyspaceEventListener {
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PMESSAGE = "pmessage".getBytes(StandardCharsets.US_ASCII);

    private final Engine engine;
    private final Map<Key, Set<Client>> channels = new LinkedHashMap<>();
    private final Map<Key, Set<Client>> patterns = new LinkedHashMap<>();

    PubSub(Engine engine) {
        this.engine = engine;
    }

    public boolean subscribe(Client c, Key channel) {
        if (!c.channels.add(channel)) {
            return false;
        }
        channels.computeIfAbsent(channel, k -> new LinkedHashSet<>()).add(c);
        return true;
    }

    public boolean unsubscribe(Client c, Key channel) {
        if (!c.channels.remove(channel)) {
            return false;
        }
        Set<Client> s = channels.get(channel);
        if (s != null) {
            s.remove(c);
            if (s.isEmpty()) {
                channels.remove(channel);
            }
        }
        return true;
    }

    public boolean psubscribe(Client c, Key pattern) {
        if (!c.patterns.add(pattern)) {
            return false;
        }
        patterns.computeIfAbsent(pattern, k -> new LinkedHashSet<>()).add(c);
        return true;
    }

    public boolean punsubscribe(Client c, Key pattern) {
        if (!c.patterns.remove(pattern)) {
            return false;
        }
        Set<Client> s = patterns.get(pattern);
        if (s != null) {
            s.remove(c);
            if (s.isEmpty()) {
                patterns.remove(pattern);
            }
        }
        return true;
    }

    void removeClient(Client c) {
        for (Key k : new ArrayList<>(c.channels)) {
            unsubscribe(c, k);
        }
        for (Key k : new ArrayList<>(c.patterns)) {
            punsubscribe(c, k);
        }
    }

    /** Delivers a message; returns the number of clients that received it. */
    public int publish(byte[] channel, byte[] message) {
        int n = 0;
        Set<Client> subs = channels.get(new Key(channel));
        if (subs != null) {
            for (Client c : subs) {
                ReplyBuffer r = c.reply;
                r.push(3);
                r.bulk(MESSAGE);
                r.bulk(channel);
                r.bulk(message);
                engine.markDirty(c);
                n++;
            }
        }
        if (!patterns.isEmpty()) {
            for (Map.Entry<Key, Set<Client>> e : patterns.entrySet()) {
                if (Glob.match(e.getKey().bytes(), channel, false)) {
                    for (Client c : e.getValue()) {
                        ReplyBuffer r = c.reply;
                        r.push(4);
                        r.bulk(PMESSAGE);
                        r.bulk(e.getKey().bytes());
                        r.bulk(channel);
                        r.bulk(message);
                        engine.markDirty(c);
                        n++;
                    }
                }
            }
        }
        engine.stats().pubsubMessages++;
        return n;
    }

    public List<Key> activeChannels(byte[] pattern) {
        List<Key> out = new ArrayList<>();
        for (Key k : channels.keySet()) {
            if (pattern == null || Glob.match(pattern, k.bytes(), false)) {
                out.add(k);
            }
        }
        return out;
    }

    public int subscribers(Key channel) {
        Set<Client> s = channels.get(channel);
        return s == null ? 0 : s.size();
    }

    public int patternCount() {
        return patterns.size();
    }

    public int channelCount() {
        return channels.size();
    }

    @Override
    public void onKeyspaceEvent(int eventClass, String event, int db, byte[] key) {
        int flags = engine.config().notifyKeyspaceEvents;
        if ((flags & eventClass) == 0 || (channels.isEmpty() && patterns.isEmpty())) {
            return;
        }
        byte[] ev = event.getBytes(StandardCharsets.US_ASCII);
        if ((flags & EventClass.KEYSPACE) != 0) {
            byte[] prefix = ("__keyspace@" + db + "__:").getBytes(StandardCharsets.US_ASCII);
            byte[] ch = new byte[prefix.length + key.length];
            System.arraycopy(prefix, 0, ch, 0, prefix.length);
            System.arraycopy(key, 0, ch, prefix.length, key.length);
            publish(ch, ev);
        }
        if ((flags & EventClass.KEYEVENT) != 0) {
            byte[] ch = ("__keyevent@" + db + "__:" + event).getBytes(StandardCharsets.US_ASCII);
            publish(ch, key);
        }
    }
}
