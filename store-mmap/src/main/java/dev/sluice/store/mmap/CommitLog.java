package dev.sluice.store.mmap;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.StoreConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;

/**
 * The CommitLog: every message of every queue, in arrival order, in RocketMQ's record format.
 *
 * <p>Appends are encoded and checksummed by the calling thread into a thread-local buffer; the lock is
 * held only to assign offsets and the store timestamp and to copy the bytes, so producers do not queue
 * behind each other's encoding.
 */
final class CommitLog {
    private static final Logger LOG = LoggerFactory.getLogger(CommitLog.class);
    private static final int INITIAL_ENCODE_BUFFER = 64 * 1024;
    /** Lock attempts before parking: the critical section is shorter than a park/unpark round trip. */
    private static final int SPINS_BEFORE_PARK = 128;

    private final SegmentedLog log;
    private final byte[] storeHost;
    private final int storePort;
    private final Clock clock;
    private final TransientStorePool pool;
    private final ReentrantLock lock = new ReentrantLock();
    /** Next queue offset per topic and queue id; guarded by {@link #lock}. */
    private final Map<String, long[]> queueOffsets = new HashMap<>();
    private final Map<String, byte[]> topicBytes = new ConcurrentHashMap<>();
    private final ThreadLocal<Encoder> encoders = ThreadLocal.withInitial(Encoder::new);
    private final ByteBuffer blank = ByteBuffer.allocate(MessageRecordDescriptor.BLANK_LENGTH);
    private final Executor allocator;
    private final SpaceGuard space;
    private volatile long lockedSinceMillis;
    /** A slave's copy: own appends are refused. Set under {@link #lock}, read under it by {@link #append}. */
    private volatile boolean replica;
    private volatile long committedOffset;
    private volatile long flushedOffset;
    private volatile String offline;
    private volatile String diskFull;
    /** The space guard refused the last append; under the lock. */
    private boolean guardRefusing;

    CommitLog(SegmentedLog log, StoreConfig config, Clock clock, TransientStorePool pool, Executor allocator,
              SpaceGuard space) {
        this.allocator = allocator;
        this.space = space;
        this.log = log;
        this.storeHost = config.storeHost();
        this.storePort = config.storePort();
        this.clock = clock;
        this.pool = pool;
    }

    SegmentedLog segments() {
        return log;
    }

