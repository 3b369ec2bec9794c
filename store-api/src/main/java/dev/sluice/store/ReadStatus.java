package dev.sluice.store;

/** How a read from a ConsumeQueue went; the broker maps these to PULL response codes. */
public enum ReadStatus {
    /** At least one message matched and is returned. */
    FOUND,
    /** Messages were there but none passed the tag filter; continue from the next offset. */
    NO_MATCHED_MESSAGE,
    /** The offset equals the queue's max offset: nothing new yet. */
    NO_NEW_MESSAGE,
    /** The queue has no messages at all (never written, or everything retained away). */
    NO_MESSAGE_IN_QUEUE,
    /** The offset is below the queue's min offset (retention removed it); next offset = min. */
    OFFSET_MOVED,
    /** The offset is negative or beyond the max offset; the next offset suggests where to go. */
    OFFSET_ILLEGAL
}
