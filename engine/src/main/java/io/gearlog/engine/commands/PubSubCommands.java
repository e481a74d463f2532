package io.gearlog.engine.commands;

import io.gearlog.engine.Client;
import io.gearlog.engine.CommandContext;
import io.gearlog.engine.Errors;
import io.gearlog.engine.PubSub;
import io.gearlog.engine.command.CommandTable;
import io.gearlog.engine.keyspace.Key;
import io.gearlog.engine.reply.ReplyBuffer;

import java.util.ArrayList;
import java.util.List;

import static io.gearlog.engine.command.CommandFlags.*;

/** SUBSCRIBE, PSUBSCRIBE, UNSUBSCRIBE, PUNSUBSCRIBE, PUBLISH, PUBSUB. */
final class PubSubCommands {
    private PubSubCommands() {
    }

    static void register(CommandTable t) {
        t.add("subscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE | PUBSUB_CONTEXT, 0, 0, 0, PubSubCommands::subscribe);
        t.add("psubscribe", -2, PUBSUB | NOSCRIPT | LOADING | STALE | PUBSUB_CONTEXT, 0, 0, 0, PubSubCommands::psubscribe);
        t.add("unsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE | PUBSUB_CONTEXT, 0, 0, 0, PubSubCommands::unsubscribe);
        t.add("punsubscribe", -1, PUBSUB | NOSCRIPT | LOADING | STALE | PUBSUB_CONTEXT, 0, 0, 0, PubSubCommands::punsubscribe);
        t.add("publish", 3, PUBSUB | LOADING | STALE | FAST, 0, 0, 0, PubSubCommands::publish);
        t.add("pubsub", -2, PUBSUB | LOADING | STALE, 0, 0, 0, PubSubCommands::pubsub);
    }

    private static void confirm(ReplyBuffer r, String kind, byte[] name, int count) {
        r.push(3);
        r.bulk(kind);
        if (name == null) {
            r.nullBulk();
        } else {
            r.bulk(name);
        }
        r.integer(count);
    }

    private static void subscribe(CommandContext ctx) {
        Client c = ctx.client();
        if (c.inMulti) {
            ctx.error("ERR SUBSCRIBE isn't allowed for a DENY BLOCKING client");
        }
        PubSub ps = ctx.engine().pubsub();
        for (int i = 1; i < ctx.argc(); i++) {
            ps.subscribe(c, ctx.key(i));
            confirm(ctx.reply(), "subscribe", ctx.arg(i), c.subscriptionCount());
        }
    }

    private static void psubscribe(CommandContext ctx) {
        Client c = ctx.client();
        PubSub ps = ctx.engine().pubsub();
        for (int i = 1; i < ctx.argc(); i++) {
            ps.psubscribe(c, ctx.key(i));
            confirm(ctx.reply(), "psubscribe", ctx.arg(i), c.subscriptionCount());
        }
    }

    private static void unsubscribe(CommandContext ctx) {
        Client c = ctx.client();
        PubSub ps = ctx.engine().pubsub();
        List<Key> targets = new ArrayList<>();
        if (ctx.argc() == 1) {
            targets.addAll(c.channels);
            if (targets.isEmpty()) {
                confirm(ctx.reply(), "unsubscribe", null, c.subscriptionCount());
                return;
            }
        } else {
            for (int i = 1; i < ctx.argc(); i++) {
                targets.add(ctx.key(i));
            }
        }
        for (Key k : targets) {
            ps.unsubscribe(c, k);
            confirm(ctx.reply(), "unsubscribe", k.bytes(), c.subscriptionCount());
        }
    }

    private static void punsubscribe(CommandContext ctx) {
        Client c = ctx.client();
        PubSub ps = ctx.engine().pubsub();
        List<Key> targets = new ArrayList<>();
        if (ctx.argc() == 1) {
            targets.addAll(c.patterns);
            if (targets.isEmpty()) {
                confirm(ctx.reply(), "punsubscribe", null, c.subscriptionCount());
                return;
            }
        } else {
            for (int i = 1; i < ctx.argc(); i++) {
                targets.add(ctx.key(i));
            }
        }
        for (Key k : targets) {
            ps.punsubscribe(c, k);
            confirm(ctx.reply(), "punsubscribe", k.bytes(), c.subscriptionCount());
        }
    }

    private static void publish(CommandContext ctx) {
        int n = ctx.engine().pubsub().publish(ctx.arg(1), ctx.arg(2));
        ctx.reply().integer(n);
    }

    private static void pubsub(CommandContext ctx) {
        PubSub ps = ctx.engine().pubsub();
        ReplyBuffer r = ctx.reply();
        if (ctx.is(1, "CHANNELS") && ctx.argc() <= 3) {
            List<Key> ch = ps.activeChannels(ctx.argc() == 3 ? ctx.arg(2) : null);
            r.array(ch.size());
            for (Key k : ch) {
                r.bulk(k.bytes());
            }
        } else if (ctx.is(1, "NUMSUB")) {
            r.map(ctx.argc() - 2);
            for (int i = 2; i < ctx.argc(); i++) {
                r.bulk(ctx.arg(i));
                r.integer(ps.subscribers(ctx.key(i)));
            }
        } else if (ctx.is(1, "NUMPAT") && ctx.argc() == 2) {
            r.integer(ps.patternCount());
        } else if (ctx.is(1, "SHARDCHANNELS") && ctx.argc() <= 3) {
            r.array(0);
        } else if (ctx.is(1, "SHARDNUMSUB")) {
            r.map(ctx.argc() - 2);
            for (int i = 2; i < ctx.argc(); i++) {
                r.bulk(ctx.arg(i));
                r.integer(0);
            }
        } else if (ctx.is(1, "HELP") && ctx.argc() == 2) {
            String[] lines = {
                "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CHANNELS [<pattern>]",
                "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT",
                "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]",
                "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "HELP",
                "    Prints this help."};
            r.array(lines.length);
            for (String l : lines) {
                r.simple(l);
            }
        } else {
            ctx.error(Errors.unknownSubcommand(ctx.str(1), "PUBSUB"));
        }
    }
}
