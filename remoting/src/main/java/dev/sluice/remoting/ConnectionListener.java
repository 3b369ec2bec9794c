package dev.sluice.remoting;

/** Told when a connection ends for any reason (peer closed, idle timeout, broken framing, local close). */
@FunctionalInterface
public interface ConnectionListener {
    /** Runs on a network thread: keep it short and non-blocking. */
    void connectionClosed(RemotingConnection connection);
}
