package io.gearlog.engine.keyspace;

/** The Redis data types, with the names TYPE reports. */
public enum ValueType {
    STRING("string"), LIST("list"), SET("set"), ZSET("zset"), HASH("hash"), STREAM("stream"),
    /** A RedisGears time event persisted in a key (registerTE with keyName): a module type. */
    TIME_EVENT("rg_timeev");

    private final String typeName;

    ValueType(String typeName) {
        this.typeName = typeName;
    }

    public String typeName() {
        return typeName;
    }

    public static ValueType fromName(String name) {
        for (ValueType t : values()) {
            if (t.typeName.equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }
}
