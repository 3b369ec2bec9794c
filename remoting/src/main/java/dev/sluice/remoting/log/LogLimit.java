package dev.sluice.remoting.log;

import java.util.function.LongSupplier;

/**
 * Caps how often one kind of line is logged: what a peer can cause once per request or connection (a bad frame, a
 * refused request) must not let it write the log at its own rate. A line that is let through says how many like it
 * were left out before it.
 */
public final class LogLimit {
    private final int linesPerWindow;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private long windowStart;
    private int inWindow;
    private long leftOut;

    /** At most {@code linesPerWindow} lines each {@code windowMillis}. */
    public LogLimit(int linesPerWindow, long windowMillis) {
        this(linesPerWindow, windowMillis, System::nanoTime);
    }

    LogLimit(int linesPerWindow, long windowMillis, LongSupplier nanoTime) {
        this.linesPerWindow = linesPerWindow;
        this.windowNanos = windowMillis * 1_000_000;
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
    }

    /** Ten lines a minute. */
    public static LogLimit perMinute() {
        return new LogLimit(10, 60_000);
    }

    /**
     * Whether to log this line: null to leave it out, else the suffix to append to it ("" or " (N more like it not
     * logged)").
     */
    public synchronized String next() {
        long now = nanoTime.getAsLong();
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= linesPerWindow) {
            leftOut++;
            return null;
        }
        inWindow++;
        String suffix = leftOut == 0 ? "" : " (" + leftOut + " more like it not logged)";
        leftOut = 0;
        return suffix;
    }
}
