package dev.sluice.client.consumer;

import dev.sluice.client.ReceivedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes batches on a thread pool in any order. A batch the listener fails is sent back for redelivery (clustering)
 * or dropped (broadcasting, as RocketMQ does); a message that could not be sent back is consumed again here later.
 * Each processed message releases its offset, so the queue's committable offset is its lowest unprocessed one.
 */
final class ConcurrentConsumption implements Consumption {
    private static final Logger LOG = LoggerFactory.getLogger(ConcurrentConsumption.class);
    private static final long LOCAL_RETRY_MILLIS = 5000;

    private final ConcurrentListener listener;
    private final ExecutorService executor;
    private final ScheduledExecutorService scheduler;
    private final int batchSize;
    private final MessageModel model;
    private final RetrySender retries;
    private final OffsetStore offsets;
    private final ConsumeStats stats;

    ConcurrentConsumption(ConcurrentListener listener, ExecutorService executor, ScheduledExecutorService scheduler,
            int batchSize, MessageModel model, RetrySender retries, OffsetStore offsets, ConsumeStats stats) {
        this.listener = listener;
        this.executor = executor;
        this.scheduler = scheduler;
        this.batchSize = batchSize;
        this.model = model;
        this.retries = retries;
        this.offsets = offsets;
        this.stats = stats;
    }

    @Override
    public void submit(ProcessQueue queue, List<ReceivedMessage> messages) {
        for (int i = 0; i < messages.size(); i += batchSize) {
            List<ReceivedMessage> batch = List.copyOf(messages.subList(i, Math.min(messages.size(), i + batchSize)));
            try {
                executor.execute(() -> consume(queue, batch));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return; // shutting down: the offsets stay uncommitted, so the messages come again
            }
        }
    }

    @Override
    public DirectResult consumeDirectly(List<ReceivedMessage> messages) {
        return DirectResult.of(false, () -> listener.consume(Consumption.asSent(messages)), ConsumeResult.SUCCESS);
    }

    private void consume(ProcessQueue queue, List<ReceivedMessage> batch) {
        if (queue.isDropped()) {
            return;
        }
        List<ReceivedMessage> view = Consumption.asSent(batch);
        ConsumeResult result;
        long start = System.currentTimeMillis();
        try {
            result = listener.consume(view);
        } catch (Throwable t) {
            LOG.warn("listener failed on {} messages of {}: {}", batch.size(), queue.queue, t.toString());
            result = ConsumeResult.RETRY_LATER;
        }
        long end = System.currentTimeMillis();
        queue.consumedAt(end);
        boolean ok = result == ConsumeResult.SUCCESS;
        stats.consumed(queue.queue.topic(), ok ? batch.size() : 0, ok ? 0 : batch.size(), end - start, end);
        List<ReceivedMessage> notTakenBack = new ArrayList<>();
        if (result != ConsumeResult.SUCCESS && model == MessageModel.CLUSTERING) {
            for (int i = 0; i < batch.size(); i++) {
                if (!retries.sendBack(batch.get(i), view.get(i).topic())) {
                    notTakenBack.add(batch.get(i));
                }
            }
        }
        for (ReceivedMessage m : batch) {
            if (!notTakenBack.contains(m)) {
                queue.released(m);
            }
        }
        if (!queue.isDropped()) {
            offsets.update(queue.queue, queue.tracker.committable());
        }
        if (!notTakenBack.isEmpty()) {
            try {
                scheduler.schedule(() -> submit(queue, notTakenBack), LOCAL_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down: uncommitted, delivered again after restart
            }
        }
    }
}
