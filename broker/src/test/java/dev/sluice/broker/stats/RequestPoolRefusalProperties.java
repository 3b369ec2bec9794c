package dev.sluice.broker.stats;

import dev.sluice.remoting.QueuedRequest;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.testing.Deadline;
import dev.sluice.testing.MutableClock;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fast failure on a pool whose only thread is busy, against a model: with requests queued at known times,
 * refuseExpired refuses exactly the requests that have waited at least the limit, refuseAll every request, each
 * with RocketMQ's remark; plain tasks are never refused; whatever is not refused runs once.
 */
class RequestPoolRefusalProperties {
    /** A request that remembers how it ended. */
    private static final class Request implements QueuedRequest {
        final AtomicInteger runs = new AtomicInteger();
        volatile Integer refusedWith;
        volatile String remark;

        @Override
        public void refuse(int responseCode, String remark) {
            this.refusedWith = responseCode;
            this.remark = remark;
        }

        @Override
        public void run() {
            runs.incrementAndGet();
        }
    }

    @Property(tries = 200)
    void refuseExpiredTakesExactlyTheRequestsThatWaitedTooLong(
            @ForAll @Size(max = 20) List<@IntRange(max = 300) Integer> gaps, @ForAll int plainBits,
            @ForAll @IntRange(min = 1, max = 2000) int maxWait, @ForAll @IntRange(max = 3000) int later,
            @ForAll boolean all) throws Exception {
        MutableClock clock = new MutableClock(1_000_000);
        RequestPool pool = new RequestPool(1, 100, Thread::new, clock);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            pool.execute(() -> {
                busy.countDown();
                await(release);
            });
            assertTrue(busy.await(5, TimeUnit.SECONDS), "the pool's thread is taken");
            List<Runnable> queued = new ArrayList<>();
            List<Long> queuedAt = new ArrayList<>();
            for (int i = 0; i < gaps.size(); i++) {
                clock.advance(gaps.get(i));
                queued.add((plainBits >> i & 1) == 1 ? new Plain() : new Request());
                queuedAt.add(clock.millis());
                pool.execute(queued.get(i));
            }
            clock.advance(later);
            long now = clock.millis();

            int refused = all ? pool.refuseAll() : pool.refuseExpired(maxWait);

            int expectedRefused = 0;
            for (int i = 0; i < queued.size(); i++) {
                if (queued.get(i) instanceof Request r) {
                    long waited = now - queuedAt.get(i);
                    if (all || waited >= maxWait) {
                        expectedRefused++;
                        assertEquals(ResponseCode.SYSTEM_BUSY, r.refusedWith, "request " + i + " waited " + waited);
                        // Oldest first, each removed before its answer: the queue has lost every one refused so far.
                        assertEquals("[" + (all ? "PCBUSY_CLEAN_QUEUE" : "TIMEOUT_CLEAN_QUEUE")
                                + "]broker busy, start flow control for a while, period in queue: " + waited
                                + "ms, size of queue: " + (queued.size() - expectedRefused), r.remark);
                    } else {
                        assertNull(r.refusedWith, "request " + i + " waited only " + waited + " of " + maxWait);
                    }
                }
            }
            assertEquals(expectedRefused, refused);
            assertEquals(queued.size() - expectedRefused, pool.getQueue().size(), "the rest still queued");

            release.countDown();
            Deadline.await("the rest run", Duration.ofSeconds(10), () -> queued.stream().allMatch(t ->
                    t instanceof Request r ? r.refusedWith != null || r.runs.get() == 1 : ((Plain) t).runs.get() == 1));
            for (Runnable t : queued) {
                if (t instanceof Request r) {
                    assertEquals(r.refusedWith == null ? 1 : 0, r.runs.get(), "run once, or refused and never run");
                }
            }
        } finally {
            release.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    /** A task that is not a request (a resumed long poll): never refused. */
    private static final class Plain implements Runnable {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public void run() {
            runs.incrementAndGet();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
