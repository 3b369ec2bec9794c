package dev.sluice.jmh.store;

import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import org.apache.rocketmq.store.PutMessageResult;
import org.apache.rocketmq.store.PutMessageStatus;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.CompletableFuture;

/**
 * One thread's appends in flight, a sliding window of {@value #SIZE}: each call waits for the oldest and puts the
 * next in its place, so {@value #SIZE} stay outstanding all the time, as with a broker's concurrent requests. (A
 * burst of {@value #SIZE} followed by waiting for all of them keeps half as many outstanding on average and leaves
 * the store idle while the last force or replica acknowledgement of each burst is awaited.)
 */
@State(Scope.Thread)
public class InFlight {
    static final int SIZE = 256;

    private final CompletableFuture<?>[] ring = new CompletableFuture<?>[SIZE];
    private int oldest;

    /** Waits for the oldest append (failing on any status but PUT_OK) and puts {@code next} in its slot. */
    void replaceOldest(CompletableFuture<?> next) {
        CompletableFuture<?> done = ring[oldest];
        ring[oldest] = next;
        oldest = (oldest + 1) % SIZE;
        if (done != null) {
            check(done.join());
        }
    }

    /**
     * Waits for every outstanding append after each iteration. At trial level it would run too late: JMH tears down
     * the store (a scope-wide state) first, and a SYNC_MASTER store that closes with appends waiting for the slave
     * answers them FLUSH_SLAVE_TIMEOUT.
     */
    @TearDown(Level.Iteration)
    public void drain() {
        for (int i = 0; i < SIZE; i++) {
            if (ring[i] != null) {
                check(ring[i].join());
                ring[i] = null;
            }
        }
    }

    private static void check(Object result) {
        if (result instanceof AppendResult r && r.status() != AppendStatus.PUT_OK) {
            throw new IllegalStateException(r.status() + " " + r.remark());
        }
        if (result instanceof PutMessageResult r && r.getPutMessageStatus() != PutMessageStatus.PUT_OK) {
            throw new IllegalStateException(String.valueOf(r.getPutMessageStatus()));
        }
    }
}
