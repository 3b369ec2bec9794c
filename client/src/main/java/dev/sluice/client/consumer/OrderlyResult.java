package dev.sluice.client.consumer;

/** What an orderly listener reports for its messages. */
public enum OrderlyResult {
    /** Done: the queue moves on to the next messages. */
    SUCCESS,
    /** Stop this queue for a moment and deliver the same messages again, keeping the order. */
    SUSPEND_CURRENT_QUEUE_A_MOMENT
}
