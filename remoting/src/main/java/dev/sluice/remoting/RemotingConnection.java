package dev.sluice.remoting;

/** One live TCP connection as seen by processors and connection listeners; equal only to itself. */
public interface RemotingConnection {
    /** The peer as {@code ip:port}. */
    String remoteAddress();

    boolean isActive();

    void close();
}
