package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;
import dev.sluice.store.spi.IndexedKeys;
import dev.sluice.store.spi.KeyIndex;
import org.lmdbjava.ByteBufferProxy;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The key index as a log-structured merge of sorted runs of (hash, timestamp, offset) entries in one LMDB
 * environment.
 *
 * <p>A put hashes each (topic, key) and appends the entry to the active {@link TailPool} in memory: no LMDB
 * write. A pool that holds {@link Tuning#runEntries()} entries, or has waited {@link Tuning#tailMillis()}, is
 * frozen; the index's own thread sorts it bucket by bucket into a run ({@link Run}) and writes the run and the
 * applied offset it covers in one write transaction. Runs are merged {@link Tuning#fanIn()} at a time
 * ({@link RunMerge}), reading without the writer and taking it only to write. Why: format 4 wrote the postings of
 * every dispatch batch in the put's own transaction, which cost as much as a whole put of Apache's hash-file
 * index; here LMDB sees only large sorted runs, written once per pool and again per merge. The price is that a
 * crash loses the pools: {@link #appliedOffset()} is the offset the runs in LMDB cover, and the store
 * re-dispatches from there on open. Past {@link Tuning#maxTailEntries()} entries in frozen pools, or
 * {@link Tuning#maxRuns()} runs, a put waits for the index's thread (back-pressure, so measured put rates include
 * the work they cause).
 *
 * <p>A query scans the hash's bucket of every pool, reads every run whose time range and Bloom filter admit it,
 * takes entries newest first across them, and confirms each candidate in the CommitLog ({@link IndexedKeys}):
 * entries hold only hashes. Truncation cuts runs by lowering their limit and copies pools without the entries
 * past it. Retention raises a floor below which nothing is answered, and deletes runs wholly below it in
 * bounded steps; merges and pool writes leave out entries below the floor.
 *
 * <p>Two locks: {@code tail} guards the pools and is held by puts only briefly; {@code writer} serializes LMDB
 * writes and guards the runs, and is taken before {@code tail}. Queries run in their own read transactions and
 * wait for neither, except while the map grows.
 */
final class LmdbKeyIndex implements KeyIndex {
    private static final Logger LOG = LoggerFactory.getLogger(LmdbKeyIndex.class);

    static final String ENV_DIR = "lmdb";
    /**
     * 1: entries keyed by the whole name; 2: by its 64-bit hash; 3: sorted runs (with Bloom filters) and
     * postings; 4: runs built from the postings after the put; 5: no postings, runs written from pools in memory,
     * candidates confirmed in the CommitLog, runs cut by truncation.
     */
    static final int FORMAT = 5;

    private static final ThreadLocal<ByteBuffer> QUERY_BLOCK_KEY =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(12));

    private final Path dir;
    private final IndexKeys.NameHash nameHash;
    private final IndexedKeys keys;
    private final Tuning tuning;
    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> meta;
    private final Dbi<ByteBuffer> runDb;
    /** Blocks of the runs written from pools ({@code blocks}) and by merges ({@code merged}): see Run. */
    private final List<Dbi<ByteBuffer>> blockDbs;
    private final ByteBuffer appliedKey = direct("applied");
    private final ByteBuffer floorKey = direct("floor");
    private final ByteBuffer formatKey = direct("format");

    /** Held shared by queries, exclusively to resize the map or close: LMDB needs no transaction open then. */
    private final ReentrantReadWriteLock mapLock = new ReentrantReadWriteLock();
    /** Serializes LMDB writes; taken before {@link #tail}. */
    private final Object writer = new Object();
    /** Guards the pools. */
    private final Object tail = new Object();

    // guarded by writer
    private final Garbage garbage = new Garbage();
    private final List<Run> live = new ArrayList<>();
    private final ByteBuffer keyBuf = ByteBuffer.allocateDirect(12);
    private final ByteBuffer longBuf = ByteBuffer.allocateDirect(8);
    private final RunWriter poolWriter;
    private final TailPool.Sorter sorter = new TailPool.Sorter();
    private RunMerge merge;
    private long nextRunId;
    private long committedTxn;
    private long mapSize;
    private long lastReclaimed;

    // guarded by tail
    private TailPool active;
    private final ArrayDeque<TailPool> frozen = new ArrayDeque<>();
    private long frozenEntries;
    /** Offset up to which batches were applied (to pools or runs). */
    private long indexed;
    private long lastIndexed = Long.MIN_VALUE;
    /** Bumped by truncation: a pool being written meanwhile is thrown away (it was replaced). */
    private long generation;
    private volatile boolean closed;

    /** Set once, under writer and the pool writer, before the environment closes. */
    private volatile boolean envClosed;

    /** What the runs in LMDB cover; written with them. */
    private volatile long durableApplied;
    private volatile long floor;
    /** Written under writer. */
    private volatile RunsAsOf liveRuns = new RunsAsOf(-1, new Run[0]);
    private volatile Snapshot published;
    private final Thread indexer;

    /**
     * The runs in LMDB as of one committed transaction, as one value: a query that took the runs of a later
     * transaction with the id of an earlier one would look for descriptors its transaction cannot see.
     */
    private record RunsAsOf(long txnId, Run[] runs) {
    }

    /** The runs as of one committed transaction and the pools in memory, as a query sees them. */
    private record Snapshot(long txnId, Run[] runs, TailPool[] pools) {
    }

    private LmdbKeyIndex(Path dir, long mapSize, IndexKeys.NameHash nameHash, IndexedKeys keys, Tuning tuning) {
        this.dir = dir;
        this.nameHash = nameHash;
        this.keys = keys;
        this.tuning = tuning;
        this.poolWriter = new RunWriter(tuning.blockEntries());
        this.mapSize = Math.max(mapSize, sizeOf(dir.resolve("data.mdb")));
        // No MDB_WRITEMAP: LMDB only writes whole runs now, and its write(2) of whole pages spares the kernel
        // the zero-filling that a write through the map into a fresh page costs (KeyIndexBenchmark, 4096-message
        // rounds, back to back: 1.7-4.3M messages/s without, 1.4-2.5M with). lmdbjava 0.9.1 initializes both
        // ByteBuffer proxies together, so the safe one needs java.nio opened as well; they measured alike.
        this.env = Env.create(ByteBufferProxy.PROXY_OPTIMAL).setMapSize(this.mapSize).setMaxDbs(5)
                .open(dir.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOTLS);
        try {
            // Slots of readers killed with their process would otherwise pin old pages forever.
            env.readerCheck();
            meta = env.openDbi("meta", DbiFlags.MDB_CREATE);
            runDb = env.openDbi("runs", DbiFlags.MDB_CREATE);
            blockDbs = List.of(env.openDbi("blocks", DbiFlags.MDB_CREATE), env.openDbi("merged", DbiFlags.MDB_CREATE));
            initMeta();
            recover();
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
        active = new TailPool(tuning.runEntries());
        indexed = durableApplied;
        publish();
        indexer = tuning.background() ? startIndexer() : null;
    }

    /**
     * Opens the index under {@code indexDir}, starting empty when there is none and rebuilding it when it
     * cannot be trusted; the caller then re-dispatches from {@link #appliedOffset()}.
     */
    static LmdbKeyIndex open(Path indexDir, long mapSize, IndexedKeys keys) {
        return open(indexDir, mapSize, IndexKeys.HASH, keys, Tuning.DEFAULT);
    }

    /** With another name hash (tests make names collide) or run shape (tests make everything small). */
    static LmdbKeyIndex open(Path indexDir, long mapSize, IndexKeys.NameHash hash, IndexedKeys keys,
                             Tuning tuning) {
        NativeCopy.placeIn(indexDir);
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
            return new LmdbKeyIndex(dir, mapSize, hash, keys, tuning);
        } catch (OldFormatException e) {
            LOG.warn("Key index in {} has format {}, this version writes format {}: rebuilding it from the CommitLog",
                    dir, e.format, FORMAT);
        } catch (LmdbException | CorruptIndexException e) {
            LOG.warn("Key index in {} is corrupt ({}): rebuilding it from the CommitLog", dir, e.toString());
        }
        wipe(dir);
        OpenMarker.write(dir);
        return new LmdbKeyIndex(dir, mapSize, hash, keys, tuning);
    }

    @Override
    public long appliedOffset() {
        return durableApplied;
    }

    /**
     * Entries below what is indexed are skipped (the store re-dispatching). Never moves the indexed offset back:
     * only {@link #truncateFrom} does.
     *
     * @throws IllegalArgumentException when offsets go back, or reach into what is indexed (a message's keys
     *                                  must all come in one batch)
     */
    @Override
    public void apply(IndexBatch batch) {
        boolean froze;
        synchronized (tail) {
            checkOpen();
            long from = indexed;
            long previous = check(batch, from);
            TailPool pool = active;
            int added = 0;
            String topic = null;
            long topicState = 0;
            for (int i = 0; i < batch.size(); i++) {
                long offset = batch.commitLogOffset(i);
                if (offset < from) {
                    continue;
                }
                if (batch.topic(i) != topic) {
                    // The dispatcher hands one String per topic while it repeats: compare by identity.
                    topic = batch.topic(i);
                    topicState = nameHash.topic(topic);
                }
                pool.add(nameHash.hash(topicState, batch.key(i)), batch.storeTimestamp(i), offset);
                added++;
            }
            if (added == 0 && batch.endOffset() <= indexed) {
                return;
            }
            if (added > 0) {
                lastIndexed = previous;
                pool.publish();
            }
            if (pool.since == 0) {
                pool.since = System.nanoTime();
            }
            indexed = Math.max(indexed, batch.endOffset());
            froze = pool.full();
            if (froze) {
                freeze();
            }
        }
        if (indexer == null) {
            writePoolsHere();
            mergeStep();
            while (liveRuns.runs().length > tuning.maxRuns() && mergeStep()) {
                // Back-pressure without the index's thread: the put merges until runs are few enough.
            }
        } else {
            if (froze) {
                LockSupport.unpark(indexer);
            }
            awaitIndexer();
        }
    }

    /**
     * Checks the offsets of the entries at or past {@code from} before any is added, so that a refused batch
     * leaves nothing behind; returns the last one.
     */
    private long check(IndexBatch batch, long from) {
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < batch.size(); i++) {
            long offset = batch.commitLogOffset(i);
            if (offset < from) {
                continue;
            }
            if (offset < previous) {
                throw new IllegalArgumentException("batch offsets go back from " + previous + " to " + offset);
            }
            if (offset <= lastIndexed) {
                throw new IllegalArgumentException("offset " + offset + " is at or before indexed offset "
                        + lastIndexed + " but not below the applied offset " + from
                        + ": a message's keys must come in one batch");
            }
            previous = offset;
        }
        return previous;
    }

    /** Freezes the active pool at what is indexed and starts another. Guarded by tail. */
    private void freeze() {
        active.endOffset = indexed;
        frozen.addLast(active);
        frozenEntries += active.entries();
        active = new TailPool(tuning.runEntries());
        publish();
    }

    /** Back-pressure: the index's thread fell behind writing pools or merging runs, so the put waits for it. */
    private void awaitIndexer() {
        synchronized (tail) {
            while (!closed && (frozenEntries > tuning.maxTailEntries() || liveRuns.runs().length > tuning.maxRuns())) {
                LockSupport.unpark(indexer);
                try {
                    tail.wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Writes the frozen pools, oldest first: in puts when the index has no thread of its own, and on close. */
    private void writePoolsHere() {
        while (true) {
            TailPool p;
            long gen;
            synchronized (tail) {
                p = frozen.peekFirst();
                gen = generation;
            }
            if (p == null) {
                return;
            }
            writePool(p, gen);
        }
    }

    @Override
    public List<Long> query(String topic, String key, int maxNum, long beginMillis, long endMillis) {
        if (maxNum <= 0 || beginMillis > endMillis) {
            return List.of();
        }
        long hash = nameHash.hash(topic, key);
        mapLock.readLock().lock();
        try {
            checkOpen();
            // The snapshot before the transaction: when a commit comes between them, the snapshot's pools are a
            // superset of what the newer transaction's runs leave out, and repeats are dropped below.
            Snapshot s = published;
            long floorNow = floor;
            try (Txn<ByteBuffer> txn = env.txnRead()) {
                Run[] runs = s.txnId() == txn.getId() ? s.runs() : readRuns(txn).toArray(new Run[0]);
                List<Candidates> cursors = new ArrayList<>();
                TailQuery pools = TailQuery.scan(s.pools(), hash, beginMillis, endMillis, floorNow);
                if (pools != null) {
                    cursors.add(pools);
                }
                ByteBuffer blockKey = QUERY_BLOCK_KEY.get();
                for (Run r : runs) {
                    if (r.maxTs() < beginMillis || r.minTs() > endMillis) {
                        continue;
                    }
                    ByteBuffer d = runDb.get(txn, Run.runKey(blockKey, r.id()));
                    if (d == null) {
                        throw new IllegalStateException("run " + r.id() + " has no descriptor");
                    }
                    // get() hands back the transaction's one value buffer: keep our own view.
                    d = d.duplicate();
                    if (r.mightContain(d, hash)) {
                        RunQuery q = new RunQuery(r, d, txn, blockDbs.get(r.blockDb()), blockKey);
                        if (q.seek(hash, beginMillis, endMillis)) {
                            cursors.add(q);
                        }
                    }
                }
                return newestFirst(cursors, topic, key, maxNum, floorNow);
            }
        } finally {
            mapLock.readLock().unlock();
        }
    }

    /** Merges the sources' candidates newest first, confirming each in the CommitLog, until maxNum are found. */
    private List<Long> newestFirst(List<Candidates> cursors, String topic, String key, int maxNum, long floorNow) {
        List<Long> offsets = new ArrayList<>(Math.min(maxNum, 32));
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
            // A pool and the run written from it (a query between the run's commit and the pool's removal)
            // repeat entries; the newest-first order puts repeats next to each other.
            if (any && ts == lastTs && offset == lastOffset) {
                continue;
            }
            any = true;
            lastTs = ts;
            lastOffset = offset;
            if (offset >= floorNow && keys.holds(offset, ts, topic, key)) {
                offsets.add(offset);
            }
        }
        return offsets;
    }

    /**
     * Entries at or past {@code commitLogOffset} go at once: pools are replaced by copies without them, runs
     * starting there are deleted and runs reaching past it are cut (their limit lowered), in the same
     * transaction that lowers the applied offset. A pool being written meanwhile is thrown away.
     */
    @Override
    public void truncateFrom(long commitLogOffset) {
        synchronized (writer) {
            synchronized (tail) {
                checkOpen();
                cancelMerge();
                generation++;
                truncatePools(commitLogOffset);
                long durableNow = Math.min(durableApplied, commitLogOffset);
                if (commitLogOffset <= floor) {
                    // Below the floor nothing is answered and from here on nothing either: the index is empty.
                    write(txn -> {
                        runDb.drop(txn);
                        blockDbs.forEach(db -> db.drop(txn));
                        putLong(txn, appliedKey, durableNow);
                        putLong(txn, floorKey, 0);
                        return null;
                    });
                    live.clear();
                    garbage.clear();
                    floor = 0;
                    // Every entry left in the pools lies below the old floor as well.
                    frozen.clear();
                    frozenEntries = 0;
                    active = new TailPool(tuning.runEntries());
                    active.since = System.nanoTime();
                } else {
                    List<Run> cut = new ArrayList<>();
                    List<Run> removed = write(txn -> {
                        cut.clear();
                        putLong(txn, appliedKey, durableNow);
                        for (Run r : live) {
                            if (r.minOffset() < commitLogOffset && r.maxOffset() >= commitLogOffset
                                    && r.limit() > commitLogOffset) {
                                ByteBuffer d = Run.withLimit(runDb.get(txn, Run.runKey(keyBuf, r.id())),
                                        commitLogOffset);
                                runDb.put(txn, Run.runKey(keyBuf, r.id()), d);
                                cut.add(r.cutAt(commitLogOffset));
                            }
                        }
                        return deleteRuns(txn, r -> r.minOffset() >= commitLogOffset);
                    });
                    dropFromLive(removed);
                    for (Run shorter : cut) {
                        live.replaceAll(r -> r.id() == shorter.id() ? shorter : r);
                    }
                }
                durableApplied = durableNow;
                liveChanged();
            }
        }
    }

    /** Guarded by writer and tail. */
    private void truncatePools(long offset) {
        indexed = Math.min(indexed, offset);
        lastIndexed = Math.min(lastIndexed, offset - 1);
        ArrayDeque<TailPool> kept = new ArrayDeque<>();
        frozenEntries = 0;
        for (TailPool p : frozen) {
            TailPool q = p.maxOffset() >= offset ? p.below(offset) : p;
            q.endOffset = Math.min(p.endOffset, offset);
            kept.addLast(q);
            frozenEntries += q.entries();
        }
        frozen.clear();
        frozen.addAll(kept);
        if (active.maxOffset() >= offset) {
            active = active.below(offset);
        }
    }

    /**
     * Raises the floor below which nothing is answered, then deletes runs that lie wholly below it, about
     * {@code maxEntries} entries a call. Entries of runs that straddle the floor go when those runs are merged,
     * entries of pools when the pool is written.
     */
    @Override
    public boolean deleteBelow(long minCommitLogOffset, int maxEntries) {
        synchronized (writer) {
            long indexedNow;
            synchronized (tail) {
                checkOpen();
                indexedNow = indexed;
            }
            if (merge != null && merge.inputs.stream().anyMatch(r -> r.maxOffset() < minCommitLogOffset)) {
                cancelMerge();
            }
            // Capped at what is indexed: what comes later is not deleted.
            long newFloor = Math.max(floor, Math.min(minCommitLogOffset, indexedNow));
            record Result(List<Run> removed, long reclaimed) {
            }
            Result result = write(txn -> {
                putLong(txn, floorKey, newFloor);
                List<Run> removed = deleteRuns(txn, r -> r.maxOffset() < newFloor);
                return new Result(removed, garbage.reclaim(txn, blockDbs, maxEntries));
            });
            garbage.committed();
            lastReclaimed = result.reclaimed();
            floor = newFloor;
            dropFromLive(result.removed());
            liveChanged();
            return !garbage.isEmpty();
        }
    }

    /** Entries the last {@link #deleteBelow} call deleted. */
    long lastReclaimed() {
        synchronized (writer) {
            return lastReclaimed;
        }
    }

    /** The map's size now. */
    long mapSize() {
        return env.info().mapSize;
    }

    /** Entries stored in LMDB, live or garbage. For tests of retention's bounds. */
    long storedEntries() {
        synchronized (writer) {
            long n = 0;
            try (Txn<ByteBuffer> txn = env.txnRead()) {
                for (Dbi<ByteBuffer> db : blockDbs) {
                    try (Cursor<ByteBuffer> c = db.openCursor(txn)) {
                        for (boolean found = c.first(); found; found = c.next()) {
                            n += Run.entries(c.val());
                        }
                    }
                }
            }
            return n;
        }
    }

    /** Guarded by writer. */
    private void dropFromLive(List<Run> removed) {
        // By identity: a record's equals compares every field, and removeAll called it live x removed times.
        Set<Run> gone = Collections.newSetFromMap(new IdentityHashMap<>());
        gone.addAll(removed);
        live.removeIf(gone::contains);
        for (Run r : removed) {
            garbage.add(r.blockDb(), r.id(), r.blocks());
        }
    }

    /** Deletes the descriptors of the live runs that {@code which} picks; their blocks become garbage. */
    private List<Run> deleteRuns(Txn<ByteBuffer> txn, Predicate<Run> which) {
        List<Run> removed = new ArrayList<>();
        for (Run r : live) {
            if (which.test(r)) {
                runDb.delete(txn, Run.runKey(keyBuf, r.id()));
                removed.add(r);
            }
        }
        return removed;
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

    /** The runs changed in a committed transaction; guarded by writer. */
    private void liveChanged() {
        liveRuns = new RunsAsOf(committedTxn, live.toArray(new Run[0]));
        synchronized (tail) {
            publish();
            tail.notifyAll();
        }
    }

    /** Guarded by tail. */
    private void publish() {
        TailPool[] pools = new TailPool[frozen.size() + 1];
        int i = 0;
        for (TailPool p : frozen) {
            pools[i++] = p;
        }
        pools[i] = active;
        RunsAsOf runs = liveRuns;
        published = new Snapshot(runs.txnId(), runs.runs(), pools);
    }

    /**
     * Sorts the oldest frozen pool into a run without the writer, then writes it and the applied offset it
     * covers, unless a truncation replaced the pool meanwhile ({@code gen} is older) or another caller wrote it.
     * One caller at a time: the sorter and the pool writer are shared.
     */
    private void writePool(TailPool pool, long gen) {
        synchronized (sorter) {
            synchronized (writer) {
                if (envClosed) {
                    return;
                }
                poolWriter.reset(nextRunId++, 0, pool.entries());
            }
            pool.writeSorted(poolWriter, floor, sorter);
            synchronized (writer) {
                synchronized (tail) {
                    if (envClosed || gen != generation || frozen.peekFirst() != pool) {
                        return;
                    }
                }
                Run run = write(txn -> {
                    Run r = poolWriter.finish(txn, blockDbs.get(0), runDb);
                    putLong(txn, appliedKey, pool.endOffset);
                    return r;
                });
                poolWriter.flushed();
                durableApplied = pool.endOffset;
                if (run != null) {
                    live.add(run);
                }
                synchronized (tail) {
                    frozen.removeFirst();
                    frozenEntries -= pool.entries();
                }
                liveChanged();
            }
        }
    }

    /**
     * The oldest {@link Tuning#fanIn()} runs of the lowest level that has that many, or null. Runs holding
     * together more than a pool's worth are merged only once more than half of {@link Tuning#maxRuns()} runs
     * live: such merges are long, and queries pay only a Bloom probe per run. Guarded by writer.
     */
    private List<Run> mergeCandidate() {
        Map<Integer, List<Run>> byLevel = new java.util.TreeMap<>();
        for (Run r : live) {
            byLevel.computeIfAbsent(r.level(), l -> new ArrayList<>()).add(r);
        }
        boolean crowded = live.size() > tuning.maxRuns() / 2;
        for (List<Run> runs : byLevel.values()) {
            if (runs.size() >= tuning.fanIn()) {
                List<Run> inputs = runs.subList(0, tuning.fanIn());
                long entries = 0;
                for (Run r : inputs) {
                    entries += r.count();
                }
                if (crowded || entries <= tuning.runEntries()) {
                    return new ArrayList<>(inputs);
                }
            }
        }
        return null;
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
        write(txn -> garbage.reclaim(txn, blockDbs, tuning.stepEntries()));
        garbage.committed();
        liveChanged();
        return true;
    }

    /** Merges a step's entries in memory, in a read transaction: needs no writer. */
    private boolean stepMerge(RunMerge m) {
        long floorNow = floor;
        mapLock.readLock().lock();
        try {
            // close() sets it before taking the map lock to close the environment.
            if (envClosed) {
                return false;
            }
            try (Txn<ByteBuffer> txn = env.txnRead()) {
                return m.step(txn, blockDbs, floorNow, tuning.stepEntries());
            }
        } finally {
            mapLock.readLock().unlock();
        }
    }

    /** Writes what a step merged; on the last step the output replaces its inputs. Guarded by writer. */
    private void commitMergeStep(RunMerge m, boolean done) {
        RunWriter out = m.output();
        Run finished = write(txn -> {
            if (!done) {
                out.flush(txn, blockDbs.get(1));
                return null;
            }
            Run r = out.finish(txn, blockDbs.get(1), runDb);
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
        liveChanged();
    }

    private void cancelMerge() {
        if (merge != null) {
            garbage.add(1, merge.output().id(), merge.output().blocksWritten());
            merge = null;
        }
    }

    /** Whether the active pool has waited long enough to be written anyway. Guarded by tail. */
    private boolean activeDue(long now) {
        return active.since != 0 && now - active.since >= tuning.tailMillis() * 1_000_000;
    }

    /**
     * The index's thread writes frozen pools (freezing the active one once it is due) and merges runs; it takes
     * the writer only to write, so a put never waits for a merge.
     */
    private Thread startIndexer() {
        Thread t = new Thread(() -> {
            int failures = 0;
            while (true) {
                TailPool pool;
                long gen;
                long idleNanos = 100_000_000L;
                synchronized (tail) {
                    if (closed) {
                        return;
                    }
                    long now = System.nanoTime();
                    if (frozen.isEmpty() && activeDue(now)) {
                        freeze();
                    }
                    pool = frozen.peekFirst();
                    gen = generation;
                    if (pool == null && active.since != 0) {
                        idleNanos = Math.max(1_000_000L, active.since + tuning.tailMillis() * 1_000_000 - now);
                    }
                }
                try {
                    if (pool != null) {
                        writePool(pool, gen);
                    } else if (!mergeStep()) {
                        LockSupport.parkNanos(this, idleNanos);
                    }
                    if (failures > 0) {
                        LOG.info("Key index in {} writes again after {} failed round(s)", dir, failures);
                        failures = 0;
                    }
                } catch (RuntimeException e) {
                    // Puts go on into pools (and wait past maxTailEntries); a later round retries, each second: on a
                    // full disk for as long as it stays full, so only the first failure and each 60th is logged.
                    if (failures++ % 60 == 0) {
                        LOG.error("Writing key index runs in {} failed ({} time(s) in a row; retrying each second)",
                                dir, failures, e);
                    }
                    synchronized (writer) {
                        cancelMerge();
                    }
                    LockSupport.parkNanos(this, 1_000_000_000L);
                }
            }
        }, "sluice-key-index");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * One bounded piece of merge work: reclaiming garbage blocks, or a merge step, merged without the writer and
     * written with it. Called by the index's thread, or by puts when it has none.
     *
     * @return whether there was work
     */
    private boolean mergeStep() {
        RunMerge m;
        synchronized (writer) {
            if (envClosed) {
                return false;
            }
            m = nextMerge();
            if (m == null) {
                return reclaimGarbage();
            }
        }
        boolean done = stepMerge(m);
        synchronized (writer) {
            if (!envClosed && merge == m) {
                commitMergeStep(m, done);
            }
        }
        return true;
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
            txn.commit();
            // Not this transaction's id: LMDB commits a transaction that changed nothing without a new id, and
            // the next one takes that id again; a snapshot tagged with it would then pass for the next one's.
            committedTxn = env.info().lastTransactionId;
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

    /** Writes what the pools hold, so that a reopened index need not be re-dispatched, and closes. */
    @Override
    public void close() {
        if (!stop()) {
            return;
        }
        synchronized (sorter) {
            try {
                synchronized (tail) {
                    if (active.since != 0) {
                        freeze();
                    }
                }
                writePoolsHere();
            } catch (RuntimeException e) {
                LOG.warn("Key index in {} closes without its last entries; the store re-indexes them on open", dir, e);
            }
            closeEnv(true);
        }
    }

    /** Closes like a crash would: what only the pools hold is lost. For tests. */
    void abandon() {
        if (stop()) {
            synchronized (sorter) {
                closeEnv(false);
            }
        }
    }

    /** Refuses further work and stops the index's thread; false when already closed. */
    private boolean stop() {
        synchronized (tail) {
            if (closed) {
                return false;
            }
            closed = true;
            tail.notifyAll();
        }
        if (indexer != null) {
            LockSupport.unpark(indexer);
            try {
                indexer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return true;
    }

    /** Called holding the pool writer's lock, so no pool is being written. */
    private void closeEnv(boolean clean) {
        synchronized (writer) {
            envClosed = true;
            mapLock.writeLock().lock();
            try {
                if (clean) {
                    env.sync(true);
                }
                env.close();
                if (clean) {
                    OpenMarker.remove(dir);
                }
            } finally {
                mapLock.writeLock().unlock();
            }
        }
    }

    private void initMeta() {
        write(txn -> {
            ByteBuffer format = meta.get(txn, formatKey);
            if (format == null) {
                if (runDb.stat(txn).entries > 0 || blockDbs.get(0).stat(txn).entries > 0
                        || blockDbs.get(1).stat(txn).entries > 0) {
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
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            durableApplied = readLong(txn, "applied", appliedKey);
            floor = readLong(txn, "floor", floorKey);
        }
    }

    /** Loads the runs and finds blocks no run refers to (a merge cut short, or garbage not yet reclaimed). */
    private void recover() {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            live.addAll(readRuns(txn));
            Set<Long> ids = new java.util.HashSet<>();
            for (Run r : live) {
                ids.add(r.id());
                nextRunId = Math.max(nextRunId, r.id() + 1);
            }
            for (int db = 0; db < blockDbs.size(); db++) {
                Map<Long, Integer> orphans = new java.util.TreeMap<>();
                try (Cursor<ByteBuffer> cursor = blockDbs.get(db).openCursor(txn)) {
                    for (boolean found = cursor.first(); found; found = cursor.next()) {
                        ByteBuffer k = cursor.key();
                        long id = k.getLong(k.position());
                        nextRunId = Math.max(nextRunId, id + 1);
                        if (!ids.contains(id)) {
                            orphans.merge(id, k.getInt(k.position() + 8) + 1, Math::max);
                        }
                    }
                }
                int in = db;
                orphans.forEach((id, blocks) -> garbage.add(in, id, blocks));
            }
            liveRuns = new RunsAsOf(txn.getId(), live.toArray(new Run[0]));
        }
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
