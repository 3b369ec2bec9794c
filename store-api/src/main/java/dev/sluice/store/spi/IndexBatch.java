package dev.sluice.store.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * Keys of a run of dispatched messages, handed to a {@link KeyIndex} in one call. Reused between
 * dispatch rounds by its owner; not thread-safe.
 */
public final class IndexBatch {
    private final List<String> topics = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private long[] timestamps = new long[64];
    private long[] offsets = new long[64];
    private long endOffset;

    /** Adds one key of a message. */
    public void add(String topic, String key, long storeTimestamp, long commitLogOffset) {
        int i = topics.size();
        if (i == offsets.length) {
            timestamps = java.util.Arrays.copyOf(timestamps, i * 2);
            offsets = java.util.Arrays.copyOf(offsets, i * 2);
        }
        topics.add(topic);
        keys.add(key);
        timestamps[i] = storeTimestamp;
        offsets[i] = commitLogOffset;
    }

    /** CommitLog offset one past the last message the batch covers (keys or not). */
    public void endOffset(long endOffset) {
        this.endOffset = endOffset;
    }

    public long endOffset() {
        return endOffset;
    }

    public int size() {
        return topics.size();
    }

    public String topic(int i) {
        return topics.get(i);
    }

    public String key(int i) {
        return keys.get(i);
    }

    public long storeTimestamp(int i) {
        return timestamps[i];
    }

    public long commitLogOffset(int i) {
        return offsets[i];
    }

    public void clear() {
        topics.clear();
        keys.clear();
    }
}
