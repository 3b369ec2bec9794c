package dev.sluice.remoting;

import java.util.concurrent.Executor;

/** What servers and clients share: both receive requests from their peers and report closed connections. */
public interface RemotingService extends AutoCloseable {
    void registerProcessor(int requestCode, RequestProcessor processor, Executor executor);

    void addConnectionListener(ConnectionListener listener);

    /** Releases network threads and fails calls still waiting for a response. */
    @Override
    void close();
}
