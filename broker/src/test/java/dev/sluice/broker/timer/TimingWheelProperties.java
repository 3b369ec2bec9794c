package dev.sluice.broker.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.MutableClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The wheel against a model (a map of reference to due time): after every step exactly the entries due at or before
 * the clock have been handed over, each once and none early; the wheel is small (8 slots of 10 ms) so entries wrap
 * around many revolutions, and the clock moves by small steps, big jumps and sometimes backwards.
 */
class TimingWheelProperties {

    /** add: {0, offset from now}; advance: {1, step}. */
    record Op(int kind, long value) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> add = Arbitraries.oneOf(
                Arbitraries.longs().between(-200, 200),
                Arbitraries.longs().between(-2_000, 20_000)).map(v -> new Op(0, v));
        Arbitrary<Op> advance = Arbitraries.oneOf(
                Arbitraries.longs().between(0, 30),
                Arbitraries.longs().between(0, 5_000),
                Arbitraries.longs().between(-50, 0)).map(v -> new Op(1, v));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, add),
                net.jqwik.api.Tuple.of(2, advance)).list().ofMaxSize(300);
    }

    @Property(tries = 300)
    void handsOverExactlyWhatIsDueNeverEarlyNeverTwice(@ForAll("ops") List<Op> ops,
                                                       @ForAll("start") long start) {
        MutableClock clock = new MutableClock(start);
        TimingWheel wheel = new TimingWheel(8, 10, clock.millis());
        Map<Long, Long> pending = new HashMap<>();
        long nextRef = 0;
        for (Op op : ops) {
            if (op.kind() == 0) {
                long due = clock.millis() + op.value();
                wheel.add(due, nextRef);
                pending.put(nextRef++, due);
            } else {
                clock.advance(op.value());
                long now = clock.millis();
                List<Long> handed = new ArrayList<>();
                wheel.advance(now, (due, ref) -> {
                    assertTrue(due <= now, "entry " + ref + " due at " + due + " handed over early at " + now);
                    assertEquals(pending.get(ref), due, "entry " + ref + " handed over with its due time");
                    handed.add(ref);
                });
                List<Long> expected = pending.entrySet().stream().filter(e -> e.getValue() <= now)
                        .map(Map.Entry::getKey).sorted().toList();
                assertEquals(expected, handed.stream().sorted().toList(), "handed over at " + now);
                expected.forEach(pending::remove);
            }
            assertEquals(pending.size(), wheel.size());
        }
    }

    @Provide
    Arbitrary<Long> start() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 100), Arbitraries.just(1_700_000_000_005L),
                Arbitraries.longs().between(1_600_000_000_000L, 1_900_000_000_000L));
    }
}
