package dev.sluice.jmh.load;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load tool's bookkeeping against plain models: what it reports as lost, duplicated or slow must be right. */
class LoadToolCountingProperties {

    @Property
    void seqSetCountsLikeAHashSet(@ForAll @Size(max = 300) List<@LongRange(max = 3_000_000) Long> added,
                                  @ForAll @Size(max = 300) List<@LongRange(max = 3_000_000) Long> other) {
        SeqSet set = new SeqSet();
        Set<Long> model = new HashSet<>();
        for (long seq : added) {
            assertEquals(model.add(seq), set.add(seq), "first add of " + seq);
        }
        assertEquals(model.size(), set.size());
        SeqSet seen = new SeqSet();
        other.forEach(seen::add);
        Set<Long> missing = new HashSet<>(model);
        missing.removeAll(new HashSet<>(other));
        assertEquals(missing.size(), set.missingFrom(seen));
    }

    @Property
    void everyValueFallsInABucketWhoseBoundHoldsItWithinThreePercent(@ForAll @LongRange(max = 1L << 40) long micros) {
        int b = Latency.bucket(micros);
        long upper = Latency.upperMicros(b);
        assertTrue(micros <= upper, micros + " above its bucket's bound " + upper);
        assertTrue(b == 0 || micros > Latency.upperMicros(b - 1), micros + " also fits the bucket below");
        assertTrue(upper - micros <= Math.max(1, micros / 32), micros + " reported as " + upper);
    }

    @Property
    void percentilesMatchTheSortedSamples(@ForAll @Size(min = 1, max = 500) List<@LongRange(max = 10_000_000) Long> micros,
                                          @ForAll @LongRange(min = 1, max = 100) long percent) {
        Latency latency = new Latency();
        micros.forEach(m -> latency.recordNanos(m * 1000));
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        long exact = sorted.get((int) Math.ceil(sorted.size() * percent / 100.0) - 1);
        assertEquals(Latency.upperMicros(Latency.bucket(exact)), Latency.percentile(latency.snapshot(), percent));
    }
}
