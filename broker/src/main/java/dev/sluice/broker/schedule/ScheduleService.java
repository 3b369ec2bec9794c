package dev.sluice.broker.schedule;

import dev.sluice.broker.topic.SystemTopics;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.DelayLevels;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.MessageStore;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReadStatus;
import dev.sluice.store.TagFilter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the messages of {@code SCHEDULE_TOPIC_XXXX}: queue level-1 holds the messages of one delay level in store
 * order, so each queue is due in order and a pass stops at its first message not yet due (store time + the level's
 * delay). A due message is appended to its real topic and, once the store has it, the level's offset moves past it.
 *
 * <p>Progress is written to {@code delayOffset.json} after every pass that moved it (and not only every
 * {@code flushDelayOffsetInterval}, as RocketMQ does) so that a crash repeats at most the messages of the pass in
 * flight. Nothing is ever skipped: an offset moves only past a message whose redelivery the store acknowledged.
 */
public final class ScheduleService {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleService.class);
    private static final int BATCH = 32;

    private final MessageStore store;
    private final DelayOffsetTable offsets;
    private final DelayLevels levels;
    private final Clock clock;

    public ScheduleService(MessageStore store, DelayOffsetTable offsets, DelayLevels levels, Clock clock) {
        this.store = store;
        this.offsets = offsets;
        this.levels = levels;
        this.clock = clock;
    }

    /** One pass over every level; returns how many messages it delivered. Not thread-safe: one caller at a time. */
    public int deliverDue() {
        int delivered = 0;
        boolean moved = false;
        for (int level = 1; level <= levels.max(); level++) {
            long before = offsets.get(level);
            long after = deliverLevel(level, levels.millis(level), before);
            if (after != before) {
                offsets.set(level, after);
                moved = true;
                delivered += (int) (after - before);
            }
        }
        if (moved) {
            persist();
        }
        return delivered;
    }

    /** Returns the level's new next offset. */
    private long deliverLevel(int level, long delayMillis, long from) {
        int queueId = level - 1;
        long offset = Math.max(from, store.minQueueOffset(SystemTopics.SCHEDULE, queueId));
        long max = store.maxQueueOffset(SystemTopics.SCHEDULE, queueId);
        while (offset < max) {
            try (ReadResult read = store.read(SystemTopics.SCHEDULE, queueId, offset, BATCH, TagFilter.ALL)) {
                if (read.status() != ReadStatus.FOUND) {
                    // A retention sweep may have moved the queue's start past us; anything else means nothing to do.
                    return read.status() == ReadStatus.OFFSET_MOVED ? Math.max(offset, read.minOffset()) : offset;
                }
                long now = clock.millis();
                for (ByteBuffer record : read.messages()) {
                    int at = record.position();
                    if (MessageRecordDescriptor.storeTimestamp(record, at) + delayMillis > now) {
                        return offset;
                    }
                    if (!redeliver(record)) {
                        return offset;
                    }
                    offset = MessageRecordDescriptor.queueOffset(record, at) + 1;
                }
                if (read.messages().isEmpty()) {
                    return offset;
                }
            }
        }
        return offset;
    }

    /** False when the store refused it: the level waits and tries again next pass. */
    private boolean redeliver(ByteBuffer record) {
        AppendRequest real = RealTopicMessage.of(record, MessageProperties.DELAY);
        if (real == null) {
            LOG.error("a record of {} at CommitLog offset {} has no REAL_TOPIC/REAL_QID; skipping it",
                    SystemTopics.SCHEDULE, MessageRecordDescriptor.physicalOffset(record, record.position()));
            return true;
        }
        AppendResult result = store.append(real).join();
        if (result.status() == AppendStatus.PUT_OK || result.status() == AppendStatus.FLUSH_DISK_TIMEOUT
                || result.status() == AppendStatus.FLUSH_SLAVE_TIMEOUT || result.status() == AppendStatus.SLAVE_NOT_AVAILABLE) {
            return true;
        }
        if (result.status() == AppendStatus.MESSAGE_ILLEGAL || result.status() == AppendStatus.PROPERTIES_SIZE_EXCEEDED) {
            LOG.error("delayed message for {} cannot be stored ({}); dropping it", real.topic(), result.status());
            return true;
        }
        LOG.warn("delayed message for {} not delivered yet: {} {}", real.topic(), result.status(),
                result.remark() == null ? "" : result.remark());
        return false;
    }

    public void persist() {
        try {
            offsets.persist();
        } catch (IOException e) {
            LOG.error("could not write delayOffset.json", e);
        }
    }
}
