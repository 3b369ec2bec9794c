package dev.sluice.store.mmap;

import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.MessageStore;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReadStatus;
import dev.sluice.store.TagFilter;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads messages through the ConsumeQueues, handing out views of the CommitLog's mapped files. */
final class QueueReader {
    private final CommitLog commitLog;
    private final ConsumeQueueTable queues;

    QueueReader(CommitLog commitLog, ConsumeQueueTable queues) {
        this.commitLog = commitLog;
        this.queues = queues;
    }

    ReadResult read(String topic, int queueId, long offset, int maxCount, TagFilter filter) {
        ConsumeQueue cq = queues.get(topic, queueId);
        if (cq == null) {
            return ReadResult.empty(ReadStatus.NO_MESSAGE_IN_QUEUE, 0, 0, 0);
        }
        long min = cq.minOffset();
        long max = cq.maxOffset();
        if (max <= min) {
            return ReadResult.empty(ReadStatus.NO_MESSAGE_IN_QUEUE, max, min, max);
        }
        if (offset < 0) {
            return ReadResult.empty(ReadStatus.OFFSET_ILLEGAL, min, min, max);
        }
        if (offset < min) {
            return ReadResult.empty(ReadStatus.OFFSET_MOVED, min, min, max);
        }
        if (offset == max) {
            return ReadResult.empty(ReadStatus.NO_NEW_MESSAGE, offset, min, max);
        }
        if (offset > max) {
            return ReadResult.empty(ReadStatus.OFFSET_ILLEGAL, max, min, max);
        }
        int wanted = Math.max(1, maxCount);
        long scanEnd = Math.min(max, offset + Math.max(wanted, MessageStore.FILTER_SCAN_UNITS));
        return collect(cq, offset, scanEnd, wanted, filter, min, max);
    }

    private ReadResult collect(ConsumeQueue cq, long from, long to, int wanted, TagFilter filter, long min, long max) {
        List<ByteBuffer> messages = new ArrayList<>();
        List<MappedSegment> held = new ArrayList<>(2);
        long commitLogMin = commitLog.minOffset();
        long next = from;
        boolean moved = false;
        try (ConsumeQueue.Cursor cursor = cq.cursor()) {
            for (long q = from; q < to && messages.size() < wanted; q++) {
                if (!cursor.seek(q)) {
                    // its file went to retention after this read looked at the minimum
                    moved |= messages.isEmpty() && cq.minOffset() > q;
                    break;
                }
                next = q + 1;
                long physical = cursor.commitLogOffset();
                int size = cursor.size();
                if (size == ConsumeQueueUnit.FILLER_SIZE || physical < commitLogMin) {
                    moved = messages.isEmpty();
                    continue;
                }
                if (!filter.accept(cursor.tagCode())) {
                    continue;
                }
                if (size < Resync.HEADER) {
                    cq.reportEmptyUnit(q); // a unit that holds no message (zeros a lost store left): skipped
                    continue;
                }
                ByteBuffer view = view(physical, size, held);
                if (view == null) {
                    moved = messages.isEmpty();
                    continue;
                }
                if (!ofQueue(view, physical, cq, q)) {
                    // The unit does not point at a record of this queue (damage: a unit pointing elsewhere, a
                    // header gone): skipped, not served as a message.
                    continue;
                }
                if (!filter.acceptRecord(view)) {
                    continue;
                }
                messages.add(view);
            }
        }
        Runnable release = () -> held.forEach(MappedSegment::release);
        if (!messages.isEmpty()) {
            return new ReadResult(ReadStatus.FOUND, messages, next, min, max, release);
        }
        release.run();
        if (moved) {
            long newMin = cq.minOffset();
            return ReadResult.empty(ReadStatus.OFFSET_MOVED, Math.max(next, newMin), newMin, max);
        }
        return ReadResult.empty(ReadStatus.NO_MATCHED_MESSAGE, next, min, max);
    }

