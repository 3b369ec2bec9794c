package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second copy of a broker's settings (another store, the same listen port), started by mistake, cannot bind the
 * port. It must leave the broker serving there registered: it unregistered that address on its way out, and the
 * broker vanished from the routes until its next registration, up to 30 s later.
 */
class SecondCopyTest {
    @TempDir
    Path home;

    @Test
    void aCopyThatCannotBindItsPortLeavesTheBrokerThereRegistered() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Broker first = cluster.startBroker(cluster.brokerProperties("copied"));
            Properties copy = cluster.brokerProperties("copied");
            copy.setProperty("listenPort", String.valueOf(first.port()));
            copy.setProperty("haListenPort", "0");
            copy.setProperty("storePathRootDir", home.resolve("store-copy").toString());
            assertThrows(Exception.class, () -> cluster.startBroker(copy));

            DefaultMQAdminExt admin = cluster.admin();
            assertEquals(first.address(), admin.examineBrokerClusterInfo().getBrokerAddrTable().get("copied")
                    .getBrokerAddrs().get(0L), "the name server still routes to the broker serving there");
        }
    }
}
