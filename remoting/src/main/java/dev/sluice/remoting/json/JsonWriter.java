package dev.sluice.remoting.json;

import java.util.Collection;
import java.util.Map;

/**
 * Writes a tree of maps, collections, strings, numbers, booleans and enums. Maps are written in their
 * own iteration order, so callers choose the key order (fastjson sorts bean properties alphabetically).
 * Numeric map keys are written unquoted, as fastjson does for Integer/Long keys, unless standard JSON is asked for;
 * a map used as a key is written as an object, as fastjson writes maps keyed by a bean such as MessageQueue.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    private final boolean quoteNumericKeys;

    JsonWriter(boolean quoteNumericKeys) {
        this.quoteNumericKeys = quoteNumericKeys;
    }

    String write(Object value) {
        writeValue(value);
        return out.toString();
    }

    private void writeValue(Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            writeString(s);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Enum<?> e) {
            writeString(e.name());
        } else if (value instanceof Map<?, ?> map) {
            writeMap(map);
        } else if (value instanceof Collection<?> collection) {
            writeCollection(collection);
        } else {
            throw new JsonException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private void writeMap(Map<?, ?> map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            Object key = entry.getKey();
            if (key instanceof Number && !quoteNumericKeys) {
                out.append(key);
            } else if (key instanceof String || key instanceof Number) {
                writeString(key.toString());
            } else if (key instanceof Map<?, ?> objectKey) {
                // fastjson writes a map keyed by a bean (MessageQueue) with the bean itself as the key; clients parse it.
                writeMap(objectKey);
            } else {
                throw new JsonException("unsupported map key type " + (key == null ? "null" : key.getClass().getName()));
            }
            out.append(':');
            writeValue(entry.getValue());
        }
        out.append('}');
    }

    private void writeCollection(Collection<?> collection) {
        out.append('[');
        boolean first = true;
        for (Object element : collection) {
            if (!first) {
                out.append(',');
            }
            first = false;
            writeValue(element);
        }
        out.append(']');
    }

    private void writeString(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
