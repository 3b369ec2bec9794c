package dev.sluice.jmh.stats;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The histogram behind the load tool's and the store report's percentiles, against sorted samples. */
class LatencyProperties {

    @Property
    void everyValueFallsInABucketWhoseBoundHoldsItWithinThreePercent(@ForAll @LongRange(max = 1L << 40) long value) {
        int b = Latency.bucket(value);
        long upper = Latency.upper(b);
        assertTrue(value <= upper, value + " above its bucket's bound " + upper);
        assertTrue(b == 0 || value > Latency.upper(b - 1), value + " also fits the bucket below");
        assertTrue(upper - value <= Math.max(1, value / 32), value + " reported as " + upper);
    }

    @Property
    void percentilesMatchTheSortedSamples(@ForAll @Size(min = 1, max = 500) List<@LongRange(max = 10_000_000) Long> values,
                                          @ForAll @LongRange(min = 1, max = 100) long percent) {
        Latency latency = new Latency();
        values.forEach(latency::record);
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        long exact = sorted.get((int) Math.ceil(sorted.size() * percent / 100.0) - 1);
        assertEquals(Latency.upper(Latency.bucket(exact)), Latency.percentile(latency.snapshot(), percent));
    }
}
