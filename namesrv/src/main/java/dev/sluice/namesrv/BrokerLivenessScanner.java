package dev.sluice.namesrv;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Periodically drops brokers that stopped registering, and closes their connections. */
final class BrokerLivenessScanner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLivenessScanner.class);
    /** RocketMQ scans for the first time 5 s after start; a shorter configured interval wins. */
    private static final long FIRST_SCAN_DELAY_MILLIS = 5_000;

    private final RouteRegistry registry;
    private final Clock clock;
    private final long intervalMillis;
    private final LongSupplier expiryMillis;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(new NamedThreads("namesrv-liveness"));

    /** @param expiryMillis read at every scan, so a changed brokerChannelExpiredTime applies at the next one */
    BrokerLivenessScanner(RouteRegistry registry, Clock clock, long intervalMillis, LongSupplier expiryMillis) {
        this.registry = registry;
        this.clock = clock;
        this.intervalMillis = intervalMillis;
        this.expiryMillis = expiryMillis;
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::scan, Math.min(FIRST_SCAN_DELAY_MILLIS, intervalMillis), intervalMillis,
                TimeUnit.MILLISECONDS);
    }

    private void scan() {
        try {
            for (RouteRegistry.ExpiredBroker broker : registry.expire(clock.millis(), expiryMillis.getAsLong())) {
                if (broker.connection() != null) {
                    broker.connection().close();
                }
            }
        } catch (RuntimeException e) {
            // A failed scan must not cancel the schedule: log it and try again next time.
            LOG.error("broker liveness scan failed", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
