package dev.sluice.store.spi;

/**
 * What the CommitLog says of one message, for a {@link KeyIndex} that keeps only hashes of keys and confirms its
 * candidates here before answering. Called from query threads, concurrently.
 */
public interface IndexedKeys {
    /**
     * Whether a message starts at {@code commitLogOffset}, was stored at {@code storeTimestamp} in {@code topic}
     * and carries {@code key} among its KEYS tokens or as its UNIQ_KEY; false when no such message is there any
     * more.
     */
    boolean holds(long commitLogOffset, long storeTimestamp, String topic, String key);
}
