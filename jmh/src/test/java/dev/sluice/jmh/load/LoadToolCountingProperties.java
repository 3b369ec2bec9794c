package dev.sluice.jmh.load;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
