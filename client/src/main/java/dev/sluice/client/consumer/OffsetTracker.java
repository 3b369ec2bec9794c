package dev.sluice.client.consumer;

import org.roaringbitmap.longlong.Roaring64Bitmap;

/**
 * Which offsets of one queue are fetched but not yet processed. Messages of a queue are processed out of order by
 * concurrent listeners, so the offset safe to commit is the lowest unprocessed one; with nothing in flight it is the
 * offset the next pull starts at (which skips entries the tag filter dropped). Thread-safe.
 */
public final class OffsetTracker {
    private final Roaring64Bitmap inFlight = new Roaring64Bitmap();
    private long nextPullOffset;

    public OffsetTracker(long startOffset) {
        this.nextPullOffset = startOffset;
    }

    /** A pull delivered these offsets and the next pull starts at {@code nextBeginOffset}. */
    public synchronized void fetched(long[] offsets, long nextBeginOffset) {
        for (long offset : offsets) {
            inFlight.addLong(offset);
        }
        nextPullOffset = Math.max(nextPullOffset, nextBeginOffset);
    }

    /** The pull position moved without messages (nothing new, filtered, offset moved or a seek). */
    public synchronized void advanceTo(long nextBeginOffset) {
        nextPullOffset = Math.max(nextPullOffset, nextBeginOffset);
    }

    /** Forget everything and restart at {@code offset} (a seek or reset). */
    public synchronized void reset(long offset) {
        inFlight.clear();
        nextPullOffset = offset;
    }

    /** The message is done (consumed, or sent back for a retry): it no longer holds the committed offset back. */
    public synchronized void processed(long offset) {
        inFlight.removeLong(offset);
    }

    /** The offset to commit: every message below it is processed. */
    public synchronized long committable() {
        return inFlight.isEmpty() ? nextPullOffset : inFlight.first();
    }

    /** The lowest offset fetched and not processed, 0 with none (as RocketMQ reports an empty queue). */
    public synchronized long lowestInFlight() {
        return inFlight.isEmpty() ? 0 : inFlight.first();
    }

    /** The highest offset fetched and not processed, 0 with none. */
    public synchronized long highestInFlight() {
        return inFlight.isEmpty() ? 0 : inFlight.last();
    }

    public synchronized long inFlightCount() {
        return inFlight.getLongCardinality();
    }
}
