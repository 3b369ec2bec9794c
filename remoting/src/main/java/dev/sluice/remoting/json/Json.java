package dev.sluice.remoting.json;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Entry point of the small JSON codec used for remoting headers and bodies.
 *
 * <p>Parsed documents are plain Java values: {@code Map<String,Object>} (insertion ordered), {@code List<Object>},
 * {@code String}, {@code Long} or {@code BigDecimal}, {@code Boolean} and {@code null}. The typed accessors below
 * turn a wrong shape into a {@link JsonException} naming the offending field, so a bad body yields a clear error.
 */
public final class Json {
    private Json() {
    }

    public static Object parse(String text) {
        return new JsonReader(text).readDocument();
    }

    public static Object parse(byte[] utf8) {
        return parse(new String(utf8, StandardCharsets.UTF_8));
    }

    public static Map<String, Object> parseObject(byte[] utf8) {
        return asObject(parse(utf8), "document");
    }

    /** fastjson's default form: numeric map keys unquoted. */
    public static String write(Object value) {
        return new JsonWriter(false).write(value);
    }

    /** Standard JSON: every map key quoted. */
    public static String writeStandard(Object value) {
        return new JsonWriter(true).write(value);
    }

    public static byte[] writeBytes(Object value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value, String what) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new JsonException(what + " is not a JSON object");
    }

    public static String asString(Object value, String what) {
        if (value instanceof String s) {
            return s;
        }
        throw new JsonException(what + " is not a JSON string");
    }

    public static long asLong(Object value, String what) {
        try {
            if (value instanceof Long l) {
                return l;
            }
            if (value instanceof BigDecimal d) {
                return d.longValueExact();
            }
            if (value instanceof String s) {
                return Long.parseLong(s);
            }
        } catch (ArithmeticException | NumberFormatException e) {
            // The value itself is not echoed: it may be hostile text bound for a log line.
            throw new JsonException(what + " is not an integer");
        }
        throw new JsonException(what + " is not an integer");
    }

    public static int asInt(Object value, String what) {
        long l = asLong(value, what);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new JsonException(what + " is out of int range: " + l);
        }
        return (int) l;
    }
}
