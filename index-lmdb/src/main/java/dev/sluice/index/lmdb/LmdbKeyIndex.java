package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;
import dev.sluice.store.spi.KeyIndex;
import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The key index as a log-structured merge of sorted runs, stored in one LMDB environment.
 *
 * <p>Why runs: keyed B-tree inserts (formats 1 and 2: one LMDB key per indexed key) cost a random leaf-page
 * copy each and capped puts near 120k messages/s, a fourteenth of Apache's hash-file index. Here a dispatch
 * batch becomes one sorted run written as a few large values ({@link Run}) plus one postings chunk
 * ({@link Postings}) and the applied offset, in one write transaction. Runs of a level are merged ten at a time
 * into one of the next level ({@link RunMerge}), on the index's own thread, which merges a bounded number of
 * entries at a time without the writer and takes it only to write them, so a put waits for at most one short
 * transaction; past {@link Tuning#maxRuns()} runs puts merge or wait for merges (back-pressure, so measured put
 * rates include the merging they cause).
 *
 * <p>A query reads every run whose time range meets the window, newest entry first across runs, and confirms
 * each candidate in the postings: runs hold only name hashes, and may keep entries that truncation or
 * retention made stale. Retention raises a floor below which nothing is answered, then deletes whole postings
 * chunks and runs below it in bounded steps; merges leave out entries below the floor.
 *
 * <p>One writer at a time (puts, truncation, retention, merge steps); queries run in their own read
 * transactions and never wait for it, except while the map grows.
 */
final class LmdbKeyIndex implements KeyIndex {
    private static final Logger LOG = LoggerFactory.getLogger(LmdbKeyIndex.class);

    static final String ENV_DIR = "lmdb";
    /** 1: entries keyed by the whole name; 2: by its 64-bit hash; 3: sorted runs (with Bloom filters) and postings. */
    static final int FORMAT = 3;

