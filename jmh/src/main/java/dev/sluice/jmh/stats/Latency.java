package dev.sluice.jmh.stats;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free histogram of non-negative values in the caller's unit (the load tool records microseconds, the
 * store benchmarks nanoseconds): 64 power-of-two ranges, each cut into 32 linear buckets, so any recorded value is
 * reported within about 3%. Recording is one atomic add; no allocation.
 */
public final class Latency {
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    /** Number of buckets, the length of every counts array. */
    public static final int BUCKETS = 64 * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long value) {
        counts.incrementAndGet(bucket(Math.max(0, value)));
    }

    static int bucket(long value) {
        if (value < SUB) {
            return (int) value;
        }
        // magnitude m >= 1: value >>> (m - 1) lies in [SUB, 2 * SUB)
        int m = 63 - Long.numberOfLeadingZeros(value) - SUB_BITS + 1;
        return m * SUB + (int) ((value >>> (m - 1)) - SUB);
    }

    /** Largest value that falls in bucket {@code b}. */
    static long upper(int b) {
        int m = b / SUB;
        long sub = b % SUB;
        if (m == 0) {
            return sub;
        }
        return ((SUB + sub + 1) << (m - 1)) - 1;
    }

    /** Returns the counts, leaving this empty. */
    public long[] drain() {
        long[] taken = new long[BUCKETS];
        for (int i = 0; i < taken.length; i++) {
            taken[i] = counts.getAndSet(i, 0);
        }
        return taken;
    }

    public long[] snapshot() {
        long[] s = new long[BUCKETS];
        for (int i = 0; i < s.length; i++) {
            s[i] = counts.get(i);
        }
        return s;
    }

    /** The value at or below which {@code percent}% of the counts fall (its bucket's bound); 0 when empty. */
    public static long percentile(long[] counts, double percent) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * percent / 100.0);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return upper(i);
            }
        }
        return upper(counts.length - 1);
    }
}
