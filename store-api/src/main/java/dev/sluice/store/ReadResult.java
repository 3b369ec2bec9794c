package dev.sluice.store;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Messages read from one ConsumeQueue, as their stored record bytes.
 *
 * <p>The buffers may point straight into the store's mapped files so they can go to a socket without a
 * copy; they stay valid until {@link #close()}, which must be called exactly once (try-with-resources).
 */
public final class ReadResult implements AutoCloseable {
    private final ReadStatus status;
    private final List<ByteBuffer> messages;
    private final long nextOffset;
    private final long minOffset;
    private final long maxOffset;
    private final Runnable release;

    /**
     * @param status     outcome
     * @param messages   record bytes, one buffer per message, in queue order
     * @param nextOffset where the next read should start
     * @param minOffset  queue's min offset at the time of the read
     * @param maxOffset  queue's max offset (one past the last message) at the time of the read
     * @param release    returns the mapped-file references backing {@code messages}
     */
    public ReadResult(ReadStatus status, List<ByteBuffer> messages, long nextOffset, long minOffset,
                      long maxOffset, Runnable release) {
        this.status = status;
        this.messages = List.copyOf(messages);
        this.nextOffset = nextOffset;
        this.minOffset = minOffset;
        this.maxOffset = maxOffset;
        this.release = release;
    }

    /** A result carrying no messages. */
    public static ReadResult empty(ReadStatus status, long nextOffset, long minOffset, long maxOffset) {
        return new ReadResult(status, List.of(), nextOffset, minOffset, maxOffset, () -> { });
    }

    public ReadStatus status() {
        return status;
    }

    /** Record bytes (RocketMQ layout), valid until {@link #close()}. */
    public List<ByteBuffer> messages() {
        return messages;
    }

    public long nextOffset() {
        return nextOffset;
    }

    public long minOffset() {
        return minOffset;
    }

    public long maxOffset() {
        return maxOffset;
    }

    /** Total bytes of all returned records. */
    public int totalBytes() {
        int total = 0;
        for (ByteBuffer m : messages) {
            total += m.remaining();
        }
        return total;
    }

    @Override
    public void close() {
        release.run();
    }
}
