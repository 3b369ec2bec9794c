package dev.sluice.broker.stats;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * How long appends take (the store's part of a send, not the wait for a flush or a slave), for RocketMQ's runtime
 * keys: the longest ever (putMessageEntireTimeMax), the last full minute over RocketMQ's 13 ranges
 * (putMessageDistributeTime) and its 99th and 99.9th percentiles (putLatency99, putLatency999). {@link #record} is
 * called from any thread; {@link #rotate} once a minute.
 */
final class PutLatency {
    /** Upper ends (ms, inclusive) of RocketMQ's ranges; the last range is open. */
    private static final long[] RANGE_ENDS = {0, 10, 50, 100, 200, 500, 1_000, 2_000, 3_000, 4_000, 5_000, 10_000};
    private static final String[] RANGE_NAMES = {"[<=0ms]", "[0~10ms]", "[10~50ms]", "[50~100ms]", "[100~200ms]",
        "[200~500ms]", "[500ms~1s]", "[1~2s]", "[2~3s]", "[3~4s]", "[4~5s]", "[5~10s]", "[10s~]"};
    /**
     * Finer buckets for the percentiles: [0,1) ms, then one per ms below 100 ms, per 10 ms below 1 s, per 100 ms below
     * 10 s, and one for the rest; a percentile is interpolated within its bucket.
     */
    private static final int BUCKETS = 1 + 99 + 90 + 90 + 1;

    private final LongAccumulator max = new LongAccumulator(Math::max, 0);
    private volatile Minute current = new Minute();
    private volatile Minute last = new Minute();

    private static final class Minute {
        final AtomicLongArray ranges = new AtomicLongArray(RANGE_NAMES.length);
        final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    }

    void record(long millis) {
        long ms = Math.max(0, millis);
        max.accumulate(ms);
        Minute m = current;
        m.ranges.incrementAndGet(range(ms));
        m.buckets.incrementAndGet(bucket(ms));
    }

    /** Starts a new minute; the one that ends is what the other methods report. */
    void rotate() {
        last = current;
        current = new Minute();
    }

    long max() {
        return max.get();
    }

    /** "[<=0ms]:n [0~10ms]:n ... [10s~]:n " over the last full minute, as RocketMQ prints it. */
    String distribution() {
        Minute m = last;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < RANGE_NAMES.length; i++) {
            sb.append(RANGE_NAMES[i]).append(':').append(m.ranges.get(i)).append(' ');
        }
        return sb.toString();
    }

    /** The {@code fraction} percentile (0.99) of the last full minute in ms, "%.2f"; 0.00 when nothing was put. */
    String percentile(double fraction) {
        Minute m = last;
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += m.buckets.get(i);
        }
        double rank = total * fraction;
        double value = 0;
        long below = 0;
        for (int i = 0; i < BUCKETS && total > 0; i++) {
            long n = m.buckets.get(i);
            if (n > 0 && below + n >= rank) {
                value = lower(i) + (upper(i) - lower(i)) * (rank - below) / n;
                break;
            }
            below += n;
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static int range(long ms) {
        for (int i = 0; i < RANGE_ENDS.length; i++) {
            if (ms <= RANGE_ENDS[i]) {
                return i;
            }
        }
        return RANGE_ENDS.length;
    }

    static int bucket(long ms) {
        if (ms < 100) {
            return (int) ms;
        }
        if (ms < 1_000) {
            return 100 + (int) (ms - 100) / 10;
        }
        if (ms < 10_000) {
            return 190 + (int) (ms - 1_000) / 100;
        }
        return BUCKETS - 1;
    }

    static long lower(int bucket) {
        if (bucket < 100) {
            return bucket;
        }
        if (bucket < 190) {
            return 100 + (bucket - 100) * 10L;
        }
        if (bucket < 280) {
            return 1_000 + (bucket - 190) * 100L;
        }
        return 10_000;
    }

    /** The bucket's end; the open last bucket is given 10 s of width. */
    static long upper(int bucket) {
        return bucket < 100 ? bucket + 1 : bucket < 190 ? lower(bucket) + 10 : bucket < 280 ? lower(bucket) + 100 : 20_000;
    }
}
