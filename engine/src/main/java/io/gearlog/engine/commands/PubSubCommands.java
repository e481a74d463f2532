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
        int f = PUBSUB | LOADING | STALE;
        t.subcommand("pubsub", "channels", -2, f);
        t.subcommand("pubsub", "numpat", 2, f);
        t.subcommand("pubsub", "numsub", -2, f);
        t.subcommand("pubsub", "shardchannels", -2, f);
        t.subcommand("pubsub", "shardnumsub", -2, f);
        t.subcommand("pubsub", "help", 2, LOADING | STALE);
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
        switch (ctx.str(1).toUpperCase(java.util.Locale.ROOT)) {
            case "CHANNELS", "SHARDCHANNELS" -> {
                if (ctx.argc() > 3) {
                    ctx.error(ServerCommands.subcommandSyntaxError(ctx));
                }
                List<Key> ch = ctx.is(1, "CHANNELS") ? ps.activeChannels(ctx.argc() == 3 ? ctx.arg(2) : null) : List.of();
                r.array(ch.size());
                for (Key k : ch) {
                    r.bulk(k.bytes());
                }
            }
            case "NUMSUB", "SHARDNUMSUB" -> {
                // a flat array in RESP3 too, as Redis 7.0 replies
                boolean sharded = ctx.is(1, "SHARDNUMSUB");
                r.array((ctx.argc() - 2) * 2L);
                for (int i = 2; i < ctx.argc(); i++) {
                    r.bulk(ctx.arg(i));
                    r.integer(sharded ? 0 : ps.subscribers(ctx.key(i)));
                }
            }
            case "NUMPAT" -> r.integer(ps.patternCount());
            default -> ServerCommands.help(r,
                    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "CHANNELS [<pattern>]",
                    "    Return the currently active channels matching a <pattern> (default: '*').",
                    "NUMPAT",
                    "    Return number of subscriptions to patterns.",
                    "NUMSUB [<channel> ...]",
                    "    Return the number of subscribers for the specified channels, excluding",
                    "    pattern subscriptions(default: no channels).",
                    "SHARDCHANNELS [<pattern>]",
                    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                    "SHARDNUMSUB [<shardchannel> ...]",
                    "    Return the number of subscribers for the specified shard level channel(s)",
                    "HELP",
                    "    Prints this help.");
        }
    }
}
