package dev.sluice.broker.stats;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import net.jqwik.api.constraints.Size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Append latencies against a sorted list of what was recorded: ranges, maximum and percentiles of the last minute. */
class PutLatencyProperties {
    private static final long[] RANGE_ENDS = {0, 10, 50, 100, 200, 500, 1_000, 2_000, 3_000, 4_000, 5_000, 10_000};

    @Property(tries = 300)
    void reportsTheLastFullMinute(@ForAll @Size(min = 1, max = 300) List<@LongRange(max = 15_000) Long> minute,
                                  @ForAll @Size(max = 20) List<@LongRange(max = 15_000) Long> next,
                                  @ForAll @DoubleRange(min = 0.5, max = 0.999) @Scale(3) double fraction) {
        PutLatency latency = new PutLatency();
        minute.forEach(latency::record);
        latency.rotate();
        next.forEach(latency::record);

        long[] counts = new long[RANGE_ENDS.length + 1];
        for (long ms : minute) {
            int range = 0;
            while (range < RANGE_ENDS.length && ms > RANGE_ENDS[range]) {
                range++;
            }
            counts[range]++;
        }
        String[] parts = latency.distribution().trim().split(" ");
        assertEquals(13, parts.length, latency.distribution());
        for (int i = 0; i < parts.length; i++) {
            assertEquals(counts[i], Long.parseLong(parts[i].substring(parts[i].indexOf(':') + 1)), parts[i]);
        }

        List<Long> all = new ArrayList<>(minute);
        all.addAll(next);
        assertEquals(Collections.max(all), latency.max(), "the longest ever, not of a minute");

        List<Long> sorted = new ArrayList<>(minute);
        Collections.sort(sorted);
        long truth = sorted.get((int) Math.max(0, Math.ceil(sorted.size() * fraction) - 1));
        int bucket = PutLatency.bucket(truth);
        double estimate = Double.parseDouble(latency.percentile(fraction));
        assertTrue(estimate >= PutLatency.lower(bucket) && estimate <= PutLatency.upper(bucket),
                estimate + " ms is outside the bucket [" + PutLatency.lower(bucket) + ", " + PutLatency.upper(bucket)
                        + ") of the true percentile " + truth + " ms");
    }

    @Property(tries = 50)
    void nothingRecordedIsZero(@ForAll @DoubleRange(min = 0.5, max = 0.999) @Scale(3) double fraction) {
        PutLatency latency = new PutLatency();
        latency.rotate();
        assertEquals("0.00", latency.percentile(fraction));
        assertEquals(0, latency.max());
    }
}
