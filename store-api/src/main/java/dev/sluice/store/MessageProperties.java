package dev.sluice.store;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RocketMQ's properties string: {@code name 0x01 value 0x02 name 0x01 value} (no trailing 0x02),
 * and the names of the properties the store itself reads.
 */
public final class MessageProperties {
    public static final char NAME_VALUE_SEPARATOR = '\u0001';
    public static final char PROPERTY_SEPARATOR = '\u0002';
    /** Longest properties string a record can carry (its length is a signed short). */
    public static final int MAX_LENGTH = Short.MAX_VALUE;

    public static final String KEYS = "KEYS";
    public static final String TAGS = "TAGS";
    public static final String UNIQ_KEY = "UNIQ_KEY";
    public static final String WAIT = "WAIT";
    public static final String DELAY = "DELAY";

    private MessageProperties() {
    }

    /** Encodes a map; null values are skipped, as RocketMQ does. */
    public static String encode(Map<String, String> properties) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append(PROPERTY_SEPARATOR);
            }
            sb.append(e.getKey()).append(NAME_VALUE_SEPARATOR).append(e.getValue());
        }
        return sb.toString();
    }

    /** Decodes a properties string; malformed segments are skipped the way the official client does. */
    public static Map<String, String> decode(String properties) {
        Map<String, String> map = new LinkedHashMap<>();
        int start = 0;
        int len = properties.length();
        while (start < len) {
            int end = properties.indexOf(PROPERTY_SEPARATOR, start);
            if (end < 0) {
                end = len;
            }
            int sep = properties.indexOf(NAME_VALUE_SEPARATOR, start);
            if (end - start >= 3 && sep > start && sep < end - 1) {
                map.put(properties.substring(start, sep), properties.substring(sep + 1, end));
            }
            start = end + 1;
        }
        return map;
    }

    /**
     * The value of one property without decoding the whole string, or null.
     */
    public static String get(String properties, String name) {
        int from = 0;
        while (true) {
            int at = properties.indexOf(name, from);
            if (at < 0) {
                return null;
            }
            int valueStart = at + name.length();
            boolean startsSegment = at == 0 || properties.charAt(at - 1) == PROPERTY_SEPARATOR;
            if (startsSegment && valueStart < properties.length()
                    && properties.charAt(valueStart) == NAME_VALUE_SEPARATOR) {
                int end = properties.indexOf(PROPERTY_SEPARATOR, valueStart);
                return properties.substring(valueStart + 1, end < 0 ? properties.length() : end);
            }
            from = at + 1;
        }
    }

    /** UTF-8 bytes of a properties string ({@code null} is empty). */
    public static byte[] bytes(String properties) {
        return properties == null ? new byte[0] : properties.getBytes(StandardCharsets.UTF_8);
    }
}
