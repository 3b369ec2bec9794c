package dev.sluice.remoting.config;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * RocketMQ's name server address server: an HTTP endpoint that answers {@code host:port;host:port}, asked by brokers
 * and clients that were given no name server. Where it is comes from the system properties RocketMQ reads,
 * {@code rocketmq.namesrv.domain} (a host, port 8080, or host:port) and {@code rocketmq.namesrv.domain.subgroup}.
 */
public final class AddressServer {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final URI uri;
    private final HttpClient http;

    public AddressServer(URI uri) {
        this.uri = uri;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** The address server the system properties name, with RocketMQ's defaults. */
    public static AddressServer fromSystemProperties() {
        String domain = System.getProperty("rocketmq.namesrv.domain", "jmenv.tbsite.net");
        String subgroup = System.getProperty("rocketmq.namesrv.domain.subgroup", "nsaddr");
        return new AddressServer(URI.create("http://" + domain + (domain.contains(":") ? "" : ":8080")
                + "/rocketmq/" + subgroup));
    }

    public URI uri() {
        return uri;
    }

    /**
     * @return the name servers the address server answered (trimmed), or empty when it did not answer 200 with text
     * @throws IOException when it cannot be reached within 3 s
     */
    public Optional<String> fetch() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        String body = response.body() == null ? "" : response.body().trim();
        return response.statusCode() == 200 && !body.isEmpty() ? Optional.of(body) : Optional.empty();
    }
}
