package dev.sluice.remoting;

/**
 * Per-connection socket settings of a server's or a client's connections, as RocketMQ's Netty keys set them: 0 leaves
 * the system's (or Netty's) default.
 */
public final class SocketSettings {
    private int sndBufSize;
    private int rcvBufSize;
    private int writeBufferLowWaterMark;
    private int writeBufferHighWaterMark;
    private boolean pooledAllocator;

    SocketSettings(boolean pooledAllocator) {
        this.pooledAllocator = pooledAllocator;
    }

    public int sndBufSize() {
        return sndBufSize;
    }

    /** SO_SNDBUF; 0 leaves the system's default. */
    public SocketSettings sndBufSize(int bytes) {
        this.sndBufSize = bytes;
        return this;
    }

    public int rcvBufSize() {
        return rcvBufSize;
    }

    /** SO_RCVBUF; 0 leaves the system's default. */
    public SocketSettings rcvBufSize(int bytes) {
        this.rcvBufSize = bytes;
        return this;
    }

    public int writeBufferLowWaterMark() {
        return writeBufferLowWaterMark;
    }

    public int writeBufferHighWaterMark() {
        return writeBufferHighWaterMark;
    }

    /**
     * Netty's write-buffer water marks, used only when both are positive (as RocketMQ does); otherwise Netty's defaults.
     *
     * @throws IllegalArgumentException when both are positive and {@code low} exceeds {@code high}
     */
    public SocketSettings writeBufferWaterMark(int low, int high) {
        if (low > 0 && high > 0 && low > high) {
            throw new IllegalArgumentException("write buffer low water mark " + low + " exceeds the high one " + high);
        }
        this.writeBufferLowWaterMark = low;
        this.writeBufferHighWaterMark = high;
        return this;
    }

    public boolean pooledAllocator() {
        return pooledAllocator;
    }

    /** true: Netty's pooled allocator; false: whatever Netty's default is ({@code io.netty.allocator.type}). */
    public SocketSettings pooledAllocator(boolean pooledAllocator) {
        this.pooledAllocator = pooledAllocator;
        return this;
    }
}
