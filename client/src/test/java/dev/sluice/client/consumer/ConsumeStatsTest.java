package dev.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rates over the last minute and failures over the last hour, from counters sampled every 10 s. */
class ConsumeStatsTest {
    private static final long SECOND = 1000;

    /** Every second: a pull of 3 messages taking 7 ms, and a batch of 3 consumed in 5 ms, 2 of them OK. */
    private static void steadyTraffic(ConsumeStats stats, long fromMillis, long toMillis) {
        for (long t = fromMillis; t <= toMillis; t += SECOND) {
            stats.pulled("T", 3, 7, t);
            stats.consumed("T", 2, 1, 5, t);
            if (t % ConsumeStats.SAMPLE_MILLIS == 0) {
                stats.sample(t);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(ConsumeStats stats, long nowMillis) {
        return (Map<String, Object>) stats.statusTable(nowMillis).get("T");
    }

    @Test
    void steadyTrafficGivesItsRatesAndRtOverTheLastMinute() {
        ConsumeStats stats = new ConsumeStats();
        steadyTraffic(stats, 0, 600 * SECOND);
        Map<String, Object> status = status(stats, 600 * SECOND);
        assertEquals(3.0, (double) status.get("pullTPS"), 1e-9);
        assertEquals(7.0, (double) status.get("pullRT"), 1e-9);
        assertEquals(2.0, (double) status.get("consumeOKTPS"), 1e-9);
        assertEquals(1.0, (double) status.get("consumeFailedTPS"), 1e-9);
        assertEquals(5.0, (double) status.get("consumeRT"), 1e-9);
        assertEquals(601L, status.get("consumeFailedMsgs"), "all failures so far: less than an hour of traffic");
    }

    @Test
    void failuresOlderThanAnHourDropOut() {
        ConsumeStats stats = new ConsumeStats();
        steadyTraffic(stats, 0, 7200 * SECOND);
        assertEquals(3600L, status(stats, 7200 * SECOND).get("consumeFailedMsgs"));
    }

    @Test
    void aQuietMinuteReadsAsZeroNotAsAnOldAverage() {
        ConsumeStats stats = new ConsumeStats();
        steadyTraffic(stats, 0, 300 * SECOND);
        for (long t = 310 * SECOND; t <= 420 * SECOND; t += ConsumeStats.SAMPLE_MILLIS) {
            stats.sample(t);
        }
        Map<String, Object> status = status(stats, 420 * SECOND);
        assertEquals(0.0, (double) status.get("pullTPS"));
        assertEquals(0.0, (double) status.get("pullRT"));
        assertEquals(0.0, (double) status.get("consumeOKTPS"));
        assertEquals(0.0, (double) status.get("consumeRT"));
        assertEquals(301L, status.get("consumeFailedMsgs"));
    }
}
