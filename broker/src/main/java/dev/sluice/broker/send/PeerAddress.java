package dev.sluice.broker.send;

import java.net.InetSocketAddress;

/** A connection's peer as the BORNHOST bytes and port of a record. */
record PeerAddress(byte[] address, int port) {
    private static final PeerAddress UNKNOWN = new PeerAddress(new byte[4], 0);

    static PeerAddress of(InetSocketAddress peer) {
        return peer == null ? UNKNOWN : new PeerAddress(peer.getAddress().getAddress(), peer.getPort());
    }
}
