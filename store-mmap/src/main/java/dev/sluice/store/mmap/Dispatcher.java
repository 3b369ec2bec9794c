package dev.sluice.store.mmap;

import dev.sluice.store.DelayLevels;
import dev.sluice.store.DispatchListener;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.spi.IndexBatch;
import dev.sluice.store.spi.KeyIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the CommitLog behind the writer and brings the ConsumeQueues and the key index up to it. Because
 * everything it writes is derived from the CommitLog, recovery can always replay it from any earlier point.
 */
final class Dispatcher implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final int MAX_RECORDS_PER_ROUND = 4096;

    private final CommitLog commitLog;
    private final ConsumeQueueTable queues;
    private final KeyIndex index;
    private final DispatchListener listener;
    private final DelayLevels delayLevels;
    private final IndexBatch batch = new IndexBatch();
    private volatile long dispatchedOffset;
    private long reportedCorruptionAt = -1;
    /** Where the last search for a record after {@link #reportedCorruptionAt} ended, so a round does not repeat it. */
    private long searchedTo = -1;
    private byte[] lastTopicBytes;
    private String lastTopic;
    private ByteBuffer viewOf;
    private ByteBuffer recordView;

    Dispatcher(CommitLog commitLog, ConsumeQueueTable queues, KeyIndex index, DispatchListener listener,
               DelayLevels delayLevels) {
        this.delayLevels = delayLevels;
        this.commitLog = commitLog;
        this.queues = queues;
        this.index = index;
        this.listener = listener;
    }

    void startFrom(long offset) {
        dispatchedOffset = offset;
    }

    /** CommitLog offset below which every message is in its ConsumeQueue. */
    long dispatchedOffset() {
        return dispatchedOffset;
    }

    @Override
    public String name() {
        return "dispatcher";
    }

    @Override
    public long idleMillis() {
        return 1;
    }

    @Override
    public int doWork() throws IOException {
        long end = commitLog.readableOffset();
        long at = dispatchedOffset;
        int count = 0;
        batch.clear();
        // One lock per round, not per unit: retention waits at most a round to destroy a queue file.
        queues.writeLock().lock();
        try {
            while (at < end && count < MAX_RECORDS_PER_ROUND) {
                MappedSegment segment = commitLog.segments().acquire(at);
                if (segment == null) {
                    long min = commitLog.minOffset();
                    if (min > at) {
                        at = min;
                        continue;
                    }
                    break;
                }
                try {
                    long next = dispatchSegment(segment, at, end, MAX_RECORDS_PER_ROUND - count);
                    count += (int) (next >>> 40);
                    long reached = next & ((1L << 40) - 1);
                    if (reached == at) {
                        break;
                    }
                    at = reached;
                } finally {
                    segment.release();
                }
            }
        } finally {
            queues.writeLock().unlock();
        }
        if (at != dispatchedOffset) {
            if (index != null) {
                batch.endOffset(at);
                index.apply(batch);
            }
            dispatchedOffset = at;
        }
        return count;
    }

    /** Dispatches records of one segment; returns {@code count << 40 | reachedOffset}. */
    private long dispatchSegment(MappedSegment segment, long from, long end, int maxRecords) throws IOException {
        ByteBuffer buf = segment.buffer();
        long base = segment.baseOffset();
        int pos = (int) (from - base);
        int limit = (int) Math.min(segment.readable(), end - base);
        int count = 0;
        while (pos < limit && count < maxRecords) {
            if (limit - pos >= MessageRecordDescriptor.BLANK_LENGTH
                    && MessageRecordDescriptor.magic(buf, pos) == MessageRecordDescriptor.BLANK_MAGIC) {
                return (long) count << 40 | segment.endOffset();
            }
            int length = MessageCodec.wellFormedLength(buf, pos, limit);
            if (length < 0) {
                if (reportedCorruptionAt == base + pos && searchedTo == base + limit) {
                    break; // nothing readable was added since the last search found no record after it
                }
                int next = Resync.nextRecord(buf, base, pos + 1, limit, limit);
                if (next < 0 && end > segment.endOffset()) {
                    // Later files hold records, so nothing more comes into this one: the rest of it is hole too
                    // (a whole file of zeros, say), and recovery kept the records after it.
                    next = (int) (segment.endOffset() - base);
                }
                if (next < 0) {
                    if (reportedCorruptionAt != base + pos) {
                        reportedCorruptionAt = base + pos;
                        LOG.error("CommitLog offset {} does not hold a record; dispatch waits there", base + pos);
                    }
                    searchedTo = base + limit;
                    break;
                }
                // Bytes that are no record inside what was written: a store lost to a full disk, or damage. The
                // records after them are whole, and RocketMQ's dispatcher skips ahead too; waiting would hold back
                // every later message for good (and fail the store's next open).
                LOG.error("CommitLog offsets {}..{} hold no record: skipped; any message written there is lost",
                        base + pos, base + next);
                pos = next;
                continue;
            }
            dispatchRecord(buf, pos, base + pos, length);
            pos += length;
            count++;
        }
        return (long) count << 40 | (base + pos);
    }

    private void dispatchRecord(ByteBuffer buf, int at, long physical, int length) throws IOException {
        long span = MessageCodec.topicSpan(buf, at);
        int topicAt = at + (int) (span >>> 32);
        int topicLength = (int) span;
        String topic = topic(buf, topicAt, topicLength);
        int propertiesAt = topicAt + topicLength + 2;
        int propertiesLength = buf.getShort(topicAt + topicLength);
        int queueId = MessageRecordDescriptor.queueId(buf, at);
        long queueOffset = MessageRecordDescriptor.queueOffset(buf, at);
        long tagCode = TagCodes.of(buf, propertiesAt, propertiesLength);
        if (queueId < delayLevels.max() && DelayLevels.SCHEDULE_TOPIC.equals(topic)) {
            // RocketMQ's layout: a delayed message's unit holds when it is due, so its scheduler need not read it.
            tagCode = MessageRecordDescriptor.storeTimestamp(buf, at) + delayLevels.millis(queueId + 1);
        }
        queues.getOrCreate(topic, queueId).put(queueOffset, physical, length, tagCode);
        if (index != null) {
            String properties = MessageCodec.properties(buf, at);
            long storeTime = MessageRecordDescriptor.storeTimestamp(buf, at);
            String keys = MessageProperties.get(properties, MessageProperties.KEYS);
            if (keys != null) {
                for (String key : keys.split(" ")) {
                    if (!key.isEmpty()) {
                        batch.add(topic, key, storeTime, physical);
                    }
                }
            }
            String uniqueKey = MessageProperties.get(properties, MessageProperties.UNIQ_KEY);
            if (uniqueKey != null && !uniqueKey.isEmpty()) {
                batch.add(topic, uniqueKey, storeTime, physical);
            }
        }
        listener.onDispatched(topic, queueId, queueOffset + 1, tagCode, recordView(buf, at, length));
    }

    /** The record, as one reused view per segment buffer: a dispatch allocates nothing for its listener. */
    private ByteBuffer recordView(ByteBuffer buf, int at, int length) {
        if (viewOf != buf) {
            viewOf = buf;
            recordView = buf.duplicate();
        }
        recordView.clear();
        return recordView.position(at).limit(at + length);
    }

    /** The topic at {@code [at, at + length)}: the previous record's String when the bytes are the same. */
    private String topic(ByteBuffer buf, int at, int length) {
        byte[] last = lastTopicBytes;
        if (last != null && last.length == length) {
            int i = 0;
            while (i < length && buf.get(at + i) == last[i]) {
                i++;
            }
            if (i == length) {
                return lastTopic;
            }
        }
        byte[] bytes = new byte[length];
        buf.get(at, bytes);
        lastTopicBytes = bytes;
        lastTopic = new String(bytes, StandardCharsets.UTF_8);
        return lastTopic;
    }

    /** Recovery: dispatches synchronously until everything readable is in the queues. */
    void catchUp() throws IOException {
        while (dispatchedOffset < commitLog.readableOffset()) {
            long before = dispatchedOffset;
            doWork();
            if (dispatchedOffset == before) {
                throw new IOException("dispatch cannot pass CommitLog offset " + before);
            }
        }
    }
}
