package dev.sluice.client.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Keeps senders away from broker groups that failed or answered slowly: the slower the last call, the longer the
 * group is avoided (RocketMQ's latency ladder: under 550 ms never; up to 10 min for calls of 15 s). A failed call
 * counts as the slowest. Off by default in the producer, as RocketMQ's {@code sendLatencyFaultEnable}.
 */
public final class FaultAvoidance {
    private static final long[] LATENCY_MILLIS = {50, 100, 550, 1000, 2000, 3000, 15000};
    private static final long[] AVOID_MILLIS = {0, 0, 30_000, 60_000, 120_000, 180_000, 600_000};

    private final LongSupplier clockMillis;
    private final Map<String, Long> avoidedUntil = new ConcurrentHashMap<>();
    private final boolean enabled;

    public FaultAvoidance(LongSupplier clockMillis) {
        this(clockMillis, true);
    }

    private FaultAvoidance(LongSupplier clockMillis, boolean enabled) {
        this.clockMillis = clockMillis;
        this.enabled = enabled;
    }

    /** Avoids no group: only a send's own retry skips the group that just failed. */
    public static FaultAvoidance off() {
        return new FaultAvoidance(() -> 0, false);
    }

    public void recordSuccess(String brokerName, long latencyMillis) {
        record(brokerName, avoidFor(latencyMillis));
    }

    /** A failure or timeout: avoid the group for the longest step. */
    public void recordFailure(String brokerName) {
        record(brokerName, AVOID_MILLIS[AVOID_MILLIS.length - 1]);
    }

    private void record(String brokerName, long avoidMillis) {
        if (!enabled) {
            return;
        }
        if (avoidMillis == 0) {
            avoidedUntil.remove(brokerName);
        } else {
            avoidedUntil.put(brokerName, clockMillis.getAsLong() + avoidMillis);
        }
    }

    static long avoidFor(long latencyMillis) {
        for (int i = LATENCY_MILLIS.length - 1; i >= 0; i--) {
            if (latencyMillis >= LATENCY_MILLIS[i]) {
                return AVOID_MILLIS[i];
            }
        }
        return 0;
    }

    public boolean isAvailable(String brokerName) {
        Long until = avoidedUntil.get(brokerName);
        return until == null || clockMillis.getAsLong() >= until;
    }
}
