package dev.sluice.store;

/** A configuration value that cannot be used; the message names the key and the value. */
public class ConfigException extends IllegalArgumentException {
    private final String key;

    public ConfigException(String key, String value, String reason) {
        super("bad value for " + key + ": '" + value + "' (" + reason + ")");
        this.key = key;
    }

    /** The property name that was rejected. */
    public String key() {
        return key;
    }
}
