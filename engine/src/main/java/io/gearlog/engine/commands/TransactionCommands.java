package io.gearlog.engine.commands;

import io.gearlog.engine.Client;
import io.gearlog.engine.CommandContext;
import io.gearlog.engine.CommandError;
import io.gearlog.engine.Errors;
import io.gearlog.engine.command.CommandTable;

import static io.gearlog.engine.command.CommandFlags.*;

/** MULTI, EXEC, DISCARD, WATCH, UNWATCH. */
final class TransactionCommands {
    private TransactionCommands() {
    }

    static void register(CommandTable t) {
        t.add("multi", 1, NO_MULTI | FAST | LOADING | STALE, 0, 0, 0, TransactionCommands::multi);
        t.add("exec", 1, NO_MULTI | LOADING | STALE, 0, 0, 0, TransactionCommands::exec);
        t.add("discard", 1, NO_MULTI | FAST | LOADING | STALE, 0, 0, 0, TransactionCommands::discard);
        t.add("watch", -2, NO_MULTI | FAST | LOADING | STALE, 1, -1, 1, TransactionCommands::watch);
        t.add("unwatch", 1, FAST | LOADING | STALE, 0, 0, 0, TransactionCommands::unwatch);
    }

    private static void multi(CommandContext ctx) {
        Client c = ctx.client();
        if (c.inMulti) {
            throw new CommandError(Errors.MULTI_NESTED);
        }
        c.inMulti = true;
        c.multiError = false;
        c.queued.clear();
        ctx.reply().ok();
    }

    private static void exec(CommandContext ctx) {
        Client c = ctx.client();
        if (!c.inMulti) {
            throw new CommandError(Errors.EXEC_WITHOUT_MULTI);
        }
        if (c.multiError) {
            reset(ctx);
            throw new CommandError(Errors.EXECABORT);
        }
        if (ctx.engine().watchFailed(c, ctx.now())) {
            reset(ctx);
            ctx.reply().nullArray();
            return;
        }
        ctx.engine().execTransaction(ctx);
    }

    private static void reset(CommandContext ctx) {
        Client c = ctx.client();
        c.inMulti = false;
        c.multiError = false;
        c.queued.clear();
        ctx.engine().unwatch(c);
    }

    private static void discard(CommandContext ctx) {
        if (!ctx.client().inMulti) {
            throw new CommandError(Errors.DISCARD_WITHOUT_MULTI);
        }
        reset(ctx);
        ctx.reply().ok();
    }

    private static void watch(CommandContext ctx) {
        if (ctx.client().inMulti) {
            throw new CommandError(Errors.WATCH_IN_MULTI);
        }
        for (int i = 1; i < ctx.argc(); i++) {
            ctx.engine().watch(ctx.client(), ctx.key(i));
        }
        ctx.reply().ok();
    }

    private static void unwatch(CommandContext ctx) {
        ctx.engine().unwatch(ctx.client());
        ctx.reply().ok();
    }
}
