package dev.sluice.replication.sync;

import dev.sluice.replication.ha.HaServer;
import dev.sluice.replication.ha.MasterReplicator;
import dev.sluice.store.AppendStatus;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
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

    private record Waiter(long endOffset, long deadline, CompletableFuture<AppendStatus> future) {
    }

    private final long fallbehindMax;
    private final long timeoutMillis;
    private final Clock clock;
    /** By end offset, for confirmations; and by arrival (so by deadline), for time-outs. Guarded by this. */
    private final PriorityQueue<Waiter> byOffset = new PriorityQueue<>(Comparator.comparingLong(Waiter::endOffset));
    private final ArrayDeque<Waiter> byArrival = new ArrayDeque<>();
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
        timer.scheduleWithFixedDelay(this::expire, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
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
        Waiter w = new Waiter(endOffset, clock.millis() + timeoutMillis, new CompletableFuture<>());
        synchronized (this) {
            byOffset.add(w);
            byArrival.add(w);
        }
        // A confirmation may have come between the check and the queueing.
        if (acked >= endOffset) {
            acked(acked);
        }
        return w.future();
    }

    @Override
    public void acked(long offset) {
        List<Waiter> done = new ArrayList<>();
        synchronized (this) {
            if (offset > acked) {
                acked = offset;
            }
            while (!byOffset.isEmpty() && byOffset.peek().endOffset() <= offset) {
                done.add(byOffset.poll());
            }
        }
        // Completed outside the lock: completion runs the send's response.
        for (Waiter w : done) {
            w.future().complete(AppendStatus.PUT_OK);
        }
        synchronized (this) {
            while (!byArrival.isEmpty() && byArrival.peek().future().isDone()) {
                byArrival.poll();
            }
        }
    }

    private void expire() {
        long now = clock.millis();
        List<Waiter> late = new ArrayList<>();
        synchronized (this) {
            while (!byArrival.isEmpty() && (byArrival.peek().deadline() <= now || byArrival.peek().future().isDone())) {
                Waiter w = byArrival.poll();
                if (!w.future().isDone()) {
                    late.add(w);
                    byOffset.remove(w);
                }
            }
        }
        for (Waiter w : late) {
            w.future().complete(AppendStatus.FLUSH_SLAVE_TIMEOUT);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        List<Waiter> left;
        synchronized (this) {
            left = new ArrayList<>(byArrival);
            byArrival.clear();
            byOffset.clear();
        }
        for (Waiter w : left) {
            w.future().complete(AppendStatus.FLUSH_SLAVE_TIMEOUT);
        }
    }
}
