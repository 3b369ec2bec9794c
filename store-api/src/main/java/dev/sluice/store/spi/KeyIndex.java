package dev.sluice.store.spi;

import java.util.List;

/**
 * Finds messages by business key (KEYS tokens) or unique id (UNIQ_KEY) within a topic. Derived data:
 * the store can always rebuild it from the CommitLog, so an implementation may drop and rebuild itself.
 */
public interface KeyIndex extends AutoCloseable {

    /** CommitLog offset below which every message is indexed; on open the store re-dispatches from here. */
    long appliedOffset();

    /** Adds a batch in one write and records {@link IndexBatch#endOffset()} as the applied offset. */
    void apply(IndexBatch batch);

    /**
     * Offsets of messages in {@code topic} carrying {@code key} with a store time within
     * [{@code beginMillis}, {@code endMillis}], newest first, at most {@code maxNum}.
     */
    List<Long> query(String topic, String key, int maxNum, long beginMillis, long endMillis);

    /** Removes entries at or past a CommitLog offset (the log was truncated there). */
    void truncateFrom(long commitLogOffset);

    /**
     * Removes up to {@code maxEntries} entries pointing below {@code minCommitLogOffset}.
     *
     * @return true when more such entries remain
     */
    boolean deleteBelow(long minCommitLogOffset, int maxEntries);

    @Override
    void close();
}
