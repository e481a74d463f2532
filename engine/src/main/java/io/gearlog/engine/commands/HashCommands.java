package io.gearlog.engine.commands;

import io.gearlog.engine.command.CommandTable;

/** Placeholder until the family lands. */
final class HashCommands {
    private HashCommands() {
    }

    static void register(CommandTable t) {
    }
}
