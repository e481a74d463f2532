package io.gearlog.engine.config;

/** A configuration value was rejected; the message says why, for a person. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
