package dev.sluice.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Polls a condition until it holds or the deadline passes: tests never wait unboundedly. */
public final class Deadline {
    /** A condition that may throw, so callers can poll remote calls and files directly. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Deadline() {
    }

    /** Returns once {@code condition} holds; fails with {@code what} after {@code timeout}. */
    public static void await(String what, Duration timeout, Condition condition) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
