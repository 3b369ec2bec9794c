package dev.sluice.broker.schedule;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.broker.timer.TimerService;
import dev.sluice.store.DelayLevels;
import dev.sluice.store.MessageStore;
import dev.sluice.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that delivers messages later, on one thread of its own: delay levels ({@link ScheduleService}) and
 * arbitrary times ({@link TimerService}), both checked every {@value #PERIOD_MILLIS} ms. Sends are routed by
 * {@link #router()}.
 */
public final class DelayedDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedDelivery.class);
    static final long PERIOD_MILLIS = 100;

    private final DelayOffsetTable offsets;
    private final ScheduleService schedule;
    private final TimerService timer;
    private final DelayRouter router;
    private final ScheduledExecutorService thread;
    private final boolean slave;

    /**
     * Loads {@code <root>/config/delayOffset.json} and the timer's marks under {@code <root>/timer}; delivery starts
     * with {@link #start()}.
     */
    public DelayedDelivery(BrokerConfig config, StoreConfig storeConfig, MessageStore store, Clock clock)
            throws IOException {
        Path storeRoot = storeConfig.storePathRootDir();
        DelayLevels levels = storeConfig.messageDelayLevel();
        offsets = new DelayOffsetTable(new JsonFile(storeRoot.resolve("config").resolve("delayOffset.json")));
        offsets.load();
        schedule = new ScheduleService(store, offsets, levels, clock);
        timer = new TimerService(store, storeRoot.resolve("timer"), clock, TimerService.DEFAULT_ROLL_MILLIS);
        router = new DelayRouter(levels, config::timerMaxDelaySec, config::timerWheelEnable,
                clock::millis);
        slave = "SLAVE".equals(config.brokerRole());
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "broker-delayed-delivery");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts delivering, on a master only: a slave's store is a copy of its master's, which delivers. */
    public void start() {
        if (slave) {
            LOG.info("slave: delayed messages are delivered by the master");
            return;
        }
        thread.scheduleWithFixedDelay(this::runOnce, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        try {
            schedule.deliverDue();
            timer.tick();
        } catch (RuntimeException e) {
            // The next run tries again; an exception here must not cancel the periodic task.
            LOG.error("delayed delivery failed; retrying", e);
        }
    }

    public DelayRouter router() {
        return router;
    }

    /** Delivery progress of each delay level (GET_ALL_DELAY_OFFSET's body). */
    public DelayOffsetTable delayOffsets() {
        return offsets;
    }

    /** Stops delivering (waiting for a pass in flight) and saves progress. The store must still be open. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("delayed delivery did not stop within 10 s");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!slave) {
            // A slave's delayOffset.json is its master's copy (GET_ALL_DELAY_OFFSET), not this process's to write.
            schedule.persist();
        }
        try {
            timer.close();
        } catch (IOException e) {
            LOG.error("could not close the timer's delivered marks", e);
        }
    }
}
