package dev.sluice.index.lmdb;

import java.nio.ByteBuffer;

/**
 * Entries (hash, timestamp, offset) read back from postings chunks, sorted into run order: what the index's own
 * thread turns into a run. Reused from run to run.
 */
final class SortedBatch {
    private final Postings.PairVisitor add = this::add;
    private int[] counts = new int[0];
    long[] hashes = new long[1024];
    long[] timestamps = new long[1024];
    long[] offsets = new long[1024];
    private long[] scratch = new long[1024 * 3];
    int size;

    void clear() {
        size = 0;
    }

    /** Adds every pair of a postings chunk; {@link #sort} once all are in. */
    void addChunk(ByteBuffer chunk) {
        ensure(size + Postings.keys(chunk));
        Postings.forEachPair(chunk, add);
    }

    private void add(long offset, ByteBuffer value, int nameAt, int nameLength, long timestamp, long hash) {
        hashes[size] = hash;
        timestamps[size] = timestamp;
        offsets[size] = offset;
        size++;
    }

    /**
     * A counting sort on the top bits of the hash (about two buckets an entry up to 32k entries, and at most 64k
     * buckets, whose counts stay in cache), then an insertion pass that orders entries sharing a bucket: measured
     * several times cheaper than sorting the batch with Arrays.sort.
     */
    void sort() {
        int n = size;
        if (n < 2) {
            return;
        }
        int bits = Math.min(16, 33 - Integer.numberOfLeadingZeros(n - 1));
        int shift = 64 - bits;
        int buckets = 1 << bits;
        if (counts.length < buckets + 1) {
            counts = new int[buckets + 1];
        } else {
            java.util.Arrays.fill(counts, 0, buckets + 1, 0);
        }
        for (int i = 0; i < n; i++) {
            counts[bucket(hashes[i], shift) + 1]++;
        }
        for (int b = 0; b < buckets; b++) {
            counts[b + 1] += counts[b];
        }
        System.arraycopy(hashes, 0, scratch, 0, n);
        System.arraycopy(timestamps, 0, scratch, n, n);
        System.arraycopy(offsets, 0, scratch, 2 * n, n);
        for (int i = 0; i < n; i++) {
            long h = scratch[i];
            int to = counts[bucket(h, shift)]++;
            hashes[to] = h;
            timestamps[to] = scratch[n + i];
            offsets[to] = scratch[2 * n + i];
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

    /** Top bits of the hash in signed order: flipping the sign bit makes them an unsigned bucket number. */
    private static int bucket(long hash, int shift) {
        return (int) ((hash ^ Long.MIN_VALUE) >>> shift);
    }

    private static void swap(long[] a, int j) {
        long t = a[j];
        a[j] = a[j - 1];
        a[j - 1] = t;
    }

    private void ensure(int n) {
        if (hashes.length < n) {
            int c = Math.max(n, hashes.length * 2);
            hashes = java.util.Arrays.copyOf(hashes, c);
            timestamps = java.util.Arrays.copyOf(timestamps, c);
            offsets = java.util.Arrays.copyOf(offsets, c);
            scratch = new long[c * 3];
        }
    }
}
