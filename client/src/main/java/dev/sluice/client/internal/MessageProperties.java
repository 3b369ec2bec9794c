package dev.sluice.client.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** The properties string of a stored message: {@code name 0x01 value 0x02 name 0x01 value} (no trailing 0x02). */
public final class MessageProperties {
    public static final char NAME_VALUE_SEPARATOR = 1;
    public static final char PROPERTY_SEPARATOR = 2;

    private MessageProperties() {
    }

    /** Null values are skipped, as RocketMQ does. */
    public static String encode(Map<String, String> properties) {
        StringBuilder out = new StringBuilder(properties.size() * 24);
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (out.length() > 0) {
                out.append(PROPERTY_SEPARATOR);
            }
            out.append(e.getKey()).append(NAME_VALUE_SEPARATOR).append(e.getValue());
        }
        return out.toString();
    }

    /** Keeps a pair only if its separator is neither its first nor its last character, as the Java client does. */
    public static Map<String, String> decode(String text) {
        Map<String, String> properties = new LinkedHashMap<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf(PROPERTY_SEPARATOR, start);
            if (end < 0) {
                end = text.length();
            }
            int separator = text.indexOf(NAME_VALUE_SEPARATOR, start);
            if (end - start >= 3 && separator > start && separator < end - 1) {
                properties.put(text.substring(start, separator), text.substring(separator + 1, end));
            }
            start = end + 1;
        }
        return properties;
    }
}
