package dev.sluice.client.consumer;

import dev.sluice.client.ReceivedMessage;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes each queue's messages lowest offset first, one batch at a time (the queue's consume lock), and only while
 * this member holds the queue's broker lock (clustering). A suspended batch is put back and tried again after
 * {@code suspendMillis}, before anything behind it.
 */
final class OrderlyConsumption implements Consumption {
    private static final Logger LOG = LoggerFactory.getLogger(OrderlyConsumption.class);
    private static final long NOT_LOCKED_RETRY_MILLIS = 100;
    private static final long MAX_RUN_MILLIS = 60_000;

    private final OrderlyListener listener;
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final int batchSize;
    private final boolean needsBrokerLock;
    private final long suspendMillis;
    private final OffsetStore offsets;
    private final RetrySender retries;
    private final int maxReconsumeTimes;
    private final ConsumeStats stats;

    OrderlyConsumption(OrderlyListener listener, ExecutorService executor, ScheduledExecutorService scheduler,
            int batchSize, boolean needsBrokerLock, long suspendMillis, OffsetStore offsets, RetrySender retries,
            int maxReconsumeTimes, ConsumeStats stats) {
        this.listener = listener;
        this.executor = executor;
        this.scheduler = scheduler;
        this.batchSize = batchSize;
        this.needsBrokerLock = needsBrokerLock;
        this.suspendMillis = suspendMillis;
        this.offsets = offsets;
        this.retries = retries;
        this.maxReconsumeTimes = maxReconsumeTimes;
        this.stats = stats;
    }

    /**
     * After maxReconsumeTimes redeliveries the batch goes to the DLQ and the queue moves on (RocketMQ's rule); if the
     * broker cannot take it, the queue stays suspended on it.
     */
    private boolean giveUp(ProcessQueue queue, List<ReceivedMessage> batch, List<ReceivedMessage> view) {
        for (ReceivedMessage m : view) {
            if (m.reconsumeTimes() < maxReconsumeTimes) {
                return false;
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            if (!retries.sendToDeadLetterQueue(batch.get(i), view.get(i).topic())) {
                return false;
            }
        }
        LOG.warn("{} messages of {} went to the DLQ after {} redeliveries", batch.size(), queue.queue, maxReconsumeTimes);
        return true;
    }

    @Override
    public void submit(ProcessQueue queue, List<ReceivedMessage> messages) {
        queue.putOrdered(messages);
        schedule(queue, 0);
    }

    private void schedule(ProcessQueue queue, long delayMillis) {
        if (!queue.consumeScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            if (delayMillis == 0) {
                executor.execute(() -> run(queue));
            } else {
                scheduler.schedule(() -> executor.execute(() -> run(queue)), delayMillis, TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            queue.consumeScheduled.set(false);
        }
    }

    @Override
    public DirectResult consumeDirectly(List<ReceivedMessage> messages) {
        return DirectResult.of(true, () -> listener.consume(Consumption.asSent(messages)), OrderlyResult.SUCCESS);
    }

    private void run(ProcessQueue queue) {
        queue.consumeScheduled.set(false);
        if (queue.isDropped()) {
            return;
        }
        long start = System.currentTimeMillis();
        queue.consumeLock.lock();
        try {
            while (!queue.isDropped()) {
                if (needsBrokerLock && !queue.isLocked(System.currentTimeMillis())) {
                    schedule(queue, NOT_LOCKED_RETRY_MILLIS);
                    return;
                }
                if (System.currentTimeMillis() - start > MAX_RUN_MILLIS) {
                    schedule(queue, 0); // let other queues have the thread
                    return;
                }
                List<ReceivedMessage> batch = queue.takeOrdered(batchSize);
                if (batch.isEmpty()) {
                    return;
                }
                OrderlyResult result;
                List<ReceivedMessage> view = Consumption.asSent(queue.withLocalRetries(batch));
                long started = System.currentTimeMillis();
                try {
                    result = listener.consume(view);
                } catch (Throwable t) {
                    LOG.warn("orderly listener failed on {}: {}", queue.queue, t.toString());
                    result = OrderlyResult.SUSPEND_CURRENT_QUEUE_A_MOMENT;
                }
                long ended = System.currentTimeMillis();
                queue.consumedAt(ended);
                boolean ok = result == OrderlyResult.SUCCESS;
                stats.consumed(queue.queue.topic(), ok ? batch.size() : 0, ok ? 0 : batch.size(), ended - started, ended);
                if (result != OrderlyResult.SUCCESS) {
                    if (!giveUp(queue, batch, view)) {
                        queue.putOrdered(batch);
                        queue.countLocalRetry(batch);
                        schedule(queue, suspendMillis);
                        return;
                    }
                }
                batch.forEach(queue::released);
                offsets.update(queue.queue, queue.tracker.committable());
            }
        } finally {
            queue.consumeLock.unlock();
        }
    }
}
