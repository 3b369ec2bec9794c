package dev.sluice.client.cli;

import dev.sluice.client.ReceivedMessage;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Output helpers: RocketMQ's date formats, version names, pretty JSON and the message report. */
final class Format {
    /** RocketMQ's "yyyy-MM-dd#HH:mm:ss:SSS", used to print and to parse timestamps. */
    static final DateTimeFormatter HASH_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'#'HH:mm:ss:SSS");
    static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    static final DateTimeFormatter COMMA_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    private Format() {
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static String date(long millis, DateTimeFormatter format) {
        return format.format(Instant.ofEpochMilli(millis).atZone(ZoneId.systemDefault()));
    }

    /** The text at most {@code width} characters long, as RocketMQ cuts long topic and broker names in tables. */
    static String cut(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width);
    }

    /** RocketMQ's version name for a protocol version number (spec §1.6), or the number when unknown. */
    static String version(int ordinal) {
        if (ordinal >= 393 && ordinal <= 409 && ordinal % 2 == 1) {
            return "V4_9_" + (ordinal - 393) / 2;
        }
        return switch (ordinal) {
            case 413 -> "V5_0_0";
            case 433 -> "V5_1_0";
            case 453 -> "V5_2_0";
            case 473 -> "V5_3_0";
            case 479 -> "V5_3_3";
            default -> String.valueOf(ordinal);
        };
    }

    /** Tab-indented JSON with every key quoted, so the output can be fed to any JSON tool. */
    static String prettyJson(Object value) {
        StringBuilder out = new StringBuilder();
        writeJson(out, value, 0);
        return out.toString();
    }

    private static void writeJson(StringBuilder out, Object value, int depth) {
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                indent(out, depth + 1);
                quote(out, String.valueOf(e.getKey()));
                out.append(':');
                writeJson(out, e.getValue(), depth + 1);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            indent(out, depth);
            out.append('}');
        } else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append("[\n");
            for (int i = 0; i < list.size(); i++) {
                indent(out, depth + 1);
                writeJson(out, list.get(i), depth + 1);
                out.append(i + 1 < list.size() ? ",\n" : "\n");
            }
            indent(out, depth);
            out.append(']');
        } else if (value instanceof String s) {
            quote(out, s);
        } else {
            out.append(value);
        }
    }

    private static void indent(StringBuilder out, int depth) {
        out.append("\t".repeat(depth));
    }

    private static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(f("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The fields queryMsgById prints, one {@code label value} line each (RocketMQ's layout). */
    static void message(PrintStream out, ReceivedMessage m) {
        out.print(f("%-20s %s%n", "OffsetID:", m.offsetMsgId()));
        out.print(f("%-20s %s%n", "MsgId:", m.msgId()));
        out.print(f("%-20s %s%n", "Topic:", m.topic()));
        out.print(f("%-20s %s%n", "Tags:", "[" + (m.tags() == null ? "" : m.tags()) + "]"));
        out.print(f("%-20s %s%n", "Keys:", "[" + (m.keys() == null ? "" : m.keys()) + "]"));
        out.print(f("%-20s %d%n", "Queue ID:", m.queueId()));
        out.print(f("%-20s %d%n", "Queue Offset:", m.queueOffset()));
        out.print(f("%-20s %d%n", "CommitLog Offset:", m.commitLogOffset()));
        out.print(f("%-20s %d%n", "Reconsume Times:", m.reconsumeTimes()));
        out.print(f("%-20s %s%n", "Born Timestamp:", date(m.bornTimestamp(), COMMA_MILLIS)));
        out.print(f("%-20s %s%n", "Store Timestamp:", date(m.storeTimestamp(), COMMA_MILLIS)));
        out.print(f("%-20s %s%n", "Born Host:", m.bornHost()));
        out.print(f("%-20s %s%n", "Store Host:", m.storeHost()));
        out.print(f("%-20s %d%n", "System Flag:", m.sysFlag()));
        out.print(f("%-20s %s%n", "Properties:", new TreeMap<>(m.properties())));
        out.print(f("%-20s %s%n", "Message Body:", new String(m.body(), StandardCharsets.UTF_8)));
    }
}
