package dev.sluice.store.spi;

import dev.sluice.store.AppendStatus;

import java.util.concurrent.CompletableFuture;

/**
 * Decides, on a master, when an appended range may be acknowledged as far as replicas are concerned.
 * Implemented by the replication modules; the store knows nothing of how.
 */
public interface ReplicationHook {

    /** No replication: acknowledge at once. */
    ReplicationHook NONE = (endOffset, wait) -> CompletableFuture.completedFuture(AppendStatus.PUT_OK);

    /**
     * Called after bytes up to {@code endOffset} are in the CommitLog.
     *
     * @param wait false when the producer asked not to wait (WAIT=false): answer at once
     * @return completes with PUT_OK, FLUSH_SLAVE_TIMEOUT or SLAVE_NOT_AVAILABLE
     */
    CompletableFuture<AppendStatus> onAppended(long endOffset, boolean wait);
}
