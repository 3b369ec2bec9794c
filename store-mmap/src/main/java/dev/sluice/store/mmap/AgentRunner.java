package dev.sluice.store.mmap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Runs an {@link Agent} on its own daemon thread until closed. */
final class AgentRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRunner.class);

    private final Agent agent;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean idle;

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

    private void run() {
        while (running) {
            int work;
            try {
                work = agent.doWork();
            } catch (Exception | Error e) {
                LOG.error("{} failed; retrying after its idle interval", agent.name(), e);
                work = 0;
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
