package dev.sluice.store.spi;

/**
 * When a flusher forces written bytes to disk, and whether appends wait for it. Pure decisions, no IO:
 * a flusher agent asks, then acts.
 */
public interface FlushPolicy {

    /** True when an append is acknowledged only after its bytes are forced (SYNC_FLUSH, group commit). */
    boolean acknowledgeAfterFlush();

    /** How long an acknowledging append waits for its flush before FLUSH_DISK_TIMEOUT, in ms. */
    long flushTimeoutMillis();

    /** Longest the flusher idles between two checks when nobody waits, in ms. */
    long checkIntervalMillis();

    /**
     * Whether to force now.
     *
     * @param dirtyBytes          bytes written but not forced
     * @param millisSinceFullForce ms since the last force that left nothing dirty
     * @param waiters             whether acknowledging appends are waiting
     */
    boolean shouldForce(long dirtyBytes, long millisSinceFullForce, boolean waiters);

    /**
     * RocketMQ's ASYNC_FLUSH: force every {@code intervalMillis} when at least {@code leastPages} 4 KiB pages
     * are dirty, and everything at least every {@code thoroughIntervalMillis}.
     */
    static FlushPolicy periodic(long intervalMillis, int leastPages, long thoroughIntervalMillis) {
        return new FlushPolicy() {
            @Override
            public boolean acknowledgeAfterFlush() {
                return false;
            }

            @Override
            public long flushTimeoutMillis() {
                return 0;
            }

            @Override
            public long checkIntervalMillis() {
                return intervalMillis;
            }

            @Override
            public boolean shouldForce(long dirtyBytes, long millisSinceFullForce, boolean waiters) {
                if (dirtyBytes <= 0) {
                    return false;
                }
                return waiters || millisSinceFullForce >= thoroughIntervalMillis || leastPages <= 0
                        || dirtyBytes >= (long) leastPages * 4096;
            }
        };
    }

    /** RocketMQ's SYNC_FLUSH: force as soon as an append waits; every waiter shares one force. */
    static FlushPolicy groupCommit(long timeoutMillis) {
        return new FlushPolicy() {
            @Override
            public boolean acknowledgeAfterFlush() {
                return true;
            }

            @Override
            public long flushTimeoutMillis() {
                return timeoutMillis;
            }

            @Override
            public long checkIntervalMillis() {
                return 10;
            }

            @Override
            public boolean shouldForce(long dirtyBytes, long millisSinceFullForce, boolean waiters) {
                return dirtyBytes > 0;
            }
        };
    }
}
