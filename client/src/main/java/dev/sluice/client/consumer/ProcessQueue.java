package dev.sluice.client.consumer;

import dev.sluice.client.MessageQueue;
import dev.sluice.client.ReceivedMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A push consumer's state for one queue it reads: where the next pull starts, what is fetched but not processed (for
 * flow control and the committable offset), and for orderly consumption the buffered messages and the broker lock.
 */
final class ProcessQueue {
    final MessageQueue queue;
    final OffsetTracker tracker;
    private final AtomicLong bufferedCount = new AtomicLong();
    private final AtomicLong bufferedBytes = new AtomicLong();
    private volatile boolean dropped;
    private volatile long nextOffset;
    private volatile long suggestedBrokerId;
    /** Orderly only: this member holds the queue's broker lock (renewed every 20 s, expires after 30 s unrenewed). */
    private volatile long lockedUntilMillis;
    /** Orderly only: fetched messages by offset, consumed lowest first by one thread at a time. */
    private final TreeMap<Long, ReceivedMessage> ordered = new TreeMap<>();
    /** Orderly only: the batch the listener has now, by offset (taken from {@link #ordered}, not yet released). */
    private final TreeMap<Long, ReceivedMessage> consuming = new TreeMap<>();
    /** Orderly only: redeliveries of a suspended message so far, by offset (the broker's count is not involved). */
    private final Map<Long, Integer> localRetries = new HashMap<>();
    final ReentrantLock consumeLock = new ReentrantLock();
    final AtomicBoolean consumeScheduled = new AtomicBoolean();
    private volatile long lastLockMillis;
    private volatile long lastPullMillis;
    private volatile long lastConsumeMillis;

    ProcessQueue(MessageQueue queue, long startOffset) {
        this.queue = queue;
        this.tracker = new OffsetTracker(startOffset);
        this.nextOffset = startOffset;
        this.lastConsumeMillis = System.currentTimeMillis();
    }

    void pulledAt(long millis) {
        lastPullMillis = millis;
    }

    void consumedAt(long millis) {
        lastConsumeMillis = millis;
    }

    long nextOffset() {
        return nextOffset;
    }

    void nextOffset(long offset) {
        nextOffset = offset;
    }

    long suggestedBrokerId() {
        return suggestedBrokerId;
    }

    void suggestedBrokerId(long id) {
        suggestedBrokerId = id;
    }

    boolean isDropped() {
        return dropped;
    }

    void drop() {
        dropped = true;
    }

    boolean isLocked(long nowMillis) {
        return nowMillis < lockedUntilMillis;
    }

    /** @param millis when the lock granted now expires; 0 when the broker refused it */
    void lockedUntil(long millis) {
        if (millis > 0) {
            lastLockMillis = System.currentTimeMillis();
        }
        lockedUntilMillis = millis;
    }

    void buffered(List<ReceivedMessage> messages) {
        long bytes = 0;
        for (ReceivedMessage m : messages) {
            bytes += m.body().length;
        }
        bufferedCount.addAndGet(messages.size());
        bufferedBytes.addAndGet(bytes);
    }

    void released(ReceivedMessage message) {
        synchronized (this) {
            localRetries.remove(message.queueOffset());
            consuming.remove(message.queueOffset());
        }
        bufferedCount.decrementAndGet();
        bufferedBytes.addAndGet(-message.body().length);
        tracker.processed(message.queueOffset());
    }

    long bufferedCount() {
        return bufferedCount.get();
    }

    long bufferedBytes() {
        return bufferedBytes.get();
    }

    synchronized void putOrdered(List<ReceivedMessage> messages) {
        for (ReceivedMessage m : messages) {
            consuming.remove(m.queueOffset());
            ordered.put(m.queueOffset(), m);
        }
    }

    synchronized void countLocalRetry(List<ReceivedMessage> messages) {
        for (ReceivedMessage m : messages) {
            localRetries.merge(m.queueOffset(), 1, Integer::sum);
        }
    }

    /** The messages with their reconsume count raised by the local redeliveries; forgets counts of released ones. */
    synchronized List<ReceivedMessage> withLocalRetries(List<ReceivedMessage> messages) {
        List<ReceivedMessage> view = new ArrayList<>(messages.size());
        for (ReceivedMessage m : messages) {
            Integer retries = localRetries.get(m.queueOffset());
            view.add(retries == null ? m : new ReceivedMessage(m.topic(), m.brokerName(), m.queueId(), m.queueOffset(),
                    m.commitLogOffset(), m.sysFlag(), m.flag(), m.bornTimestamp(), m.bornHost(), m.storeTimestamp(),
                    m.storeHost(), m.reconsumeTimes() + retries, m.preparedTransactionOffset(), m.properties(), m.body(),
                    m.offsetMsgId()));
        }
        return view;
    }

    /** Takes the lowest-offset messages; they stay buffered until released or put back with {@link #putOrdered}. */
    synchronized List<ReceivedMessage> takeOrdered(int max) {
        List<ReceivedMessage> batch = new ArrayList<>(max);
        while (batch.size() < max && !ordered.isEmpty()) {
            ReceivedMessage m = ordered.pollFirstEntry().getValue();
            consuming.put(m.queueOffset(), m);
            batch.add(m);
        }
        return batch;
    }

    /**
     * RocketMQ's ProcessQueueInfo for ConsumerRunningInfo.mqTable, fields in fastjson's order. The "transactionMsg"
     * fields are RocketMQ's name for the batch an orderly listener has now. Sluice gives up a queue's consume lock
     * after one wait, so there are no unlock retries to count.
     */
    synchronized Map<String, Object> info(long nowMillis) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("cachedMsgCount", bufferedCount.get());
        info.put("cachedMsgMaxOffset", tracker.highestInFlight());
        info.put("cachedMsgMinOffset", tracker.lowestInFlight());
        info.put("cachedMsgSizeInMiB", bufferedBytes.get() / (1024 * 1024));
        info.put("commitOffset", tracker.committable());
        info.put("droped", dropped);
        info.put("lastConsumeTimestamp", lastConsumeMillis);
        info.put("lastLockTimestamp", lastLockMillis);
        info.put("lastPullTimestamp", lastPullMillis);
        info.put("locked", isLocked(nowMillis));
        info.put("transactionMsgCount", consuming.size());
        info.put("transactionMsgMaxOffset", consuming.isEmpty() ? 0 : consuming.lastKey());
        info.put("transactionMsgMinOffset", consuming.isEmpty() ? 0 : consuming.firstKey());
        info.put("tryUnlockTimes", 0);
        return info;
    }
}
