package io.gearlog.engine.commands;

import io.gearlog.engine.command.CommandTable;

/** Placeholder until the family lands. */
final class SortedSetCommands {
    private SortedSetCommands() {
    }

    static void register(CommandTable t) {
    }
}