    /**
     * Whether {@code view}, one unit's bytes, holds the record the unit names: its header says it is a message of the
     * unit's length, at the unit's CommitLog offset, of this queue id at this queue offset. Only the header is read,
     * as the read touches nothing else of a record: checking the tail as well (the layout, the topic's bytes) cost
     * two thirds of ConsumeQueueReadBenchmark's rate. A tail damaged behind the store's back is served, as RocketMQ
     * serves it; recovery checks whole records.
     */
    private static boolean ofQueue(ByteBuffer view, long physical, ConsumeQueue cq, long queueOffset) {
        return MessageRecordDescriptor.totalSize(view, 0) == view.limit()
                && MessageRecordDescriptor.magic(view, 0) == MessageRecordDescriptor.MAGIC_V1
                && MessageRecordDescriptor.physicalOffset(view, 0) == physical
                && MessageRecordDescriptor.queueId(view, 0) == cq.queueId()
                && MessageRecordDescriptor.queueOffset(view, 0) == queueOffset;
    }

    /** A view of one record, taking a segment reference the first time a segment is touched. */
    private ByteBuffer view(long physical, int size, List<MappedSegment> held) {
        MappedSegment segment = null;
        for (MappedSegment s : held) {
            if (physical >= s.baseOffset() && physical < s.endOffset()) {
                segment = s;
            }
        }
        if (segment == null) {
            segment = commitLog.segments().acquire(physical);
            if (segment == null) {
                return null;
            }
            held.add(segment);
        }
        int at = (int) (physical - segment.baseOffset());
        if (at + size > segment.readable()) {
            return null;
        }
        return segment.slice(at, size);
    }

    /** A copy of the record starting at a CommitLog offset. */
    Optional<ByteBuffer> lookup(long physical) {
        if (physical < commitLog.minOffset() || physical >= commitLog.readableOffset()) {
            return Optional.empty();
        }
        MappedSegment s = commitLog.segments().acquire(physical);
        if (s == null) {
            return Optional.empty();
        }
        try {
            int at = (int) (physical - s.baseOffset());
            int length = MessageCodec.wellFormedLength(s.buffer(), at, s.readable());
            if (length < 0 || MessageRecordDescriptor.physicalOffset(s.buffer(), at) != physical) {
                return Optional.empty();
            }
            ByteBuffer copy = ByteBuffer.allocate(length);
            copy.put(0, s.buffer(), at, length);
            return Optional.of(copy);
        } finally {
            s.release();
        }
    }

    /** Store timestamp of the message at a queue offset, or -1. */
    long storeTime(String topic, int queueId, long queueOffset) {
        ConsumeQueue cq = queues.get(topic, queueId);
        if (cq == null || queueOffset < cq.minOffset()) {
            return -1;
        }
        long[] unit = cq.unit(queueOffset);
        if (unit == null || unit[1] == ConsumeQueueUnit.FILLER_SIZE) {
            return -1;
        }
        return storeTimeAt(unit[0]);
    }

    /** Store timestamp of the record at a CommitLog offset, or -1. */
    long storeTimeAt(long physical) {
        MappedSegment s = commitLog.segments().acquire(physical);
        if (s == null) {
            return -1;
        }
        try {
            int at = (int) (physical - s.baseOffset());
            if (MessageCodec.wellFormedLength(s.buffer(), at, s.readable()) < 0) {
                return -1;
            }
            return MessageRecordDescriptor.storeTimestamp(s.buffer(), at);
        } finally {
            s.release();
        }
    }

    /** First queue offset whose message was stored at or after {@code time} (binary search). */
    long offsetByTime(String topic, int queueId, long time) {
        ConsumeQueue cq = queues.get(topic, queueId);
        if (cq == null) {
            return 0;
        }
        long lo = cq.minOffset();
        long hi = cq.maxOffset();
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            long t = storeTime(topic, queueId, mid);
            if (t >= 0 && t < time) {
                lo = mid + 1;
            } else if (t < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
