package dev.sluice.broker;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.BrokerConfig.Pool;
import dev.sluice.broker.stats.RequestPool;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * RocketMQ's fast failure, one pass of it: requests that waited in a pool's queue past its waitTimeMillsIn*Queue,
 * and every queued send while the store's append lock has been held past osPageCacheBusyTimeOutMills, are answered
 * SYSTEM_BUSY. A client told at once can go to another broker; one left waiting only times out, and the work it
 * left behind still runs. The broker runs a pass every {@link #PERIOD_MILLIS}.
 */
final class FastFailure implements Runnable {
    static final long PERIOD_MILLIS = 10;

    private final BrokerConfig config;
    private final Map<Pool, RequestPool> pools;
    private final LongSupplier appendLockHeldMillis;

    /** @param pools the pools to watch: those {@link BrokerConfig#waitTimeMillsInQueue} names a wait for */
    FastFailure(BrokerConfig config, Map<Pool, RequestPool> pools, LongSupplier appendLockHeldMillis) {
        this.config = config;
        this.pools = Map.copyOf(pools);
        this.appendLockHeldMillis = appendLockHeldMillis;
    }

    @Override
    public void run() {
        if (!config.brokerFastFailureEnable()) {
            return;
        }
        RequestPool send = pools.get(Pool.SEND);
        if (send != null && appendLockHeldMillis.getAsLong() > config.osPageCacheBusyTimeOutMills()) {
            send.refuseAll();
        }
        pools.forEach((pool, executor) -> {
            long wait = config.waitTimeMillsInQueue(pool);
            if (wait > 0) {
                executor.refuseExpired(wait);
            }
        });
    }
}
