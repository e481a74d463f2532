package io.gearlog.engine.commands;

import io.gearlog.engine.command.CommandTable;

/** Placeholder until the family lands. */
final class SetCommands {
    private SetCommands() {
    }

    static void register(CommandTable t) {
    }
}
