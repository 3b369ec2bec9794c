package dev.sluice.remoting;

import java.util.concurrent.CompletableFuture;

/** Calls servers addressed as {@code host:port}, keeping one connection per address and opening it on demand. */
public interface RemotingClient extends RemotingService {
    /**
     * Sends the request and completes with the response, or exceptionally with a {@link RemotingException}
     * ({@link RemotingTimeoutException} after {@code timeoutMillis}, {@link RemotingConnectException}, ...).
     * The future completes on a network thread: do not block in dependent stages.
     */
    CompletableFuture<RemotingCommand> invokeAsync(String address, RemotingCommand request, long timeoutMillis);

    RemotingCommand invokeSync(String address, RemotingCommand request, long timeoutMillis)
            throws RemotingException, InterruptedException;

    /** Marks the request oneway and sends it; the server will not answer. */
    void invokeOneway(String address, RemotingCommand request, long timeoutMillis)
            throws RemotingException, InterruptedException;

    /** Closes the connection to {@code address}, if any; the next call opens a new one. */
    void closeConnection(String address);
}
