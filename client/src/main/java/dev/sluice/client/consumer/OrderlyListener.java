package dev.sluice.client.consumer;

import dev.sluice.client.ReceivedMessage;
import java.util.List;

/**
 * Consumes each queue's messages one batch at a time in queue order, while this member holds the queue's broker lock.
 * A thrown exception means SUSPEND_CURRENT_QUEUE_A_MOMENT.
 */
@FunctionalInterface
public interface OrderlyListener {
    OrderlyResult consume(List<ReceivedMessage> messages) throws Exception;
}