    /** After recovery: where the valid data ends, and what every queue's next offset is. */
    void recovered(long endOffset, Map<String, long[]> nextQueueOffsets) {
        lock.lock();
        try {
            committedOffset = endOffset;
            flushedOffset = endOffset;
            queueOffsets.clear();
            nextQueueOffsets.forEach((topic, offsets) -> queueOffsets.put(topic, offsets.clone()));
            MappedSegment last = log.last();
            if (last != null) {
                log.prepare(last.endOffset(), allocator);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every append from now on with SERVICE_NOT_AVAILABLE and this reason (closed, IO failure). */
    void goOffline(String reason) {
        lock.lock();
        try {
            if (offline == null) {
                offline = reason;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Refuses appends while the disk is full (reason), or accepts them again (null). */
    void diskFull(String reason) {
        diskFull = reason;
    }

    /** Refuses appends until retention sees room, after a write into {@code segment} failed; logs the first. */
    private String refuseAppends(MappedSegment segment, Throwable failure) {
        String reason = "disk full: cannot write CommitLog file " + segment.path() + " (" + failure.getMessage() + ")";
        if (diskFull == null) {
            LOG.error("{}; refusing appends until space frees", reason);
        }
        diskFull = reason;
        return reason;
    }

    /** Why {@code length} more bytes in {@code segment} would pass the space guard's limit, or null. */
    private String noRoom(MappedSegment segment, int length) {
        long end = segment.baseOffset() + segment.wrote() + length;
        if (end <= space.limit()
                || end <= space.refresh(segment.baseOffset() + Math.max(segment.wrote(), segment.prefaulted()))) {
            guardRefusing = false;
            return null;
        }
        String reason = space.refusal(end);
        if (!guardRefusing) {
            guardRefusing = true;
            LOG.error("{} (logged once until an append fits again)", reason);
        }
        return reason;
    }

    /** Why appends are refused now, or null. */
    String refusal() {
        String o = offline;
        return o != null ? o : diskFull;
    }

    /**
     * Appends records of one topic and queue as consecutive records in one file. Messages must have
     * passed {@link MessageCodec#check}.
     */
    AppendResult append(List<AppendRequest> batch) {
        AppendRequest head = batch.get(0);
        Encoder encoder = encoders.get();
        byte[] topic = topicBytes.computeIfAbsent(head.topic(), MessageCodec::topicBytes);
        ByteBuffer encoded = encoder.encode(batch, topic, storeHost, storePort);
        int total = encoded.remaining();
        if (total + MessageRecordDescriptor.BLANK_LENGTH > log.segmentSize()) {
            return AppendResult.refused(AppendStatus.MESSAGE_ILLEGAL, "message of " + total
                    + " bytes does not fit in a CommitLog file of " + log.segmentSize() + " bytes");
        }
        lockForAppend();
        try {
            lockedSinceMillis = clock.millis();
            if (replica) {
                return AppendResult.refused(AppendStatus.SERVICE_NOT_AVAILABLE,
                        "this store is a replica: it takes only bytes replicated from its master");
            }
            String refused = refusal();
            if (refused != null) {
                return AppendResult.refused(AppendStatus.SERVICE_NOT_AVAILABLE, refused);
            }
            MappedSegment segment;
            try {
                segment = segmentWithRoom(total);
            } catch (IOException e) {
                return AppendResult.refused(AppendStatus.CREATE_MAPPED_FILE_FAILED,
                        "cannot create a CommitLog file in " + log.dir() + ": " + e);
            }
            long physical = segment.baseOffset() + segment.wrote();
            long[] offsets = queueOffsets.get(head.topic());
            if (offsets == null || offsets.length <= head.queueId()) {
                offsets = offsets == null ? new long[head.queueId() + 1]
                        : java.util.Arrays.copyOf(offsets, head.queueId() + 1);
                queueOffsets.put(head.topic(), offsets);
            }
            long queueOffset = offsets[head.queueId()];
            long now = lockedSinceMillis;
            int[] starts = encoder.starts;
            for (int i = 0; i < batch.size(); i++) {
                MessageRecordDescriptor.stamp(encoded, starts[i], queueOffset + i, physical + starts[i], now);
            }
            String noRoom = noRoom(segment, total);
            if (noRoom != null) {
                return AppendResult.refused(AppendStatus.SERVICE_NOT_AVAILABLE, noRoom);
            }
            try {
                segment.append(encoded);
            } catch (IOException | InternalError e) {
                // The write failed (ENOSPC from a channel write or from allocating pages on a nearly full disk, or
                // a fault the JVM reported in time). The write position did not move, so nothing is readable
                // half-written; retention's disk check lifts the refusal. A mapped store's fault may instead be
                // reported late, after the store silently did not happen: the space guard keeps appends off pages
                // the disk may lack, and pages are allocated before any store once the disk is nearly full.
                return AppendResult.refused(AppendStatus.SERVICE_NOT_AVAILABLE, refuseAppends(segment, e));
            }
            log.prefaultAhead(segment, allocator);
            offsets[head.queueId()] = queueOffset + batch.size();
            if (pool == null) {
                committedOffset = physical + total;
            }
            return new AppendResult(AppendStatus.PUT_OK, null, physical, queueOffset, now, total, batch.size());
        } finally {
            lockedSinceMillis = 0;
            lock.unlock();
        }
    }

    private void lockForAppend() {
        for (int i = 0; i < SPINS_BEFORE_PARK; i++) {
            if (lock.tryLock()) {
                return;
            }
            Thread.onSpinWait();
        }
        lock.lock();
    }

    private MappedSegment segmentWithRoom(int length) throws IOException {
        MappedSegment last = log.last();
        if (last != null && last.remaining() >= length + MessageRecordDescriptor.BLANK_LENGTH) {
            return last;
        }
        long nextBase = 0;
        if (last != null) {
            if (last.remaining() > 0) {
                blank.clear();
                blank.putInt(last.remaining()).putInt(MessageRecordDescriptor.BLANK_MAGIC).flip();
                last.append(blank);
                last.setWrotePosition(last.size());
            }
            last.seal();
            nextBase = last.endOffset();
            if (pool == null) {
                committedOffset = nextBase;
            }
        }
        MappedSegment created = log.create(nextBase);
        if (pool != null) {
            created.useWriteBuffer(pool);
        }
        log.prepare(created.endOffset(), allocator);
        return created;
    }

    /** How long the current append has held the lock, 0 if none does (RocketMQ's pageCacheLockTimeMills). */
    long lockHeldMillis() {
        long since = lockedSinceMillis;
        return since == 0 ? 0 : Math.max(0, clock.millis() - since);
    }

    /** One past the last written byte. */
    long maxOffset() {
        return log.maxOffset();
    }

    /** Bytes readers and the dispatcher may see: all written, or all committed with a transient pool. */
    long readableOffset() {
        return committedOffset;
    }

    long flushedOffset() {
        return flushedOffset;
    }

    /** Lowest retained offset: the start of the first file still available. */
    long minOffset() {
        return log.firstAvailableOffset(log.maxOffset());
    }

    /** Pool mode: copies pool buffers into the files, in order. The {@link PoolCommitter}'s thread only. */
    void commit() throws IOException {
        if (pool == null) {
            return;
        }
        long committed = committedOffset;
        for (MappedSegment s : log.all()) {
            if (s.endOffset() <= committed) {
                continue;
            }
            s.commit();
            committed = s.baseOffset() + s.readable();
            if (s.readable() < s.size()) {
                break;
            }
        }
        committedOffset = committed;
    }

    /**
     * Forces every readable byte to disk. Flusher thread only. A file retention is destroying is skipped: forced
     * cleaning may delete dispatched files the flusher has not reached, and their bytes need no durability; the
     * reference held while forcing keeps the file mapped until the force is done.
     */
    long flush() throws IOException {
        long target = committedOffset;
        long from = flushedOffset;
        if (target <= from) {
            return from;
        }
        for (MappedSegment s : log.all()) {
            if (s.endOffset() <= from || s.baseOffset() >= target || !s.acquire()) {
                continue;
            }
            try {
                s.flush();
            } finally {
                s.release();
            }
        }
        flushedOffset = target;
        return target;
    }

    /** Next queue offset of every queue, for the recovery bookkeeping. */
    Map<String, long[]> queueOffsetsSnapshot() {
        lock.lock();
        try {
            Map<String, long[]> copy = new HashMap<>();
            queueOffsets.forEach((k, v) -> copy.put(k, v.clone()));
            return copy;
        } finally {
            lock.unlock();
        }
    }

    void forgetTopic(String topic) {
        lock.lock();
        try {
            queueOffsets.remove(topic);
        } finally {
            lock.unlock();
        }
    }

    /**
     * An empty log's first file is created in the background, as every later one is, so the first append does not
     * wait for its fill. Not for a replica: its first file starts where its master's bytes do.
     */
    void prepareFirstFile() {
        lock.lock();
        try {
            if (log.isEmpty()) {
                log.prepare(0, allocator);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Refuses own appends from now on: the store holds a slave's copy, whose only writer is its master. */
    void becomeReplica() {
        lock.lock();
        try {
            replica = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replica, at a clean shutdown: drops the bytes of a record that arrived only in part. Recovery after a clean
     * shutdown trusts the last record to be whole, as it is on a master; a replica's would then keep zeros where
     * the rest of it belongs, and report an end past them for its master to continue from.
     *
     * @return the bytes dropped
     */
    long dropIncompleteRecord() throws IOException {
        lock.lock();
        try {
            long whole = committedOffset;
            long end = log.maxOffset();
            if (!replica || end <= whole) {
                return 0;
            }
            log.truncate(whole, end);
            return end - whole;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replica only: copies bytes a master shipped from {@code offset} (see {@code ReplicationLog#append}), then makes
     * every record they complete readable. Records are not re-encoded: the bytes are the master's.
     */
    long appendReplicated(long offset, ByteBuffer bytes) throws IOException {
        lock.lock();
        try {
            replica = true;
            String refused = refusal();
            if (refused != null) {
                throw new IOException(refused);
            }
            if (pool != null) {
                throw new IOException("a replica cannot use transientStorePoolEnable");
            }
            MappedSegment last = log.last();
            long end = log.maxOffset();
            if (last == null) {
                if (offset % log.segmentSize() != 0) {
                    throw new IOException("an empty CommitLog can only start at a file boundary, not at " + offset);
                }
            } else if (offset != end) {
                throw new IOException("replicated bytes start at " + offset + " but this CommitLog ends at " + end);
            }
            if (last == null || last.remaining() == 0) {
                boolean first = last == null;
                if (!first) {
                    last.seal();
                }
                last = log.create(offset);
                if (first) {
                    committedOffset = offset;
                    flushedOffset = offset;
                }
                log.prepare(last.endOffset(), allocator);
            }
            String noRoom = noRoom(last, bytes.remaining());
            if (noRoom != null) {
                throw new IOException(noRoom);
            }
            if (bytes.remaining() > last.remaining()) {
                throw new IOException(bytes.remaining() + " replicated bytes at " + offset + " cross the end of file "
                        + last.path().getFileName());
            }
            try {
                last.append(bytes);
            } catch (IOException | InternalError e) {
                throw new IOException(refuseAppends(last, e));
            }
            log.prefaultAhead(last, allocator);
            try {
                committedOffset = completeRecordsFrom(committedOffset, bytes, offset);
            } catch (NotARecord e) {
                // Nothing past the bad bytes was readable yet: dropping them leaves this log as it was, with the
                // whole records before them kept.
                committedOffset = e.offset;
                log.truncate(e.offset, log.maxOffset());
                throw e;
            }
            return log.maxOffset();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replica: the end of the complete records (or whole BLANK-terminated files) written from {@code from}. Header
     * fields are read from {@code fresh}, the bytes just appended at {@code freshOffset}, wherever they lie in it:
     * reading them back through the mapping would fault in every page a channel write just filled, on the thread
     * whose next report a SYNC_MASTER's sends wait for.
     *
     * @throws NotARecord where a record should start but the bytes are none: the master's log is not this one's
     */
    private long completeRecordsFrom(long from, ByteBuffer fresh, long freshOffset) throws NotARecord {
        long at = from;
        long end = log.maxOffset();
        while (at < end) {
            MappedSegment s = log.find(at);
            if (s == null) {
                break;
            }
            long base = s.baseOffset();
            int wrote = s.wrote();
            int pos = (int) (at - base);
            while (wrote - pos >= MessageRecordDescriptor.BLANK_LENGTH) {
                int size = replicatedInt(s, pos + MessageRecordDescriptor.TOTAL_SIZE_OFFSET, fresh, freshOffset);
                int magic = replicatedInt(s, pos + MessageRecordDescriptor.MAGIC_OFFSET, fresh, freshOffset);
                if (magic == MessageRecordDescriptor.BLANK_MAGIC) {
                    if (size != s.size() - pos) {
                        throw new NotARecord(base + pos, "a BLANK marker of " + size + " bytes where the file has "
                                + (s.size() - pos) + " left");
                    }
                } else if (magic != MessageRecordDescriptor.MAGIC_V1) {
                    throw new NotARecord(base + pos, "no record's magic code");
                } else if (size < MessageRecordDescriptor.SYS_FLAG_OFFSET || size > s.size() - pos) {
                    throw new NotARecord(base + pos, "a record length of " + size);
                }
                if (size > wrote - pos) {
                    return base + pos;
                }
                if (magic == MessageRecordDescriptor.MAGIC_V1) {
                    long claimed = replicatedLong(s, pos + MessageRecordDescriptor.PHYSICAL_OFFSET_OFFSET, fresh,
                            freshOffset);
                    if (claimed != base + pos) {
                        throw new NotARecord(base + pos, "a record written at offset " + claimed);
                    }
                }
                pos += size;
            }
            at = base + pos;
            if (pos < s.size()) {
                break;
            }
        }
        return at;
    }

    private static int replicatedInt(MappedSegment s, int pos, ByteBuffer fresh, long freshOffset) {
        long x = s.baseOffset() + pos;
        return x >= freshOffset && x + Integer.BYTES <= freshOffset + fresh.remaining()
                ? fresh.getInt(fresh.position() + (int) (x - freshOffset)) : s.buffer().getInt(pos);
    }

    private static long replicatedLong(MappedSegment s, int pos, ByteBuffer fresh, long freshOffset) {
        long x = s.baseOffset() + pos;
        return x >= freshOffset && x + Long.BYTES <= freshOffset + fresh.remaining()
                ? fresh.getLong(fresh.position() + (int) (x - freshOffset)) : s.buffer().getLong(pos);
    }

    /**
     * Replica: bytes its master shipped where one of this log's records should start, which are none. The master
     * lost bytes this replica had (a crash cut its tail) and wrote others there since: the two logs diverged.
     */
    static final class NotARecord extends IOException {
        final long offset;

        NotARecord(long offset, String found) {
            super("the master's bytes at CommitLog offset " + offset + " do not start a record (" + found + "): this "
                    + "replica's CommitLog diverged from its master's, whose log no longer holds what this one does "
                    + "there; rebuild the replica from its master");
            this.offset = offset;
        }
    }

    /** Per-thread encoding scratch; grows to the largest batch seen (the outgrown buffer is left to the GC). */
    private static final class Encoder {
        private final CRC32 crc = new CRC32();
        /** Direct, so a channel write of it copies once, straight into the page cache. */
        private ByteBuffer buffer = ByteBuffer.allocateDirect(INITIAL_ENCODE_BUFFER);
        private int[] starts = new int[16];

        ByteBuffer encode(List<AppendRequest> batch, byte[] topic, byte[] storeHost, int storePort) {
            if (starts.length < batch.size()) {
                starts = new int[Math.max(batch.size(), starts.length * 2)];
            }
            buffer.clear();
            for (int i = 0; i < batch.size(); i++) {
                AppendRequest m = batch.get(i);
                int need = MessageRecordDescriptor.recordLength(MessageCodec.storedSysFlag(m, storeHost.length == 16),
                        m.body().remaining(), topic.length, m.properties() == null ? 0 : m.properties().length);
                ensure(need);
                starts[i] = buffer.position();
                MessageCodec.encode(m, topic, storeHost, storePort, crc, buffer);
            }
            buffer.flip();
            return buffer;
        }

        private void ensure(int more) {
            if (buffer.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(buffer.capacity() * 2, buffer.position() + more));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
        }
    }
}
