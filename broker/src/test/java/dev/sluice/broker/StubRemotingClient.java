package dev.sluice.broker;

import dev.sluice.remoting.ConnectionListener;
import dev.sluice.remoting.RemotingClient;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingException;
import dev.sluice.remoting.RequestProcessor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** A client without a network, for tests that stand in for the calls they expect; any other call fails the test. */
public abstract class StubRemotingClient implements RemotingClient {
    @Override
    public CompletableFuture<RemotingCommand> invokeAsync(String address, RemotingCommand request, long timeoutMillis) {
        throw new UnsupportedOperationException("invokeAsync");
    }

    @Override
    public RemotingCommand invokeSync(String address, RemotingCommand request, long timeoutMillis)
            throws RemotingException, InterruptedException {
        throw new UnsupportedOperationException("invokeSync");
    }

    @Override
    public void invokeOneway(String address, RemotingCommand request, long timeoutMillis) {
        throw new UnsupportedOperationException("invokeOneway");
    }

    @Override
    public void closeConnection(String address) {
    }

    @Override
    public void registerProcessor(int requestCode, RequestProcessor processor, Executor executor) {
    }

    @Override
    public void addConnectionListener(ConnectionListener listener) {
    }

    @Override
    public void close() {
    }
}
