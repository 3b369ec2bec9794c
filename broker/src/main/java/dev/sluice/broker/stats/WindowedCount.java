package dev.sluice.broker.stats;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * A running sum and how many additions made it, with the snapshots RocketMQ's StatsItem keeps for its windows: every
 * 10 s for the last minute, every 10 min for the last hour, every hour for the last day. A window is measured from its
 * oldest snapshot to the live sum, so it holds from the first addition on.
 */
final class WindowedCount {
    static final long SAMPLE_MILLIS = 10_000;
    private static final long MINUTE_MILLIS = 60_000;
    private static final long HOUR_MILLIS = 60 * MINUTE_MILLIS;
    private static final long DAY_MILLIS = 24 * HOUR_MILLIS;

    private final LongAdder sum = new LongAdder();
    private final LongAdder times = new LongAdder();
    private final Window minute = new Window(MINUTE_MILLIS, SAMPLE_MILLIS);
    private final Window hour = new Window(HOUR_MILLIS, 10 * MINUTE_MILLIS);
    private final Window day = new Window(DAY_MILLIS, HOUR_MILLIS);

    WindowedCount(long createdMillis) {
        Snapshot zero = new Snapshot(createdMillis, 0, 0);
        minute.add(zero);
        hour.add(zero);
        day.add(zero);
    }

    void add(long value) {
        sum.add(value);
        times.increment();
    }

    long sum() {
        return sum.sum();
    }

    /** Called every {@link #SAMPLE_MILLIS}; the longer windows take a snapshot when their own period has passed. */
    synchronized void sample(long nowMillis) {
        Snapshot now = now(nowMillis);
        minute.add(now);
        hour.add(now);
        day.add(now);
    }

    synchronized Stats lastMinute(long nowMillis) {
        return minute.stats(now(nowMillis));
    }

    synchronized Stats lastHour(long nowMillis) {
        return hour.stats(now(nowMillis));
    }

    synchronized Stats lastDay(long nowMillis) {
        return day.stats(now(nowMillis));
    }

    private Snapshot now(long nowMillis) {
        return new Snapshot(nowMillis, sum.sum(), times.sum());
    }

    /**
     * What a window saw: the sum added, per second, and per addition (RocketMQ's avgpt: for message counts, messages
     * per request).
     */
    record Stats(long sum, double tps, double avgpt) {
    }

    private record Snapshot(long atMillis, long sum, long times) {
    }

    /** Snapshots at least {@code periodMillis} apart, none older than the window needs. */
    private static final class Window {
        private final long lengthMillis;
        private final long periodMillis;
        private final ArrayDeque<Snapshot> snapshots = new ArrayDeque<>();

        Window(long lengthMillis, long periodMillis) {
            this.lengthMillis = lengthMillis;
            this.periodMillis = periodMillis;
        }

        void add(Snapshot s) {
            Snapshot last = snapshots.peekLast();
            if (last != null && s.atMillis - last.atMillis < periodMillis) {
                return;
            }
            snapshots.addLast(s);
            while (snapshots.size() > 1 && snapshots.peekFirst().atMillis < s.atMillis - lengthMillis) {
                snapshots.removeFirst();
            }
        }

        Stats stats(Snapshot now) {
            Snapshot base = snapshots.peekFirst();
            long sum = now.sum - base.sum;
            long times = now.times - base.times;
            long millis = now.atMillis - base.atMillis;
            return new Stats(sum, millis <= 0 ? 0 : sum * 1000.0 / millis, times == 0 ? 0 : (double) sum / times);
        }
    }
}
