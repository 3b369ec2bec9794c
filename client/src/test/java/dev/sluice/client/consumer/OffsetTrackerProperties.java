package dev.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The tracker against a plain model: pulls fetch consecutive runs (some offsets filtered out), listeners finish them
 * in any order, and the committable offset is always the lowest unfinished offset, else the next pull position.
 */
class OffsetTrackerProperties {
    /** One step: 0 = a pull of {@code size} entries keeping those where bit i of {@code mask} is set; 1 = finish one. */
    record Step(int kind, int size, int mask, int pick) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(0, 40), Arbitraries.integers(), Arbitraries.integers().greaterOrEqual(0))
                .as(Step::new);
        return step.list().ofMaxSize(200);
    }

    @Property(tries = 300)
    void committableIsTheLowestUnprocessedOffset(@ForAll("steps") List<Step> steps,
            @ForAll("starts") long start) {
        OffsetTracker tracker = new OffsetTracker(start);
        TreeSet<Long> unprocessed = new TreeSet<>();
        long next = start;
        long lastCommittable = start;
        for (Step s : steps) {
            if (s.kind() == 0) {
                List<Long> kept = new ArrayList<>();
                for (int i = 0; i < s.size(); i++) {
                    if ((s.mask() >>> (i % 32) & 1) != 0) {
                        kept.add(next + i);
                    }
                }
                next += s.size();
                tracker.fetched(kept.stream().mapToLong(Long::longValue).toArray(), next);
                unprocessed.addAll(kept);
            } else if (!unprocessed.isEmpty()) {
                List<Long> pending = new ArrayList<>(unprocessed);
                long done = pending.get(s.pick() % pending.size());
                unprocessed.remove(done);
                tracker.processed(done);
            }
            long expected = unprocessed.isEmpty() ? next : unprocessed.first();
            assertEquals(expected, tracker.committable());
            assertEquals(unprocessed.size(), tracker.inFlightCount());
            assertEquals(unprocessed.isEmpty() ? 0 : unprocessed.first(), tracker.lowestInFlight());
            assertEquals(unprocessed.isEmpty() ? 0 : unprocessed.last(), tracker.highestInFlight());
            assertTrue(tracker.committable() >= lastCommittable, "the committed offset never goes back");
            lastCommittable = tracker.committable();
        }
    }

    @Provide
    Arbitrary<Long> starts() {
        return Arbitraries.longs().between(0, 1L << 40);
    }

    @Property(tries = 50)
    void resetForgetsInFlightOffsets(@ForAll("starts") long start, @ForAll("starts") long seek) {
        OffsetTracker tracker = new OffsetTracker(start);
        tracker.fetched(new long[] {start, start + 1}, start + 2);
        tracker.reset(seek);
        assertEquals(seek, tracker.committable());
        assertEquals(0, tracker.inFlightCount());
    }
}
