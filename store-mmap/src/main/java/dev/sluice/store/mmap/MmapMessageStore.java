package dev.sluice.store.mmap;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.FlushDiskType;
import dev.sluice.store.KeyQueryResult;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageStore;
import dev.sluice.store.QueueUnit;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReplicationLog;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.StoreException;
import dev.sluice.store.TagFilter;
import dev.sluice.store.spi.FlushPolicy;
import dev.sluice.store.spi.KeyIndex;
import dev.sluice.store.spi.IndexedKeys;
import dev.sluice.store.spi.KeyIndexFactory;
import dev.sluice.store.spi.ReplicationHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link MessageStore} on memory-mapped files: the entry point of the store-mmap module.
 *
 * <p>{@link #open} recovers the store (after a crash if the abort file says so) and starts its agents:
 * dispatcher, CommitLog flusher, ConsumeQueue flusher (which also writes the checkpoint) and retention.
 */
public final class MmapMessageStore implements MessageStore {
    private static final Logger LOG = LoggerFactory.getLogger(MmapMessageStore.class);

    private final StoreConfig config;
    /** config's, until an operator changes it at runtime. */
    private volatile int maxMessageSize;
    private final StoreContext context;
    private final StoreLock lock;
    private final CommitLog commitLog;
    private final ConsumeQueueTable queues;
    private final KeyIndex index;
    private final Dispatcher dispatcher;
    private final CommitLogFlusher commitLogFlusher;
    /** Null without a transient store pool. */
    private final PoolCommitter poolCommitter;
    private final ConsumeQueueFlusher consumeQueueFlusher;
    private final Retention retention;
    private final QueueReader reader;
    private final RawCommitLog rawCommitLog;
    private final TransientStorePool pool;
    private final AllocatorThread allocator;
    private final List<AgentRunner> runners = new ArrayList<>();
    private final boolean replicating;
    private boolean closed;

    /** What recovery hands the running store. */
    private record Recovered(FlushPolicy policy, TransientStorePool pool, AllocatorThread allocator,
                             CommitLog commitLog, ConsumeQueueTable queues, KeyIndex index, Dispatcher dispatcher,
                             Checkpoint checkpoint) {
    }

    private MmapMessageStore(StoreConfig config, StoreContext context, StoreLock lock, Recovered parts) {
        this.config = config;
        this.maxMessageSize = config.maxMessageSize();
        this.context = context;
        this.lock = lock;
        this.pool = parts.pool();
        this.allocator = parts.allocator();
        this.commitLog = parts.commitLog();
        this.queues = parts.queues();
        this.index = parts.index();
        this.dispatcher = parts.dispatcher();
        this.replicating = context.replicationHook() != ReplicationHook.NONE;
        this.commitLogFlusher = new CommitLogFlusher(commitLog, parts.policy(), context.clock());
        this.poolCommitter = pool == null ? null : new PoolCommitter(commitLog, PoolCommits.of(config),
                context.clock(), commitLogFlusher::hasWaiters, commitLogFlusher::committed);
        if (poolCommitter != null) {
            commitLogFlusher.onWaiter(poolCommitter::wake);
        }
        this.consumeQueueFlusher = new ConsumeQueueFlusher(queues, dispatcher, commitLog, parts.checkpoint(),
                context.clock(), config.flushIntervalConsumeQueue(), config.flushConsumeQueueLeastPages(),
                config.flushConsumeQueueThoroughInterval());
        this.retention = new Retention(config, commitLog, queues, dispatcher::dispatchedOffset, index, context.clock(),
                context.diskUsage());
        this.reader = new QueueReader(commitLog, queues);
        this.rawCommitLog = new RawCommitLog(commitLog);
        if (context.replica()) {
            commitLog.becomeReplica();
        } else {
            commitLog.prepareFirstFile();
        }
        retention.checkDisk();
    }

    private static FlushPolicy flushPolicy(StoreConfig config, StoreContext context) {
        return context.flushPolicy() != null ? context.flushPolicy()
                : config.flushDiskType() == FlushDiskType.SYNC_FLUSH
                ? FlushPolicy.groupCommit(config.syncFlushTimeout())
                : FlushPolicy.periodic(config.flushIntervalCommitLog(), config.flushCommitLogLeastPages(),
                config.flushCommitLogThoroughInterval());
    }

    /**
     * Brings the files back in line: finds the CommitLog's valid end (after a crash, from the checkpoint),
     * cuts what follows, and re-dispatches ConsumeQueues and index from the CommitLog. Whatever it opened is
     * released again if it fails.
     */
    private static Recovered recover(StoreConfig config, StoreContext context) throws IOException {
        Path abort = config.abortFile();
        boolean crashed = Files.exists(abort);
        Checkpoint checkpoint = new Checkpoint(config.storeCheckpoint());
        Checkpoint.State saved = checkpoint.read();
        if (!saved.valid() && Files.exists(config.storeCheckpoint())) {
            LOG.warn("checkpoint {} is not one this store wrote whole (damaged, or RocketMQ's own): recovering the "
                    + "CommitLog as after a crash and re-dispatching every queue from it", config.storeCheckpoint());
        }
        if (crashed) {
            LOG.warn("abort file {} present: the last run did not shut down cleanly; recovering from {}", abort,
                    saved.valid() ? "checkpoint offset " + saved.commitLogFlushedOffset() : "the first file");
        }
        TransientStorePool pool = config.transientStorePoolEnable()
                ? new TransientStorePool(config.transientStorePoolSize(), config.mappedFileSizeCommitLog()) : null;
        AllocatorThread allocator = new AllocatorThread("sluice-file-allocator");
        FlushPolicy policy = flushPolicy(config, context);
        boolean groupCommit = policy.acknowledgeAfterFlush();
        MappedSegment.Fill fill = config.warmMapedFileEnable() ? MappedSegment.Fill.ZEROED
                : groupCommit ? MappedSegment.Fill.PAGE_CACHE : MappedSegment.Fill.SPARSE;
        SegmentedLog log = new SegmentedLog(config.storePathCommitLog(), config.mappedFileSizeCommitLog(), fill,
                groupCommit ? MappedSegment.Writes.CHANNEL
                        : pool != null ? MappedSegment.Writes.POOLED : MappedSegment.Writes.MAPPED);
        ConsumeQueueTable queues = new ConsumeQueueTable(config.storePathConsumeQueue(),
                config.mappedFileSizeConsumeQueue());
        KeyIndex index = null;
        try {
            log.load();
            queues.load();
            // Loading checks every file and changes none, so a refused open leaves no abort file behind; from here on
            // a failure may leave files half recovered, and the abort file has the next open recover them.
            Files.createDirectories(abort.toAbsolutePath().getParent());
            Files.write(abort, new byte[0]);
            Durability.syncDirectory(abort.toAbsolutePath().getParent());
            long end = CommitLogRecovery.recover(log, crashed || !saved.valid(),
                    saved.valid() ? saved.commitLogFlushedOffset() : -1, config.checkCRCOnRecover());
            CommitLogRecovery.sealCutRecord(log);
            SpaceGuard space = new SpaceGuard(context.diskUsage(), config.storePathCommitLog());
            log.guard(space);
            CommitLog commitLog = new CommitLog(log, config, context.clock(), pool, allocator, space);
            queues.recover(log.isEmpty() ? end : log.first().baseOffset(), end);
            index = openIndex(config, context, new CommitLogKeys(commitLog));
            if (index != null) {
                index.truncateFrom(end);
            }
            Dispatcher dispatcher = new Dispatcher(commitLog, queues, index, context.dispatchListener(),
                    config.messageDelayLevel());
            commitLog.recovered(end, Map.of());
            boolean queuesLost = queues.all().isEmpty() && !log.isEmpty() && end > log.first().baseOffset();
            if (queuesLost) {
                LOG.warn("no ConsumeQueue under {}: rebuilding every queue from the CommitLog",
                        config.storePathConsumeQueue());
            }
            long from = Math.min(Math.min(saved.valid() && !queuesLost ? saved.consumeQueueOffset() : 0,
                    index == null ? Long.MAX_VALUE : index.appliedOffset()), queues.repairFrom());
            from = Math.max(commitLog.minOffset(), Math.min(from, end));
            if (from < end) {
                LOG.info("re-dispatching CommitLog {}..{} into ConsumeQueues{}", from, end,
                        index == null ? "" : " and index");
            }
            dispatcher.startFrom(from);
            dispatcher.catchUp();
            commitLog.recovered(end, queues.nextOffsets());
            // Recovery may have cut below what the old checkpoint claims: make what was kept durable, then say so.
            for (MappedSegment s : log.all()) {
                s.forceAll();
            }
            for (ConsumeQueue cq : queues.all()) {
                for (MappedSegment s : cq.segments().all()) {
                    s.forceAll();
                }
            }
            long now = context.clock().millis();
            checkpoint.write(end, end, now, now);
            return new Recovered(policy, pool, allocator, commitLog, queues, index, dispatcher, checkpoint);
        } catch (IOException | RuntimeException e) {
            if (index != null) {
                index.close();
            }
            queues.close();
            log.close();
            allocator.shutdownNow();
            if (pool != null) {
                pool.close();
            }
            throw e;
        }
    }

    /**
     * Opens (creating, or recovering) the store described by {@code config}.
     *
     * @param startAgents false to run no background threads: the caller drives flushing, dispatch and retention
     *                    through the package's agents (tests)
     */
    static MmapMessageStore open(StoreConfig config, StoreContext context, boolean startAgents) {
        StoreLock lock;
        try {
            lock = StoreLock.acquire(config.storePathRootDir());
        } catch (IOException e) {
            throw new StoreException("cannot lock store " + config.storePathRootDir() + ": " + e, e);
        }
        try {
            MmapMessageStore store = new MmapMessageStore(config, context, lock, recover(config, context));
            if (startAgents) {
                store.startAgents();
            }
            return store;
        } catch (IOException | RuntimeException e) {
            try {
                lock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e instanceof StoreException se ? se : new StoreException("cannot open store: " + e, e);
        }
    }

    /** Opens (creating, or recovering) the store described by {@code config}, and starts its background work. */
    public static MmapMessageStore open(StoreConfig config, StoreContext context) {
        return open(config, context, true);
    }

    private static KeyIndex openIndex(StoreConfig config, StoreContext context, IndexedKeys keys) {
        if (!config.messageIndexEnable()) {
            return null;
        }
        KeyIndexFactory factory = context.keyIndexFactory();
        if (factory == null) {
            factory = ServiceLoader.load(KeyIndexFactory.class).findFirst().orElse(null);
        }
        if (factory == null) {
            LOG.info("no key index on the class path; key queries will answer that the index is disabled");
            return null;
        }
        return factory.open(config, keys);
    }

    private void startAgents() {
        AgentRunner flusher = new AgentRunner(commitLogFlusher);
        commitLogFlusher.runBy(flusher);
        runners.add(flusher.start());
        if (poolCommitter != null) {
            AgentRunner committer = new AgentRunner(poolCommitter);
            poolCommitter.runBy(committer);
            runners.add(committer.start());
        }
        runners.add(new AgentRunner(dispatcher).start());
        runners.add(new AgentRunner(consumeQueueFlusher).start());
        runners.add(new AgentRunner(retention).start());
    }

    @Override
    public CompletableFuture<AppendResult> append(AppendRequest message) {
        return appendBatch(List.of(message));
    }

    @Override
    public CompletableFuture<AppendResult> appendBatch(List<AppendRequest> messages) {
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(
                    AppendResult.refused(AppendStatus.MESSAGE_ILLEGAL, "empty batch"));
        }
        AppendRequest head = messages.get(0);
        for (AppendRequest m : messages) {
            AppendResult bad = MessageCodec.check(m, maxMessageSize);
            if (bad != null) {
                return CompletableFuture.completedFuture(bad);
            }
            if (!m.topic().equals(head.topic()) || m.queueId() != head.queueId()) {
                return CompletableFuture.completedFuture(AppendResult.refused(AppendStatus.MESSAGE_ILLEGAL,
                        "a batch must go to one topic and queue"));
            }
        }
        AppendResult stored = commitLog.append(messages);
        if (!stored.status().stored()) {
            return CompletableFuture.completedFuture(stored);
        }
        if (poolCommitter != null) {
            poolCommitter.appended();
        }
        // WAIT=false matters only to an acknowledgement that waits for a flush or a replica: spare the scan of
        // every message's properties otherwise (it was a fifth of the appending thread's Java time at 128 B).
        boolean wait = (replicating || commitLogFlusher.acknowledgesAfterFlush()) && anyWaits(messages);
        CompletableFuture<AppendStatus> flushed = commitLogFlusher.durable(stored.endOffset(), wait);
        if (!replicating) {
            // Without replication only the flush can weaken the result; spares the hook's future per append.
            return flushed.isDone() && flushed.join() == AppendStatus.PUT_OK ? CompletableFuture.completedFuture(stored)
                    : flushed.thenApply(f -> combine(stored, f, AppendStatus.PUT_OK));
        }
        CompletableFuture<AppendStatus> replicated = context.replicationHook().onAppended(stored.endOffset(), wait);
        if (flushed.isDone()) {
            AppendStatus f = flushed.join();
            if (replicated.isDone()) {
                return CompletableFuture.completedFuture(combine(stored, f, replicated.join()));
            }
            // ASYNC_FLUSH on a SYNC_MASTER: one stage on the replica's answer, not a two-input one (JFR: thenCombine
            // was a tenth of the appending thread's samples in ReplicationBenchmark's sync run).
            return replicated.thenApply(r -> combine(stored, f, r));
        }
        return flushed.thenCombine(replicated, (f, r) -> combine(stored, f, r));
    }

    private static boolean anyWaits(List<AppendRequest> messages) {
        for (int i = 0; i < messages.size(); i++) {
            if (Waits.forStore(messages.get(i).properties())) {
                return true;
            }
        }
        return false;
    }

    private static AppendResult combine(AppendResult stored, AppendStatus flush, AppendStatus replica) {
        // RocketMQ reports the replica outcome when both fall short.
        AppendStatus status = replica != AppendStatus.PUT_OK ? replica : flush;
        return status == AppendStatus.PUT_OK ? stored : stored.withStatus(status, status.name());
    }

    @Override
    public ReadResult read(String topic, int queueId, long queueOffset, int maxCount, TagFilter filter) {
        return reader.read(topic, queueId, queueOffset, maxCount, filter == null ? TagFilter.ALL : filter);
    }

    @Override
    public List<QueueUnit> units(String topic, int queueId, long queueOffset, int maxCount) {
        ConsumeQueue cq = queues.get(topic, queueId);
        List<QueueUnit> units = new ArrayList<>();
        if (cq == null) {
            return units;
        }
        try (ConsumeQueue.Cursor cursor = cq.cursor()) {
            for (long at = queueOffset; units.size() < maxCount && cursor.seek(at); at++) {
                units.add(new QueueUnit(cursor.commitLogOffset(), cursor.size(), cursor.tagCode()));
            }
        }
        return units;
    }

    @Override
    public Optional<ByteBuffer> lookup(long commitLogOffset) {
        return reader.lookup(commitLogOffset);
    }

    @Override
    public void reconfigure(StoreConfig changed) {
        maxMessageSize = changed.maxMessageSize();
        retention.reconfigure(changed);
        LOG.info("store {} reconfigured: maxMessageSize={}, deleteWhen={}, fileReservedTime={}h, diskMaxUsedSpaceRatio={}%",
                config.storePathRootDir(), changed.maxMessageSize(), changed.deleteWhen(), changed.fileReservedTime(),
                changed.diskMaxUsedSpaceRatio());
    }

    @Override
    public long minQueueOffset(String topic, int queueId) {
        ConsumeQueue cq = queues.get(topic, queueId);
        return cq == null ? 0 : cq.minOffset();
    }

    @Override
    public long maxQueueOffset(String topic, int queueId) {
        ConsumeQueue cq = queues.get(topic, queueId);
        return cq == null ? 0 : cq.maxOffset();
    }

    @Override
    public long queueOffsetByTime(String topic, int queueId, long timestampMillis) {
        return reader.offsetByTime(topic, queueId, timestampMillis);
    }

    @Override
    public long storeTimeAt(String topic, int queueId, long queueOffset) {
        return reader.storeTime(topic, queueId, queueOffset);
    }

    @Override
    public KeyQueryResult queryByKey(String topic, String key, int maxNum, long beginMillis, long endMillis) {
        if (index == null) {
            return KeyQueryResult.DISABLED;
        }
        long min = commitLog.minOffset();
        List<Long> found = new ArrayList<>();
        for (long offset : index.query(topic, key, maxNum, beginMillis, endMillis)) {
            if (offset >= min) {
                found.add(offset);
            }
        }
        return new KeyQueryResult(true, found);
    }

    @Override
    public long minCommitLogOffset() {
        return commitLog.minOffset();
    }

    @Override
    public long maxCommitLogOffset() {
        return commitLog.readableOffset();
    }

    @Override
    public long earliestMessageTime() {
        long min = commitLog.minOffset();
        return min >= commitLog.readableOffset() ? -1 : reader.storeTimeAt(min);
    }

    @Override
    public Map<String, Set<Integer>> queues() {
        return queues.topics();
    }

    @Override
    public ReplicationLog replicationLog() {
        return rawCommitLog;
    }

    @Override
    public void deleteTopic(String topic) {
        commitLog.forgetTopic(topic);
        try {
            queues.delete(topic);
        } catch (IOException e) {
            throw new StoreException("cannot delete the ConsumeQueues of " + topic + ": " + e, e);
        }
    }

    /** An operator's DELETE_EXPIRED_COMMITLOG: expired files go in the next passes whatever the hour. */
    public void requestDeletion() {
        retention.requestDeletion();
    }

    /** How long the current append has held the write lock (RocketMQ's pageCacheLockTimeMills). */
    public long appendLockHeldMillis() {
        return commitLog.lockHeldMillis();
    }

    /** Bytes written but not yet forced to disk (RocketMQ's remainHowManyDataToFlush). */
    public long unflushedBytes() {
        return Math.max(0, commitLog.maxOffset() - commitLog.flushedOffset());
    }

    /** Bytes in transientStorePool buffers not yet written to their files; 0 without the pool. */
    public long uncommittedBytes() {
        return pool == null ? 0 : Math.max(0, commitLog.maxOffset() - commitLog.readableOffset());
    }

    /** Free transientStorePool buffers; Integer.MAX_VALUE without the pool, as RocketMQ reports it. */
    public int freePoolBuffers() {
        return pool == null ? Integer.MAX_VALUE : pool.available();
    }

    /** CommitLog offset up to which messages are in their ConsumeQueues. */
    public long dispatchedOffset() {
        return dispatcher.dispatchedOffset();
    }

    // Package-private handles so tests can drive the agents without threads.
    Dispatcher dispatcher() {
        return dispatcher;
    }

    CommitLogFlusher commitLogFlusher() {
        return commitLogFlusher;
    }

    /** Null without a transient store pool. */
    PoolCommitter poolCommitter() {
        return poolCommitter;
    }

    /** Tests driving the agents by hand: one committer round (with a pool), then one flusher round. */
    void commitAndFlushRound() {
        if (poolCommitter != null) {
            poolCommitter.doWork();
        }
        commitLogFlusher.doWork();
    }

    /** Copies every pool buffer into its file (with a pool), then forces everything readable. */
    void commitAndFlushAll() {
        if (poolCommitter != null) {
            poolCommitter.commitAtClose();
        }
        commitLogFlusher.flushAll();
    }

    ConsumeQueueFlusher consumeQueueFlusher() {
        return consumeQueueFlusher;
    }

    Retention retention() {
        return retention;
    }

    CommitLog commitLog() {
        return commitLog;
    }

    ConsumeQueueTable consumeQueues() {
        return queues;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        commitLog.goOffline("store is closed");
        runners.forEach(AgentRunner::close);
        boolean clean = true;
        try {
            long dropped = commitLog.dropIncompleteRecord();
            if (dropped > 0) {
                LOG.info("replica: dropped {} byte(s) of a record received only in part; its master sends them again",
                        dropped);
            }
        } catch (IOException e) {
            LOG.error("cannot drop a replica's incomplete last record; the next open recovers as after a crash", e);
            clean = false;
        }
        commitAndFlushAll();
        try {
            dispatcher.catchUp();
            consumeQueueFlusher.flushAll();
            if (clean) {
                Files.deleteIfExists(config.abortFile());
            }
        } catch (IOException e) {
            LOG.error("clean shutdown failed; the next open recovers as after a crash", e);
            clean = false;
        }
        long end = commitLog.maxOffset();
        release();
        LOG.info("store {} closed {} at CommitLog offset {}", config.storePathRootDir(),
                clean ? "cleanly" : "(not cleanly: the next open recovers as after a crash)", end);
    }

    /**
     * Stops like a killed process: no flush, no checkpoint, the abort file stays. Returns, per file, how many
     * bytes were forced to disk, so a test can throw away the rest as a power loss would.
     */
    synchronized Map<Path, Integer> crash() {
        closed = true;
        commitLog.goOffline("store crashed");
        runners.forEach(AgentRunner::close);
        Map<Path, Integer> durable = new HashMap<>();
        for (MappedSegment s : commitLog.segments().all()) {
            durable.put(s.path(), s.flushed());
        }
        for (ConsumeQueue cq : queues.all()) {
            for (MappedSegment s : cq.segments().all()) {
                durable.put(s.path(), s.flushed());
            }
        }
        release();
        return durable;
    }

    private void release() {
        commitLog.segments().close();
        allocator.shutdownNow();
        if (index != null) {
            index.close();
        }
        queues.close();
        if (pool != null) {
            pool.close();
        }
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("cannot release the store lock", e);
        }
    }

    @Override
    public void destroy() {
        close();
        try {
            deleteTree(config.storePathCommitLog());
            deleteTree(config.storePathConsumeQueue());
            deleteTree(config.storePathIndex());
            Files.deleteIfExists(config.storeCheckpoint());
            Files.deleteIfExists(config.abortFile());
            Files.deleteIfExists(config.storePathRootDir().resolve("lock"));
        } catch (IOException e) {
            throw new StoreException("cannot delete store files: " + e, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
