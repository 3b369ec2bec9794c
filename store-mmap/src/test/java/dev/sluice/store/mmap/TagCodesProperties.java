package dev.sluice.store.mmap;

import dev.sluice.store.MessageProperties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The byte-level tag code equals the one computed from the decoded properties string. */
class TagCodesProperties {

    @Property(tries = 2000)
    void tagCodeFromBytesMatchesTheDecodedString(@ForAll("properties") String properties, @ForAll("padding") int pad) {
        String tags = MessageProperties.get(properties, MessageProperties.TAGS);
        long expected = tags == null || tags.isEmpty() ? 0 : tags.hashCode();
        byte[] utf8 = properties.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(pad + utf8.length + 3);
        buf.put(pad, utf8);
        assertEquals(expected, TagCodes.of(buf, pad, utf8.length), properties);
    }

    @Provide
    Arbitrary<Integer> padding() {
        return Arbitraries.integers().between(0, 7);
    }

    @Provide
    Arbitrary<String> properties() {
        Arbitrary<String> names = Arbitraries.of("TAGS", "KEYS", "TAG", "XTAGS", "TAGSX", "UNIQ_KEY", "", "TAGS\u0001");
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMaxLength(12),
                Arbitraries.strings().withCharRange('\u00a0', '\u30ff').ofMaxLength(6),
                Arbitraries.of("", "TagA", "a||b", "\u0001", "é", "\ud83d\ude00"));
        Arbitrary<String> segment = Arbitraries.oneOf(
                names.flatMap(n -> values.map(v -> n + MessageProperties.NAME_VALUE_SEPARATOR + v)),
                values);
        return segment.list().ofMaxSize(5).map(TagCodesProperties::join);
    }

    private static String join(List<String> segments) {
        return String.join(String.valueOf(MessageProperties.PROPERTY_SEPARATOR), segments);
    }
}
