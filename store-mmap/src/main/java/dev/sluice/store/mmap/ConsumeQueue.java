package dev.sluice.store.mmap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

import static dev.sluice.store.mmap.ConsumeQueueUnit.SIZE;

/**
 * The queue of one (topic, queueId): 20-byte units pointing into the CommitLog. Written only by the
 * dispatcher (and by recovery before it; retention and topic deletion beside it, under the table's write lock), read
 * by anyone.
 */
final class ConsumeQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumeQueue.class);
    /** Units {@link #writtenEnd} reads at a time. */
    private static final int SCAN_UNITS = 3276;
    /** How far past an unwritten unit {@link #writtenEnd} looks for written ones, which make it a hole. */
    private static final int HOLE_LOOKAHEAD = 64 << 10;

    private final String topic;
    private final int queueId;
    private final SegmentedLog log;
    private final ByteBuffer scratch = ByteBuffer.allocate(SIZE);
    /** The table's {@link ConsumeQueueTable#writeLock()}: held by the dispatcher while it writes units. */
    private final ReentrantLock writeLock;
    private volatile long minOffset;
    /** Where the first hole {@link #writtenEnd} found starts in the queue's bytes, or -1. */
    private long holeAt = -1;
    /** The CommitLog offset re-dispatch must start at to rewrite the units of a hole, or {@link Long#MAX_VALUE}. */
    private long repairFrom = Long.MAX_VALUE;
    private volatile boolean emptyUnitReported;

    ConsumeQueue(String topic, int queueId, Path dir, int fileSize, ReentrantLock writeLock) {
        this.topic = topic;
        this.queueId = queueId;
        this.writeLock = writeLock;
        this.log = new SegmentedLog(dir, fileSize, MappedSegment.Fill.SPARSE, MappedSegment.Writes.MAPPED_UNITS);
    }

    String topic() {
        return topic;
    }

    int queueId() {
        return queueId;
    }

    SegmentedLog segments() {
        return log;
    }

    /**
     * Finds where the written units end (the files are loaded); drops units pointing past {@code commitLogEnd}
     * and starts the queue at its first unit at or above {@code commitLogMin}.
     */
    void recover(long commitLogMin, long commitLogEnd) throws IOException {
        for (MappedSegment s : log.all()) {
            s.setPositions(s.size());
        }
        MappedSegment last = log.last();
        while (last != null) {
            int end = writtenEnd(last);
            last.setPositions(end);
            if (end > 0 || log.count() == 1) {
                break;
            }
            // An empty trailing file: the one before it is where the queue ends.
            log.deleteLast();
            last = log.last();
        }
        long max = maxOffset();
        long keep = max;
        while (keep > firstSlot()) {
            long[] unit = unit(keep - 1);
            if (unit != null && unit[1] != ConsumeQueueUnit.FILLER_SIZE && unit[0] + unit[1] <= commitLogEnd) {
                break;
            }
            keep--;
        }
        if (keep < max) {
            LOG.warn("ConsumeQueue {}-{}: dropped {} unit(s) past CommitLog end {}", topic, queueId, max - keep,
                    commitLogEnd);
            truncateTo(keep);
        }
        minOffset = firstMessageSlot();
        correctMin(commitLogMin);
        long lost = log.lostFrom();
        if (lost >= 0 && (holeAt < 0 || lost - lost % SIZE < holeAt)) {
            holeAt = lost - lost % SIZE; // a file cut short: its lost units are rewritten as a hole's are
        }
        long hole = holeAt / SIZE;
        if (holeAt >= 0 && hole < maxOffset()) {
            repairFrom = commitLogMin;
            for (long q = hole - 1; q >= firstSlot(); q--) {
                long[] unit = unit(q);
                if (unit != null && unit[1] > 0 && unit[1] != ConsumeQueueUnit.FILLER_SIZE) {
                    repairFrom = unit[0] + unit[1];
                    break;
                }
            }
            LOG.warn("ConsumeQueue {}-{}: unit {} holds zeros between written ones (a store lost to a full disk, or "
                    + "a file cut short); re-dispatching from CommitLog offset {} to rewrite it", topic, queueId, hole,
                    repairFrom);
        }
    }

    /**
     * A read met a unit of zeros below the queue's end: its message, if the CommitLog still has it, is skipped until
     * the queue is rebuilt. Said once per queue: a consumer passes the same units again and again.
     */
    void reportEmptyUnit(long queueOffset) {
        if (!emptyUnitReported) {
            emptyUnitReported = true;
            // The whole directory: a store that finds some queues missing cannot tell them from queues never used.
            LOG.error("ConsumeQueue {}-{}: unit {} holds zeros below the queue's end (the file was damaged outside the "
                    + "store); reads skip it. To rebuild every queue from the CommitLog, stop the broker and delete {}",
                    topic, queueId, queueOffset, log.dir().getParent().getParent());
        }
    }

    /** The CommitLog offset re-dispatch must start at to rewrite what recovery found lost, or Long.MAX_VALUE. */
    long repairFrom() {
        return repairFrom;
    }

    /**
     * Where the units written to {@code s} end: at an unwritten (all-zero) unit with nothing written in the
     * {@link #HOLE_LOOKAHEAD} bytes after it. Units written after zeros are kept, and the zeros remembered as a hole
     * (a store lost to a full disk) for re-dispatch to rewrite: taken for the queue's end, they cut off every unit
     * after them. Read from the file, not the mapping: past its units the file is hole, and on a full tmpfs a read of
     * a hole through the mapping allocates a page the disk cannot supply (a broker restarted on a full disk died of
     * the fault).
     */
    private int writtenEnd(MappedSegment s) throws IOException {
        byte[] chunk = new byte[SCAN_UNITS * SIZE];
        ByteBuffer units = ByteBuffer.wrap(chunk);
        int at = 0;
        while (at + SIZE <= s.size()) {
            int n = Math.min(chunk.length, (s.size() - at) / SIZE * SIZE);
            s.readFile(chunk, at, n);
            int p = 0;
            while (p < n && !ConsumeQueueUnit.isUnwritten(units, p)) {
                p += SIZE;
            }
            if (p == n) {
                at += n;
                continue;
            }
            int zeros = at + p;
            int written = s.firstNonZero(zeros, (int) Math.min(s.size(), (long) zeros + HOLE_LOOKAHEAD));
            if (written < 0) {
                return zeros;
            }
            if (holeAt < 0) {
                holeAt = s.baseOffset() + zeros;
            }
            at = written - written % SIZE;
        }
        return at;
    }

    private long firstSlot() {
        MappedSegment first = log.first();
        return first == null ? 0 : first.baseOffset() / SIZE;
    }

    private long firstMessageSlot() {
        long max = maxOffset();
        for (long q = firstSlot(); q < max; q++) {
            long[] unit = unit(q);
            if (unit != null && unit[1] != ConsumeQueueUnit.FILLER_SIZE) {
                return q;
            }
        }
        return max;
    }

    /** Removes every unit at or after queue offset {@code queueOffset}. */
    void truncateTo(long queueOffset) throws IOException {
        log.truncate(queueOffset * SIZE);
        if (minOffset > queueOffset) {
            minOffset = queueOffset;
        }
    }

    long minOffset() {
        return minOffset;
    }

    /** One past the last unit. */
    long maxOffset() {
        return log.maxOffset() / SIZE;
    }

    /**
     * Writes the unit for {@code queueOffset}. Re-dispatch after a crash may replay units that are already
     * there: an identical unit is left alone, a differing one (lost flush) is rewritten. A queue offset
     * past the end (a rebuilt queue starting where retention left the CommitLog) is reached with fillers.
     */
    void put(long queueOffset, long commitLogOffset, int size, long tagCode) throws IOException {
        long max = maxOffset();
        if (queueOffset < firstSlot()) {
            return;
        }
        if (queueOffset < max) {
            repair(queueOffset, commitLogOffset, size, tagCode);
            return;
        }
        if (max == 0 && log.isEmpty()) {
            long base = queueOffset * SIZE - (queueOffset * SIZE) % log.segmentSize();
            log.create(base);
            max = base / SIZE;
            minOffset = queueOffset;
        }
        for (long q = max; q < queueOffset; q++) {
            appendUnit(0, ConsumeQueueUnit.FILLER_SIZE, 0);
        }
        if (max < queueOffset && max > minOffset) {
            LOG.warn("ConsumeQueue {}-{}: queue offsets {}..{} missing from the CommitLog, filled",
                    topic, queueId, max, queueOffset - 1);
        }
        appendUnit(commitLogOffset, size, tagCode);
    }

    private void appendUnit(long commitLogOffset, int size, long tagCode) throws IOException {
        MappedSegment last = log.last();
        if (last == null || last.remaining() < SIZE) {
            long base = last == null ? 0 : last.endOffset();
            if (last != null) {
                last.seal();
            }
            last = log.create(base);
        }
        last.append(ConsumeQueueUnit.write(scratch, commitLogOffset, size, tagCode));
    }

    private void repair(long queueOffset, long commitLogOffset, int size, long tagCode) {
        long position = queueOffset * SIZE;
        // Acquired: a file retention has begun to destroy is unmapped once its last reader lets go.
        MappedSegment s = log.acquire(position);
        if (s == null) {
            return;
        }
        try {
            int at = (int) (position - s.baseOffset());
            ByteBuffer buf = s.buffer();
            if (ConsumeQueueUnit.commitLogOffset(buf, at) != commitLogOffset
                    || ConsumeQueueUnit.messageSize(buf, at) != size) {
                s.overwrite(at, ConsumeQueueUnit.write(scratch, commitLogOffset, size, tagCode));
            }
        } finally {
            s.release();
        }
    }

    /**
     * The unit at a queue offset as {commitLogOffset, size, tagCode}, or null if it is not (or no longer)
     * there. Allocates: for recovery and rare look-ups; reads go through {@link Cursor}.
     */
    long[] unit(long queueOffset) {
        try (Cursor c = cursor()) {
            return c.seek(queueOffset) ? new long[] {c.commitLogOffset(), c.size(), c.tagCode()} : null;
        }
    }

    Cursor cursor() {
        return new Cursor();
    }

    /** Sequential reader of units; holds at most one segment reference. Not thread-safe. */
    final class Cursor implements AutoCloseable {
        private MappedSegment segment;
        private int at;

        /** Positions on a unit; false if it is not readable. */
        boolean seek(long queueOffset) {
            long position = queueOffset * SIZE;
            if (queueOffset < 0 || position + SIZE > log.maxOffset()) {
                return false;
            }
            if (segment == null || position < segment.baseOffset() || position >= segment.endOffset()) {
                close();
                segment = log.acquire(position);
                if (segment == null) {
                    return false;
                }
            }
            at = (int) (position - segment.baseOffset());
            return at + SIZE <= segment.wrote();
        }

        long commitLogOffset() {
            return ConsumeQueueUnit.commitLogOffset(segment.buffer(), at);
        }

        int size() {
            return ConsumeQueueUnit.messageSize(segment.buffer(), at);
        }

        long tagCode() {
            return ConsumeQueueUnit.tagCode(segment.buffer(), at);
        }

        @Override
        public void close() {
            if (segment != null) {
                segment.release();
                segment = null;
            }
        }
    }

    /**
     * Forces written units to disk. Each file is acquired for its force: retention may destroy it meanwhile (it
     * takes the table's lock, which this does not hold across a force), and a force of an unmapped file fails.
     */
    void flush() throws IOException {
        for (MappedSegment s : log.all()) {
            if (s.flushed() < s.wrote() && s.acquire()) {
                try {
                    s.flush();
                } finally {
                    s.release();
                }
            }
        }
    }

    /** Bytes written but not yet forced. */
    long dirtyBytes() {
        long dirty = 0;
        for (MappedSegment s : log.all()) {
            dirty += s.wrote() - s.flushed();
        }
        return dirty;
    }

    /**
     * Retention: destroys leading files whose every unit points below {@code commitLogMin} (never the last
     * file), then moves the min offset to the first unit at or above it.
     *
     * @return the number of files removed
     */
    int deleteBelow(long commitLogMin, long nowMillis, long forceAfterMillis, Runnable pause) throws IOException {
        int removed = 0;
        for (MappedSegment s : log.all()) {
            // Under the dispatcher's lock: the last file cannot change, nor any file be written, while one goes.
            writeLock.lock();
            try {
                if (s == log.last()) {
                    break;
                }
                long lastSlot = s.endOffset() / SIZE - 1;
                long[] lastUnit = unit(lastSlot);
                if (lastUnit != null && lastUnit[1] != ConsumeQueueUnit.FILLER_SIZE && lastUnit[0] >= commitLogMin) {
                    break;
                }
                if (!s.destroy(nowMillis, forceAfterMillis)) {
                    break;
                }
                log.remove(s);
                // At once, not after the pass: a reader at the old minimum must be told where the queue starts now.
                minOffset = Math.max(minOffset, s.endOffset() / SIZE);
            } finally {
                writeLock.unlock();
            }
            removed++;
            pause.run();
        }
        correctMin(commitLogMin);
        return removed;
    }

    private void correctMin(long commitLogMin) {
        long max = maxOffset();
        long q = Math.max(minOffset, firstSlot());
        try (Cursor c = cursor()) {
            while (q < max && c.seek(q) && (c.size() == ConsumeQueueUnit.FILLER_SIZE || c.commitLogOffset() < commitLogMin)) {
                q++;
            }
        }
        minOffset = q;
    }

    void close() {
        log.close();
    }

    void destroy() throws IOException {
        log.destroy();
    }
}
