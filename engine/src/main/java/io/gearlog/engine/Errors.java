package io.gearlog.engine;

/** Error replies users see, with Redis 7.0's exact texts. */
public final class Errors {
    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
    public static final String INCR_NAN_OR_INF = "ERR increment would produce NaN or Infinity";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String INDEX_OUT_OF_RANGE = "ERR index out of range";
    public static final String DB_INDEX_OUT_OF_RANGE = "ERR DB index is out of range";
    public static final String NOAUTH = "NOAUTH Authentication required.";
    public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    public static final String AUTH_NOT_CONFIGURED = "ERR AUTH <password> called without any password configured "
            + "for the default user. Are you sure your configuration is correct?";
    public static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
    public static final String MULTI_NESTED = "ERR MULTI calls can not be nested";
    public static final String EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI";
    public static final String DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI";
    public static final String WATCH_IN_MULTI = "ERR WATCH inside MULTI is not allowed";
    public static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public static final String OFFSET_OUT_OF_RANGE = "ERR offset is out of range";
    public static final String SAME_OBJECT = "ERR source and destination objects are the same";
    public static final String TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
    public static final String TIMEOUT_NEGATIVE = "ERR timeout is negative";
    public static final String UNKNOWN_SUBCOMMAND_FMT =
            "ERR unknown subcommand '%s'. Try %s HELP.";
    public static final String MISCONF = "MISCONF Gearlog cannot write to its journal (%s). Commands that may modify "
            + "the data set are disabled until it can; reads keep working.";

    private Errors() {
    }

    public static String wrongArity(String cmd) {
        return "ERR wrong number of arguments for '" + cmd + "' command";
    }

    public static String unknownSubcommand(String sub, String cmd) {
        return String.format(UNKNOWN_SUBCOMMAND_FMT, truncate(sub, 128), cmd.toUpperCase());
    }

    public static String invalidExpireTime(String cmd) {
        return "ERR invalid expire time in '" + cmd + "' command";
    }

    static String truncate(String s, int n) {
        return s.length() > n ? s.substring(0, n) : s;
    }
}
