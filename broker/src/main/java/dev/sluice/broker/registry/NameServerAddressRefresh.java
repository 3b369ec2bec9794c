package dev.sluice.broker.registry;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.remoting.config.AddressServer;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RocketMQ's fetchNamesrvAddrByAddressServer: a broker given no name server asks the address server which to use,
 * at start and every two minutes. An answer that differs from the addresses in use replaces them and is followed by a
 * registration round; no answer, or one that is not a list of addresses, keeps them.
 */
public final class NameServerAddressRefresh implements Runnable {
    public static final long PERIOD_MILLIS = 120_000;
    private static final Logger LOG = LoggerFactory.getLogger(NameServerAddressRefresh.class);

    private final BrokerConfig config;
    private final AddressServer addressServer;
    private final Runnable changed;

    /** @param changed runs after the addresses changed (a registration round with the new name servers) */
    public NameServerAddressRefresh(BrokerConfig config, AddressServer addressServer, Runnable changed) {
        this.config = config;
        this.addressServer = addressServer;
        this.changed = changed;
    }

    @Override
    public void run() {
        Optional<String> answer;
        try {
            answer = addressServer.fetch();
        } catch (IOException e) {
            LOG.warn("cannot ask the name server address server {}: {}", addressServer.uri(), e.toString());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        String before = String.join(";", config.namesrvAddrs());
        if (answer.isEmpty() || answer.get().equals(before)) {
            return;
        }
        try {
            config.set(BrokerConfig.NAMESRV_ADDR, answer.get());
        } catch (IllegalArgumentException e) {
            LOG.warn("the name server address server {} answered {}, which is not a list of addresses: {}",
                    addressServer.uri(), answer.get(), e.getMessage());
            return;
        }
        LOG.info("name server addresses changed from [{}] to [{}] by the address server {}", before, answer.get(),
                addressServer.uri());
        changed.run();
    }
}
