package dev.sluice.store;

/**
 * Outcome of an append, named as RocketMQ's {@code PutMessageStatus} so a broker can map it to the
 * send response code one to one.
 */
public enum AppendStatus {
    /** Stored and as durable as the flush policy and replication hook require. */
    PUT_OK,
    /** Stored, but the disk flush did not complete within {@code syncFlushTimeout}. */
    FLUSH_DISK_TIMEOUT,
    /** Stored, but the slave did not confirm within {@code slaveTimeout}. */
    FLUSH_SLAVE_TIMEOUT,
    /** Stored, but no slave is in sync to confirm it. */
    SLAVE_NOT_AVAILABLE,
    /** Refused: the store is closed, read-only, or the disk is full. Nothing was written. */
    SERVICE_NOT_AVAILABLE,
    /** Refused: a new CommitLog file could not be created (e.g. no space). Nothing was written. */
    CREATE_MAPPED_FILE_FAILED,
    /** Refused: body too large, bad topic name or bad queue id. Nothing was written. */
    MESSAGE_ILLEGAL,
    /** Refused: the properties string is longer than 32767 bytes. Nothing was written. */
    PROPERTIES_SIZE_EXCEEDED,
    /** Refused: the writer has been busy for too long. Nothing was written. */
    OS_PAGECACHE_BUSY,
    /** Refused for a reason not covered above; the result's remark says which. */
    UNKNOWN_ERROR;

    /** True when the message is in the CommitLog (possibly with a weaker durability than asked). */
    public boolean stored() {
        return this == PUT_OK || this == FLUSH_DISK_TIMEOUT || this == FLUSH_SLAVE_TIMEOUT
                || this == SLAVE_NOT_AVAILABLE;
    }
}
