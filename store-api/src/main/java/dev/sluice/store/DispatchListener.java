package dev.sluice.store;

import java.nio.ByteBuffer;

/**
 * Told when a message becomes readable from its ConsumeQueue, e.g. to wake long-polling pulls.
 * Called on the dispatcher thread: return quickly.
 */
@FunctionalInterface
public interface DispatchListener {
    DispatchListener NONE = (topic, queueId, maxOffset, tagCode, record) -> { };

    /**
     * @param maxOffset the queue's new max offset (one past the message)
     * @param tagCode   the message's ConsumeQueue tag code
     * @param record    the stored record, from the buffer's position to its limit: for filters that read more than
     *                  the tag (an SQL92 selector reads the properties). Valid during the call only; do not keep it,
     *                  and do not change its position or limit
     */
    void onDispatched(String topic, int queueId, long maxOffset, long tagCode, ByteBuffer record);
}
