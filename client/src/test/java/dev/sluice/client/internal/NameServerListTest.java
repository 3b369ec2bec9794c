package dev.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class NameServerListTest {
    @Test
    void configuredValueWinsOverSystemPropertyOverEnvironment() {
        assertEquals("a:1", NameServerList.firstSet("a:1", "b:2", "c:3"));
        assertEquals("b:2", NameServerList.firstSet(null, "b:2", "c:3"));
        assertEquals("c:3", NameServerList.firstSet(" ", null, "c:3"));
        assertEquals("", NameServerList.firstSet(null, null, null));
    }

    @Test
    void systemPropertyIsRead() {
        String before = System.getProperty(NameServerList.SYSTEM_PROPERTY);
        try {
            System.setProperty(NameServerList.SYSTEM_PROPERTY, "10.0.0.9:9876;10.0.0.8:9876");
            assertEquals(Set.of("10.0.0.9:9876", "10.0.0.8:9876"), Set.copyOf(NameServerList.resolve(null).all()));
        } finally {
            if (before == null) {
                System.clearProperty(NameServerList.SYSTEM_PROPERTY);
            } else {
                System.setProperty(NameServerList.SYSTEM_PROPERTY, before);
            }
        }
    }
}
