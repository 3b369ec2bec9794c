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
    private final SocketSettings socket = new SocketSettings(true);

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

    /** Settings of each accepted connection's socket. */
    public SocketSettings socket() {
        return socket;
    }
}
