package dev.sluice.broker;

import dev.sluice.broker.stats.RequestPool;
import java.time.Clock;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads, and bounded request pools: a flood is refused (SYSTEM_BUSY) rather than queued without end. */
final class BrokerThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger(1);

    BrokerThreads(String prefix) {
        this.prefix = prefix;
    }

    static RequestPool pool(String name, int threads, int queueCapacity, Clock clock) {
        return new RequestPool(threads, queueCapacity, new BrokerThreads(name), clock);
    }

    @Override
    public Thread newThread(Runnable runnable) {
        Thread thread = new Thread(runnable, prefix + "-" + next.getAndIncrement());
        thread.setDaemon(true);
        return thread;
    }
}
