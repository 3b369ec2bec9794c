package dev.sluice.client.admin;

import dev.sluice.client.MessageQueue;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** A consumer group's progress over the queues it consumes (GET_CONSUME_STATS of every broker, merged). */
public record ConsumeStats(double consumeTps, SortedMap<MessageQueue, QueueProgress> queues) {
    public ConsumeStats {
        queues = Collections.unmodifiableSortedMap(new TreeMap<>(queues));
    }

    /** The group's total lag: messages stored but not yet committed as consumed. */
    public long lagTotal() {
        return queues.values().stream().mapToLong(QueueProgress::lag).sum();
    }
}
