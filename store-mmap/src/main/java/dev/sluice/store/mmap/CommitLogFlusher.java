package dev.sluice.store.mmap;

import dev.sluice.store.AppendStatus;
import dev.sluice.store.spi.FlushPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Forces the CommitLog to disk as its {@link FlushPolicy} says, and completes the appends waiting for it.
 * With SYNC_FLUSH this is group commit: every waiter that arrived since the last force shares the next one.
 * With a transient store pool it forces what the {@link PoolCommitter} copied into the files.
 * A failed force is fatal: every waiter is told, and the store refuses appends from then on.
 */
final class CommitLogFlusher implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(CommitLogFlusher.class);
    private static final CompletableFuture<AppendStatus> DONE = CompletableFuture.completedFuture(AppendStatus.PUT_OK);

    private record Waiter(long endOffset, long deadline, CompletableFuture<AppendStatus> future) {
    }

    private final CommitLog commitLog;
    private final FlushPolicy policy;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private long lastFullForce;
    private volatile AgentRunner runner;
    /** Told when an append starts waiting for a force (a pool's committer then copies its bytes at once). */
    private volatile Runnable onWaiter = () -> { };

    CommitLogFlusher(CommitLog commitLog, FlushPolicy policy, Clock clock) {
        this.commitLog = commitLog;
        this.policy = policy;
        this.clock = clock;
        this.lastFullForce = clock.millis();
    }

    void onWaiter(Runnable listener) {
        this.onWaiter = listener;
    }

    void runBy(AgentRunner agentRunner) {
        this.runner = agentRunner;
    }

    @Override
    public String name() {
        return "commitlog-flusher";
    }

    @Override
    public long idleMillis() {
        // With a pool, what waiters wait for may not be copied into the files yet: the committer wakes this flusher
        // once it is (committed()), so nothing spins meanwhile.
        if (policy.acknowledgeAfterFlush() && !waiters.isEmpty()
                && commitLog.readableOffset() > commitLog.flushedOffset()) {
            return 0;
        }
        return policy.checkIntervalMillis();
    }

    /** Whether appends wait for a force. */
    boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    /** The pool's committer copied bytes into the files: force them now if appends wait for that. */
    void committed() {
        if (!waiters.isEmpty()) {
            wake();
        }
    }

    private void wake() {
        AgentRunner r = runner;
        if (r != null) {
            r.wake();
        }
    }

    /** Whether appends are acknowledged only once forced (SYNC_FLUSH): only then does a message's WAIT matter. */
    boolean acknowledgesAfterFlush() {
        return policy.acknowledgeAfterFlush();
    }

    /**
     * Completes when bytes up to {@code endOffset} are as durable as the policy requires: at once for
     * ASYNC_FLUSH or a message that does not wait, after the force (or FLUSH_DISK_TIMEOUT) otherwise.
     */
    CompletableFuture<AppendStatus> durable(long endOffset, boolean wait) {
        if (!policy.acknowledgeAfterFlush() || !wait || commitLog.flushedOffset() >= endOffset) {
            return DONE;
        }
        Waiter w = new Waiter(endOffset, clock.millis() + policy.flushTimeoutMillis(), new CompletableFuture<>());
        waiters.add(w);
        onWaiter.run();
        wake();
        return w.future();
    }

    @Override
    public int doWork() {
        long flushed;
        try {
            long now = clock.millis();
            long dirty = commitLog.readableOffset() - commitLog.flushedOffset();
            if (policy.shouldForce(dirty, now - lastFullForce, !waiters.isEmpty())) {
                commitLog.flush();
                if (commitLog.readableOffset() == commitLog.flushedOffset()) {
                    lastFullForce = now;
                }
            }
            flushed = commitLog.flushedOffset();
        } catch (IOException | RuntimeException e) {
            fail(e);
            return 0;
        }
        return completeWaiters(flushed);
    }

    private int completeWaiters(long flushed) {
        int completed = 0;
        long now = clock.millis();
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.endOffset() <= flushed) {
                w.future().complete(AppendStatus.PUT_OK);
            } else if (now >= w.deadline()) {
                w.future().complete(AppendStatus.FLUSH_DISK_TIMEOUT);
            } else {
                continue;
            }
            it.remove();
            completed++;
        }
        return completed;
    }

    private void fail(Exception e) {
        String reason = "store offline: CommitLog flush failed: " + e;
        LOG.error("{}; refusing appends until restart", reason, e);
        commitLog.goOffline(reason);
        for (Waiter w; (w = waiters.poll()) != null; ) {
            w.future().complete(AppendStatus.FLUSH_DISK_TIMEOUT);
        }
    }

    /** Final flush at close (after the pool's committer copied what it could): every readable byte forced. */
    void flushAll() {
        try {
            commitLog.flush();
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
        completeWaiters(commitLog.flushedOffset());
        for (Waiter w; (w = waiters.poll()) != null; ) {
            w.future().complete(AppendStatus.FLUSH_DISK_TIMEOUT);
        }
    }
}
