package dev.sluice.broker.pull;

import dev.sluice.store.DispatchListener;
import dev.sluice.store.MessageStore;
import dev.sluice.store.TagFilter;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls that found nothing new, held until a message for their queue is dispatched or their suspend time passes.
 * Nothing polls: the store's dispatcher wakes them, and each has one timer. Woken pulls are run again on the pull
 * executor. A dispatch with no pull waiting costs one counter read.
 */
final class LongPolling implements DispatchListener {
    private static final Logger LOG = LoggerFactory.getLogger(LongPolling.class);

    /** One parked pull; {@code resume} runs it again, exactly once. */
    static final class Parked {
        final String topic;
        final int queueId;
        final long offset;
        final TagFilter filter;
        final Runnable resume;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile ScheduledFuture<?> timeout;

        Parked(String topic, int queueId, long offset, TagFilter filter, Runnable resume) {
            this.topic = topic;
            this.queueId = queueId;
            this.offset = offset;
            this.filter = filter;
            this.resume = resume;
        }
    }

    private final Map<String, Map<Integer, Queue<Parked>>> parked = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final MessageStore store;
    private final ScheduledExecutorService timer;
    private final Executor executor;

    LongPolling(MessageStore store, ScheduledExecutorService timer, Executor executor) {
        this.store = store;
        this.timer = timer;
        this.executor = executor;
    }

    void park(Parked pull, long timeoutMillis) {
        queue(pull.topic, pull.queueId).add(pull);
        count.incrementAndGet();
        pull.timeout = timer.schedule(() -> wake(pull), timeoutMillis, TimeUnit.MILLISECONDS);
        // A message dispatched between the pull's read and now would have found nobody to wake.
        if (store.maxQueueOffset(pull.topic, pull.queueId) > pull.offset) {
            wake(pull);
        }
    }

    /** Wakes the pulls of the message's queue whose filter takes it, by tag code and, for SQL92, by its record. */
    @Override
    public void onDispatched(String topic, int queueId, long maxOffset, long tagCode, ByteBuffer record) {
        if (count.get() == 0) {
            return;
        }
        Map<Integer, Queue<Parked>> byQueue = parked.get(topic);
        Queue<Parked> waiting = byQueue == null ? null : byQueue.get(queueId);
        if (waiting == null) {
            return;
        }
        for (Parked pull : waiting) {
            if (pull.offset < maxOffset && pull.filter.accept(tagCode) && pull.filter.acceptRecord(record)) {
                wake(pull);
            }
        }
    }

    private void wake(Parked pull) {
        if (!pull.done.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> timeout = pull.timeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
        Queue<Parked> waiting = parked.getOrDefault(pull.topic, Map.of()).get(pull.queueId);
        if (waiting != null) {
            waiting.remove(pull);
        }
        count.decrementAndGet();
        try {
            executor.execute(pull.resume);
        } catch (RejectedExecutionException e) {
            // Only when shutting down or hopelessly overloaded: the client's pull times out and it pulls again.
            LOG.debug("could not resume a held pull of {}-{}: {}", pull.topic, pull.queueId, e.toString());
        }
    }

    private Queue<Parked> queue(String topic, int queueId) {
        return parked.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(queueId, q -> new ConcurrentLinkedQueue<>());
    }
}
