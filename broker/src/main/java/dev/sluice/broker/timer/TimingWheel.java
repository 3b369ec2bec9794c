package dev.sluice.broker.timer;

import java.util.Arrays;

/**
 * A hashed timing wheel of (due time, reference) pairs held in primitive arrays: slot = (due / tick) mod slots. A slot
 * also holds entries of later revolutions; they stay until their time comes, so the wheel's span does not limit how
 * far ahead an entry may be. {@link #advance} hands over exactly the entries due at or before the given time — never
 * one early, never one twice — however far time jumped since the previous call. Not thread-safe.
 */
final class TimingWheel {
    /** Receives due entries. */
    interface Sink {
        void due(long dueMillis, long reference);
    }

    private final long tickMillis;
    private final int mask;
    private final long[][] dues;
    private final long[][] refs;
    private final int[] sizes;
    /** The tick last advanced to; slots of earlier ticks hold nothing due before it. */
    private long cursor;
    private int size;

    /**
     * @param slots      a power of two
     * @param tickMillis width of a slot
     * @param nowMillis  start time
     */
    TimingWheel(int slots, long tickMillis, long nowMillis) {
        if (Integer.bitCount(slots) != 1 || tickMillis <= 0) {
            throw new IllegalArgumentException("slots must be a power of two and the tick positive");
        }
        this.tickMillis = tickMillis;
        this.mask = slots - 1;
        this.dues = new long[slots][];
        this.refs = new long[slots][];
        this.sizes = new int[slots];
        this.cursor = Math.floorDiv(nowMillis, tickMillis);
    }

    void add(long dueMillis, long reference) {
        // An entry whose tick the wheel has passed goes to the current slot, the next one advance() looks at.
        long tick = Math.max(Math.floorDiv(dueMillis, tickMillis), cursor);
        int slot = (int) (tick & mask);
        int n = sizes[slot];
        if (dues[slot] == null) {
            dues[slot] = new long[4];
            refs[slot] = new long[4];
        } else if (n == dues[slot].length) {
            dues[slot] = Arrays.copyOf(dues[slot], n * 2);
            refs[slot] = Arrays.copyOf(refs[slot], n * 2);
        }
        dues[slot][n] = dueMillis;
        refs[slot][n] = reference;
        sizes[slot] = n + 1;
        size++;
    }

    /** Removes every entry due at or before {@code nowMillis} and gives it to {@code sink}. */
    void advance(long nowMillis, Sink sink) {
        long target = Math.floorDiv(nowMillis, tickMillis);
        if (target < cursor) {
            // Time went backwards: the current slot may still hold something due.
            target = cursor;
        }
        // Past one revolution every slot has been visited; later ticks map onto the same slots again.
        long last = Math.min(target, cursor + mask);
        for (long tick = cursor; tick <= last; tick++) {
            drain((int) (tick & mask), nowMillis, sink);
        }
        cursor = target;
    }

    private void drain(int slot, long nowMillis, Sink sink) {
        int n = sizes[slot];
        if (n == 0) {
            return;
        }
        long[] d = dues[slot];
        long[] r = refs[slot];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (d[i] <= nowMillis) {
                sink.due(d[i], r[i]);
            } else {
                d[kept] = d[i];
                r[kept] = r[i];
                kept++;
            }
        }
        sizes[slot] = kept;
        size -= n - kept;
        if (kept == 0 && d.length > 64) {
            dues[slot] = null;
            refs[slot] = null;
        }
    }

    /** Entries not yet handed over. */
    int size() {
        return size;
    }
}
