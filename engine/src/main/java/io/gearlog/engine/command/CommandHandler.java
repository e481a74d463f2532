package io.gearlog.engine.command;

import io.gearlog.engine.CommandContext;

/** Executes one command on the engine thread, writing its reply to the context. */
@FunctionalInterface
public interface CommandHandler {
    void execute(CommandContext ctx);
}
