package dev.sluice.broker.send;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A connection's peer ({@code ip:port} as remoting reports it) as the BORNHOST bytes and port of a record. */
record PeerAddress(byte[] address, int port) {
    private static final PeerAddress UNKNOWN = new PeerAddress(new byte[4], 0);

    static PeerAddress parse(String ipAndPort) {
        int colon = ipAndPort.lastIndexOf(':');
        if (colon <= 0) {
            return UNKNOWN;
        }
        try {
            // Remoting reports literal addresses, so this never resolves a name.
            byte[] address = InetAddress.getByName(ipAndPort.substring(0, colon)).getAddress();
            return new PeerAddress(address, Integer.parseInt(ipAndPort.substring(colon + 1)));
        } catch (UnknownHostException | NumberFormatException e) {
            return UNKNOWN;
        }
    }
}
