package dev.sluice.store.mmap;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sluice.testing.Deadline;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An agent whose rounds fail, even with an Error thrown outside its work (as the JVM throws the InternalError of a
 * fault on a mapped page, late), keeps its thread and works again once the failures stop.
 */
class AgentRunnerTest {
    @Test
    void failuresInAndAroundTheWorkNeverEndTheThread() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger idleAsks = new AtomicInteger();
        AtomicInteger worked = new AtomicInteger();
        Agent agent = new Agent() {
            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public int doWork() throws Exception {
                int n = calls.incrementAndGet();
                if (n <= 3) {
                    throw new InternalError("a fault occurred in a recent unsafe memory access operation");
                }
                if (n == 4) {
                    throw new java.io.IOException("No space left on device");
                }
                worked.incrementAndGet();
                return 0;
            }

            @Override
            public long idleMillis() {
                // The idle wait runs outside doWork: an Error here stands for one delivered late.
                if (idleAsks.incrementAndGet() == 2) {
                    throw new InternalError("late");
                }
                return 1;
            }
        };
        AgentRunner runner = new AgentRunner(agent).start();
        try {
            Deadline.await("the agent works again after its failures", Duration.ofSeconds(20), () -> worked.get() >= 5);
        } finally {
            runner.close();
        }
        assertFalse(runner.thread().isAlive());
    }
}
