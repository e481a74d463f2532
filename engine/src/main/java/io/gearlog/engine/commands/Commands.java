package io.gearlog.engine.commands;

import io.gearlog.engine.command.CommandTable;

/** The one place where every command family is registered: the full list of what Gearlog supports. */
public final class Commands {
    private Commands() {
    }

    public static void registerAll(CommandTable t) {
        ConnectionCommands.register(t);
        ServerCommands.register(t);
        TransactionCommands.register(t);
        PubSubCommands.register(t);
        StringCommands.register(t);
        KeyCommands.register(t);
        HashCommands.register(t);
        ListCommands.register(t);
        SetCommands.register(t);
        SortedSetCommands.register(t);
        StreamCommands.register(t);
        io.gearlog.engine.gears.GearsCommands.register(t);
    }
}
