package dev.sluice.broker.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestPoolTest {
    /** Time moves only when the test says so. */
    private static final class StepClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_000_000);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void headWaitIsTheAgeOfTheOldestQueuedTask() throws Exception {
        StepClock clock = new StepClock();
        RequestPool pool = new RequestPool(1, 10, Thread::new, clock);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(2);
        try {
            assertEquals(0, pool.headWaitMillis(), "nothing queued");
            pool.execute(() -> {
                running.countDown();
                await(release);
                done.countDown();
            });
            assertTrue(running.await(5, TimeUnit.SECONDS));
            pool.execute(done::countDown); // queued behind the busy thread
            clock.millis.addAndGet(250);
            pool.execute(() -> { });
            clock.millis.addAndGet(100);
            assertEquals(350, pool.headWaitMillis(), "the first queued task, not the latest");
            release.countDown();
            assertTrue(done.await(5, TimeUnit.SECONDS));
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
        }
        assertEquals(0, pool.headWaitMillis(), "drained");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
