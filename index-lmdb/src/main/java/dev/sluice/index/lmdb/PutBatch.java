package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;

/**
 * The postings of one dispatch batch: what a put writes. Reused from batch to batch, so that a put allocates
 * nothing per key; sorting and run building happen later, on the index's own thread.
 */
final class PutBatch {
    final Postings postings = new Postings();
    private final IndexKeys.NameHash nameHash;
    private final byte[] name = new byte[IndexKeys.NAME_BUFFER];
    private String lastTopic;
    private byte[] lastTopicBytes;
    /** Keys taken by the last {@link #fill}. */
    int keys;

    PutBatch(IndexKeys.NameHash nameHash) {
        this.nameHash = nameHash;
    }

    /**
     * Takes the entries of {@code batch} at or past {@code from} (those below are indexed already).
     *
     * @throws IllegalArgumentException when offsets go back, or reach into what is indexed (a message's keys
     *                                  must all come in one batch)
     */
    void fill(IndexBatch batch, long from, long lastIndexed) {
        keys = 0;
        postings.clear();
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < batch.size(); i++) {
            long offset = batch.commitLogOffset(i);
            if (offset < from) {
                continue;
            }
            if (offset < previous) {
                throw new IllegalArgumentException("batch offsets go back from " + previous + " to " + offset);
            }
            if (offset <= lastIndexed) {
                throw new IllegalArgumentException("offset " + offset + " is at or before indexed offset "
                        + lastIndexed + " but not below the applied offset " + from
                        + ": a message's keys must come in one batch");
            }
            previous = offset;
            int length = IndexKeys.name(topicBytes(batch.topic(i)), batch.key(i), name);
            postings.add(offset, name, length, batch.storeTimestamp(i), nameHash.hash(name, length));
            keys++;
        }
    }

    private byte[] topicBytes(String topic) {
        if (topic != lastTopic) {
            lastTopic = topic;
            lastTopicBytes = IndexKeys.topicBytes(topic);
        }
        return lastTopicBytes;
    }
}
