package io.gearlog.engine;

import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.reply.ReplyBuffer;
import io.gearlog.journal.RecordType;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A connected client's server-side state. Created by the network layer, then owned by the engine thread:
 * every field below is read and written only there.
 */
public final class Client {
    public final long id;
    public final ClientOutbound outbound;
    public final ReplyBuffer reply = new ReplyBuffer();

    public int db;
    public String name;
    public boolean authenticated;
    /** Mirror of {@link #authenticated} for the network thread's request-size limits. */
    public volatile boolean authHint;
    public String user = "default";
    public long createdAt;
    public long lastInteraction;
    public String lastCommand = "NULL";
    public boolean closing;
    public boolean replaying;
    /** How this client's writes are journaled: COMMAND for connections, EFFECT for Python executions. */
    public byte journalType = RecordType.COMMAND;
    /** The journal record's origin: the client id, or the execution number for EFFECT records. */
    public long journalOrigin;
    /** Replies are suppressed (CLIENT REPLY OFF/SKIP). */
    public int replyMode;

    // MULTI/EXEC
    public boolean inMulti;
    public boolean multiError;
    public final List<byte[][]> queued = new ArrayList<>();
    public final List<WatchedKey> watched = new ArrayList<>();
    public boolean watchInvalidated;

    // Pub/Sub
    public final Set<Key> channels = new LinkedHashSet<>();
    // insertion order: PUNSUBSCRIBE without arguments answers in subscription order, as Redis does
    public final Set<Key> patterns = new LinkedHashSet<>();

    // blocking
    public BlockedState blocked;
    public final ArrayDeque<byte[][]> pending = new ArrayDeque<>();

    boolean dirty;
    /** The context this client's next command reuses (null while one runs); saves an object per command. */
    CommandContext idleContext;
    boolean registered;

    public Client(long id, ClientOutbound outbound) {
        this.id = id;
        this.outbound = outbound;
        this.journalOrigin = id;
    }

    public int protocol() {
        return reply.protocol();
    }

    public int subscriptionCount() {
        return channels.size() + patterns.size();
    }

    public boolean inPubSub() {
        return subscriptionCount() > 0;
    }

    /** A key this client WATCHes. */
    public record WatchedKey(int db, Key key) {
    }

    /** What a client blocked in BLPOP/XREAD/... waits for; implemented by the command family. */
    public interface BlockedState {
        /** Absolute engine time at which the wait times out, or 0 for never. */
        long deadline();

        /** The keys being waited on, with their database. */
        List<Key> keys();

        int db();

        /**
         * Tries to serve the client now; returns true when a reply was written and the client is unblocked.
         */
        boolean tryServe(CommandContext ctx);

        /**
         * Like {@link #tryServe(CommandContext)}, told which waited key became ready: Redis serves a client
         * blocked on several keys from the key that was signalled, not from its first key.
         */
        default boolean tryServe(CommandContext ctx, Key readyKey) {
            return tryServe(ctx);
        }

        /** Writes the timeout reply. */
        void timeout(CommandContext ctx);
    }
}
