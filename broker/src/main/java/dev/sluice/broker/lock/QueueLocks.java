package dev.sluice.broker.lock;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Which client of a consumer group owns each message queue, so an orderly consumer processes a queue alone. A lock
 * the owner does not renew within the maximum live time lapses and can be taken by another client: clients renew
 * every 20 s, so a crashed consumer's queues move on after the live time (60 s in RocketMQ).
 */
public final class QueueLocks {
    /** A message queue as RocketMQ's clients name it. */
    public record Queue(String topic, String brokerName, int queueId) {
    }

    private record Holder(String clientId, long renewedAt) {
    }

    private final Map<String, Map<Queue, Holder>> groups = new HashMap<>();
    private final Clock clock;
    private final LongSupplier maxLiveMillis;

    /** @param maxLiveMillis how long a lock lasts without renewal, read at every decision */
    public QueueLocks(Clock clock, LongSupplier maxLiveMillis) {
        this.clock = clock;
        this.maxLiveMillis = maxLiveMillis;
    }

    /**
     * Locks (or renews) every queue that is free, lapsed, or already held by {@code clientId}.
     *
     * @return the queues {@code clientId} holds afterwards, among those asked for
     */
    public synchronized Set<Queue> tryLock(String group, Collection<Queue> queues, String clientId) {
        long now = clock.millis();
        Map<Queue, Holder> held = groups.computeIfAbsent(group, g -> new HashMap<>());
        Set<Queue> granted = new LinkedHashSet<>();
        for (Queue queue : queues) {
            Holder holder = held.get(queue);
            if (holder == null || holder.clientId.equals(clientId) || lapsed(holder, now)) {
                held.put(queue, new Holder(clientId, now));
                granted.add(queue);
            }
        }
        return granted;
    }

    /** Releases the queues {@code clientId} holds; others' locks are left alone. */
    public synchronized void unlock(String group, Collection<Queue> queues, String clientId) {
        Map<Queue, Holder> held = groups.get(group);
        if (held == null) {
            return;
        }
        for (Queue queue : queues) {
            Holder holder = held.get(queue);
            if (holder != null && holder.clientId.equals(clientId)) {
                held.remove(queue);
            }
        }
        if (held.isEmpty()) {
            groups.remove(group);
        }
    }

    private boolean lapsed(Holder holder, long now) {
        return now - holder.renewedAt > maxLiveMillis.getAsLong();
    }
}
