package dev.sluice.remoting;

/** Settings of a {@link RemotingClient}; defaults follow RocketMQ's client defaults. */
public final class RemotingClientConfig {
    private int connectTimeoutMillis = 3000;
    private int ioThreads = 1;
    private int maxFrameLength = RemotingServerConfig.DEFAULT_MAX_FRAME_LENGTH;
    private int maxIdleSeconds = 120;
    private boolean useEpollWhenAvailable = true;
    private final SocketSettings socket = new SocketSettings(false);

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


    /** Settings of each connection's socket. */
    public SocketSettings socket() {
        return socket;
    }
}
