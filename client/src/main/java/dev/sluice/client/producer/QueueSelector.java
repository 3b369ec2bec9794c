package dev.sluice.client.producer;

import dev.sluice.client.Message;
import dev.sluice.client.MessageQueue;
import java.util.List;

/** Chooses the queue of a message, e.g. by hashing an order id so one order's messages stay in one queue, in order. */
@FunctionalInterface
public interface QueueSelector {
    /** @param queues the topic's writable queues, in a stable order (broker name, then queue id) */
    MessageQueue select(List<MessageQueue> queues, Message message, Object arg);
}
