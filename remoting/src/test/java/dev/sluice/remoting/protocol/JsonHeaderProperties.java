package dev.sluice.remoting.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sluice.remoting.LanguageCode;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.SerializeType;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The direct JSON header writer and the scanning reader against the model they shortcut: the header as a map of its
 * fields written and read by the generic JSON codec.
 */
class JsonHeaderProperties {

    @Property(tries = 500)
    void encodesExactlyAsTheGenericWriterWritesTheFieldMap(@ForAll("commands") RemotingCommand command) {
        ByteBuf out = Unpooled.buffer();
        JsonHeader.encode(command, out);
        assertArrayEquals(Json.writeBytes(fieldMap(command)), ByteBufUtil.getBytes(out));
    }

    @Property(tries = 500)
    void scansWhatTheWriterWritesToTheSameCommandAsTheGenericParse(@ForAll("commands") RemotingCommand command) {
        byte[] header = Json.writeBytes(fieldMap(command));
        RemotingCommand scanned = JsonHeaderScanner.scan(header);
        // Only non-ASCII text with escapes is left to the generic parse among what the writer produces.
        if (scanned == null) {
            assertEquals(true, hasNonAsciiWithEscapes(command), "gave up on " + new String(header, StandardCharsets.UTF_8));
            return;
        }
        assertSame(genericDecode(header), scanned);
        assertSame(command, scanned);
    }

    @Property(tries = 2000)
    void onAnyInputEitherGivesUpOrAgreesWithTheGenericParse(@ForAll("mangledHeaders") byte[] header) {
        RemotingCommand scanned = JsonHeaderScanner.scan(header);
        if (scanned == null) {
            return;
        }
        RemotingCommand generic = genericDecode(header);
        assertNotNull(generic, "scanned a header the generic parse rejects: " + new String(header, StandardCharsets.UTF_8));
        assertSame(generic, scanned);
    }

    @Property(tries = 50)
    void headersAsTheOfficialClientSendsThemAreScanned(@ForAll("commands") RemotingCommand command) {
        command.putExtField("i", "KEYS\u0001k1\u0002UNIQ_KEY\u0001AC1\u0002WAIT\u0001true\u0002");
        byte[] header = Json.writeBytes(fieldMap(command));
        if (!hasNonAsciiWithEscapes(command)) {
            assertSame(genericDecode(header), JsonHeaderScanner.scan(header));
        }
    }

    private static void assertSame(RemotingCommand expected, RemotingCommand actual) {
        assertNotNull(actual);
        assertEquals(expected.code(), actual.code());
        assertEquals(expected.language(), actual.language());
        assertEquals(expected.version(), actual.version());
        assertEquals(expected.opaque(), actual.opaque());
        assertEquals(expected.flag(), actual.flag());
        assertEquals(expected.remark(), actual.remark());
        assertEquals(new ArrayList<>(expected.extFields().entrySet()), new ArrayList<>(actual.extFields().entrySet()));
    }

    /** The generic parse (the scanner is bypassed by giving it a header it always refuses), or null if it rejects. */
    private static RemotingCommand genericDecode(byte[] header) {
        try {
            Map<String, Object> fields = Json.parseObject(header);
            Map<String, Object> renamed = new LinkedHashMap<>(fields);
            // An unknown key makes the scanner give up without changing what the generic parse reads.
            renamed.put("zzUnknown", 1);
            return JsonHeader.decode(Json.writeBytes(renamed));
        } catch (JsonException | FrameFormatException e) {
            return null;
        }
    }

    private static Map<String, Object> fieldMap(RemotingCommand command) {
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
        return header;
    }

    private static boolean hasNonAsciiWithEscapes(RemotingCommand command) {
        List<String> strings = new ArrayList<>(command.extFields().keySet());
        strings.addAll(command.extFields().values());
        if (command.remark() != null) {
            strings.add(command.remark());
        }
        for (String s : strings) {
            boolean nonAscii = s.chars().anyMatch(c -> c >= 0x80);
            boolean escaped = s.chars().anyMatch(c -> c < 0x20 || c == '"' || c == '\\');
            if (nonAscii && escaped) {
                return true;
            }
        }
        return false;
    }

