package dev.sluice.broker;

import dev.sluice.remoting.ConnectionListener;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingConnection;
import dev.sluice.remoting.RemotingServer;
import dev.sluice.remoting.RequestProcessor;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** A server without a network, for tests that stand in for the calls they expect; any other call fails the test. */
public abstract class StubRemotingServer implements RemotingServer {
    @Override
    public void start() {
    }

    @Override
    public int port() {
        return 0;
    }

    @Override
    public CompletableFuture<RemotingCommand> invokeAsync(RemotingConnection connection, RemotingCommand request,
                                                          long timeoutMillis) {
        throw new UnsupportedOperationException("invokeAsync");
    }

    @Override
    public void invokeOneway(RemotingConnection connection, RemotingCommand request) {
        throw new UnsupportedOperationException("invokeOneway");
    }

    @Override
    public void respond(RemotingConnection connection, RemotingCommand response) {
        throw new UnsupportedOperationException("respond");
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

    /** A live connection from {@code 127.0.0.1:port} that carries nothing. */
    public static RemotingConnection connection(int port) {
        return new RemotingConnection() {
            @Override
            public String remoteAddress() {
                return "127.0.0.1:" + port;
            }

            @Override
            public InetSocketAddress remoteSocketAddress() {
                return new InetSocketAddress("127.0.0.1", port);
            }

            @Override
            public boolean isActive() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }
}
