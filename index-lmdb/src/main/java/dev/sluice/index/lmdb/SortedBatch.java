package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;

/**
 * The entries of one dispatch batch in run order (hash, timestamp, offset), and its postings. Reused by the
 * writer from batch to batch, so that a put allocates nothing per key.
 */
final class SortedBatch {
    private final IndexKeys.NameHash nameHash;
    private final byte[] name = new byte[IndexKeys.NAME_BUFFER];
    final Postings postings = new Postings();
    private int[] counts = new int[0];
    long[] hashes = new long[1024];
    long[] timestamps = new long[1024];
    long[] offsets = new long[1024];
    private long[] scratch = new long[1024 * 3];
    int size;
    private String lastTopic;
    private byte[] lastTopicBytes;

    SortedBatch(IndexKeys.NameHash nameHash) {
        this.nameHash = nameHash;
    }

    /**
     * Takes the entries of {@code batch} at or past {@code from} (those below are indexed already) and sorts
     * them.
     *
     * @throws IllegalArgumentException when offsets go back, or reach into what is indexed (a message's keys
     *                                  must all come in one batch)
     */
    void fill(IndexBatch batch, long from, long lastIndexed) {
        size = 0;
        postings.clear();
        ensure(batch.size());
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
            int length = IndexKeys.name(topicBytes(batch.topic(i)), batch.key(i), name);
            long ts = batch.storeTimestamp(i);
            hashes[size] = nameHash.hash(name, length);
            timestamps[size] = ts;
            offsets[size] = offset;
            size++;
            postings.add(offset, name, length, ts);
        }
        sort();
    }

    private byte[] topicBytes(String topic) {
        if (topic != lastTopic) {
            lastTopic = topic;
            lastTopicBytes = IndexKeys.topicBytes(topic);
        }
        return lastTopicBytes;
    }

    /**
     * A counting sort on the top bits of the hash (about two buckets an entry, so one pass places almost every
     * entry), then an insertion pass that orders entries sharing a bucket: measured several times cheaper than
     * sorting the batch with Arrays.sort.
     */
    private void sort() {
        int n = size;
        if (n < 2) {
            return;
        }
        int bits = Math.min(20, 33 - Integer.numberOfLeadingZeros(n - 1));
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
            hashes = new long[c];
            timestamps = new long[c];
            offsets = new long[c];
            scratch = new long[c * 3];
        }
    }
}
