package dev.sluice.store;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A RocketMQ-format message store: one CommitLog holding every message in arrival order, and one
 * ConsumeQueue per (topic, queueId) indexing into it.
 *
 * <p>An implementation is opened (and recovered, after a crash if need be) by its factory, e.g.
 * {@code MmapMessageStore.open(config, context)}. All methods are thread-safe.
 */
public interface MessageStore extends AutoCloseable {

    /**
     * Appends one message. The future completes once the message is as durable as the flush policy
     * and replication hook require, or with a refusal status when nothing was written. It never
     * completes exceptionally for a bad message.
     *
     * <p>Queues are built from the CommitLog in the background, as RocketMQ's dispatch builds them: a message
     * is readable through {@link #read} (and its keys through {@link #queryByKey}) shortly after its append
     * completes, not at once.
     */
    CompletableFuture<AppendResult> append(AppendRequest message);

    /**
     * Appends messages of one (topic, queueId) as consecutive records with consecutive queue offsets,
     * all or none. The result describes the first record and the totals.
     */
    CompletableFuture<AppendResult> appendBatch(List<AppendRequest> messages);

    /**
     * Reads up to {@code maxCount} messages of a queue that the filter accepts, starting at {@code queueOffset};
     * a {@code maxCount} below one reads one, as RocketMQ's store does. Refused messages are skipped. The scan looks at no more entries than the larger of {@code maxCount} and
     * {@link #FILTER_SCAN_UNITS}, and the result's next offset is the first entry it did not look at.
     */
    ReadResult read(String topic, int queueId, long queueOffset, int maxCount, TagFilter filter);

    /**
     * How many ConsumeQueue entries one {@link #read} may look at for a filter that refuses most of them:
     * RocketMQ's 16,000 bytes of ConsumeQueue, so a consumer of a sparse tag needs as many pulls as it would there.
     */
    int FILTER_SCAN_UNITS = 800;

    /**
     * The ConsumeQueue units of a queue from {@code queueOffset}, at most {@code maxCount}, ending before the first
     * unit that is not (or no longer) there. For inspection (mqadmin queryCq): it reads the queue only, so it shows
     * units whose messages retention has already removed.
     */
    List<QueueUnit> units(String topic, int queueId, long queueOffset, int maxCount);

    /** A copy of the stored record at a CommitLog offset, if one starts there and is still retained. */
    Optional<ByteBuffer> lookup(long commitLogOffset);

    /**
     * Applies the settings of {@code config} that a running store can change (those {@link StoreConfig#isRuntimeKey}
     * names); its other settings are ignored. The next append and the next retention pass use them.
     */
    void reconfigure(StoreConfig config);

    /** Lowest readable queue offset (0 for an unknown queue). */
    long minQueueOffset(String topic, int queueId);

    /** One past the last queue offset (0 for an unknown queue). */
    long maxQueueOffset(String topic, int queueId);

    /**
     * Queue offset of the first message stored at or after {@code timestampMillis}; the max offset if
     * there is none, the min offset if the time is before every retained message.
     */
    long queueOffsetByTime(String topic, int queueId, long timestampMillis);

    /** Store timestamp of the message at a queue offset, or -1 if it is not there. */
    long storeTimeAt(String topic, int queueId, long queueOffset);

    /**
     * Messages of a topic carrying a business key (the KEYS property, or the UNIQ_KEY) stored within
     * [{@code beginMillis}, {@code endMillis}], newest first, at most {@code maxNum}.
     */
    KeyQueryResult queryByKey(String topic, String key, int maxNum, long beginMillis, long endMillis);

    /** Lowest retained CommitLog offset. */
    long minCommitLogOffset();

    /** One past the last byte written to the CommitLog. */
    long maxCommitLogOffset();

    /** Store timestamp of the first retained message, or -1 when the store is empty. */
    long earliestMessageTime();

    /** Every (topic, queueId) the store holds a ConsumeQueue for, as {@code topic -> queue ids}. */
    java.util.Map<String, java.util.Set<Integer>> queues();

    /** The raw CommitLog, for master/slave replication. */
    ReplicationLog replicationLog();

    /** Drops a topic's ConsumeQueues (its CommitLog records go with retention). */
    void deleteTopic(String topic);

    /**
     * Flushes, writes the checkpoint, marks the shutdown clean and releases every file. Idempotent.
     * Appends still pending complete before this returns.
     */
    @Override
    void close();

    /** Closes the store and deletes every file it owns. */
    void destroy();
}
