package dev.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.junit.jupiter.api.Test;

/** The official 4.9.7 MessageClientIDSetter is the oracle: it must read back our ids' IP and time. */
class UniqueIdGeneratorTest {
    @Property(tries = 200)
    void officialClientDecodesIpAndTime(@ForAll("ipv4") byte[] ip, @ForAll @LongRange(min = 1_600_000_000_000L, max = 1_900_000_000_000L) long now)
            throws Exception {
        ZoneId zone = ZoneId.systemDefault();
        UniqueIdGenerator generator = new UniqueIdGenerator(InetAddress.getByAddress(ip), 4242, 0x1234abcd, () -> now, zone);
        String id = generator.next();
        assertEquals(32, id.length());
        assertEquals(InetAddress.getByAddress(ip).getHostAddress(), MessageClientIDSetter.getIPStrFromID(id));
        // the official decoder rebuilds the time relative to the start of the current month of *its* clock
        long decoded = MessageClientIDSetter.getNearlyTimeFromID(id).getTime();
        long expectedOffsetInMonth = now - Instant.ofEpochMilli(now).atZone(zone).toLocalDate().withDayOfMonth(1)
                .atStartOfDay(zone).toInstant().toEpochMilli();
        long decodedOffsetInMonth = decoded - Instant.ofEpochMilli(decoded).atZone(zone).toLocalDate()
                .withDayOfMonth(1).atStartOfDay(zone).toInstant().toEpochMilli();
        assertEquals(expectedOffsetInMonth, decodedOffsetInMonth);
    }

    @Provide
    Arbitrary<byte[]> ipv4() {
        return Arbitraries.bytes().array(byte[].class).ofSize(4);
    }

    @Test
    void idsAreUniqueAndUpperCaseHexWithIpv6Length() throws Exception {
        AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        UniqueIdGenerator v6 = new UniqueIdGenerator(InetAddress.getByName("::1"), 7, 9, clock::get, ZoneId.of("UTC"));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = v6.next();
            assertEquals(56, id.length());
            assertTrue(id.matches("[0-9A-F]+"), id);
            assertTrue(seen.add(id), "duplicate " + id);
        }
    }
}
