package dev.sluice.broker.stats;

import dev.sluice.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestPoolTest {
    @Test
    void headWaitIsTheAgeOfTheOldestQueuedTask() throws Exception {
        MutableClock clock = new MutableClock(1_000_000);
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
            clock.advance(250);
            pool.execute(() -> { });
            clock.advance(100);
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
            assertTrue(latch.await(5, TimeUnit.SECONDS), "latch released within 5 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
