package dev.sluice.remoting.protocol;

import dev.sluice.remoting.LanguageCode;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The JSON header as fastjson writes it: keys in alphabetical order, absent remark and empty extFields omitted. */
final class JsonHeader {
    private static final byte[] CODE = ascii("{\"code\":");
    private static final byte[] EXT_FIELDS = ascii(",\"extFields\":{");
    private static final byte[] FLAG = ascii(",\"flag\":");
    private static final byte[] LANGUAGE = ascii(",\"language\":");
    private static final byte[] OPAQUE = ascii(",\"opaque\":");
    private static final byte[] REMARK = ascii(",\"remark\":");
    private static final byte[] SERIALIZE_TYPE = ascii(",\"serializeTypeCurrentRPC\":");
    private static final byte[] VERSION = ascii(",\"version\":");

    private JsonHeader() {
    }

    /**
     * Appends the header to {@code out} as the generic writer would write the map of its fields, without building
     * that map and its string: plain ASCII strings and numbers go straight into the buffer.
     */
    static void encode(RemotingCommand command, ByteBuf out) {
        out.writeBytes(CODE);
        writeInt(command.code(), out);
        Map<String, String> extFields = command.extFields();
        if (!extFields.isEmpty()) {
            out.writeBytes(EXT_FIELDS);
            boolean first = true;
            for (Map.Entry<String, String> field : extFields.entrySet()) {
                if (!first) {
                    out.writeByte(',');
                }
                first = false;
                writeString(field.getKey(), out);
                out.writeByte(':');
                writeString(field.getValue(), out);
            }
            out.writeByte('}');
        }
        out.writeBytes(FLAG);
        writeInt(command.flag(), out);
        out.writeBytes(LANGUAGE);
        writeString(command.language().name(), out);
        out.writeBytes(OPAQUE);
        writeInt(command.opaque(), out);
        if (command.remark() != null) {
            out.writeBytes(REMARK);
            writeString(command.remark(), out);
        }
        out.writeBytes(SERIALIZE_TYPE);
        writeString(command.serializeType().name(), out);
        out.writeBytes(VERSION);
        writeInt(command.version(), out);
        out.writeByte('}');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Printable ASCII without quote or backslash is written as is; anything else as the generic writer escapes it. */
    private static void writeString(String s, ByteBuf out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                out.writeBytes(Json.writeBytes(s));
                return;
            }
        }
        out.writeByte('"');
        out.writeCharSequence(s, StandardCharsets.US_ASCII);
        out.writeByte('"');
    }

    private static void writeInt(int value, ByteBuf out) {
        long v = value;
        if (v < 0) {
            out.writeByte('-');
            v = -v;
        }
        long divisor = 1;
        while (divisor * 10 <= v) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            out.writeByte((int) ('0' + v / divisor % 10));
        }
    }

    static RemotingCommand decode(byte[] bytes) throws FrameFormatException {
        RemotingCommand scanned = JsonHeaderScanner.scan(bytes);
        if (scanned != null) {
            return scanned;
        }
        try {
            Map<String, Object> header = Json.asObject(Json.parse(new String(bytes, StandardCharsets.UTF_8)), "header");
            RemotingCommand command = new RemotingCommand();
            if (!header.containsKey("code")) {
                throw new FrameFormatException("JSON header has no code");
            }
            command.setCode(Json.asInt(header.get("code"), "code"));
            command.setLanguage(language(header.get("language")));
            command.setVersion(optionalInt(header, "version"));
            command.setOpaque(optionalInt(header, "opaque"));
            command.setFlag(optionalInt(header, "flag"));
            Object remark = header.get("remark");
            command.setRemark(remark == null ? null : Json.asString(remark, "remark"));
            Object extFields = header.get("extFields");
            if (extFields != null) {
                for (Map.Entry<String, Object> field : Json.asObject(extFields, "extFields").entrySet()) {
                    Object value = field.getValue();
                    if (value != null) {
                        command.putExtField(field.getKey(), value instanceof String ? value : Json.write(value));
                    }
                }
            }
            return command;
        } catch (JsonException | IllegalArgumentException e) {
            throw new FrameFormatException("bad JSON header: " + e.getMessage(), e);
        }
    }

    private static int optionalInt(Map<String, Object> header, String key) {
        Object value = header.get(key);
        return value == null ? 0 : Json.asInt(value, key);
    }

    private static LanguageCode language(Object value) {
        if (value == null) {
            return LanguageCode.JAVA;
        }
        if (value instanceof String name) {
            return LanguageCode.ofName(name);
        }
        return LanguageCode.ofCode(Json.asInt(value, "language"));
    }
}
