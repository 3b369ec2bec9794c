package dev.sluice.store.spi;

import java.util.List;

/**
 * Finds messages by business key (KEYS tokens) or unique id (UNIQ_KEY) within a topic. Derived data:
 * the store can always rebuild it from the CommitLog, so an implementation may drop and rebuild itself.
 */
public interface KeyIndex extends AutoCloseable {

    /**
     * CommitLog offset below which every message is indexed durably; on open the store re-dispatches from here.
     * It may lag the batches applied since, which a crash would lose and re-dispatch rebuilds.
     */
    long appliedOffset();

    /**
     * Adds a batch, answered by queries once this returns, and indexed up to {@link IndexBatch#endOffset()}.
     * Entries below what is indexed already (the store re-dispatching) may be skipped; a message's keys come in
     * one batch.
     */
    void apply(IndexBatch batch);

    /**
     * Offsets of messages in {@code topic} carrying {@code key} with a store time within
     * [{@code beginMillis}, {@code endMillis}], newest first, at most {@code maxNum}.
     */
    List<Long> query(String topic, String key, int maxNum, long beginMillis, long endMillis);

    /** Removes entries at or past a CommitLog offset (the log was truncated there). */
    void truncateFrom(long commitLogOffset);

    /**
     * Removes entries pointing below {@code minCommitLogOffset}, doing about {@code maxEntries} entries' worth of
     * work per call so that no call stalls dispatch. An implementation may stop answering them at once and
     * reclaim their space over later calls.
     *
     * @return true when more such work remains
     */
    boolean deleteBelow(long minCommitLogOffset, int maxEntries);

    @Override
    void close();
}
