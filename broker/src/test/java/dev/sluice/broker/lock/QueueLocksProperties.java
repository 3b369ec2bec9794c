package dev.sluice.broker.lock;

import dev.sluice.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Queue locks against a model that keeps, per queue, its owner and the instant the ownership ends. */
class QueueLocksProperties {
    private static final long LIVE = 1000;
    private static final List<String> CLIENTS = List.of("A", "B", "C");

    sealed interface Step permits Lock, Unlock, Advance {
    }

    record Lock(String client, Set<Integer> queues) implements Step {
    }

    record Unlock(String client, Set<Integer> queues) implements Step {
    }

    record Advance(long millis) implements Step {
    }

    /** Owner and the last instant the lock still holds. */
    private record Ownership(String client, long holdsUntil) {
    }

    @Property(tries = 300)
    void grantsMatchTheModel(@ForAll("steps") List<Step> steps) {
        MutableClock clock = new MutableClock(1_000_000);
        QueueLocks locks = new QueueLocks(clock, () -> LIVE);
        Map<Integer, Ownership> model = new HashMap<>();
        for (Step step : steps) {
            long now = clock.millis();
            if (step instanceof Advance a) {
                clock.advance(a.millis());
            } else if (step instanceof Unlock u) {
                locks.unlock("G", queues(u.queues()), u.client());
                u.queues().forEach(q -> model.computeIfPresent(q, (k, o) -> o.client().equals(u.client()) ? null : o));
            } else if (step instanceof Lock l) {
                Set<QueueLocks.Queue> expected = new LinkedHashSet<>();
                for (int q : l.queues()) {
                    Ownership o = model.get(q);
                    if (o == null || o.client().equals(l.client()) || now > o.holdsUntil()) {
                        model.put(q, new Ownership(l.client(), now + LIVE));
                        expected.add(queue(q));
                    }
                }
                assertEquals(expected, locks.tryLock("G", queues(l.queues()), l.client()), "grants of " + l);
            }
        }
    }

    @Test
    void aLockLastsTheLiveTimeUnrenewedThenAnotherClientTakesIt() {
        MutableClock clock = new MutableClock(0);
        QueueLocks locks = new QueueLocks(clock, () -> 60_000);
        Set<QueueLocks.Queue> q0 = Set.of(queue(0));
        assertEquals(q0, locks.tryLock("G", q0, "A"));
        clock.advance(60_000);
        assertEquals(Set.of(), locks.tryLock("G", q0, "B"), "held for the whole live time");
        assertEquals(Set.of(), locks.tryLock("H", Set.of(), "B"));
        assertEquals(q0, locks.tryLock("H", q0, "B"), "another group's locks are separate");
        clock.advance(1);
        assertEquals(q0, locks.tryLock("G", q0, "B"), "lapsed after the live time");
        assertEquals(Set.of(), locks.tryLock("G", q0, "A"), "the old owner lost it");
        locks.unlock("G", q0, "A");
        assertEquals(Set.of(), locks.tryLock("G", q0, "C"), "only the owner's unlock frees a queue");
        locks.unlock("G", q0, "B");
        assertEquals(q0, locks.tryLock("G", q0, "C"));
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<String> client = Arbitraries.of(CLIENTS);
        Arbitrary<Set<Integer>> queues = Arbitraries.integers().between(0, 3).set().ofMaxSize(4);
        Arbitrary<Step> lock = Combinators.combine(client, queues).as(Lock::new);
        Arbitrary<Step> unlock = Combinators.combine(client, queues).as(Unlock::new);
        Arbitrary<Step> advance = Arbitraries.oneOf(Arbitraries.longs().between(0, 2 * LIVE),
                Arbitraries.of(LIVE, LIVE + 1)).map(Advance::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, lock), net.jqwik.api.Tuple.of(1, unlock), net.jqwik.api.Tuple.of(3, advance))
                .list().ofMaxSize(60);
    }

    private static QueueLocks.Queue queue(int id) {
        return new QueueLocks.Queue("T", "broker-a", id);
    }

    private static List<QueueLocks.Queue> queues(Set<Integer> ids) {
        List<QueueLocks.Queue> list = new ArrayList<>();
        ids.forEach(id -> list.add(queue(id)));
        return list;
    }
}
