package dev.sluice.remoting;

/** Settings of a {@link RemotingServer}; defaults follow RocketMQ's server defaults. */
public final class RemotingServerConfig {
    public static final int DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;

    private String bindAddress = "0.0.0.0";
    private int listenPort;
    private int ioThreads = 3;
    private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;
    private int maxIdleSeconds = 120;
    private boolean useEpollWhenAvailable = true;
    private int socketBacklog = 1024;
    private int socketSndBufSize;
    private int socketRcvBufSize;
    private int writeBufferLowWaterMark;
    private int writeBufferHighWaterMark;
    private boolean pooledAllocator = true;

    public String bindAddress() {
        return bindAddress;
    }

    public RemotingServerConfig bindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
        return this;
    }

    public int listenPort() {
        return listenPort;
    }

    /** 0 binds an ephemeral port; see {@link RemotingServer#port()}. */
    public RemotingServerConfig listenPort(int listenPort) {
        this.listenPort = listenPort;
        return this;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public RemotingServerConfig ioThreads(int ioThreads) {
        this.ioThreads = ioThreads;
        return this;
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    /** Largest accepted value of a frame's length field; a bigger one closes that connection. */
    public RemotingServerConfig maxFrameLength(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
        return this;
    }

    public int maxIdleSeconds() {
        return maxIdleSeconds;
    }

    /** A connection with no traffic either way for this long is closed. */
    public RemotingServerConfig maxIdleSeconds(int maxIdleSeconds) {
        this.maxIdleSeconds = maxIdleSeconds;
        return this;
    }

    public boolean useEpollWhenAvailable() {
        return useEpollWhenAvailable;
    }

    public RemotingServerConfig useEpollWhenAvailable(boolean useEpollWhenAvailable) {
        this.useEpollWhenAvailable = useEpollWhenAvailable;
        return this;
    }

    public int socketBacklog() {
        return socketBacklog;
    }

    /** SO_BACKLOG of the listening socket. */
    public RemotingServerConfig socketBacklog(int socketBacklog) {
        this.socketBacklog = socketBacklog;
        return this;
    }

    public int socketSndBufSize() {
        return socketSndBufSize;
    }

    /** SO_SNDBUF of each connection; 0 leaves the system's default. */
    public RemotingServerConfig socketSndBufSize(int bytes) {
        this.socketSndBufSize = bytes;
        return this;
    }

    public int socketRcvBufSize() {
        return socketRcvBufSize;
    }

    /** SO_RCVBUF of each connection; 0 leaves the system's default. */
    public RemotingServerConfig socketRcvBufSize(int bytes) {
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
    public RemotingServerConfig writeBufferWaterMark(int low, int high) {
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
    public RemotingServerConfig pooledAllocator(boolean pooledAllocator) {
        this.pooledAllocator = pooledAllocator;
        return this;
    }
}
