package io.gearlog.journal;

/** Journal record types. The numbers are part of the on-disk format and never change meaning. */
public final class RecordType {
    /** A client command that may change state: argv. */
    public static final byte COMMAND = 1;
    /** A MULTI/EXEC block applied atomically: a list of argv. */
    public static final byte TRANSACTION = 2;
    /** A keyspace write made by a Python execution; origin is the execution id: argv. */
    public static final byte EFFECT = 3;
    /** The engine's clock advanced (active expiry, timers): no payload. */
    public static final byte TICK = 4;
    /** A gears state change (registrations, sessions, executions, checkpoints): engine-defined payload. */
    public static final byte GEARS = 5;

    private RecordType() {
    }

    public static String name(int type) {
        return switch (type) {
            case COMMAND -> "command";
            case TRANSACTION -> "transaction";
            case EFFECT -> "effect";
            case TICK -> "tick";
            case GEARS -> "gears";
            default -> "unknown(" + type + ")";
        };
    }
}
