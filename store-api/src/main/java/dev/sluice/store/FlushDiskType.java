package dev.sluice.store;

/** RocketMQ's {@code flushDiskType}. */
public enum FlushDiskType {
    /** Acknowledge once written to the page cache; flush in the background. */
    ASYNC_FLUSH,
    /** Acknowledge once forced to disk (group commit). */
    SYNC_FLUSH
}
