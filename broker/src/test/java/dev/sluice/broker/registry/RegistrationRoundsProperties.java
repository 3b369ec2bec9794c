package dev.sluice.broker.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.broker.StubRemotingClient;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.broker.topic.Perm;
import dev.sluice.broker.topic.TopicConfig;
import dev.sluice.broker.topic.TopicTable;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Topic changes and name-server answers in any order, against two name servers whose answers the test gives by hand.
 * A name server keeps whichever registration it handled last, so the broker must never have two rounds out: the
 * older could be handled after the newer. And a change may count as registered only once a round that carries it
 * has been answered by every name server.
 */
class RegistrationRoundsProperties {
    private static final List<String> NAME_SERVERS = List.of("10.0.0.1:9876", "10.0.0.2:9876");

    /**
     * Step 0 changes a topic, 1 answers the oldest call, 2 the newest, 3 fails the oldest (a name server that never
     * got it). After the next periodic round, every name server must know every topic: one re-reads topics only when
     * the version moved, so a failed round's topics must not count as carried.
     */
    @Property(tries = 300)
    void oneRoundAtATimeAndEveryChangeWaitsForARoundThatCarriesIt(
            @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 3) Integer> steps) throws IOException {
        try (Broker broker = new Broker(NAME_SERVERS)) {
            TopicTable topics = broker.topics;
            ManualClient client = broker.client;

            Map<String, CompletableFuture<?>> changes = new LinkedHashMap<>();
            for (int step : steps) {
                switch (step) {
                    case 0 -> {
                        String topic = "t" + changes.size();
                        changes.put(topic, topics.put(TopicConfig.of(topic, 4, Perm.READ | Perm.WRITE)));
                    }
                    case 1 -> client.answerOldest();
                    case 2 -> client.answerNewest();
                    default -> client.failOldest();
                }
                client.assertOneRoundOut();
                changes.forEach((topic, registered) -> assertTrue(!registered.isDone() || client.answered(topic),
                        topic + " counted as registered before a round carrying it was answered by every name server"));
            }
            while (client.answerOldest()) {
                client.assertOneRoundOut();
            }
            changes.forEach((topic, registered) -> assertTrue(registered.isDone(), topic + " never registered"));
            broker.registrar.registerAll(); // the periodic round
            while (client.answerOldest()) {
                client.assertOneRoundOut();
            }
            client.models.forEach((namesrv, model) -> assertTrue(model.topics.containsAll(changes.keySet()),
                    namesrv + " lacks " + changes.keySet().stream().filter(t -> !model.topics.contains(t)).toList()));
            for (String namesrv : NAME_SERVERS) {
                Body last = client.lastSentTo(namesrv);
                if (last != null) {
                    assertEquals(Json.asLong(topics.dataVersion().toJson().get("counter"), "counter"), last.counter,
                            "the last registration carries the table's version");
                    assertTrue(last.topics.containsAll(changes.keySet()), "and every topic");
                }
            }
        }
    }

    /**
     * Two topics put at once: the round for the first reads the table's version after the second's change moved it.
     * The second's own round then carries the same version, which a name server takes for no change. The first round
     * must carry the second topic too, or the name servers never learn it (until the version moves again).
     */
    @Example
    void aRoundForOneTopicCarriesATopicChangedBeforeItReadTheVersion() throws IOException {
        try (Broker broker = new Broker(NAME_SERVERS.subList(0, 1))) {
            TopicTable topics = broker.topics;
            ManualClient client = broker.client;
            NameServerRegistrar registrar = broker.registrar;
            topics.onPut(name -> CompletableFuture.completedFuture(null)); // each put's round is started below
            ModelNameServer namesrv = new ModelNameServer();

            topics.put(TopicConfig.of("A", 4, Perm.READ | Perm.WRITE));
            topics.put(TopicConfig.of("D", 4, Perm.READ | Perm.WRITE)); // its hook has not run yet
            registrar.registerTopic("A");
            namesrv.handle(client.sent.get(0).body);
            client.answerOldest();
            registrar.registerTopic("D");
            namesrv.handle(client.sent.get(1).body);
            client.answerOldest();
            registrar.registerAll();
            namesrv.handle(client.sent.get(2).body);
            client.answerOldest();

            assertTrue(namesrv.topics.containsAll(Set.of("A", "D")), "the name server has " + namesrv.topics);
            assertEquals(Set.of("D"), client.sent.get(1).body.topics, "a round for one topic carries no unchanged one");
        }
    }

    /** A broker's topic table and registrar, wired as the broker wires them, whose calls go to a {@link ManualClient}. */
    private static final class Broker implements AutoCloseable {
        final Path dir = Files.createTempDirectory("registration-rounds");
        final TopicTable topics;
        final ManualClient client = new ManualClient();
        final NameServerRegistrar registrar;

        Broker(List<String> nameServers) throws IOException {
            Properties p = new Properties();
            p.setProperty("brokerName", "rounds");
            p.setProperty("namesrvAddr", String.join(";", nameServers));
            BrokerConfig config = BrokerConfig.fromProperties(p, new ArrayList<>());
            topics = new TopicTable(config, new JsonFile(dir.resolve("topics.json")));
            topics.load();
            registrar = new NameServerRegistrar(config, topics, client, 10911, 10912);
            topics.onChange(registrar::registerAll);
            topics.onPut(registrar::registerTopic);
        }

        @Override
        public void close() throws IOException {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** A name server as RocketMQ's keeps a master's topics: re-read only when the data version moved. */
    private static final class ModelNameServer {
        final Set<String> topics = new HashSet<>();
        private long counter = -1;

        void handle(Body body) {
            if (body.counter != counter) {
                topics.addAll(body.topics);
                counter = body.counter;
            }
        }
    }

    private record Body(long counter, Set<String> topics) {
        @SuppressWarnings("unchecked")
        static Body of(byte[] json) {
            Map<String, Object> wrapper = (Map<String, Object>) Json.parseObject(json).get("topicConfigSerializeWrapper");
            Map<String, Object> version = Json.asObject(wrapper.get("dataVersion"), "dataVersion");
            return new Body(Json.asLong(version.get("counter"), "counter"),
                    Json.asObject(wrapper.get("topicConfigTable"), "topicConfigTable").keySet());
        }
    }

    /** One REGISTER_BROKER sent; a round is the calls sharing one body. */
    private record Call(String address, byte[] rawBody, Body body, CompletableFuture<RemotingCommand> response,
            RemotingCommand request) {
    }

    /** A client whose calls stay out until the test answers or fails them. */
    private static final class ManualClient extends StubRemotingClient {
        private final List<Call> out = new ArrayList<>();
        private final List<Call> sent = new ArrayList<>();
        /** Topics carried by a round that every name server has answered or failed. */
        private final Set<String> answered = new HashSet<>();
        /** What each name server knows, from the calls it answered. */
        private final Map<String, ModelNameServer> models = new LinkedHashMap<>();

        @Override
        public CompletableFuture<RemotingCommand> invokeAsync(String address, RemotingCommand request, long timeoutMillis) {
            Call call = new Call(address, request.body(), Body.of(request.body()), new CompletableFuture<>(), request);
            out.add(call);
            sent.add(call);
            return call.response;
        }

        boolean answerOldest() {
            return finish(0, true);
        }

        boolean answerNewest() {
            return finish(out.size() - 1, true);
        }

        boolean failOldest() {
            return finish(0, false);
        }

        private boolean finish(int index, boolean answer) {
            if (out.isEmpty()) {
                return false;
            }
            Call call = out.remove(index);
            if (out.stream().noneMatch(c -> c.rawBody == call.rawBody)) {
                answered.addAll(call.body.topics);
            }
            if (answer) {
                models.computeIfAbsent(call.address, a -> new ModelNameServer()).handle(call.body);
                call.response.complete(RemotingCommand.responseTo(call.request, ResponseCode.SUCCESS, null));
            } else {
                call.response.completeExceptionally(new IOException("name server down"));
            }
            return true;
        }

        void assertOneRoundOut() {
            assertTrue(out.stream().map(Call::rawBody).distinct().count() <= 1,
                    "two registration rounds out at once: " + out.stream().map(c -> c.body.counter).toList());
        }

        boolean answered(String topic) {
            return answered.contains(topic);
        }

        Body lastSentTo(String address) {
            Body last = null;
            for (Call call : sent) {
                if (call.address.equals(address)) {
                    last = call.body;
                }
            }
            return last;
        }
    }
}
