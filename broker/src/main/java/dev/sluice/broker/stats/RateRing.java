package dev.sluice.broker.stats;

/**
 * A running total sampled once a second into a ring, so a rate over the last n seconds (n below the ring's size) is
 * one subtraction. Not thread-safe: {@link BrokerStats} guards it.
 */
final class RateRing {
    private final long[] totals;
    private final long[] times;
    private int head;
    private int samples;

    RateRing(int seconds) {
        totals = new long[seconds + 1];
        times = new long[seconds + 1];
    }

    void sample(long total, long millis) {
        head = (head + 1) % totals.length;
        totals[head] = total;
        times[head] = millis;
        samples = Math.min(samples + 1, totals.length);
    }

    long latest() {
        return totals[head];
    }

    /** Per second over the last {@code seconds} samples, or over fewer if the ring has not seen that many yet. */
    double rate(int seconds) {
        int back = Math.min(seconds, samples - 1);
        if (back <= 0) {
            return 0;
        }
        int from = Math.floorMod(head - back, totals.length);
        long millis = times[head] - times[from];
        return millis <= 0 ? 0 : (totals[head] - totals[from]) * 1000.0 / millis;
    }
}
