package io.gearlog.engine.command;

/**
 * A command's name, arity (negative: at least that many), flags and key positions (1-based; lastKey -1 means
 * the last argument), as COMMAND INFO reports them.
 */
public record CommandSpec(String name, int arity, int flags, int firstKey, int lastKey, int step,
                          CommandHandler handler) {
    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public boolean arityOk(int argc) {
        return arity >= 0 ? argc == arity : argc >= -arity;
    }
}
