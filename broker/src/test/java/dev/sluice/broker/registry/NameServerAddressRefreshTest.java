package dev.sluice.broker.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.remoting.config.AddressServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A broker's refresh of its name servers against a real HTTP address server whose answers the test sets. */
class NameServerAddressRefreshTest {
    private final AtomicReference<String> answer = new AtomicReference<>("");
    private final AtomicInteger status = new AtomicInteger(200);

    @Test
    void anAnswerThatDiffersReplacesTheAddressesAndAnythingElseKeepsThem() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/rocketmq/nsaddr", exchange -> {
            byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        BrokerConfig config = BrokerConfig.fromProperties(new Properties(), new ArrayList<>());
        config.set(BrokerConfig.NAMESRV_ADDR, "");
        AtomicInteger changes = new AtomicInteger();
        NameServerAddressRefresh refresh = new NameServerAddressRefresh(config, new AddressServer(
                URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/rocketmq/nsaddr")), changes::incrementAndGet);
        try {
            answer.set(" 127.0.0.1:9001\n");
            refresh.run();
            assertEquals(List.of("127.0.0.1:9001"), config.namesrvAddrs());
            assertEquals(1, changes.get());

            refresh.run();
            assertEquals(1, changes.get(), "the same answer is no change");

            answer.set("127.0.0.1:9001;127.0.0.1:9002");
            refresh.run();
            assertEquals(List.of("127.0.0.1:9001", "127.0.0.1:9002"), config.namesrvAddrs());
            assertEquals(2, changes.get());

            for (String kept : List.of("", "not an address")) {
                answer.set(kept);
                refresh.run();
                assertEquals(List.of("127.0.0.1:9001", "127.0.0.1:9002"), config.namesrvAddrs(), "answer: " + kept);
            }
            answer.set("127.0.0.1:9003");
            status.set(404);
            refresh.run();
            assertEquals(List.of("127.0.0.1:9001", "127.0.0.1:9002"), config.namesrvAddrs(), "a 404 is no answer");
        } finally {
            http.stop(0);
        }
        status.set(200);
        refresh.run();
        assertEquals(List.of("127.0.0.1:9001", "127.0.0.1:9002"), config.namesrvAddrs(), "unreachable: kept");
        assertEquals(2, changes.get());
    }

    @Test
    void theAddressServerIsWhereRocketMqsSystemPropertiesSay() {
        String domain = System.getProperty("rocketmq.namesrv.domain");
        String subgroup = System.getProperty("rocketmq.namesrv.domain.subgroup");
        try {
            System.clearProperty("rocketmq.namesrv.domain");
            System.clearProperty("rocketmq.namesrv.domain.subgroup");
            assertEquals("http://jmenv.tbsite.net:8080/rocketmq/nsaddr", AddressServer.fromSystemProperties().uri().toString());
            System.setProperty("rocketmq.namesrv.domain", "addr.example.com");
            System.setProperty("rocketmq.namesrv.domain.subgroup", "prod");
            assertEquals("http://addr.example.com:8080/rocketmq/prod", AddressServer.fromSystemProperties().uri().toString());
            System.setProperty("rocketmq.namesrv.domain", "addr.example.com:80");
            assertEquals("http://addr.example.com:80/rocketmq/prod", AddressServer.fromSystemProperties().uri().toString());
        } finally {
            restore("rocketmq.namesrv.domain", domain);
            restore("rocketmq.namesrv.domain.subgroup", subgroup);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
