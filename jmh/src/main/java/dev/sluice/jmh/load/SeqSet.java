package dev.sluice.jmh.load;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** A thread-safe set of non-negative sequence numbers (a bitset in lazily created 1 Mi-bit chunks). */
final class SeqSet {
    private static final int CHUNK_BITS = 20;
    private static final int CHUNKS = 1 << 16;

    private final AtomicReferenceArray<AtomicLongArray> chunks = new AtomicReferenceArray<>(CHUNKS);

    /** Adds {@code seq}; false if it was already present (or out of range). */
    boolean add(long seq) {
        if (seq < 0 || seq >= (long) CHUNKS << CHUNK_BITS) {
            return false;
        }
        AtomicLongArray chunk = chunk((int) (seq >>> CHUNK_BITS), true);
        int bit = (int) (seq & ((1 << CHUNK_BITS) - 1));
        long mask = 1L << (bit & 63);
        return (chunk.getAndAccumulate(bit >>> 6, mask, (a, b) -> a | b) & mask) == 0;
    }

    private AtomicLongArray chunk(int index, boolean create) {
        AtomicLongArray c = chunks.get(index);
        if (c == null && create) {
            chunks.compareAndSet(index, null, new AtomicLongArray(1 << (CHUNK_BITS - 6)));
            c = chunks.get(index);
        }
        return c;
    }

    long size() {
        long n = 0;
        for (int i = 0; i < CHUNKS; i++) {
            AtomicLongArray c = chunks.get(i);
            if (c != null) {
                for (int w = 0; w < c.length(); w++) {
                    n += Long.bitCount(c.get(w));
                }
            }
        }
        return n;
    }

    /** How many members of this set are not in {@code other}. */
    long missingFrom(SeqSet other) {
        long n = 0;
        for (int i = 0; i < CHUNKS; i++) {
            AtomicLongArray mine = chunks.get(i);
            if (mine == null) {
                continue;
            }
            AtomicLongArray theirs = other.chunk(i, false);
            for (int w = 0; w < mine.length(); w++) {
                n += Long.bitCount(mine.get(w) & ~(theirs == null ? 0 : theirs.get(w)));
            }
        }
        return n;
    }
}
