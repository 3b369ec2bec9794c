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
 * <p>A put writes only the batch's postings ({@link Postings}: every (name, timestamp) per message, in chunks
 * appended by CommitLog offset) and the applied offset, in one write transaction. The index's own thread turns
 * the postings no run covers yet (the tail) into sorted runs of name hashes ({@link Run}) of up to
 * {@link Tuning#runEntries()} pairs, kept in memory, and merges runs of a level {@link Tuning#fanIn()} at a time
 * into one of the next ({@link RunMerge}) in LMDB, reading without the writer and taking it only to write. A
 * crash loses only runs in memory, which the postings rebuild: the index records how far the runs in LMDB cover
 * them. Why: keyed B-tree inserts (formats 1 and 2) cost a random leaf-page copy each, and a run per dispatch
 * batch built and written in the put (format 3) was written again at every small merge; here the put thread only
 * writes postings, and an entry reaches LMDB first in a merge of large runs. Past {@link Tuning#maxTailEntries()}
 * tail pairs, {@link Tuning#maxRuns()} runs or {@code fanIn + 4} runs in memory a put waits for that thread or
 * does the work itself (back-pressure, so measured put rates include the work they cause).
 *
 * <p>A query scans the tail, reads every run whose time range meets the window, takes entries newest first
 * across them, and confirms each candidate in the postings: runs hold only name hashes, and may keep entries
 * that truncation or retention made stale. Retention raises a floor below which nothing is answered, then
 * deletes whole postings chunks and runs below it in bounded steps; merges leave out entries below the floor.
 *
 * <p>One writer at a time (puts, truncation, retention, run and merge writes); queries run in their own read
 * transactions and never wait for it, except while the map grows.
 */
final class LmdbKeyIndex implements KeyIndex {
    private static final Logger LOG = LoggerFactory.getLogger(LmdbKeyIndex.class);

    static final String ENV_DIR = "lmdb";
    /**
     * 1: entries keyed by the whole name; 2: by its 64-bit hash; 3: sorted runs (with Bloom filters) and
     * postings; 4: runs built from the postings after the put (the covered offset), little-endian blocks and
     * hashes, blocked Bloom filters.
     */
    static final int FORMAT = 4;

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
    /** Blocks of the runs in LMDB (merge outputs), appended: merges run one at a time with growing run ids. */
    private final Dbi<ByteBuffer> blockDb;
    private final Dbi<ByteBuffer> postingDb;
    private final ByteBuffer appliedKey = direct("applied");
    private final ByteBuffer floorKey = direct("floor");
    private final ByteBuffer formatKey = direct("format");
    /** Postings below this offset are in runs in LMDB; a reopened index starts its tail there. */
    private final ByteBuffer coveredKey = direct("covered");

    /** Held shared by queries, exclusively to resize the map or close: LMDB needs no transaction open then. */
    private final ReentrantReadWriteLock mapLock = new ReentrantReadWriteLock();
    /** Serializes writers; taken before {@link #mapLock}. */
    private final Object writer = new Object();

    // guarded by writer
    private final PutBatch putBatch;
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
    /** Postings below this offset are in runs, in memory or LMDB; those at or past it are the tail. */
    private long covered;
    /** What {@link #coveredKey} holds. */
    private long durableCovered;
    /** Postings pairs at or past {@link #covered}. */
    private long tailEntries;
    /** When the tail last went from empty to not (System.nanoTime). */
    private long tailSince;
    /** Bumped by truncation: a run built from the tail meanwhile is thrown away. */
    private long generation;
    /** A run is being built from the tail without the writer. */
    private boolean building;

    // used by one run builder at a time (see building)
    private final SortedBatch tailBatch;
    private final ByteBuffer tailKey = ByteBuffer.allocateDirect(8);

    private volatile long appliedOffset;
    private volatile long floor;
    private volatile Snapshot published = new Snapshot(-1, new Run[0], 0);
    private final Thread indexer;

    /** The runs as of one committed transaction, so that queries of that transaction need not read them. */
    private record Snapshot(long txnId, Run[] runs, long covered) {
    }

    private LmdbKeyIndex(Path dir, long mapSize, IndexKeys.NameHash nameHash, Tuning tuning) {
        this.dir = dir;
        this.nameHash = nameHash;
        this.tuning = tuning;
        this.tailBatch = new SortedBatch();
        this.putBatch = new PutBatch(nameHash);
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
            postingDb = env.openDbi("postings", DbiFlags.MDB_CREATE);
            initMeta();
            recover();
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
        indexer = tuning.background() ? startIndexer() : null;
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
            putBatch.fill(batch, appliedOffset, lastIndexed);
            if (putBatch.keys == 0 && applied == appliedOffset) {
                return;
            }
            Postings p = putBatch.postings;
            write(txn -> {
                for (int c = 0; c < p.chunks(); c++) {
                    if (!postingDb.put(txn, IndexKeys.offsetKey(longBuf, p.firstOffset(c)), p.encode(c),
                            PutFlags.MDB_APPEND)) {
                        throw new IllegalStateException("postings at " + p.firstOffset(c) + " exist");
                    }
                }
                putLong(txn, appliedKey, applied);
                return null;
            });
            appliedOffset = applied;
            if (putBatch.keys > 0) {
                lastIndexed = Math.max(lastIndexed, p.lastOffset());
                if (tailEntries == 0) {
                    tailSince = System.nanoTime();
                }
                tailEntries += putBatch.keys;
            }
            publish();
            afterPut();
        }
    }

    private void afterPut() {
        // Back-pressure: the index's thread fell behind, so this put waits for it, or does the work itself.
        // writer.wait lets close() in: a write after it would touch a closed environment.
        while (!closed && overloaded()) {
            if (building || merge != null && merge.stepping) {
                LockSupport.unpark(indexer);
                try {
                    writer.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } else if (tailEntries > tuning.maxTailEntries()) {
                buildRunHere();
            } else if (!mergeStep()) {
                break;
            }
        }
        if (closed) {
            return;
        }
        if (indexer == null) {
            if (tailDue()) {
                buildRunHere();
            }
            mergeStep();
        } else if (tailEntries >= tuning.runEntries() || tailEntries == putBatch.keys || mergeCandidate() != null) {
            // A tail that was empty: the index's thread may be parked for longer than tailMillis.
            LockSupport.unpark(indexer);
        }
    }

    /** The tail, the runs in memory, or all runs, have outgrown what the index's thread should leave behind. */
    private boolean overloaded() {
        return tailEntries > tuning.maxTailEntries() || live.size() > tuning.maxRuns()
                || memoryRuns() > tuning.fanIn() + 4;
    }

    private int memoryRuns() {
        int n = 0;
        for (Run r : live) {
            if (r.memory() != null) {
                n++;
            }
        }
        return n;
    }

    /** Whether the tail should become a run now: it is large, or has waited long enough. Guarded by writer. */
    private boolean tailDue() {
        return tailEntries >= tuning.runEntries()
                || tailEntries > 0 && System.nanoTime() - tailSince >= tuning.tailMillis() * 1_000_000;
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
            // The snapshot before the transaction: when a commit comes between them, the snapshot is the older,
            // its runs in memory and its tail are a superset of what the newer transaction needs (only merges,
            // written in LMDB, take runs from memory), and repeats are dropped below.
            Snapshot s = published;
            try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> postings = postingDb.openCursor(txn)) {
                Run[] runs = s.txnId() == txn.getId() ? s.runs() : runsOf(txn, s);
                List<Candidates> cursors = new ArrayList<>();
                TailQuery tail = TailQuery.scan(postings, QUERY_OFFSET_KEY.get(), s.covered(), name, length, hash,
                        beginMillis, endMillis);
                if (tail != null) {
                    cursors.add(tail);
                }
                ByteBuffer blockKey = QUERY_BLOCK_KEY.get();
                for (Run r : runs) {
                    if (r.maxTs() >= beginMillis && r.minTs() <= endMillis && r.mightContain(hash)) {
                        RunQuery q = new RunQuery(r, txn, blockDb, blockKey);
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

    /** The runs in LMDB as of {@code txn}, and those in memory as of an older snapshot. */
    private Run[] runsOf(Txn<ByteBuffer> txn, Snapshot older) {
        List<Run> runs = readRuns(txn);
        for (Run r : older.runs()) {
            if (r.memory() != null) {
                runs.add(r);
            }
        }
        return runs.toArray(new Run[0]);
    }

    /** Merges the runs' candidates newest first, confirming each in the postings, until maxNum are found. */
    private List<Long> newestFirst(List<Candidates> cursors, Cursor<ByteBuffer> postings, byte[] name, int length,
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
                Candidates c = cursors.get(i);
                Candidates b = cursors.get(best);
                if (c.ts > b.ts || c.ts == b.ts && c.offset > b.offset) {
                    best = i;
                }
            }
            Candidates c = cursors.get(best);
            long ts = c.ts;
            long offset = c.offset;
            if (!c.previous()) {
                cursors.remove(best);
            }
            // Runs may repeat an entry, or the tail one of a run (a re-dispatch after truncation); the
            // newest-first order puts repeats next to each other.
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
     * older runs past it go stale (their postings are gone). A run being built from the tail is thrown away.
     */
    @Override
    public void truncateFrom(long commitLogOffset) {
        synchronized (writer) {
            checkOpen();
            cancelMerge();
            generation++;
            long applied = Math.min(appliedOffset, commitLogOffset);
            long coveredNow = Math.min(covered, commitLogOffset);
            long durableNow = Math.min(durableCovered, commitLogOffset);
            if (commitLogOffset <= floor) {
                // Below the floor nothing is answered and from here on nothing either: the index is empty.
                write(txn -> {
                    runDb.drop(txn);
                    blockDb.drop(txn);
                    postingDb.drop(txn);
                    putLong(txn, appliedKey, applied);
                    putLong(txn, floorKey, 0);
                    putLong(txn, coveredKey, durableNow);
                    return null;
                });
                live.clear();
                garbage.clear();
                floor = 0;
            } else {
                List<Run> removed = write(txn -> {
                    putLong(txn, appliedKey, applied);
                    putLong(txn, coveredKey, durableNow);
                    truncatePostings(txn, commitLogOffset);
                    return deleteRuns(txn, r -> r.minOffset() >= commitLogOffset);
                });
                dropFromLive(removed);
            }
            appliedOffset = applied;
            covered = coveredNow;
            durableCovered = durableNow;
            lastIndexed = readLastIndexed();
            countTail();
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
                long blocks = budget > 0 ? garbage.reclaim(txn, blockDb, budget) : 0;
                return new Result(removed, morePostings, maxEntries - budget + blocks);
            });
            garbage.committed();
            lastReclaimed = result.reclaimed();
            floor = newFloor;
            dropFromLive(result.removed());
            if (newFloor > covered) {
                countTail();
            }
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
                try (Cursor<ByteBuffer> c = blockDb.openCursor(txn)) {
                    for (boolean found = c.first(); found; found = c.next()) {
                        n += Run.entries(c.val());
                    }
                }
            }
            return n;
        }
    }

    private void dropFromLive(List<Run> removed) {
        // By identity: a record's equals compares every field, and removeAll called it live x removed times.
        java.util.Set<Run> gone = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        gone.addAll(removed);
        live.removeIf(gone::contains);
        for (Run r : removed) {
            if (r.memory() == null) {
                garbage.add(r.id(), r.blocks());
            }
        }
    }

    /** Deletes the descriptors of the live runs that {@code which} picks; their blocks become garbage. */
    private List<Run> deleteRuns(Txn<ByteBuffer> txn, java.util.function.Predicate<Run> which) {
        List<Run> removed = new ArrayList<>();
        for (Run r : live) {
            if (which.test(r)) {
                if (r.memory() == null) {
                    runDb.delete(txn, Run.runKey(keyBuf, r.id()));
                }
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

    /** Recounts the tail's pairs after truncation, retention or a reopen changed it. Guarded by writer. */
    private void countTail() {
        long n = 0;
        try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> cursor = postingDb.openCursor(txn)) {
            for (boolean found = cursor.get(IndexKeys.offsetKey(longBuf, covered), GetOp.MDB_SET_RANGE); found;
                 found = cursor.next()) {
                n += Postings.keys(cursor.val());
            }
        }
        tailEntries = n;
        tailSince = System.nanoTime();
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
        published = new Snapshot(committedTxn, live.toArray(new Run[0]), covered);
    }

    /**
     * The oldest {@link Tuning#fanIn()} runs of the lowest level that has that many, or null. Runs in LMDB are
     * merged again only once more than half of {@link Tuning#maxRuns()} runs live: a merge of them is long (16 runs
     * of 2M entries under load), runs in memory wait for the one merge at a time, and puts then stalled for
     * seconds in KeyIndexBenchmark (single iterations at a tenth of the others' rate). Queries pay a Bloom probe
     * per run instead.
     */
    private List<Run> mergeCandidate() {
        int[] counts = new int[64];
        int level = Integer.MAX_VALUE;
        int maxLevel = live.size() > tuning.maxRuns() / 2 ? Integer.MAX_VALUE : 0;
        for (Run r : live) {
            if (++counts[r.level()] == tuning.fanIn() && r.level() <= maxLevel) {
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
        write(txn -> garbage.reclaim(txn, blockDb, tuning.stepEntries()));
        garbage.committed();
        publish();
        return true;
    }

    /** Merges a step's entries in memory, in a read transaction: needs no writer. */
    private boolean stepMerge(RunMerge m) {
        long floorNow = floor;
        mapLock.readLock().lock();
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            return m.step(txn, blockDb, floorNow, tuning.stepEntries());
        } finally {
            mapLock.readLock().unlock();
        }
    }

    /** Writes what a step merged; on the last step the output replaces its inputs. Guarded by writer. */
    private void commitMergeStep(RunMerge m, boolean done) {
        RunWriter out = m.output();
        long durableNow = done ? coveredAfter(m) : durableCovered;
        Run finished = write(txn -> {
            if (!done) {
                out.flush(txn, blockDb);
                return null;
            }
            Run r = out.finish(txn, blockDb, runDb);
            for (Run input : m.inputs) {
                if (input.memory() == null) {
                    runDb.delete(txn, Run.runKey(keyBuf, input.id()));
                }
            }
            if (durableNow != durableCovered) {
                putLong(txn, coveredKey, durableNow);
            }
            return r;
        });
        out.flushed();
        durableCovered = durableNow;
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

    /**
     * Where a reopened index must start its tail once merge {@code m} is written: below the oldest run left in
     * memory, or below the tail when none is. Guarded by writer.
     */
    private long coveredAfter(RunMerge m) {
        java.util.Set<Run> merged = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        merged.addAll(m.inputs);
        long at = covered;
        for (Run r : live) {
            if (r.memory() != null && !merged.contains(r)) {
                at = Math.min(at, r.minOffset());
            }
        }
        return at;
    }

    private void cancelMerge() {
        if (merge != null) {
            garbage.add(merge.output().id(), merge.output().blocksWritten());
            merge = null;
        }
    }

    /** A run in memory of the tail as far as it goes: the postings pairs read, and the offset past the last chunk. */
    private record TailRead(long to, long pairs, Run run) {
    }

    /**
     * Reads postings chunks from {@code from} until a run's worth of pairs and sorts them into a run in memory;
     * no writer needed. Only one caller at a time (see {@link #building}).
     */
    private TailRead readTail(long from, long runId) {
        tailBatch.clear();
        long pairs = 0;
        long to = from;
        mapLock.readLock().lock();
        try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> cursor = postingDb.openCursor(txn)) {
            for (boolean found = cursor.get(IndexKeys.offsetKey(tailKey, from), GetOp.MDB_SET_RANGE);
                 found && pairs < tuning.runEntries(); found = cursor.next()) {
                ByteBuffer chunk = cursor.val();
                tailBatch.addChunk(chunk);
                pairs += Postings.keys(chunk);
                to = Postings.lastOffset(chunk) + 1;
            }
        } finally {
            mapLock.readLock().unlock();
        }
        tailBatch.sort();
        return new TailRead(to, pairs, pairs == 0 ? null : Run.inMemory(runId, tailBatch));
    }

    /** Adds the run {@link #readTail} built and moves the tail past it. Guarded by writer. */
    private void addRun(TailRead read) {
        if (read.pairs() == 0) {
            // Retention deleted what was left of the tail.
            tailEntries = 0;
            return;
        }
        covered = read.to();
        // Approximate if retention recounted the tail meanwhile: it only paces run building.
        tailEntries = Math.max(0, tailEntries - read.pairs());
        tailSince = System.nanoTime();
        live.add(read.run());
        publish();
    }

    /** Builds a run from the tail in the caller, which holds the writer. */
    private void buildRunHere() {
        addRun(readTail(covered, nextRunId++));
    }

    /**
     * The index's thread builds runs from the tail and merges them without the writer, and takes it only to
     * write, so a put waits for at most one write transaction.
     */
    private Thread startIndexer() {
        Thread t = new Thread(() -> {
            while (true) {
                RunMerge m = null;
                long from = 0;
                long gen = 0;
                long runId = -1;
                long idleNanos = 100_000_000L;
                synchronized (writer) {
                    if (closed) {
                        return;
                    }
                    if (tailDue()) {
                        building = true;
                        from = covered;
                        gen = generation;
                        runId = nextRunId++;
                    } else {
                        m = nextMerge();
                        if (m == null && reclaimGarbage()) {
                            continue;
                        }
                        if (m != null) {
                            m.stepping = true;
                        } else if (tailEntries > 0) {
                            idleNanos = Math.max(1_000_000L,
                                    tailSince + tuning.tailMillis() * 1_000_000 - System.nanoTime());
                        }
                    }
                }
                if (runId >= 0) {
                    buildInBackground(from, gen, runId);
                } else if (m != null) {
                    mergeInBackground(m);
                } else {
                    LockSupport.parkNanos(this, idleNanos);
                }
            }
        }, "sluice-key-index");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void buildInBackground(long from, long gen, long runId) {
        try {
            TailRead read = readTail(from, runId);
            synchronized (writer) {
                if (!closed && gen == generation) {
                    addRun(read);
                }
            }
        } catch (RuntimeException e) {
            // Puts go on into the tail (and build runs themselves past maxTailEntries); a later build retries.
            LOG.error("Building a key index run in {} failed", dir, e);
            LockSupport.parkNanos(this, 1_000_000_000L);
        } finally {
            synchronized (writer) {
                building = false;
                writer.notifyAll();
            }
        }
    }

    private void mergeInBackground(RunMerge m) {
        try {
            boolean done = stepMerge(m);
            synchronized (writer) {
                if (!closed && merge == m) {
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
        if (indexer != null) {
            LockSupport.unpark(indexer);
            try {
                indexer.join();
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
                putLong(txn, coveredKey, 0);
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
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            appliedOffset = readLong(txn, "applied", appliedKey);
            floor = readLong(txn, "floor", floorKey);
            durableCovered = readLong(txn, "covered", coveredKey);
            covered = durableCovered;
        }
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
            Map<Long, Integer> orphans = new java.util.TreeMap<>();
            try (Cursor<ByteBuffer> cursor = blockDb.openCursor(txn)) {
                for (boolean found = cursor.first(); found; found = cursor.next()) {
                    ByteBuffer k = cursor.key();
                    long id = k.getLong(k.position());
                    nextRunId = Math.max(nextRunId, id + 1);
                    if (!ids.contains(id)) {
                        orphans.merge(id, k.getInt(k.position() + 8) + 1, Math::max);
                    }
                }
            }
            orphans.forEach(garbage::add);
        }
        lastIndexed = readLastIndexed();
        countTail();
        publish();
    }

    private long readLong(Txn<ByteBuffer> txn, String what, ByteBuffer key) {
        ByteBuffer v = meta.get(txn, key);
        if (v == null || v.remaining() != 8) {
            throw new CorruptIndexException("no " + what + " offset");
        }
        return v.getLong(v.position());
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
