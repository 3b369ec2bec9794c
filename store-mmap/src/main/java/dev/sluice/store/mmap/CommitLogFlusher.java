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
 * With a transient store pool it also commits the pool buffers to the files as {@link PoolCommits} says (readers
 * see only committed bytes), and checks for a force at the policy's own interval between commits.
 * A failed force is fatal: every waiter is told, and the store refuses appends from then on. A failed commit is not:
 * the bytes stay in their pool buffer, appends are refused as "disk full", and the next round tries again.
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
    /** Null without a transient store pool: then every round is a force check and commit has nothing to do. */
    private final PoolCommits commits;
    private long lastCommit;
    private long lastFullForce;
    private long lastForceCheck;
    /**
     * The last pool commit failed: appends are refused until one succeeds (or retention sees room), and commits are
     * tried once per commit interval. Flusher thread only.
     */
    private boolean commitFailing;
    private volatile AgentRunner runner;

    /** @param commits when pool buffers are committed, or null without a transient store pool */
    CommitLogFlusher(CommitLog commitLog, FlushPolicy policy, Clock clock, PoolCommits commits) {
        this.commitLog = commitLog;
        this.policy = policy;
        this.clock = clock;
        this.commits = commits;
        this.lastFullForce = clock.millis();
        this.lastForceCheck = lastFullForce;
        this.lastCommit = lastFullForce;
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
        if (policy.acknowledgeAfterFlush() && !waiters.isEmpty()) {
            return 0;
        }
        if (commits == null) {
            return policy.checkIntervalMillis();
        }
        if (commitFailing) {
            return Math.max(1, commits.intervalMillis() - (clock.millis() - lastCommit)); // no busy retry
        }
        if (commits.wakes(uncommitted())) {
            return 0;
        }
        long untilForceCheck = policy.checkIntervalMillis() - (clock.millis() - lastForceCheck);
        return Math.max(1, Math.min(commits.intervalMillis(), untilForceCheck));
    }

    /**
     * After an append: in pool mode, wakes the committer once enough bytes wait for it (see {@link PoolCommits}), as
     * RocketMQ wakes its commit service on every put. Three volatile reads while fewer wait.
     */
    void appended() {
        if (commits != null && commits.wakes(uncommitted())) {
            AgentRunner r = runner;
            if (r != null) {
                r.wake();
            }
        }
    }

    private long uncommitted() {
        return commitLog.maxOffset() - commitLog.readableOffset();
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
        AgentRunner r = runner;
        if (r != null) {
            r.wake();
        }
        return w.future();
    }

    @Override
    public int doWork() {
        long flushed;
        try {
            long now = clock.millis();
            if (commits != null && (!waiters.isEmpty() || commits.due(uncommitted(), now - lastCommit))
                    && (!commitFailing || now - lastCommit >= commits.intervalMillis())) {
                lastCommit = now;
                if (!commitPool()) {
                    return completeWaiters(commitLog.flushedOffset());
                }
            }
            long dirty = commitLog.readableOffset() - commitLog.flushedOffset();
            boolean forceDue = commits == null || !waiters.isEmpty()
                    || now - lastForceCheck >= policy.checkIntervalMillis();
            if (forceDue) {
                lastForceCheck = now;
            }
            if (forceDue && policy.shouldForce(dirty, now - lastFullForce, !waiters.isEmpty())) {
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

    /**
     * Copies the pool buffers into the files. The acknowledged bytes in a buffer exist nowhere else: a commit the disk
     * has no room for (or that fails otherwise) keeps them there to be tried again next round, as RocketMQ's commit
     * service does, and refuses appends meanwhile so that no more pile up.
     *
     * @return whether everything was committed
     */
    private boolean commitPool() {
        try {
            commitLog.commit();
        } catch (IOException e) {
            String reason = "disk full: cannot commit the transient store pool to " + commitLog.segments().dir()
                    + " (" + e.getMessage() + "); appends resume once it can";
            if (!commitFailing) {
                commitFailing = true;
                LOG.error("{}; {} acknowledged bytes wait in the pool", reason, uncommitted());
            }
            commitLog.diskFull(reason);
            return false;
        }
        if (commitFailing) {
            commitFailing = false;
            LOG.info("the transient store pool commits again; accepting appends");
            commitLog.diskFull(null);
        }
        return true;
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

    /** Final flush at close: everything written is forced and every waiter answered. */
    void flushAll() {
        try {
            if (commits != null && !commitPool()) {
                LOG.error("closing with {} acknowledged bytes the transient store pool could not commit: they are lost",
                        uncommitted());
            }
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
