package dev.sluice.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.remoting.config.AddressServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A client's refresh of its name servers against a real HTTP address server whose answer the test sets. */
class AddressServerLookupTest {
    @Test
    void aDifferentAnswerReplacesTheListAndNoUsableAnswerKeepsIt() throws Exception {
        AtomicReference<String> answer = new AtomicReference<>("10.0.0.1:9876");
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/rocketmq/nsaddr", exchange -> {
            byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        AddressServer addressServer = new AddressServer(
                URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/rocketmq/nsaddr"));
        NameServerList list = new NameServerList(AddressServerLookup.fetch(addressServer));
        AddressServerLookup lookup = new AddressServerLookup(addressServer, list);
        try {
            assertEquals(List.of("10.0.0.1:9876"), list.all());
            answer.set("10.0.0.2:9876;10.0.0.3:9876\n");
            lookup.run();
            assertEquals(List.of("10.0.0.2:9876", "10.0.0.3:9876"), list.all());
            for (String unusable : List.of("", "no port here")) {
                answer.set(unusable);
                lookup.run();
                assertEquals(List.of("10.0.0.2:9876", "10.0.0.3:9876"), list.all(), "answer: " + unusable);
            }
        } finally {
            http.stop(0);
        }
        lookup.run();
        assertEquals(List.of("10.0.0.2:9876", "10.0.0.3:9876"), list.all(), "unreachable: kept");
    }
}
