package dev.sluice.client.producer;

import dev.sluice.client.MessageQueue;

/**
 * A stored message: {@code msgId} is the client-generated UNIQ_KEY (comma-joined for a batch), {@code offsetMsgId} the
 * broker's id (store host + commit-log offset), {@code queueOffset} its index in the queue (the first one for a batch).
 */
public record SendResult(SendStatus status, String msgId, String offsetMsgId, MessageQueue queue, long queueOffset) {
}
