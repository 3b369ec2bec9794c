package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.testing.Deadline;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fetchNamesrvAddrByAddressServer: a broker with no namesrvAddr asks the address server that the system property
 * rocketmq.namesrv.domain names, and registers with the name server it answers, which the official admin then sees.
 */
class AddressServerRegistrationTest {
    @TempDir
    Path home;

    @Test
    void aBrokerWithoutNameServersRegistersWithTheOnesTheAddressServerAnswers() throws Exception {
        String before = System.getProperty("rocketmq.namesrv.domain");
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try (Cluster cluster = new Cluster(home)) {
            http.createContext("/rocketmq/nsaddr", exchange -> {
                byte[] body = cluster.namesrvAddr.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            http.start();
            System.setProperty("rocketmq.namesrv.domain", "127.0.0.1:" + http.getAddress().getPort());
            Properties p = cluster.brokerProperties("broker-from-address-server");
            p.remove("namesrvAddr");
            p.setProperty("fetchNamesrvAddrByAddressServer", "true");
            Broker broker = cluster.startBroker(p);

            DefaultMQAdminExt admin = cluster.admin();
            Deadline.await("the broker registered", Duration.ofSeconds(10), () -> admin.examineBrokerClusterInfo()
                    .getBrokerAddrTable().containsKey("broker-from-address-server"));
            assertEquals(broker.address(), admin.examineBrokerClusterInfo().getBrokerAddrTable()
                    .get("broker-from-address-server").getBrokerAddrs().get(0L));
        } finally {
            http.stop(0);
            if (before == null) {
                System.clearProperty("rocketmq.namesrv.domain");
            } else {
                System.setProperty("rocketmq.namesrv.domain", before);
            }
        }
    }
}
