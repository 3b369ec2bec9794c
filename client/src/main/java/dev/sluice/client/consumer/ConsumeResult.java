package dev.sluice.client.consumer;

/** What a concurrent listener reports for its messages. */
public enum ConsumeResult {
    /** Done: the offsets may be committed. */
    SUCCESS,
    /** Deliver again later (with the broker's delay levels); after maxReconsumeTimes they go to the DLQ. */
    RETRY_LATER
}
