package dev.sluice.replication.sync;

import dev.sluice.store.AppendStatus;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Waiters} against a list of sends: nothing completes PUT_OK before a confirmation reaches its end or
 * FLUSH_SLAVE_TIMEOUT before its deadline, a confirmation completes every send it covers, time-outs complete every
 * due send once later ones are due too, and the ring keeps all of that through growth and out-of-order arrivals.
 */
class WaitersProperties {

    sealed interface Op permits Add, Confirm, Tick {
    }

    /** A send ending {@code step} bytes after the last one, or {@code swap} bytes before it (a late caller). */
    record Add(int step, int swap, int timeout) implements Op {
    }

    record Confirm(int advance) implements Op {
    }

    record Tick(int millis) implements Op {
    }

    private record Send(long end, long deadline, CompletableFuture<AppendStatus> future) {
    }

    @Property(tries = 300)
    void completesNothingEarlyAndEverythingDue(@ForAll("ops") List<Op> ops) {
        Waiters waiters = new Waiters();
        List<Send> sends = new ArrayList<>();
        long lastEnd = 0;
        long confirmed = 0;
        long now = 0;
        for (Op op : ops) {
            if (op instanceof Add a) {
                long end = a.swap() > 0 ? Math.max(1, lastEnd - a.swap()) : lastEnd + a.step();
                lastEnd = Math.max(lastEnd, end);
                if (end <= confirmed) {
                    continue; // GroupAcks answers those at once, without queueing
                }
                Send s = new Send(end, now + a.timeout(), new CompletableFuture<>());
                sends.add(s);
                waiters.add(s.end(), s.deadline(), s.future());
            } else if (op instanceof Confirm c) {
                confirmed = Math.min(lastEnd, confirmed + c.advance());
                waiters.confirm(confirmed);
                for (Send s : sends) {
                    if (s.end() <= confirmed) {
                        assertTrue(s.future().isDone(), "a send ending at " + s.end() + " is still waiting after "
                                + "a confirmation of " + confirmed);
                    }
                }
            } else if (op instanceof Tick t) {
                now += t.millis();
                waiters.expire(now);
            }
            for (Send s : sends) {
                AppendStatus status = s.future().getNow(null);
                if (status == AppendStatus.PUT_OK) {
                    assertTrue(s.end() <= confirmed, "completed at " + s.end() + " with only " + confirmed + " confirmed");
                } else if (status == AppendStatus.FLUSH_SLAVE_TIMEOUT) {
                    assertTrue(s.deadline() <= now, "timed out before its deadline " + s.deadline() + " at " + now);
                } else {
                    assertNull(status);
                }
            }
            long waiting = sends.stream().filter(s -> !s.future().isDone()).count();
            assertEquals(waiting, waiters.size());
        }
        long last = sends.stream().mapToLong(Send::deadline).max().orElse(0);
        waiters.expire(Math.max(now, last));
        for (Send s : sends) {
            assertTrue(s.future().isDone(), "a send whose deadline passed is still waiting");
        }
        assertEquals(0, waiters.size());
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> add = Combinators.combine(Arbitraries.integers().between(1, 300),
                Arbitraries.integers().between(0, 3).map(i -> i == 3 ? 1 : 0)
                        .flatMap(late -> late == 0 ? Arbitraries.just(0) : Arbitraries.integers().between(1, 400)),
                Arbitraries.integers().between(0, 50)).as(Add::new);
        Arbitrary<Op> confirm = Arbitraries.integers().between(0, 5000).map(Confirm::new);
        Arbitrary<Op> tick = Arbitraries.integers().between(0, 20).map(Tick::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, add), net.jqwik.api.Tuple.of(2, confirm), net.jqwik.api.Tuple.of(1, tick))
                .list().ofMaxSize(400);
    }
}
