package dev.sluice.index.lmdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Entries (hash, timestamp, offset) not yet in a run in LMDB, kept in memory: puts append to the index's active
 * pool, which is frozen once it holds a run's worth and written as one run by the index's thread. A crash loses
 * the pools; the store re-dispatches them from the index's applied offset.
 *
 * <p>Entries go into buckets by the top bits of their hash, so that a query scans one bucket of a pool, and
 * writing the run sorts each bucket on its own, in cache, in bucket order, which is run order. One writer
 * appends; readers take a bucket's count with acquire semantics and read the entries below it. The writer
 * publishes counts (release) once per batch, after the entries: a query sees whole batches.
 */
final class TailPool {
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int STRIDE = 3;

    private final int shift;
    /** Per bucket: hash, ts, offset, entry after entry, in offset order; replaced by a larger copy when full. */
    private final long[][] buckets;
    /** Published entries per bucket. */
    private final int[] counts;
    /** Entries per bucket as the writer knows them, ahead of {@link #counts} within a batch. */
    private final int[] fill;
    private final int maxEntries;
    private int entries;
    private long minOffset = Long.MAX_VALUE;
    private long maxOffset = Long.MIN_VALUE;
    /** When the first entry came (System.nanoTime), 0 while empty. */
    long since;
    /** What the pool covers once frozen: every entry below this offset and at or past the previous pool's end. */
    long endOffset;

    /**
     * A pool for about {@code maxEntries} entries: at least ~1024 a bucket (so a query scans a few dozen KB) and
     * at most 256 buckets, whose current cache lines stay in L1 while puts scatter entries over them.
     */
    TailPool(int maxEntries) {
        this.maxEntries = maxEntries;
        int bits = Math.max(0, Math.min(8, 31 - Integer.numberOfLeadingZeros(Math.max(1, maxEntries >> 10))));
        this.shift = 64 - bits;
        int n = 1 << bits;
        // Buckets start small and grow: a pool written by age holds few entries, and the heap may be small.
        buckets = new long[n][Math.min(32, (maxEntries >> bits) + 8) * STRIDE];
        counts = new int[n];
        fill = new int[n];
    }

    /** Bucket of {@code hash}: buckets in ascending order hold ascending (signed) hashes. */
    int bucket(long hash) {
        return shift == 64 ? 0 : (int) ((hash ^ Long.MIN_VALUE) >>> shift);
    }

    /** Appends an entry, visible to queries after the next {@link #publish}. Offsets must not decrease. */
    void add(long hash, long ts, long offset) {
        int b = bucket(hash);
        int i = fill[b];
        long[] bucket = buckets[b];
        if ((i + 1) * STRIDE > bucket.length) {
            bucket = Arrays.copyOf(bucket, bucket.length / STRIDE * 3 / 2 * STRIDE + STRIDE);
            buckets[b] = bucket;
        }
        bucket[i * STRIDE] = hash;
        bucket[i * STRIDE + 1] = ts;
        bucket[i * STRIDE + 2] = offset;
        fill[b] = i + 1;
        if (entries++ == 0) {
            minOffset = offset;
        }
        maxOffset = offset;
    }

    /** Makes what {@link #add} appended visible to queries. */
    void publish() {
        for (int b = 0; b < fill.length; b++) {
            if (fill[b] != counts[b]) {
                COUNT.setRelease(counts, b, fill[b]);
            }
        }
    }

    int entries() {
        return entries;
    }

    boolean full() {
        return entries >= maxEntries;
    }

    long minOffset() {
        return minOffset;
    }

    long maxOffset() {
        return maxOffset;
    }

    /** Adds the published entries of {@code hash} with ts in [begin, end] and offset at or past floor. */
    void find(long hash, long begin, long end, long floor, TailQuery found) {
        int b = bucket(hash);
        int n = (int) COUNT.getAcquire(counts, b);
        long[] bucket = buckets[b];
        for (int i = 0; i < n; i++) {
            int at = i * STRIDE;
            if (bucket[at] == hash) {
                long ts = bucket[at + 1];
                long offset = bucket[at + 2];
                if (ts >= begin && ts <= end && offset >= floor) {
                    found.add(ts, offset);
                }
            }
        }
    }

