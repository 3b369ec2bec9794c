package dev.sluice.client.producer;

import dev.sluice.client.MessageQueue;
import dev.sluice.client.internal.FaultAvoidance;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round-robin over a topic's writable queues, skipping broker groups the fault avoidance currently avoids and,
 * on a retry, the group that just failed; falls back to any queue when every group is avoided.
 */
final class QueueRoundRobin {
    private final AtomicInteger next = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

    MessageQueue select(List<MessageQueue> queues, String lastFailedBroker, FaultAvoidance faults) {
        int n = queues.size();
        for (int i = 0; i < n; i++) {
            MessageQueue q = queues.get(Math.floorMod(next.getAndIncrement(), n));
            if (faults.isAvailable(q.brokerName()) && !q.brokerName().equals(lastFailedBroker)) {
                return q;
            }
        }
        for (int i = 0; i < n; i++) {
            MessageQueue q = queues.get(Math.floorMod(next.getAndIncrement(), n));
            if (!q.brokerName().equals(lastFailedBroker)) {
                return q;
            }
        }
        return queues.get(Math.floorMod(next.getAndIncrement(), n));
    }
}
