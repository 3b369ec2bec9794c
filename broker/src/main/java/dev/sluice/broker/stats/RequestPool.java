package dev.sluice.broker.stats;

import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A fixed, bounded request pool that stamps each task when it is queued, so the broker can report how long the
 * oldest waiting request has waited (clusterList's LOAD column, brokerStatus' *ThreadPoolQueueHeadWaitTimeMills):
 * a growing head wait means the pool is saturated before the queue is full.
 */
public final class RequestPool extends ThreadPoolExecutor {
    private final Clock clock;

    public RequestPool(int threads, int queueCapacity, ThreadFactory threadFactory, Clock clock) {
        super(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity), threadFactory);
        this.clock = clock;
    }

    @Override
    public void execute(Runnable command) {
        super.execute(new Queued(command, clock.millis()));
    }

    /** Milliseconds the task at the head of the queue has waited, 0 when none waits. */
    public long headWaitMillis() {
        return getQueue().peek() instanceof Queued head ? Math.max(0, clock.millis() - head.queuedAt) : 0;
    }

    private record Queued(Runnable task, long queuedAt) implements Runnable {
        @Override
        public void run() {
            task.run();
        }
    }
}
