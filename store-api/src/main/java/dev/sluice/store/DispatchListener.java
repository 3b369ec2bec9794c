package dev.sluice.store;

/**
 * Told when a message becomes readable from its ConsumeQueue, e.g. to wake long-polling pulls.
 * Called on the dispatcher thread: return quickly.
 */
@FunctionalInterface
public interface DispatchListener {
    DispatchListener NONE = (topic, queueId, maxOffset, tagCode) -> { };

    /**
     * @param maxOffset the queue's new max offset (one past the message)
     * @param tagCode   the message's ConsumeQueue tag code
     */
    void onDispatched(String topic, int queueId, long maxOffset, long tagCode);
}