    /** A query's scratch: name, block key, offset key. */
    private static final ThreadLocal<byte[]> QUERY_NAME =
            ThreadLocal.withInitial(() -> new byte[IndexKeys.NAME_BUFFER]);
    private static final ThreadLocal<ByteBuffer> QUERY_BLOCK_KEY =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(12));
    private static final ThreadLocal<ByteBuffer> QUERY_OFFSET_KEY =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(8));

    private final Path dir;
    private final IndexKeys.NameHash nameHash;
    private final Tuning tuning;
    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> meta;
    private final Dbi<ByteBuffer> runDb;
    /** Blocks of batch runs (level 0), appended as batches come. */
    private final Dbi<ByteBuffer> blockDb;
    /**
     * Blocks of merged runs. Apart from the batch runs because merges run one at a time with growing run ids,
     * so their blocks are appended too, while batch runs made during a merge have larger ids than its output.
     */
    private final Dbi<ByteBuffer> mergedDb;
    private final Dbi<ByteBuffer> postingDb;
    private final ByteBuffer appliedKey = direct("applied");
    private final ByteBuffer floorKey = direct("floor");
    private final ByteBuffer formatKey = direct("format");

    /** Held shared by queries, exclusively to resize the map or close: LMDB needs no transaction open then. */
    private final ReentrantReadWriteLock mapLock = new ReentrantReadWriteLock();
    /** Serializes writers; taken before {@link #mapLock}. */
    private final Object writer = new Object();

    // guarded by writer
    private final SortedBatch sorted;
    private final RunWriter batchRun;
    private final Garbage garbage = new Garbage();
    private final List<Run> live = new ArrayList<>();
    private final ByteBuffer keyBuf = ByteBuffer.allocateDirect(12);
    private final ByteBuffer longBuf = ByteBuffer.allocateDirect(8);
    private RunMerge merge;
    private long nextRunId;
    private long lastIndexed;
    private long committedTxn;
    private long mapSize;
    private boolean closed;
    private long lastReclaimed;

    private volatile long appliedOffset;
    private volatile long floor;
    private volatile Snapshot published = new Snapshot(-1, new Run[0]);
    private final Thread merger;

    /** The runs as of one committed transaction, so that queries of that transaction need not read them. */
    private record Snapshot(long txnId, Run[] runs) {
    }

    private LmdbKeyIndex(Path dir, long mapSize, IndexKeys.NameHash nameHash, Tuning tuning) {
        this.dir = dir;
        this.nameHash = nameHash;
        this.tuning = tuning;
        this.sorted = new SortedBatch(nameHash);
        this.batchRun = new RunWriter(tuning.blockEntries());
        this.mapSize = Math.max(mapSize, sizeOf(dir.resolve("data.mdb")));
        // MDB_WRITEMAP measured 2-3x the put rate of copying dirty pages through write(2) in format 2, and alike
        // in format 3. lmdbjava 0.9.1 initializes both ByteBuffer proxies together, so the safe one needs java.nio
        // opened as well; KeyIndexBenchmark measured them alike (safe 537k/488k msg/s, default 340k/480k in
        // neighbouring runs), so the default one.
        this.env = Env.create(ByteBufferProxy.PROXY_OPTIMAL).setMapSize(this.mapSize).setMaxDbs(5)
                .open(dir.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOTLS, EnvFlags.MDB_WRITEMAP);
        try {
            // Slots of readers killed with their process would otherwise pin old pages forever.
            env.readerCheck();
            meta = env.openDbi("meta", DbiFlags.MDB_CREATE);
            runDb = env.openDbi("runs", DbiFlags.MDB_CREATE);
            blockDb = env.openDbi("blocks", DbiFlags.MDB_CREATE);
            mergedDb = env.openDbi("merged", DbiFlags.MDB_CREATE);
            postingDb = env.openDbi("postings", DbiFlags.MDB_CREATE);
            initMeta();
            recover();
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
        merger = tuning.backgroundMerges() ? startMerger() : null;
    }

    /**
     * Opens the index under {@code indexDir}, starting empty when there is none and rebuilding it when it
     * cannot be trusted; the caller then re-dispatches from {@link #appliedOffset()}.
     */
    static LmdbKeyIndex open(Path indexDir, long mapSize) {
        return open(indexDir, mapSize, IndexKeys::hash, Tuning.DEFAULT);
    }

    /** With another name hash (tests make names collide) or run shape (tests make everything small). */
    static LmdbKeyIndex open(Path indexDir, long mapSize, IndexKeys.NameHash hash, Tuning tuning) {
        Path dir = indexDir.resolve(ENV_DIR);
        if (sizeOf(dir.resolve("data.mdb")) == 0) {
            LOG.info("No key index in {}: creating an empty one; the store re-indexes the CommitLog from offset 0",
                    dir);
            wipe(dir);
        } else if (OpenMarker.leftByEarlierBoot(dir)) {
            LOG.warn("Key index in {} was left open by an earlier boot of this machine and may have lost writes: "
                    + "rebuilding it from the CommitLog", dir);
            wipe(dir);
        }
        OpenMarker.write(dir);
        try {
            return new LmdbKeyIndex(dir, mapSize, hash, tuning);
        } catch (OldFormatException e) {
            LOG.warn("Key index in {} has format {}, this version writes format {}: rebuilding it from the CommitLog",
                    dir, e.format, FORMAT);
        } catch (LmdbException | CorruptIndexException e) {
            LOG.warn("Key index in {} is corrupt ({}): rebuilding it from the CommitLog", dir, e.toString());
        }
        wipe(dir);
        OpenMarker.write(dir);
        return new LmdbKeyIndex(dir, mapSize, hash, tuning);
    }

    @Override
    public long appliedOffset() {
        return appliedOffset;
    }

    /**
     * Entries below the applied offset are indexed already (the store re-dispatching) and are skipped. Never
     * moves the applied offset back: only {@link #truncateFrom} does.
     */
    @Override
    public void apply(IndexBatch batch) {
        synchronized (writer) {
            checkOpen();
            long applied = Math.max(appliedOffset, batch.endOffset());
            sorted.fill(batch, appliedOffset, lastIndexed);
            if (sorted.size == 0 && applied == appliedOffset) {
                return;
            }
            long id = nextRunId;
            batchRun.reset(id, 0, sorted.size);
            for (int i = 0; i < sorted.size; i++) {
                batchRun.add(sorted.hashes[i], sorted.timestamps[i], sorted.offsets[i]);
            }
            Run run = write(txn -> {
                Run r = null;
                if (sorted.size > 0) {
                    r = batchRun.finish(txn, blockDb, runDb);
                    Postings p = sorted.postings;
                    for (int c = 0; c < p.chunks(); c++) {
                        if (!postingDb.put(txn, IndexKeys.offsetKey(longBuf, p.firstOffset(c)), p.encode(c),
                                PutFlags.MDB_APPEND)) {
                            throw new IllegalStateException("postings at " + p.firstOffset(c) + " exist");
                        }
                    }
                }
                putLong(txn, appliedKey, applied);
                return r;
            });
            batchRun.flushed();
            appliedOffset = applied;
            if (run != null) {
                nextRunId++;
                lastIndexed = Math.max(lastIndexed, run.maxOffset());
                live.add(run);
            }
            publish();
            afterPut();
        }
    }

    private void afterPut() {
        // Back-pressure: merges fell behind, so this put helps, or waits while the merge thread has the step.
        // writer.wait lets close() in: a write after it would touch a closed environment.
        while (!closed && live.size() > tuning.maxRuns()) {
            if (merge != null && merge.stepping) {
                try {
                    writer.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } else if (!mergeStep()) {
                break;
            }
        }
        if (closed) {
            return;
        }
        if (merger == null) {
            mergeStep();
        } else if (mergeCandidate() != null) {
            LockSupport.unpark(merger);
        }
    }

    @Override
    public List<Long> query(String topic, String key, int maxNum, long beginMillis, long endMillis) {
        if (maxNum <= 0 || beginMillis > endMillis) {
            return List.of();
        }
        byte[] name = QUERY_NAME.get();
        int length = IndexKeys.name(IndexKeys.topicBytes(topic), key, name);
        long hash = nameHash.hash(name, length);
        mapLock.readLock().lock();
        try {
            checkOpen();
            try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> postings = postingDb.openCursor(txn)) {
                Snapshot s = published;
                Run[] runs = s.txnId() == txn.getId() ? s.runs() : readRuns(txn).toArray(new Run[0]);
                List<RunQuery> cursors = new ArrayList<>();
                ByteBuffer blockKey = QUERY_BLOCK_KEY.get();
                for (Run r : runs) {
                    if (r.maxTs() >= beginMillis && r.minTs() <= endMillis && r.mightContain(hash)) {
                        RunQuery q = new RunQuery(r, txn, blocksOf(r.level()), blockKey);
                        if (q.seek(hash, beginMillis, endMillis)) {
                            cursors.add(q);
                        }
                    }
                }
                return newestFirst(cursors, postings, name, length, maxNum);
            }
        } finally {
            mapLock.readLock().unlock();
        }
    }

    /** Merges the runs' candidates newest first, confirming each in the postings, until maxNum are found. */
    private List<Long> newestFirst(List<RunQuery> cursors, Cursor<ByteBuffer> postings, byte[] name, int length,
                                   int maxNum) {
        List<Long> offsets = new ArrayList<>(Math.min(maxNum, 32));
        ByteBuffer offsetKey = QUERY_OFFSET_KEY.get();
        long floorNow = floor;
        long lastTs = Long.MIN_VALUE;
        long lastOffset = Long.MIN_VALUE;
        boolean any = false;
        while (offsets.size() < maxNum && !cursors.isEmpty()) {
            int best = 0;
            for (int i = 1; i < cursors.size(); i++) {
                RunQuery c = cursors.get(i);
                RunQuery b = cursors.get(best);
                if (c.ts > b.ts || c.ts == b.ts && c.offset > b.offset) {
                    best = i;
                }
            }
            RunQuery c = cursors.get(best);
            long ts = c.ts;
            long offset = c.offset;
            if (!c.previous()) {
                cursors.remove(best);
            }
            // Runs may repeat an entry (a re-dispatch after truncation); the newest-first order puts repeats
            // next to each other.
            if (any && ts == lastTs && offset == lastOffset) {
                continue;
            }
            any = true;
            lastTs = ts;
            lastOffset = offset;
            if (offset >= floorNow && Postings.contain(postings, offsetKey, offset, name, length, ts)) {
                offsets.add(offset);
            }
        }
        return offsets;
    }

    /**
     * The applied offset drops to {@code commitLogOffset} in the same transaction that removes the postings at
     * or past it, so no answer past it survives; runs starting past it are deleted with it, and entries of
     * older runs past it go stale (their postings are gone).
     */
    @Override
    public void truncateFrom(long commitLogOffset) {
        synchronized (writer) {
            checkOpen();
            cancelMerge();
            long applied = Math.min(appliedOffset, commitLogOffset);
            if (commitLogOffset <= floor) {
                // Below the floor nothing is answered and from here on nothing either: the index is empty.
                write(txn -> {
                    runDb.drop(txn);
                    blockDb.drop(txn);
                    mergedDb.drop(txn);
                    postingDb.drop(txn);
                    putLong(txn, appliedKey, applied);
                    putLong(txn, floorKey, 0);
                    return null;
                });
                live.clear();
                garbage.clear();
                floor = 0;
            } else {
                List<Run> removed = write(txn -> {
                    putLong(txn, appliedKey, applied);
                    truncatePostings(txn, commitLogOffset);
                    return deleteRuns(txn, r -> r.minOffset() >= commitLogOffset);
                });
                dropFromLive(removed);
            }
            appliedOffset = applied;
            lastIndexed = readLastIndexed();
            publish();
        }
    }

    /**
     * Raises the floor below which nothing is answered, then deletes postings chunks and runs that lie wholly
     * below it, about {@code maxEntries} entries a call. Entries of runs that straddle the floor go when
     * those runs are merged.
     */
    @Override
    public boolean deleteBelow(long minCommitLogOffset, int maxEntries) {
        synchronized (writer) {
            checkOpen();
            if (merge != null && merge.inputs.stream().anyMatch(r -> r.maxOffset() < minCommitLogOffset)) {
                cancelMerge();
            }
            // Capped at the applied offset: nothing is indexed above it, and what comes later is not deleted.
            long newFloor = Math.max(floor, Math.min(minCommitLogOffset, appliedOffset));
            record Result(List<Run> removed, boolean morePostings, long reclaimed) {
            }
            Result result = write(txn -> {
                putLong(txn, floorKey, newFloor);
                long budget = maxEntries;
                boolean morePostings = false;
                try (Cursor<ByteBuffer> cursor = postingDb.openCursor(txn)) {
                    while (cursor.first() && Postings.lastOffset(cursor.val()) < newFloor) {
                        if (budget <= 0) {
                            morePostings = true;
                            break;
                        }
                        budget -= Postings.keys(cursor.val());
                        cursor.delete();
                    }
                }
                List<Run> removed = deleteRuns(txn, r -> r.maxOffset() < newFloor);
                long blocks = budget > 0 ? garbage.reclaim(txn, this::blocksOf, budget) : 0;
                return new Result(removed, morePostings, maxEntries - budget + blocks);
            });
            garbage.committed();
            lastReclaimed = result.reclaimed();
            floor = newFloor;
            dropFromLive(result.removed());
            publish();
            return result.morePostings() || !garbage.isEmpty();
        }
    }

    /** Entries the last {@link #deleteBelow} call deleted: postings pairs and run entries. */
    long lastReclaimed() {
        synchronized (writer) {
            return lastReclaimed;
        }
    }

    /** Entries stored, live or garbage: postings pairs plus run entries. For tests of retention's bounds. */
    long storedEntries() {
        synchronized (writer) {
            long n = 0;
            try (Txn<ByteBuffer> txn = env.txnRead()) {
                try (Cursor<ByteBuffer> c = postingDb.openCursor(txn)) {
                    for (boolean found = c.first(); found; found = c.next()) {
                        n += Postings.keys(c.val());
                    }
                }
                for (Dbi<ByteBuffer> blocks : List.of(blockDb, mergedDb)) {
                    try (Cursor<ByteBuffer> c = blocks.openCursor(txn)) {
                        for (boolean found = c.first(); found; found = c.next()) {
                            n += Run.entries(c.val());
                        }
                    }
                }
            }
            return n;
        }
    }

    private void dropFromLive(List<Run> removed) {
        live.removeAll(removed);
        for (Run r : removed) {
            garbage.add(r.id(), r.level(), r.blocks());
        }
    }

    private Dbi<ByteBuffer> blocksOf(int level) {
        return level == 0 ? blockDb : mergedDb;
    }

    /** Deletes the descriptors of the live runs that {@code which} picks; their blocks become garbage. */
    private List<Run> deleteRuns(Txn<ByteBuffer> txn, java.util.function.Predicate<Run> which) {
        List<Run> removed = new ArrayList<>();
        for (Run r : live) {
            if (which.test(r)) {
                runDb.delete(txn, Run.runKey(keyBuf, r.id()));
                removed.add(r);
            }
        }
        return removed;
    }

    /** Deletes postings at or past {@code offset}: whole chunks, and the tail of the chunk it falls in. */
    private void truncatePostings(Txn<ByteBuffer> txn, long offset) {
        try (Cursor<ByteBuffer> cursor = postingDb.openCursor(txn)) {
            boolean found = cursor.get(IndexKeys.offsetKey(longBuf, offset), GetOp.MDB_SET_RANGE);
            while (found) {
                cursor.delete();
                found = cursor.get(IndexKeys.offsetKey(longBuf, offset), GetOp.MDB_SET_RANGE);
            }
            if (cursor.last() && Postings.lastOffset(cursor.val()) >= offset) {
                Postings shorter = new Postings();
                shorter.loadBelow(cursor.val(), offset);
                for (int c = 0; c < shorter.chunks(); c++) {
                    postingDb.put(txn, IndexKeys.offsetKey(longBuf, shorter.firstOffset(c)), shorter.encode(c));
                }
            }
        }
    }

    private long readLastIndexed() {
        try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> cursor = postingDb.openCursor(txn)) {
            return cursor.last() ? Postings.lastOffset(cursor.val()) : Long.MIN_VALUE;
        }
    }

    private List<Run> readRuns(Txn<ByteBuffer> txn) {
        List<Run> runs = new ArrayList<>();
        try (Cursor<ByteBuffer> cursor = runDb.openCursor(txn)) {
            for (boolean found = cursor.first(); found; found = cursor.next()) {
                runs.add(Run.decode(cursor.key().getLong(cursor.key().position()), cursor.val()));
            }
        }
        return runs;
    }

    private void publish() {
        published = new Snapshot(committedTxn, live.toArray(new Run[0]));
    }

    /** The oldest {@link Tuning#fanIn()} runs of the lowest level that has that many, or null. */
    private List<Run> mergeCandidate() {
        int[] counts = new int[64];
        int level = Integer.MAX_VALUE;
        for (Run r : live) {
            if (++counts[r.level()] == tuning.fanIn()) {
                level = Math.min(level, r.level());
            }
        }
        if (level == Integer.MAX_VALUE) {
            return null;
        }
        List<Run> inputs = new ArrayList<>(tuning.fanIn());
        for (int i = 0; inputs.size() < tuning.fanIn(); i++) {
            if (live.get(i).level() == level) {
                inputs.add(live.get(i));
            }
        }
        return inputs;
    }

    /**
     * One bounded piece of merge work, done by the caller, which holds the writer: reclaiming garbage blocks, or
     * a step of a merge.
     *
     * @return whether there was work
     */
    private boolean mergeStep() {
        RunMerge m = nextMerge();
        if (m == null) {
            return reclaimGarbage();
        }
        commitMergeStep(m, stepMerge(m));
        return true;
    }

    /** The merge in progress, or a new one if a level has enough runs and no garbage waits; guarded by writer. */
    private RunMerge nextMerge() {
        if (merge == null && garbage.isEmpty()) {
            List<Run> inputs = mergeCandidate();
            if (inputs != null) {
                merge = new RunMerge(inputs, nextRunId++, tuning.blockEntries());
            }
        }
        return merge;
    }

    /** Guarded by writer. */
    private boolean reclaimGarbage() {
        if (garbage.isEmpty()) {
            return false;
        }
        write(txn -> garbage.reclaim(txn, this::blocksOf, tuning.stepEntries()));
        garbage.committed();
        publish();
        return true;
    }

    /** Merges a step's entries in memory, in a read transaction: needs no writer. */
    private boolean stepMerge(RunMerge m) {
        long floorNow = floor;
        mapLock.readLock().lock();
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            return m.step(txn, this::blocksOf, floorNow, tuning.stepEntries());
        } finally {
            mapLock.readLock().unlock();
        }
    }

    /** Writes what a step merged; on the last step the output replaces its inputs. Guarded by writer. */
    private void commitMergeStep(RunMerge m, boolean done) {
        RunWriter out = m.output();
        Run finished = write(txn -> {
            if (!done) {
                out.flush(txn, mergedDb);
                return null;
            }
            Run r = out.finish(txn, mergedDb, runDb);
            for (Run input : m.inputs) {
                runDb.delete(txn, Run.runKey(keyBuf, input.id()));
            }
            return r;
        });
        out.flushed();
        if (done) {
            merge = null;
            dropFromLive(m.inputs);
            if (finished != null) {
                int at = 0;
                while (at < live.size() && live.get(at).id() < finished.id()) {
                    at++;
                }
                live.add(at, finished);
            }
        }
        publish();
    }

    private void cancelMerge() {
        if (merge != null) {
            garbage.add(merge.output().id(), 1, merge.output().blocksWritten());
            merge = null;
        }
    }

    /**
     * The merge thread merges without the writer and takes it only to write a step's blocks, so a put waits for
     * at most one short write transaction.
     */
    private Thread startMerger() {
        Thread t = new Thread(() -> {
            while (true) {
                RunMerge m;
                synchronized (writer) {
                    if (closed) {
                        return;
                    }
                    m = nextMerge();
                    if (m == null && reclaimGarbage()) {
                        continue;
                    }
                    if (m != null) {
                        m.stepping = true;
                    }
                }
                if (m == null) {
                    LockSupport.parkNanos(this, 100_000_000L);
                    continue;
                }
                try {
                    boolean done = stepMerge(m);
                    synchronized (writer) {
                        if (closed) {
                            return;
                        }
                        if (merge == m) {
                            commitMergeStep(m, done);
                        }
                    }
                } catch (RuntimeException e) {
                    // Puts go on with unmerged runs (and merge themselves past maxRuns); a later merge retries.
                    LOG.error("Merging key index runs in {} failed", dir, e);
                    synchronized (writer) {
                        if (merge == m) {
                            cancelMerge();
                        }
                    }
                    LockSupport.parkNanos(this, 1_000_000_000L);
                } finally {
                    synchronized (writer) {
                        m.stepping = false;
                        writer.notifyAll();
                    }
                }
            }
        }, "sluice-key-index-merger");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Runs one write transaction, growing the map and running it again when the map is full. */
    private <R> R write(Function<Txn<ByteBuffer>, R> work) {
        while (true) {
            try {
                return writeOnce(work);
            } catch (Env.MapFullException e) {
                growMap();
            }
        }
    }

    private <R> R writeOnce(Function<Txn<ByteBuffer>, R> work) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            R result = work.apply(txn);
            long id = txn.getId();
            txn.commit();
            committedTxn = id;
            return result;
        }
    }

    private void growMap() {
        mapLock.writeLock().lock();
        try {
            long grown = mapSize * 2;
            LOG.info("Key index map in {} is full at {} KiB: growing it to {} KiB", dir, mapSize >> 10, grown >> 10);
            env.setMapSize(grown);
            mapSize = grown;
        } finally {
            mapLock.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        synchronized (writer) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (merger != null) {
            LockSupport.unpark(merger);
            try {
                merger.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        mapLock.writeLock().lock();
        try {
            env.sync(true);
            env.close();
            OpenMarker.remove(dir);
        } finally {
            mapLock.writeLock().unlock();
        }
    }

    private void initMeta() {
        write(txn -> {
            ByteBuffer format = meta.get(txn, formatKey);
            if (format == null) {
                if (runDb.stat(txn).entries > 0 || postingDb.stat(txn).entries > 0) {
                    throw new CorruptIndexException("entries without a format record");
                }
                meta.put(txn, formatKey, longBuf.clear().putLong(FORMAT).flip());
                putLong(txn, appliedKey, 0);
                putLong(txn, floorKey, 0);
                return null;
            }
            long found = format.remaining() == 8 ? format.getLong(format.position()) : -1;
            if (found > 0 && found < FORMAT) {
                throw new OldFormatException(found);
            }
            if (found != FORMAT) {
                throw new CorruptIndexException("unknown format");
            }
            return null;
        });
        appliedOffset = readLong("applied", appliedKey);
        floor = readLong("floor", floorKey);
    }

    /**
     * Removes what lies past the applied offset (a truncation cut short) and finds blocks no run refers to (a
     * merge cut short, or garbage not yet reclaimed).
     */
    private void recover() {
        write(txn -> {
            truncatePostings(txn, appliedOffset);
            return null;
        });
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            live.addAll(readRuns(txn));
            java.util.Set<Long> ids = new java.util.HashSet<>();
            for (Run r : live) {
                ids.add(r.id());
                nextRunId = Math.max(nextRunId, r.id() + 1);
            }
            for (int level = 0; level < 2; level++) {
                Map<Long, Integer> orphans = new java.util.TreeMap<>();
                try (Cursor<ByteBuffer> cursor = blocksOf(level).openCursor(txn)) {
                    for (boolean found = cursor.first(); found; found = cursor.next()) {
                        ByteBuffer k = cursor.key();
                        long id = k.getLong(k.position());
                        nextRunId = Math.max(nextRunId, id + 1);
                        if (!ids.contains(id)) {
                            orphans.merge(id, k.getInt(k.position() + 8) + 1, Math::max);
                        }
                    }
                }
                int l = level;
                orphans.forEach((id, blocks) -> garbage.add(id, l, blocks));
            }
        }
        lastIndexed = readLastIndexed();
        publish();
    }

    private long readLong(String what, ByteBuffer key) {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            ByteBuffer v = meta.get(txn, key);
            if (v == null || v.remaining() != 8) {
                throw new CorruptIndexException("no " + what + " offset");
            }
            return v.getLong(v.position());
        }
    }

    private void putLong(Txn<ByteBuffer> txn, ByteBuffer key, long value) {
        meta.put(txn, key, longBuf.clear().putLong(value).flip());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("key index in " + dir + " is closed");
        }
    }

    private static ByteBuffer direct(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Deletes the environment; the caller writes a fresh one. */
    private static void wipe(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String file : new String[] {"data.mdb", "lock.mdb"}) {
                Files.deleteIfExists(dir.resolve(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset key index directory " + dir, e);
        }
    }

    /** An index an earlier version wrote: sound, but laid out differently. */
    static final class OldFormatException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long format;

        OldFormatException(long format) {
            super("format " + format);
            this.format = format;
        }
    }

    /** The environment opened but its contents are not an index this code wrote. */
    static final class CorruptIndexException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptIndexException(String message) {
            super(message);
        }
    }
}
