package dev.sluice.client.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Ports on 127.0.0.1 that were free a moment ago, for servers that cannot be told to pick their own. */
final class FreePorts {
    private FreePorts() {
    }

    static int one() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * A broker listen port p such that p - 2 (the VIP channel) and p + 1 (HA) are free as well, as both brokers
     * bind those next to their listen port.
     */
    static int brokerListenPort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = one();
            if (port < 1026 || port > 65533) {
                continue;
            }
            if (allFree(port - 2, port, port + 1)) {
                return port;
            }
        }
        throw new IOException("found no free port p with p-2 and p+1 free on 127.0.0.1");
    }

    private static boolean allFree(int... ports) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int port : ports) {
                ServerSocket socket = new ServerSocket();
                held.add(socket);
                // the wildcard address: an Apache 4.9.7 broker cannot be told to bind only the loopback one
                socket.bind(new InetSocketAddress(port), 1);
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
