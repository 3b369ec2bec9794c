package dev.sluice.broker.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.MutableClock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerStatsTest {
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    @Test
    void consumeTpsIsPerTopicAndGroupOverTheLastMinute() {
        BrokerStats stats = new BrokerStats(clock, "C");
        for (int second = 0; second < 30; second++) {
            stats.messagesGot("T", "g1", 10, 1000); // pulled before the key's first sample: still counted
            stats.messagesGot("T", "g2", 1, 100);
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

    /** Two hours of one put request a second, 4 messages of 100 bytes each. */
    @Test
    void namedStatsCoverTheLastMinuteHourAndDay() {
        BrokerStats stats = new BrokerStats(clock, "C");
        for (int second = 0; second < 7200; second++) {
            stats.messagesPut("T", 4, 400);
            tick(stats);
        }
        Map<String, Object> nums = stats.statsData(BrokerStats.TOPIC_PUT_NUMS, "T").orElseThrow();
        assertItem(nums.get("statsMinute"), 4 * 60, 4.0, 4.0);
        assertItem(nums.get("statsHour"), 4 * 3600, 4.0, 4.0);
        assertItem(nums.get("statsDay"), 4 * 7200, 4.0, 4.0);
        assertItem(stats.statsData(BrokerStats.TOPIC_PUT_SIZE, "T").orElseThrow().get("statsMinute"), 400 * 60, 400.0, 400.0);
        assertItem(stats.statsData(BrokerStats.BROKER_PUT_NUMS, "C").orElseThrow().get("statsDay"), 4 * 7200, 4.0, 4.0);
        assertTrue(stats.statsData(BrokerStats.TOPIC_PUT_NUMS, "U").isEmpty(), "nothing put on U");
        assertTrue(stats.statsData("NO_SUCH_STATS", "T").isEmpty());

        for (int second = 0; second < 120; second++) {
            tick(stats);
        }
        Map<String, Object> quiet = stats.statsData(BrokerStats.TOPIC_PUT_NUMS, "T").orElseThrow();
        assertItem(quiet.get("statsMinute"), 0, 0.0, 0.0);
        assertEquals(4L * 7200, ((Map<?, ?>) quiet.get("statsDay")).get("sum"), "still within the day");
    }

    @Test
    void deletedTopicsAndGroupsLoseTheirCounters() {
        BrokerStats stats = new BrokerStats(clock, "C");
        stats.messagesPut("T", 1, 100);
        stats.messagesPut("TT", 1, 100);
        stats.messagesGot("T", "g", 1, 100);
        stats.messagesGot("TT", "g", 1, 100);
        stats.messagesGot("TT", "h", 1, 100);
        stats.forgetTopic("T");
        assertTrue(stats.statsData(BrokerStats.TOPIC_PUT_NUMS, "T").isEmpty());
        assertTrue(stats.statsData(BrokerStats.GROUP_GET_SIZE, "T@g").isEmpty());
        assertTrue(stats.statsData(BrokerStats.TOPIC_PUT_NUMS, "TT").isPresent(), "a topic T is the prefix of stays");
        stats.forgetGroup("g");
        assertTrue(stats.statsData(BrokerStats.GROUP_GET_NUMS, "TT@g").isEmpty());
        assertTrue(stats.statsData(BrokerStats.GROUP_GET_NUMS, "TT@h").isPresent());
        assertEquals(3, stats.gotTotal(), "the broker's own totals keep every message");
    }

    @SuppressWarnings("unchecked")
    private static void assertItem(Object item, long sum, double tps, double avgpt) {
        Map<String, Object> stats = (Map<String, Object>) item;
        assertEquals(sum, stats.get("sum"), stats.toString());
        assertEquals(tps, (double) stats.get("tps"), 1e-9, stats.toString());
        assertEquals(avgpt, (double) stats.get("avgpt"), 1e-9, stats.toString());
    }

    private void tick(BrokerStats stats) {
        clock.advance(1000);
        stats.sample();
    }
}
