package dev.sluice.remoting;

/** Settings of a {@link RemotingClient}; defaults follow RocketMQ's client defaults. */
public final class RemotingClientConfig {
    private int connectTimeoutMillis = 3000;
    private int ioThreads = 1;
    private int maxFrameLength = RemotingServerConfig.DEFAULT_MAX_FRAME_LENGTH;
    private int maxIdleSeconds = 120;
    private boolean useEpollWhenAvailable = true;
    private int socketSndBufSize;
    private int socketRcvBufSize;
    private int writeBufferLowWaterMark;
    private int writeBufferHighWaterMark;
    private boolean pooledAllocator;

    public int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    public RemotingClientConfig connectTimeoutMillis(int connectTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
        return this;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public RemotingClientConfig ioThreads(int ioThreads) {
        this.ioThreads = ioThreads;
        return this;
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    public RemotingClientConfig maxFrameLength(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
        return this;
    }

    public int maxIdleSeconds() {
        return maxIdleSeconds;
    }

    public RemotingClientConfig maxIdleSeconds(int maxIdleSeconds) {
        this.maxIdleSeconds = maxIdleSeconds;
        return this;
    }

    public boolean useEpollWhenAvailable() {
        return useEpollWhenAvailable;
    }

    public RemotingClientConfig useEpollWhenAvailable(boolean useEpollWhenAvailable) {
        this.useEpollWhenAvailable = useEpollWhenAvailable;
        return this;
    }

    public int socketSndBufSize() {
        return socketSndBufSize;
    }

    /** SO_SNDBUF of each connection; 0 leaves the system's default. */
    public RemotingClientConfig socketSndBufSize(int bytes) {
        this.socketSndBufSize = bytes;
        return this;
    }

    public int socketRcvBufSize() {
        return socketRcvBufSize;
    }

    /** SO_RCVBUF of each connection; 0 leaves the system's default. */
    public RemotingClientConfig socketRcvBufSize(int bytes) {
        this.socketRcvBufSize = bytes;
        return this;
    }

    public int writeBufferLowWaterMark() {
        return writeBufferLowWaterMark;
    }

    public int writeBufferHighWaterMark() {
        return writeBufferHighWaterMark;
    }

    /**
     * Netty's write-buffer water marks of each connection, used only when both are positive (as RocketMQ does);
     * otherwise Netty's defaults.
     *
     * @throws IllegalArgumentException when both are positive and {@code low} exceeds {@code high}
     */
    public RemotingClientConfig writeBufferWaterMark(int low, int high) {
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
    public RemotingClientConfig pooledAllocator(boolean pooledAllocator) {
        this.pooledAllocator = pooledAllocator;
        return this;
    }
}
