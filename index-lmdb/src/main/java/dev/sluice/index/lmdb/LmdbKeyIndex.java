package dev.sluice.index.lmdb;

import dev.sluice.index.lmdb.IndexKeys.Posting;
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
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The key index in one LMDB environment. One writer at a time (apply, truncation, retention); queries run in
 * their own read transactions and never wait for it, except while the map grows.
 *
 * <p>Put rate, measured with KeyIndexBenchmark on a shared 2-core machine (messages of 1-3 keys and a unique
 * key): format 1, entries keyed by the whole name, ~84k msg/s in 128-message rounds, falling as the index grew;
 * format 2, 24-byte hash keys inserted in key order, ~119-126k msg/s (~124-135k in 4096-message rounds), while
 * Apache's IndexFile did ~1.6-1.8M msg/s in the same runs. What is left is LMDB's own price: every key is a
 * random insert into a B-tree larger than the CPU caches, about 1 µs of cache misses and page copying each;
 * bare lmdbjava inserts of such keys reached ~300k msg/s even in one huge transaction. Apache's rate needs
 * appends, not a B-tree insert per key.
 */
final class LmdbKeyIndex implements KeyIndex {
    private static final Logger LOG = LoggerFactory.getLogger(LmdbKeyIndex.class);

    static final String ENV_DIR = "lmdb";
    /** 1: entries keyed by the whole name; 2: by its 64-bit hash. */
    static final int FORMAT = 2;
    /** Bounds the write transactions of a truncation, which may cover a large part of the index. */
    private static final int TRUNCATE_CHUNK = 20_000;
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);
    private static final ThreadLocal<ByteBuffer> QUERY_KEY =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(IndexKeys.ENTRY_KEY));
    private static final ThreadLocal<ByteBuffer> QUERY_OFFSET =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(8));
    /** LMDB's key order: sorted inserts walk the tree left to right and find its upper pages in cache. */
    private static final Comparator<NewEntry> LMDB_ORDER = (a, b) ->
            IndexKeys.compareEntries(a.hash(), a.timestamp(), a.offset(), b.hash(), b.timestamp(), b.offset());

    private final Path dir;
    private final ToLongFunction<byte[]> hash;
    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> entries;
    private final Dbi<ByteBuffer> postings;
    private final Dbi<ByteBuffer> meta;
    private final ByteBuffer appliedKey = direct("applied");
    private final ByteBuffer formatKey = direct("format");

    /** Held shared by queries, exclusively to resize the map or close: LMDB needs no transaction open then. */
    private final ReentrantReadWriteLock mapLock = new ReentrantReadWriteLock();
    /** Serializes writers; taken before {@link #mapLock}. */
    private final Object writer = new Object();

    // guarded by writer
    private final ByteBuffer keyBuf = ByteBuffer.allocateDirect(IndexKeys.ENTRY_KEY);
    private final List<NewEntry> newEntries = new ArrayList<>();
    private final ByteBuffer offsetBuf = ByteBuffer.allocateDirect(8);
    private final ByteBuffer longBuf = ByteBuffer.allocateDirect(8);
    private ByteBuffer valueBuf = ByteBuffer.allocateDirect(1024);
    private long mapSize;
    private long lastPostingOffset;
    private boolean closed;

    private volatile long appliedOffset;

    private LmdbKeyIndex(Path dir, long mapSize, ToLongFunction<byte[]> hash) {
        this.dir = dir;
        this.hash = hash;
        this.mapSize = Math.max(mapSize, sizeOf(dir.resolve("data.mdb")));
        // Both ByteBuffer proxies of lmdbjava 0.9.1 need java.nio opened and measured alike, so the default one.
        // MDB_WRITEMAP measured 2-3x the put rate of copying dirty pages through write(2).
        this.env = Env.create(ByteBufferProxy.PROXY_OPTIMAL).setMapSize(this.mapSize).setMaxDbs(3)
                .open(dir.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOTLS, EnvFlags.MDB_WRITEMAP);
        try {
            // Slots of readers killed with their process would otherwise pin old pages forever.
            env.readerCheck();
            entries = env.openDbi("entries", DbiFlags.MDB_CREATE);
            postings = env.openDbi("postings", DbiFlags.MDB_CREATE);
            meta = env.openDbi("meta", DbiFlags.MDB_CREATE);
            appliedOffset = initMeta();
            removePostingsFrom(appliedOffset);
            lastPostingOffset = readLastPostingOffset();
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    /**
     * Opens the index under {@code indexDir}, starting empty when there is none and rebuilding it when it
     * cannot be trusted; the caller then re-dispatches from {@link #appliedOffset()}.
     */
    static LmdbKeyIndex open(Path indexDir, long mapSize) {
        return open(indexDir, mapSize, IndexKeys::hash);
    }

    /** With another name hash: tests make every name collide. */
    static LmdbKeyIndex open(Path indexDir, long mapSize, ToLongFunction<byte[]> hash) {
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
            return new LmdbKeyIndex(dir, mapSize, hash);
        } catch (OldFormatException e) {
            LOG.warn("Key index in {} has format {}, this version writes format {}: rebuilding it from the CommitLog",
                    dir, e.format, FORMAT);
        } catch (LmdbException | CorruptIndexException e) {
            LOG.warn("Key index in {} is corrupt ({}): rebuilding it from the CommitLog", dir, e.toString());
        }
        wipe(dir);
        OpenMarker.write(dir);
        return new LmdbKeyIndex(dir, mapSize, hash);
    }

    @Override
    public long appliedOffset() {
        return appliedOffset;
    }

    /** Never moves the applied offset back: only {@link #truncateFrom} does. */
    @Override
    public void apply(IndexBatch batch) {
        synchronized (writer) {
            checkOpen();
            long applied = Math.max(appliedOffset, batch.endOffset());
            if (batch.size() == 0 && applied == appliedOffset) {
                return;
            }
            lastPostingOffset = write(txn -> {
                newEntries.clear();
                long last = lastPostingOffset;
                int i = 0;
                while (i < batch.size()) {
                    int end = i + 1;
                    while (end < batch.size() && batch.commitLogOffset(end) == batch.commitLogOffset(i)) {
                        end++;
                    }
                    last = putMessage(txn, batch, i, end, last);
                    i = end;
                }
                newEntries.sort(LMDB_ORDER);
                for (NewEntry e : newEntries) {
                    entries.put(txn, IndexKeys.entryKey(keyBuf, e.hash(), e.timestamp(), e.offset()), EMPTY);
                }
                putLong(txn, appliedKey, applied);
                return last;
            });
            appliedOffset = applied;
        }
    }

    /**
     * Writes the postings of entries [from, to) of {@code batch}, which share one offset, and collects their
     * entries in {@link #newEntries}.
     */
    private long putMessage(Txn<ByteBuffer> txn, IndexBatch batch, int from, int to, long lastPosting) {
        long offset = batch.commitLogOffset(from);
        List<Posting> message = new ArrayList<>(to - from);
        boolean known = offset <= lastPosting;
        if (known) {
            // Re-dispatch of an indexed message, or a caller that split one message's keys.
            ByteBuffer existing = postings.get(txn, IndexKeys.offsetKey(offsetBuf, offset));
            if (existing != null) {
                message.addAll(IndexKeys.decodePostings(existing));
            }
        }
        int before = message.size();
        for (int i = from; i < to; i++) {
            byte[] name = IndexKeys.name(batch.topic(i), batch.key(i));
            long timestamp = batch.storeTimestamp(i);
            if (!contains(message, name, timestamp)) {
                message.add(new Posting(name, timestamp));
                newEntries.add(new NewEntry(hash.applyAsLong(name), timestamp, offset));
            }
        }
        if (message.size() == before) {
            return lastPosting;
        }
        ByteBuffer value = IndexKeys.encodePostings(valueBuffer(IndexKeys.postingsSize(message)), message);
        if (known) {
            postings.put(txn, IndexKeys.offsetKey(offsetBuf, offset), value);
            return lastPosting;
        }
        postings.put(txn, IndexKeys.offsetKey(offsetBuf, offset), value, PutFlags.MDB_APPEND);
        return offset;
    }

    /** A loop, not a stream: streams measured 7% of a put's CPU time here. */
    private static boolean contains(List<Posting> message, byte[] name, long timestamp) {
        for (Posting p : message) {
            if (p.sameAs(name, timestamp)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<Long> query(String topic, String key, int maxNum, long beginMillis, long endMillis) {
        if (maxNum <= 0 || beginMillis > endMillis) {
            return List.of();
        }
        byte[] name = IndexKeys.name(topic, key);
        long h = hash.applyAsLong(name);
        ByteBuffer upper = IndexKeys.entryKey(QUERY_KEY.get(), h, endMillis, Long.MAX_VALUE);
        ByteBuffer offsetKey = QUERY_OFFSET.get();
        List<Long> offsets = new ArrayList<>(Math.min(maxNum, 32));
        mapLock.readLock().lock();
        try {
            checkOpen();
            try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> cursor = entries.openCursor(txn)) {
                boolean found = cursor.get(upper, GetOp.MDB_SET_RANGE)
                        ? cursor.key().equals(upper) || cursor.prev()
                        : cursor.last();
                while (found && offsets.size() < maxNum) {
                    ByteBuffer k = cursor.key();
                    long timestamp = IndexKeys.entryTimestamp(k);
                    if (IndexKeys.entryHash(k) != h || timestamp < beginMillis) {
                        break;
                    }
                    long offset = IndexKeys.entryOffset(k);
                    ByteBuffer message = postings.get(txn, IndexKeys.offsetKey(offsetKey, offset));
                    if (message != null && IndexKeys.postingsContain(message, name, timestamp)) {
                        offsets.add(offset);
                    }
                    found = cursor.prev();
                }
            }
        } finally {
            mapLock.readLock().unlock();
        }
        return offsets;
    }

    /**
     * The applied offset drops to {@code commitLogOffset} in the first transaction, so an interrupted
     * truncation leaves entries only past the applied offset, which {@link #open} removes.
     */
    @Override
    public void truncateFrom(long commitLogOffset) {
        synchronized (writer) {
            checkOpen();
            long applied = Math.min(appliedOffset, commitLogOffset);
            boolean more;
            do {
                more = write(txn -> {
                    putLong(txn, appliedKey, applied);
                    return removePostings(txn, commitLogOffset, Long.MAX_VALUE, TRUNCATE_CHUNK);
                });
                appliedOffset = applied;
            } while (more);
            lastPostingOffset = readLastPostingOffset();
        }
    }

    @Override
    public boolean deleteBelow(long minCommitLogOffset, int maxEntries) {
        synchronized (writer) {
            checkOpen();
            return write(txn -> removePostings(txn, Long.MIN_VALUE, minCommitLogOffset, maxEntries));
        }
    }

    /**
     * Removes up to {@code budget} entries of messages at offsets in [{@code from}, {@code to}), oldest first.
     *
     * @return whether entries in that range remain
     */
    private boolean removePostings(Txn<ByteBuffer> txn, long from, long to, int budget) {
        try (Cursor<ByteBuffer> cursor = postings.openCursor(txn)) {
            boolean found = cursor.get(IndexKeys.offsetKey(offsetBuf, from), GetOp.MDB_SET_RANGE);
            while (found && budget > 0) {
                long offset = IndexKeys.offset(cursor.key());
                if (offset >= to) {
                    return false;
                }
                List<Posting> message = IndexKeys.decodePostings(cursor.val());
                int n = Math.min(budget, message.size());
                for (Posting p : message.subList(0, n)) {
                    entries.delete(txn, IndexKeys.entryKey(keyBuf, hash.applyAsLong(p.name()), p.timestamp(), offset));
                }
                budget -= n;
                if (n == message.size()) {
                    cursor.delete();
                    found = cursor.next();
                } else {
                    List<Posting> rest = message.subList(n, message.size());
                    cursor.put(IndexKeys.offsetKey(offsetBuf, offset),
                            IndexKeys.encodePostings(valueBuffer(IndexKeys.postingsSize(rest)), rest),
                            PutFlags.MDB_CURRENT);
                    return true;
                }
            }
            return found && IndexKeys.offset(cursor.key()) < to;
        }
    }

    private void removePostingsFrom(long offset) {
        boolean more;
        do {
            more = write(txn -> removePostings(txn, offset, Long.MAX_VALUE, TRUNCATE_CHUNK));
        } while (more);
    }

    /** Runs one write transaction, growing the map and running it again when the map is full. */
    private <R> R write(Function<Txn<ByteBuffer>, R> work) {
        while (true) {
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                R result = work.apply(txn);
                txn.commit();
                return result;
            } catch (Env.MapFullException e) {
                growMap();
            }
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
            mapLock.writeLock().lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                env.sync(true);
                env.close();
                OpenMarker.remove(dir);
            } finally {
                mapLock.writeLock().unlock();
            }
        }
    }

    private long initMeta() {
        return write(txn -> {
            ByteBuffer format = meta.get(txn, formatKey);
            if (format == null) {
                if (entries.stat(txn).entries > 0 || postings.stat(txn).entries > 0) {
                    throw new CorruptIndexException("entries without a format record");
                }
                meta.put(txn, formatKey, longBuf.clear().putLong(FORMAT).flip());
                putLong(txn, appliedKey, 0);
                return 0L;
            }
            long found = format.remaining() == 8 ? format.getLong(format.position()) : -1;
            if (found > 0 && found < FORMAT) {
                throw new OldFormatException(found);
            }
            if (found != FORMAT) {
                throw new CorruptIndexException("unknown format");
            }
            ByteBuffer applied = meta.get(txn, appliedKey);
            if (applied == null || applied.remaining() != 8) {
                throw new CorruptIndexException("no applied offset");
            }
            return applied.getLong(applied.position());
        });
    }

    private long readLastPostingOffset() {
        try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> cursor = postings.openCursor(txn)) {
            return cursor.last() ? IndexKeys.offset(cursor.key()) : Long.MIN_VALUE;
        }
    }

    private void putLong(Txn<ByteBuffer> txn, ByteBuffer key, long value) {
        meta.put(txn, key, longBuf.clear().putLong(value).flip());
    }

    private ByteBuffer valueBuffer(int size) {
        if (valueBuf.capacity() < size) {
            valueBuf = ByteBuffer.allocateDirect(Math.max(size, valueBuf.capacity() * 2));
        }
        return valueBuf;
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

    /** One entry of the batch being applied, collected so that the batch goes into LMDB in key order. */
    private record NewEntry(long hash, long timestamp, long offset) {
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
