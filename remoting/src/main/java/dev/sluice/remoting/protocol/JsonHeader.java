package dev.sluice.remoting.protocol;

import dev.sluice.remoting.LanguageCode;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON header as fastjson writes it: keys in alphabetical order, absent remark and empty extFields omitted. */
final class JsonHeader {
    private JsonHeader() {
    }

    static byte[] encode(RemotingCommand command) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("code", command.code());
        if (!command.extFields().isEmpty()) {
            header.put("extFields", command.extFields());
        }
        header.put("flag", command.flag());
        header.put("language", command.language());
        header.put("opaque", command.opaque());
        if (command.remark() != null) {
            header.put("remark", command.remark());
        }
        header.put("serializeTypeCurrentRPC", command.serializeType());
        header.put("version", command.version());
        return Json.writeBytes(header);
    }

    static RemotingCommand decode(byte[] bytes) throws FrameFormatException {
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
