package dev.sluice.remoting;

import java.net.InetSocketAddress;

/** One live TCP connection as seen by processors and connection listeners; equal only to itself. */
public interface RemotingConnection {
    /** The peer as {@code ip:port}. */
    String remoteAddress();

    /** The peer's IP address and port, or null when the channel had no IP peer when it was opened. */
    InetSocketAddress remoteSocketAddress();

    boolean isActive();

    void close();
}
