package dev.sluice.store.mmap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Runs an {@link Agent} on its own daemon thread until closed. */
final class AgentRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRunner.class);
    static final long MAX_BACKOFF_MILLIS = 1000;

    private final Agent agent;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean idle;
    /** Failed rounds in a row; the runner thread's own. */
    private int failures;

    AgentRunner(Agent agent) {
        this.agent = agent;
        this.thread = new Thread(this::run, "sluice-" + agent.name());
        this.thread.setDaemon(true);
    }

    AgentRunner start() {
        thread.start();
        return this;
    }

    Thread thread() {
        return thread;
    }

    /**
     * Ends an idle wait early. Costs a volatile read while the agent is busy, so callers may call it per message;
     * the unpark system call happens only when the agent is parked.
     */
    void wake() {
        if (idle) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * The rounds run inside the catch, idle waits included: the JVM reports a fault on a mapped page (a full disk) as
     * an InternalError thrown late, wherever the thread has got to by then, and an agent thread that died would stop
     * dispatch or flushing for good. A failing agent pauses longer each time, up to {@link #MAX_BACKOFF_MILLIS}; its
     * failure is logged with the stack once, then counted once a minute while it lasts.
     */
    private void run() {
        long lastReportMillis = 0;
        while (running) {
            try {
                rounds();
                return;
            } catch (Exception | Error e) {
                idle = false;
                failures++;
                long now = System.currentTimeMillis();
                if (failures == 1) {
                    LOG.error("{} failed; retrying with a growing pause", agent.name(), e);
                    lastReportMillis = now;
                } else if (now - lastReportMillis >= 60_000) {
                    LOG.error("{} still failing ({} times in a row): {}", agent.name(), failures, e.toString());
                    lastReportMillis = now;
                }
                long pause = Math.min(MAX_BACKOFF_MILLIS, 1L << Math.min(failures, 10));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pause));
            }
        }
    }

    /** Runs rounds until closed; the first round that completes ends a run of failures. */
    private void rounds() throws Exception {
        while (running) {
            int work = agent.doWork();
            if (failures > 0) {
                LOG.info("{} works again after {} failure(s)", agent.name(), failures);
                failures = 0;
            }
            if (work == 0 && running) {
                // Publish idle before asking how long to idle: a waker that arrives after this sees idle and
                // unparks, one that arrived before has already made the agent's idleMillis() 0.
                idle = true;
                long millis = agent.idleMillis();
                if (millis > 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
                }
                idle = false;
            }
        }
    }

    /** Stops the loop and waits for the current round to end. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("{} did not stop within 30 s", agent.name());
        }
    }
}
