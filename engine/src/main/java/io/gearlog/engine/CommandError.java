package io.gearlog.engine;

/** Thrown by a command to reply with an error; any partial reply it wrote is discarded. */
public final class CommandError extends RuntimeException {
    public CommandError(String message) {
        super(message, null, false, false);
    }
}
