package dev.sluice.jmh.load;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load tool's bookkeeping against a plain model: what it reports as lost or duplicated must be right. */
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

    /** --acks files hold the acknowledged sends as ranges: they must give back exactly the set. */
    @Property
    void rangesGiveBackTheSet(@ForAll @Size(max = 300) List<@LongRange(max = 3_000_000) Long> added) {
        SeqSet set = new SeqSet();
        added.forEach(set::add);
        Set<Long> fromRanges = new HashSet<>();
        long[] previousLast = {-2};
        set.forEachRange((first, last) -> {
            assertTrue(first > previousLast[0] + 1, "ranges apart and in order: " + first + " after " + previousLast[0]);
            for (long seq = first; seq <= last; seq++) {
                fromRanges.add(seq);
            }
            previousLast[0] = last;
        });
        assertEquals(new HashSet<>(added), fromRanges);
    }
}
