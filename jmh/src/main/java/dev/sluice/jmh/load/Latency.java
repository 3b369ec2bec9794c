package dev.sluice.jmh.load;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free latency histogram in microseconds: 64 power-of-two ranges, each cut into 32 linear buckets, so
 * any recorded value is reported within about 3%. Recording is one atomic add; no allocation.
 */
final class Latency {
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;

    private final AtomicLongArray counts = new AtomicLongArray(64 * SUB);

    void recordNanos(long nanos) {
        counts.incrementAndGet(bucket(Math.max(0, nanos / 1000)));
    }

    static int bucket(long micros) {
        if (micros < SUB) {
            return (int) micros;
        }
        // magnitude m >= 1: micros >>> (m - 1) lies in [SUB, 2 * SUB)
        int m = 63 - Long.numberOfLeadingZeros(micros) - SUB_BITS + 1;
        return m * SUB + (int) ((micros >>> (m - 1)) - SUB);
    }

    /** Largest value, in microseconds, that falls in bucket {@code b}. */
    static long upperMicros(int b) {
        int m = b / SUB;
        long sub = b % SUB;
        if (m == 0) {
            return sub;
        }
        return ((SUB + sub + 1) << (m - 1)) - 1;
    }

    /** Returns the counts, leaving this empty. */
    long[] drain() {
        long[] taken = new long[counts.length()];
        for (int i = 0; i < taken.length; i++) {
            taken[i] = counts.getAndSet(i, 0);
        }
        return taken;
    }

    long[] snapshot() {
        long[] s = new long[counts.length()];
        for (int i = 0; i < s.length; i++) {
            s[i] = counts.get(i);
        }
        return s;
    }

    /** The value (µs) at or below which {@code percent}% of the counts fall; 0 when empty. */
    static long percentile(long[] counts, double percent) {
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
                return upperMicros(i);
            }
        }
        return upperMicros(counts.length - 1);
    }
}
