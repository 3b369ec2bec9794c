package dev.sluice.store;

/** A configuration value that cannot be used; the message names the key and the value (its start, if long). */
public class ConfigException extends IllegalArgumentException {
    private static final int SHOWN = 200;

    private final String key;

    public ConfigException(String key, String value, String reason) {
        super("bad value for " + key + ": " + quoted(value) + " (" + reason + ")");
        this.key = key;
    }

    /** A value sent by a remote operator may be megabytes long; the answer and the log carry its start. */
    private static String quoted(String value) {
        return value == null || value.length() <= SHOWN ? "'" + value + "'"
                : "'" + value.substring(0, SHOWN) + "...' (" + value.length() + " characters)";
    }

    /** The property name that was rejected. */
    public String key() {
        return key;
    }
}