    @Provide
    Arbitrary<RemotingCommand> commands() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.strings().ascii().ofMaxLength(30),
                Arbitraries.strings().withChars("ab\u0001\u0002\"\\/\n\t\u00fc\u20ac").ofMaxLength(12))
                // UTF-8 cannot carry a lone surrogate: neither reader could give it back.
                .filter(s -> s.chars().noneMatch(c -> Character.isSurrogate((char) c)));
        Arbitrary<Map<String, String>> fields = Combinators.combine(text, text).as(Map::entry)
                .list().ofMaxSize(14).map(entries -> {
                    Map<String, String> map = new LinkedHashMap<>();
                    entries.forEach(e -> map.put(e.getKey(), e.getValue()));
                    return map;
                });
        Arbitrary<Integer> ints = Arbitraries.oneOf(Arbitraries.integers(),
                Arbitraries.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 999_999_999, 1_000_000_000));
        return Combinators.combine(ints, ints, ints, ints, Arbitraries.of(LanguageCode.values()),
                        text.injectNull(0.5), fields, Arbitraries.of(SerializeType.values()))
                .as((code, version, opaque, flag, language, remark, ext, type) -> {
                    RemotingCommand command = new RemotingCommand();
                    command.setCode(code);
                    command.setVersion(version);
                    command.setOpaque(opaque);
                    command.setFlag(flag);
                    command.setLanguage(language);
                    command.setRemark(remark);
                    ext.forEach(command::putExtField);
                    command.setSerializeType(type);
                    return command;
                });
    }

    @Provide
    Arbitrary<byte[]> mangledHeaders() {
        Arbitrary<byte[]> valid = commands().map(c -> Json.writeBytes(fieldMap(c)));
        Arbitrary<byte[]> cut = valid.flatMap(h -> Arbitraries.integers().between(0, h.length)
                .map(n -> java.util.Arrays.copyOf(h, n)));
        Arbitrary<byte[]> flipped = valid.flatMap(h -> Combinators.combine(Arbitraries.integers().between(0, h.length - 1),
                Arbitraries.of((byte) '"', (byte) '\\', (byte) ',', (byte) ':', (byte) '}', (byte) '{', (byte) ' ',
                        (byte) '\f', (byte) '-', (byte) '9', (byte) 'n', (byte) 0x80, (byte) 'u')).as((at, b) -> {
                            byte[] copy = h.clone();
                            copy[at] = b;
                            return copy;
                        }));
        Arbitrary<byte[]> shapes = Arbitraries.of(
                "{\"code\":1,\"extFields\":{\"a\":\"x\",\"a\":null}}", "{\"code\":1,\"extFields\":{\"a\":1}}",
                "{\"code\":1,\"extFields\":{\"a\":\"x\"},\"extFields\":{\"b\":\"y\"}}", "{\"code\":1}",
                "{\"code\":1,\"code\":2,\"remark\":null}", "{\"code\":\"1\"}", "{\"code\":1,}", " {\"code\" : -0 } ",
                "{\"code\":1}x", "{\"code\":01,\"version\":3}", "{\"language\":\"COBOL\",\"code\":5}",
                "{\"code\":1234567890}", "{\"code\":12,\"extFields\":{}}", "{}", "{\"code\":1,\"language\":null}")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(valid, cut, flipped, shapes);
    }

    @Property(tries = 1)
    void aHeaderWithoutVersionReadsAsVersionZeroBothWays() {
        byte[] header = "{\"code\":3}".getBytes(StandardCharsets.UTF_8);
        assertEquals(0, JsonHeaderScanner.scan(header).version());
        assertEquals(0, genericDecode(header).version());
        assertNull(JsonHeaderScanner.scan("{\"code\":3,\"extFields\":{\"a\":null}}".getBytes(StandardCharsets.UTF_8)));
    }
}
