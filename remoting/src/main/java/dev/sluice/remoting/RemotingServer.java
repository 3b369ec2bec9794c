package dev.sluice.remoting;

import java.util.concurrent.CompletableFuture;

/** Accepts connections and serves requests; can also call its connected peers (broker to client requests). */
public interface RemotingServer extends RemotingService {
    /** Binds and starts accepting; returns once the port is bound. */
    void start() throws InterruptedException;

    /** The bound port (useful when the configured port was 0). */
    int port();

    CompletableFuture<RemotingCommand> invokeAsync(RemotingConnection connection, RemotingCommand request, long timeoutMillis);

    void invokeOneway(RemotingConnection connection, RemotingCommand request);

    /**
     * Sends a response made with {@link RemotingCommand#responseTo} for a request whose processor returned null,
     * i.e. answers it later (a long-polling pull). Body buffers are released after the write, also on a closed
     * connection.
     */
    void respond(RemotingConnection connection, RemotingCommand response);
}
