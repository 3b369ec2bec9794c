package dev.sluice.store.mmap;

import dev.sluice.store.StoreConfig;

/**
 * When a transient store pool's buffers are copied into the CommitLog files (readers see only what was): RocketMQ's
 * {@code commitIntervalCommitLog}, {@code commitCommitLogLeastPages} and {@code commitCommitLogThoroughInterval}.
 * Appends wake the committer once {@code leastBytes} wait; fewer wait for a round in which nothing has been
 * committed for {@code thoroughMillis}. Rounds come every {@code intervalMillis} without a wake.
 */
record PoolCommits(long intervalMillis, long leastBytes, long thoroughMillis) {
    private static final int PAGE = 4096;

    static PoolCommits of(StoreConfig config) {
        return new PoolCommits(config.commitIntervalCommitLog(), (long) config.commitCommitLogLeastPages() * PAGE,
                config.commitCommitLogThoroughInterval());
    }

    /** Whether an append that leaves {@code uncommitted} bytes waiting wakes the committer. */
    boolean wakes(long uncommitted) {
        return uncommitted > 0 && uncommitted >= leastBytes;
    }

    /** Whether {@code uncommitted} bytes are worth a commit now, {@code sinceLastCommit} ms after the last one. */
    boolean due(long uncommitted, long sinceLastCommit) {
        return wakes(uncommitted) || uncommitted > 0 && sinceLastCommit >= thoroughMillis;
    }
}
