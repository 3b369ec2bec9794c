package dev.sluice.replication.sync;

import dev.sluice.replication.ha.HaServer;
import dev.sluice.replication.ha.MasterReplicator;
import dev.sluice.store.AppendStatus;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * SYNC_MASTER acknowledgements (spec §15): a send waits until a slave confirms an offset at or past its end, so one
 * confirmation completes every send waiting below it (group completion). With no slave, or one more than
 * {@code haSlaveFallbehindMax} behind, a send answers SLAVE_NOT_AVAILABLE at once; after {@code slaveTimeout} it
 * answers FLUSH_SLAVE_TIMEOUT. Either way the message is stored.
 */
final class GroupAcks implements MasterReplicator.AckPolicy {
    private static final CompletableFuture<AppendStatus> OK = CompletableFuture.completedFuture(AppendStatus.PUT_OK);
    private static final CompletableFuture<AppendStatus> NO_SLAVE =
            CompletableFuture.completedFuture(AppendStatus.SLAVE_NOT_AVAILABLE);
    private static final long TICK_MILLIS = 10;

    private final long fallbehindMax;
    private final long timeoutMillis;
    private final Clock clock;
    private final Waiters waiters = new Waiters();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-sync-acks");
        t.setDaemon(true);
        return t;
    });
    private volatile long acked = -1;

    GroupAcks(long fallbehindMax, long timeoutMillis, Clock clock) {
        this.fallbehindMax = fallbehindMax;
        this.timeoutMillis = timeoutMillis;
        this.clock = clock;
        timer.scheduleWithFixedDelay(() -> waiters.expire(clock.millis()), TICK_MILLIS, TICK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<AppendStatus> onAppended(HaServer server, long endOffset, boolean wait) {
        if (!wait) {
            return OK;
        }
        long confirmed = Math.max(acked, server.ackedOffset());
        if (server.connectedSlaves() == 0 || endOffset - Math.max(0, confirmed) >= fallbehindMax) {
            return NO_SLAVE;
        }
        if (confirmed >= endOffset) {
            return OK;
        }
        CompletableFuture<AppendStatus> future = new CompletableFuture<>();
        waiters.add(endOffset, clock.millis() + timeoutMillis, future);
        // A confirmation may have come between the check and the queueing: acked is written before the confirming
        // thread takes from the queue, so either it takes this send or this sees its offset. The entry left behind
        // goes with the next confirmation or time-out (completing a done future does nothing).
        if (acked >= endOffset) {
            future.complete(AppendStatus.PUT_OK);
        }
        return future;
    }

    /** On the HA event loop, the only caller of {@link Waiters#confirm}. */
    @Override
    public void acked(long offset) {
        if (offset > acked) {
            acked = offset;
        }
        waiters.confirm(offset);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        waiters.expireAll();
    }
}
