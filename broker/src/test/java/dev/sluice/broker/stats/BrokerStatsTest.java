package dev.sluice.broker.stats;

import dev.sluice.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BrokerStatsTest {
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    @Test
    void consumeTpsIsPerTopicAndGroupOverTheLastMinute() {
        BrokerStats stats = new BrokerStats(clock);
        for (int second = 0; second < 30; second++) {
            stats.messagesGot("T", "g1", 10); // pulled before the key's first sample: still counted
            stats.messagesGot("T", "g2", 1);
            tick(stats);
        }
        assertEquals(10.0, stats.consumeTps("T", "g1"), 1e-9);
        assertEquals(1.0, stats.consumeTps("T", "g2"), 1e-9);
        assertEquals(0.0, stats.consumeTps("T", "other"));
        assertEquals(0.0, stats.consumeTps("U", "g1"));
        assertEquals("11.00 11.00 11.00", stats.getTransferredTps());
        assertEquals(330, stats.gotTotal());

        for (int second = 0; second < 60; second++) {
            tick(stats);
        }
        assertEquals(0.0, stats.consumeTps("T", "g1"), "a group that stopped pulling a minute ago");
    }

    private void tick(BrokerStats stats) {
        clock.advance(1000);
        stats.sample();
    }
}
