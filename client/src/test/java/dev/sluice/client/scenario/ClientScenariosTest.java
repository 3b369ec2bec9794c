package dev.sluice.client.scenario;

import static dev.sluice.client.scenario.ScenarioSupport.clientConfig;
import static dev.sluice.client.scenario.ScenarioSupport.createTopic;
import static dev.sluice.client.scenario.ScenarioSupport.unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.client.Message;
import dev.sluice.client.MessageProperty;
import dev.sluice.client.MessageQueue;
import dev.sluice.client.ReceivedMessage;
import dev.sluice.client.consumer.ConsumeFrom;
import dev.sluice.client.consumer.ConsumeResult;
import dev.sluice.client.consumer.LitePullConsumer;
import dev.sluice.client.consumer.MessageModel;
import dev.sluice.client.consumer.OrderlyResult;
import dev.sluice.client.consumer.PushConsumer;
import dev.sluice.client.internal.MessageDecoder;
import dev.sluice.client.producer.Producer;
import dev.sluice.client.producer.SendResult;
import dev.sluice.client.producer.SendStatus;
import dev.sluice.client.testing.ApacheCluster;
import dev.sluice.client.testing.SluiceCluster;
import dev.sluice.client.testing.TestCluster;
import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same client scenarios against a Sluice name server + broker and an Apache RocketMQ 4.9.7 pair, both started
 * once for the class (each scenario uses its own topics and groups). Delay levels are all one second, so redelivery
 * and DLQ take seconds, not minutes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientScenariosTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Path home;
    private final List<TestCluster> clusters = new ArrayList<>();

    @BeforeAll
    void startClusters() throws Exception {
        home = Files.createTempDirectory("sluice-client-scenarios");
        Properties broker = new Properties();
        broker.setProperty("messageDelayLevel", String.join(" ", Collections.nCopies(18, "1s")));
        CompletableFuture<TestCluster> sluice = CompletableFuture.supplyAsync(() -> start(() ->
                SluiceCluster.start(Files.createDirectories(home.resolve("sluice")), broker)));
        CompletableFuture<TestCluster> apache = CompletableFuture.supplyAsync(() -> start(() ->
                ApacheCluster.start(Files.createDirectories(home.resolve("apache")), broker)));
        try {
            clusters.add(sluice.join());
        } finally {
            clusters.add(apache.join());
        }
    }

    private interface Starter {
        TestCluster start() throws Exception;
    }

    private static TestCluster start(Starter starter) {
        try {
            return starter.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void stopClusters() throws Exception {
        for (TestCluster cluster : clusters) {
            cluster.close();
        }
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    Stream<TestCluster> clusters() {
        return clusters.stream();
    }

    private static Message text(String topic, String tags, String body) {
        return new Message(topic, tags, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String body(ReceivedMessage m) {
        return new String(m.body(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void sendAndConsumeExactlyOnceInACleanRun(TestCluster cluster) throws Exception {
        String topic = unique("Once");
        createTopic(cluster, topic, 4);
        Map<String, byte[]> sent = new HashMap<>();
        byte[] big = new byte[20_000];
        new Random(7).nextBytes(big);
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start()) {
            for (int i = 0; i < 30; i++) {
                Message m = text(topic, "TagA", "sync-" + i);
                SendResult result = producer.send(m);
                assertEquals(SendStatus.SEND_OK, result.status());
                assertEquals(m.property(MessageProperty.UNIQ_KEY), result.msgId());
                assertEquals(cluster.brokerAddr(), MessageDecoder.parseOffsetMsgId(result.offsetMsgId()).brokerAddress());
                sent.put(result.msgId(), m.body());
            }
            List<CompletableFuture<SendResult>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Message m = text(topic, null, "async-" + i);
                futures.add(producer.sendAsync(m));
                sent.put(m.property(MessageProperty.UNIQ_KEY), m.body());
            }
            for (CompletableFuture<SendResult> f : futures) {
                assertEquals(SendStatus.SEND_OK, f.get(10, TimeUnit.SECONDS).status());
            }
            for (int i = 0; i < 5; i++) {
                Message m = text(topic, null, "oneway-" + i);
                producer.sendOneway(m);
                sent.put(m.property(MessageProperty.UNIQ_KEY), m.body());
            }
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(text(topic, "TagB", "batch-" + i));
            }
            SendResult batchResult = producer.send(batch);
            assertEquals(10, batchResult.msgId().split(",").length);
            batch.forEach(m -> sent.put(m.property(MessageProperty.UNIQ_KEY), m.body()));
            Message compressed = new Message(topic, big);
            sent.put(producer.send(compressed).msgId(), big);
        }

        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        Map<String, byte[]> received = new ConcurrentHashMap<>();
        try (PushConsumer consumer = new PushConsumer(unique("C"), clientConfig(cluster, unique("c")))) {
            consumer.subscribe(topic, "*").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setConcurrentListener(messages -> {
                for (ReceivedMessage m : messages) {
                    deliveries.computeIfAbsent(m.msgId(), id -> new AtomicInteger()).incrementAndGet();
                    received.put(m.msgId(), m.body());
                }
                return ConsumeResult.SUCCESS;
            }).start();
            Deadline.await("all " + sent.size() + " messages are consumed", WAIT, () -> received.keySet().containsAll(sent.keySet()));
        }
        assertEquals(sent.keySet(), received.keySet());
        deliveries.forEach((id, n) -> assertEquals(1, n.get(), "deliveries of " + id));
        sent.forEach((id, bytes) -> assertArrayEquals(bytes, received.get(id), "body of " + id));
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void tagExpressionSelectsMessages(TestCluster cluster) throws Exception {
        String topic = unique("Tags");
        createTopic(cluster, topic, 1);
        MessageQueue only = new MessageQueue(topic, cluster.brokerName(), 0);
        List<String> expected = new ArrayList<>();
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start()) {
            String[] tags = {"TagA", "TagB", "TagC", null, "TagAB"};
            for (int i = 0; i < 50; i++) {
                String tag = tags[i % tags.length];
                producer.send(text(topic, tag, tag + "-" + i), only);
                if ("TagA".equals(tag) || "TagB".equals(tag)) {
                    expected.add(tag + "-" + i);
                }
            }
            producer.send(text(topic, "TagA", "end"), only);
        }
        List<String> received = new CopyOnWriteArrayList<>();
        try (PushConsumer consumer = new PushConsumer(unique("C"), clientConfig(cluster, unique("c")))) {
            // one queue and one consumer thread: when "end" (sent last) arrives, everything before it has been seen
            consumer.subscribe(topic, "TagA || TagB").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setConsumeThreads(1)
                    .setConcurrentListener(messages -> {
                        messages.forEach(m -> received.add(body(m)));
                        return ConsumeResult.SUCCESS;
                    }).start();
            Deadline.await("the last message arrives", WAIT, () -> received.contains("end"));
        }
        expected.add("end");
        assertEquals(expected, received);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void litePullWithSeek(TestCluster cluster) throws Exception {
        String topic = unique("Lite");
        createTopic(cluster, topic, 2);
        MessageQueue q0 = new MessageQueue(topic, cluster.brokerName(), 0);
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start()) {
            for (int i = 0; i < 20; i++) {
                producer.send(text(topic, null, "m" + i), q0);
            }
        }
        String group = unique("L");
        try (LitePullConsumer consumer = new LitePullConsumer(group, clientConfig(cluster, unique("l")))) {
            consumer.setAutoCommit(false).setConsumeFrom(ConsumeFrom.FIRST_OFFSET).assign(List.of(q0)).start();
            List<ReceivedMessage> all = pollUntil(consumer, 20);
            for (int i = 0; i < 20; i++) {
                assertEquals(i, all.get(i).queueOffset());
                assertEquals("m" + i, body(all.get(i)));
            }
            consumer.seek(q0, 5);
            List<ReceivedMessage> again = pollUntil(consumer, 15);
            assertEquals(5, again.get(0).queueOffset());
            assertEquals("m19", body(again.get(14)));
            consumer.seek(q0, 18);
            consumer.commitSync();
            Deadline.await("the committed offset is readable", WAIT, () -> consumer.committed(q0) == 18);
        }
        // a new member of the group continues from the committed offset
        try (LitePullConsumer next = new LitePullConsumer(group, clientConfig(cluster, unique("l")))) {
            next.setAutoCommit(false).assign(List.of(q0)).start();
            List<ReceivedMessage> rest = pollUntil(next, 2);
            assertEquals(List.of("m18", "m19"), rest.stream().map(ClientScenariosTest::body).toList());
        }
    }

    private static List<ReceivedMessage> pollUntil(LitePullConsumer consumer, int count) throws Exception {
        List<ReceivedMessage> all = new ArrayList<>();
        Deadline.await(count + " messages are polled", WAIT, () -> {
            all.addAll(consumer.poll(Duration.ofMillis(200)));
            return all.size() >= count;
        });
        assertEquals(count, all.size());
        return all;
    }
}
