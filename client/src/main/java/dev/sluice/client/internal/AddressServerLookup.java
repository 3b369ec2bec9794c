package dev.sluice.client.internal;

import dev.sluice.remoting.config.AddressServer;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client given no name server asks RocketMQ's address server for them, as RocketMQ's clients do: once at start and
 * every two minutes after, replacing the list when the answer differs. No answer, or one that is not a list of
 * addresses, keeps the list in use.
 */
final class AddressServerLookup implements Runnable {
    static final long PERIOD_MILLIS = 120_000;
    private static final Logger LOG = LoggerFactory.getLogger(AddressServerLookup.class);

    private final AddressServer addressServer;
    private final NameServerList nameServers;

    AddressServerLookup(AddressServer addressServer, NameServerList nameServers) {
        this.addressServer = addressServer;
        this.nameServers = nameServers;
    }

    /** The name servers the address server answers; empty when it cannot be asked or answers no addresses. */
    static List<String> fetch(AddressServer addressServer) {
        try {
            return addressServer.fetch().map(NameServerList::parse).orElse(List.of());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("no name servers from the address server {}: {}", addressServer.uri(), e.toString());
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    @Override
    public void run() {
        List<String> answer = fetch(addressServer);
        if (nameServers.replace(answer)) {
            LOG.info("name servers are now {}, as the address server {} answered", answer, addressServer.uri());
        }
    }
}
