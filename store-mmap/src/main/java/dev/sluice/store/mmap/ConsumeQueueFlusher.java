package dev.sluice.store.mmap;

import java.io.IOException;
import java.time.Clock;

/**
 * Flushes ConsumeQueues (flushIntervalConsumeQueue, flushConsumeQueueLeastPages,
 * flushConsumeQueueThoroughInterval) and then writes the checkpoint, so the checkpoint never claims more
 * than is on disk.
 */
final class ConsumeQueueFlusher implements Agent {
    private final ConsumeQueueTable queues;
    private final Dispatcher dispatcher;
    private final CommitLog commitLog;
    private final Checkpoint checkpoint;
    private final Clock clock;
    private final long interval;
    private final long leastBytes;
    private final long thoroughInterval;
    private long lastThorough;
    private long durableDispatched = -1;
    private long lastCheckpointCommitLog = -1;
    private long lastCheckpointDispatched = -1;

    ConsumeQueueFlusher(ConsumeQueueTable queues, Dispatcher dispatcher, CommitLog commitLog, Checkpoint checkpoint,
                        Clock clock, long interval, int leastPages, long thoroughInterval) {
        this.queues = queues;
        this.dispatcher = dispatcher;
        this.commitLog = commitLog;
        this.checkpoint = checkpoint;
        this.clock = clock;
        this.interval = interval;
        this.leastBytes = (long) leastPages * 4096;
        this.thoroughInterval = thoroughInterval;
        this.lastThorough = clock.millis();
    }

    @Override
    public String name() {
        return "consumequeue-flusher";
    }

    @Override
    public long idleMillis() {
        return interval;
    }

    @Override
    public int doWork() throws IOException {
        long now = clock.millis();
        boolean thorough = now - lastThorough >= thoroughInterval;
        long dispatched = dispatcher.dispatchedOffset();
        long dirty = 0;
        for (ConsumeQueue cq : queues.all()) {
            dirty += cq.dirtyBytes();
        }
        if (dirty > 0 && (thorough || dirty >= leastBytes)) {
            for (ConsumeQueue cq : queues.all()) {
                cq.flush();
            }
            durableDispatched = dispatched;
            lastThorough = thorough ? now : lastThorough;
        } else if (dirty == 0) {
            durableDispatched = dispatched;
        }
        writeCheckpoint(false);
        return 0;
    }

    /** Flushes every queue and writes the checkpoint (clean shutdown). */
    void flushAll() throws IOException {
        long dispatched = dispatcher.dispatchedOffset();
        for (ConsumeQueue cq : queues.all()) {
            cq.flush();
        }
        durableDispatched = dispatched;
        writeCheckpoint(true);
    }

    private void writeCheckpoint(boolean always) throws IOException {
        long flushed = commitLog.flushedOffset();
        long durable = Math.min(durableDispatched, flushed);
        if (durableDispatched < 0
                || (!always && flushed == lastCheckpointCommitLog && durable == lastCheckpointDispatched)) {
            return;
        }
        long now = clock.millis();
        checkpoint.write(flushed, durable, now, now);
        lastCheckpointCommitLog = flushed;
        lastCheckpointDispatched = durable;
    }
}
