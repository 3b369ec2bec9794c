package dev.sluice.store.mmap;

import java.io.IOException;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the transient store pool's buffers into the CommitLog files as {@link PoolCommits} says; readers and the
 * flusher see only what it copied. It has a thread of its own, as RocketMQ's commit service has: a force that takes
 * seconds on a busy disk must not hold up the copies, or a killed process loses every acknowledged byte still in a
 * buffer (a whole file's worth was seen), not just the last commit interval's. A failed copy keeps the bytes in their
 * buffer to be tried again next interval, and appends are refused as "disk full" meanwhile.
 */
final class PoolCommitter implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(PoolCommitter.class);

    private final CommitLog commitLog;
    private final PoolCommits commits;
    private final Clock clock;
    /** Whether appends wait for a force (SYNC_FLUSH): then their bytes are copied at once. */
    private final BooleanSupplier forceAwaited;
    /** Tells the flusher that copied bytes may be forced now. */
    private final Runnable copied;
    private long lastCommit;
    /** The last copy failed. Committer thread only. */
    private boolean failing;
    private volatile AgentRunner runner;

    PoolCommitter(CommitLog commitLog, PoolCommits commits, Clock clock, BooleanSupplier forceAwaited,
                  Runnable copied) {
        this.commitLog = commitLog;
        this.commits = commits;
        this.clock = clock;
        this.forceAwaited = forceAwaited;
        this.copied = copied;
        this.lastCommit = clock.millis();
    }

    void runBy(AgentRunner agentRunner) {
        this.runner = agentRunner;
    }

    @Override
    public String name() {
        return "commitlog-committer";
    }

    /** After an append: wakes the committer once enough bytes wait, as RocketMQ wakes its commit service per put. */
    void appended() {
        if (commits.wakes(uncommitted())) {
            wake();
        }
    }

    /** Some append waits for a force of bytes that may not be copied yet. */
    void wake() {
        AgentRunner r = runner;
        if (r != null) {
            r.wake();
        }
    }

    @Override
    public long idleMillis() {
        if (failing) {
            return Math.max(1, commits.intervalMillis() - (clock.millis() - lastCommit)); // no busy retry
        }
        long uncommitted = uncommitted();
        if (commits.wakes(uncommitted) || uncommitted > 0 && forceAwaited.getAsBoolean()) {
            return 0;
        }
        return Math.max(1, commits.intervalMillis());
    }

    @Override
    public int doWork() {
        long now = clock.millis();
        long uncommitted = uncommitted();
        boolean due = uncommitted > 0 && forceAwaited.getAsBoolean() || commits.due(uncommitted, now - lastCommit);
        if (!due || failing && now - lastCommit < commits.intervalMillis()) {
            return 0;
        }
        lastCommit = now;
        if (!commitAll()) {
            return 0;
        }
        copied.run();
        return 1;
    }

    /**
     * Copies every buffer's new bytes into its file.
     *
     * @return whether everything was copied
     */
    boolean commitAll() {
        try {
            commitLog.commit();
        } catch (IOException e) {
            String reason = "disk full: cannot commit the transient store pool to " + commitLog.segments().dir()
                    + " (" + e.getMessage() + "); appends resume once it can";
            if (!failing) {
                failing = true;
                LOG.error("{}; {} acknowledged bytes wait in the pool", reason, uncommitted());
            }
            commitLog.diskFull(reason);
            return false;
        }
        if (failing) {
            failing = false;
            LOG.info("the transient store pool commits again; accepting appends");
            commitLog.diskFull(null);
        }
        return true;
    }

    /** At close, after the committer thread stopped. */
    void commitAtClose() {
        if (!commitAll()) {
            LOG.error("closing with {} acknowledged bytes the transient store pool could not commit: they are lost",
                    uncommitted());
        }
    }

    private long uncommitted() {
        return commitLog.maxOffset() - commitLog.readableOffset();
    }
}
