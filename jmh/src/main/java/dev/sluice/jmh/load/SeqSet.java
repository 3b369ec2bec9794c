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

    /** Calls {@code range} with each run of consecutive members, lowest first: first and last, inclusive. */
    void forEachRange(RangeConsumer range) {
        long first = -1;
        long last = -2;
        for (int i = 0; i < CHUNKS; i++) {
            AtomicLongArray c = chunks.get(i);
            if (c == null) {
                continue;
            }
            for (int w = 0; w < c.length(); w++) {
                long word = c.get(w);
                while (word != 0) {
                    long seq = ((long) i << CHUNK_BITS) + ((long) w << 6) + Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                    if (seq != last + 1) {
                        if (first >= 0) {
                            range.accept(first, last);
                        }
                        first = seq;
                    }
                    last = seq;
                }
            }
        }
        if (first >= 0) {
            range.accept(first, last);
        }
    }

    /** Receives one run of consecutive members. */
    interface RangeConsumer {
        void accept(long first, long last);
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
