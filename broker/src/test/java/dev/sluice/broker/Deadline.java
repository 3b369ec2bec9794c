package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds or the deadline passes; never waits unboundedly. */
final class Deadline {
    private Deadline() {
    }

    static void await(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                fail("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
