package dev.sluice.broker.send;

import dev.sluice.store.MessageProperties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Dropping WAIT=true from a producer's properties string, against its decoded map, in any order of entries. */
class StoredPropertiesProperties {
    @Property(tries = 2000)
    void dropsExactlyAWaitTrueEntry(@ForAll("properties") Map<String, String> properties, @ForAll long seed) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(properties.entrySet());
        Collections.shuffle(entries, new java.util.Random(seed));
        Map<String, String> ordered = new LinkedHashMap<>();
        entries.forEach(e -> ordered.put(e.getKey(), e.getValue()));
        String encoded = MessageProperties.encode(ordered);

        String stored = SendProcessor.withoutWaitTrue(encoded);

        Map<String, String> expected = new LinkedHashMap<>(ordered);
        if ("true".equals(expected.get(MessageProperties.WAIT))) {
            expected.remove(MessageProperties.WAIT);
        } else {
            assertSame(encoded, stored, "nothing to drop, nothing copied");
        }
        assertEquals(MessageProperties.encode(expected), stored);
        assertEquals(expected, MessageProperties.decode(stored));
    }

    @Provide
    Arbitrary<Map<String, String>> properties() {
        Arbitrary<String> names = Arbitraries.of(MessageProperties.WAIT, "KEYS", "TAGS", "UNIQ_KEY", "WAITING", "AWAIT");
        Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.of("true", "false", "trueish", "WAIT"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(6));
        return Arbitraries.maps(names, values).ofMaxSize(6);
    }
}