    /** A copy of the entries below {@code offset} (truncation: readers of this pool keep reading it unchanged). */
    TailPool below(long offset) {
        TailPool copy = new TailPool(maxEntries);
        copy.since = since;
        for (int b = 0; b < buckets.length; b++) {
            long[] bucket = buckets[b];
            for (int i = 0; i < fill[b]; i++) {
                if (bucket[i * STRIDE + 2] < offset) {
                    copy.add(bucket[i * STRIDE], bucket[i * STRIDE + 1], bucket[i * STRIDE + 2]);
                }
            }
        }
        copy.publish();
        copy.endOffset = Math.min(endOffset, offset);
        return copy;
    }

    /**
     * Feeds the entries at or past {@code floor} to {@code out} in run order (hash, ts, offset), sorting each
     * bucket in {@code sorter}. Call only on a frozen pool.
     */
    void writeSorted(RunWriter out, long floor, Sorter sorter) {
        for (int b = 0; b < buckets.length; b++) {
            int n = sorter.load(buckets[b], fill[b], floor);
            sorter.sort(n, 64 - shift);
            for (int i = 0; i < n; i++) {
                out.add(sorter.hashes[i], sorter.timestamps[i], sorter.offsets[i]);
            }
        }
    }

    /** Sorts one bucket at a time; reused by the one thread that writes runs. */
    static final class Sorter {
        long[] hashes = new long[1024];
        long[] timestamps = new long[1024];
        long[] offsets = new long[1024];
        private long[] scratch = new long[3 * 1024];
        private int[] counts = new int[0];

        /** Loads the entries of a bucket at or past {@code floor}; returns how many. */
        int load(long[] bucket, int n, long floor) {
            if (hashes.length < n) {
                int c = Math.max(n, hashes.length * 2);
                hashes = new long[c];
                timestamps = new long[c];
                offsets = new long[c];
                scratch = new long[3 * c];
            }
            int k = 0;
            for (int i = 0; i < n; i++) {
                long offset = bucket[i * STRIDE + 2];
                if (offset >= floor) {
                    hashes[k] = bucket[i * STRIDE];
                    timestamps[k] = bucket[i * STRIDE + 1];
                    offsets[k] = offset;
                    k++;
                }
            }
            return k;
        }

        /**
         * A counting sort on the hash bits below the {@code known} top bits the bucket shares (about two
         * buckets an entry, at most 64k, whose counts stay in cache), then an insertion pass that orders
         * entries sharing a count bucket: several times cheaper than Arrays.sort over the same entries.
         */
        void sort(int n, int known) {
            if (n < 2) {
                return;
            }
            int bits = Math.min(Math.min(16, 64 - known), 33 - Integer.numberOfLeadingZeros(n - 1));
            if (bits > 0 && n > 16) {
                int buckets = 1 << bits;
                if (counts.length < buckets + 1) {
                    counts = new int[buckets + 1];
                } else {
                    Arrays.fill(counts, 0, buckets + 1, 0);
                }
                int shift = 64 - known - bits;
                for (int i = 0; i < n; i++) {
                    counts[slot(hashes[i], known, shift) + 1]++;
                }
                for (int b = 0; b < buckets; b++) {
                    counts[b + 1] += counts[b];
                }
                System.arraycopy(hashes, 0, scratch, 0, n);
                System.arraycopy(timestamps, 0, scratch, n, n);
                System.arraycopy(offsets, 0, scratch, 2 * n, n);
                for (int i = 0; i < n; i++) {
                    long h = scratch[i];
                    int to = counts[slot(h, known, shift)]++;
                    hashes[to] = h;
                    timestamps[to] = scratch[n + i];
                    offsets[to] = scratch[2 * n + i];
                }
            }
            for (int i = 1; i < n; i++) {
                for (int j = i; j > 0 && Run.compare(hashes[j - 1], timestamps[j - 1], offsets[j - 1],
                        hashes[j], timestamps[j], offsets[j]) > 0; j--) {
                    swap(hashes, j);
                    swap(timestamps, j);
                    swap(offsets, j);
                }
            }
        }

        /** The {@code bits} hash bits after the {@code known} top ones, in signed order of the hash. */
        private static int slot(long hash, int known, int shift) {
            return (int) (((hash ^ Long.MIN_VALUE) << known) >>> known >>> shift);
        }

        private static void swap(long[] a, int j) {
            long t = a[j];
            a[j] = a[j - 1];
            a[j - 1] = t;
        }
    }
}
