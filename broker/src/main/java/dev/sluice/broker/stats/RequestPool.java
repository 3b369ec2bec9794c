package dev.sluice.broker.stats;

import dev.sluice.remoting.QueuedRequest;
import dev.sluice.remoting.ResponseCode;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A fixed, bounded request pool that stamps each task when it is queued, so the broker can report how long the
 * oldest waiting request has waited (clusterList's LOAD column, brokerStatus' *ThreadPoolQueueHeadWaitTimeMills):
 * a growing head wait means the pool is saturated before the queue is full. The queue is linked, so a capacity of a
 * million (RocketMQ's default for its client and consumer management pools) reserves nothing up front.
 */
public final class RequestPool extends ThreadPoolExecutor {
    private final Clock clock;

    public RequestPool(int threads, int queueCapacity, ThreadFactory threadFactory, Clock clock) {
        super(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queueCapacity), threadFactory);
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

    /**
     * Answers SYSTEM_BUSY to every queued request that has waited {@code maxWaitMillis} or more, oldest first, as
     * RocketMQ's fast failure does ("[TIMEOUT_CLEAN_QUEUE]"): its sender hears at once instead of timing out, and
     * may try another broker. Other tasks (a long-polling pull resumed) are left to run.
     *
     * @return how many were refused
     */
    public int refuseExpired(long maxWaitMillis) {
        int refused = 0;
        long now = clock.millis();
        for (Runnable task : getQueue()) {
            if (task instanceof Queued queued) {
                long waited = now - queued.queuedAt;
                if (waited < maxWaitMillis) {
                    break;
                }
                if (refuse(queued, "TIMEOUT_CLEAN_QUEUE", waited)) {
                    refused++;
                }
            }
        }
        return refused;
    }

    /**
     * Answers SYSTEM_BUSY to every queued request ("[PCBUSY_CLEAN_QUEUE]"): RocketMQ's answer to a store whose append
     * lock has been held too long, when every queued send would wait behind it.
     *
     * @return how many were refused
     */
    public int refuseAll() {
        int refused = 0;
        long now = clock.millis();
        for (Runnable task : getQueue()) {
            if (task instanceof Queued queued && refuse(queued, "PCBUSY_CLEAN_QUEUE", now - queued.queuedAt)) {
                refused++;
            }
        }
        return refused;
    }

    /** False when the task is not a request, or a pool thread took it first. */
    private boolean refuse(Queued queued, String reason, long waited) {
        if (!(queued.task instanceof QueuedRequest request) || !getQueue().remove(queued)) {
            return false;
        }
        request.refuse(ResponseCode.SYSTEM_BUSY, String.format(Locale.ROOT,
                "[%s]broker busy, start flow control for a while, period in queue: %sms, size of queue: %d",
                reason, waited, getQueue().size()));
        return true;
    }

    private record Queued(Runnable task, long queuedAt) implements Runnable {
        @Override
        public void run() {
            task.run();
        }
    }
}
