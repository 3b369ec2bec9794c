package dev.sluice.client.scenario;

import static dev.sluice.client.scenario.ScenarioSupport.clientConfig;
import static dev.sluice.client.scenario.ScenarioSupport.createTopic;
import static dev.sluice.client.scenario.ScenarioSupport.unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.ClientException;
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
import dev.sluice.client.producer.TransactionListener;
import dev.sluice.client.producer.TransactionResult;
import dev.sluice.client.producer.TransactionState;
import dev.sluice.client.testing.ApacheCluster;
import dev.sluice.client.testing.SluiceCluster;
import dev.sluice.client.testing.TestCluster;
import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
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
import java.util.concurrent.CountDownLatch;
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
        broker.setProperty("enablePropertyFilter", "true");
        // Transactions left UNKNOWN are checked back after a second, not after 6 s and then every minute.
        broker.setProperty("transactionTimeOut", "1000");
        broker.setProperty("transactionCheckInterval", "1000");
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

    /**
     * Request-reply: the broker pushes a consumer's reply to the requesting producer (Sluice's or Apache's broker,
     * Sluice's client on every side), and a request nobody answers fails once its time is up.
     */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void aRequestGetsTheReplyAConsumerSends(TestCluster cluster) throws Exception {
        String topic = unique("Request");
        String silent = unique("Unanswered");
        createTopic(cluster, topic, 2);
        createTopic(cluster, silent, 1);
        try (Producer replier = new Producer(unique("Replier"), clientConfig(cluster, unique("replier"))).start();
             PushConsumer responder = new PushConsumer(unique("Responder"), clientConfig(cluster, unique("responder")));
             Producer requester = new Producer(unique("Requester"), clientConfig(cluster, unique("requester"))).start()) {
            responder.subscribe(topic, "*").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setConcurrentListener(messages -> {
                for (ReceivedMessage request : messages) {
                    replier.send(Message.replyTo(request, ("re: " + body(request)).getBytes(StandardCharsets.UTF_8)));
                }
                return ConsumeResult.SUCCESS;
            }).start();

            ReceivedMessage reply = requester.request(text(topic, "TagA", "q1"), 30_000);
            assertEquals("re: q1", body(reply));
            assertEquals(cluster.clusterName() + "_REPLY_TOPIC", reply.topic());
            assertEquals("re: q2", body(requester.requestAsync(text(topic, "TagA", "q2"), 30_000).get(30, TimeUnit.SECONDS)));

            ClientException unanswered = assertThrows(ClientException.class,
                    () -> requester.request(text(silent, "TagA", "q3"), 1000));
            assertTrue(unanswered.getMessage().contains("no reply to request") && unanswered.getMessage().contains("1000 ms"),
                    unanswered.getMessage());
            IllegalArgumentException notARequest = assertThrows(
                    IllegalArgumentException.class, () -> Message.replyTo(reply, new byte[1]));
            assertTrue(notARequest.getMessage().contains("is not a request"), notARequest.getMessage());
        }
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
    void clusteringRebalancesWhenAMemberJoinsAndLeaves(TestCluster cluster) throws Exception {
        String topic = unique("Rebalance");
        createTopic(cluster, topic, 4);
        String group = unique("G");
        Map<String, List<String>> consumedBy = new ConcurrentHashMap<>();
        Map<String, MessageQueue> queueOf = new ConcurrentHashMap<>();
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start();
                PushConsumer a = member(cluster, group, topic, "a", consumedBy, queueOf)) {
            Deadline.await("a owns all 4 queues", WAIT, () -> owned(a, topic).size() == 4);
            String retryTopic = "%RETRY%" + group;
            Deadline.await("a owns the group's retry queue", WAIT, () -> owned(a, retryTopic).size() == 1);
            Set<String> phase1 = sendNumbered(producer, topic, "one", 40);
            awaitConsumed(consumedBy, phase1);

            Set<String> phase2;
            try (PushConsumer b = member(cluster, group, topic, "b", consumedBy, queueOf)) {
                Deadline.await("a and b own two queues each", WAIT, () -> owned(a, topic).size() == 2
                        && owned(b, topic).size() == 2 && Collections.disjoint(owned(a, topic), owned(b, topic))
                        && owned(a, retryTopic).size() + owned(b, retryTopic).size() == 1);
                phase2 = sendNumbered(producer, topic, "two", 40);
                awaitConsumed(consumedBy, phase2);
                Set<MessageQueue> ofA = owned(a, topic);
                for (String id : phase2) {
                    // outside a rebalance: exactly one delivery, by the member owning the queue
                    assertEquals(1, consumedBy.get(id).size(), "deliveries of " + id + ": " + consumedBy.get(id));
                    assertEquals(ofA.contains(queueOf.get(id)) ? "a" : "b", consumedBy.get(id).get(0), id);
                }
                assertTrue(phase2.stream().anyMatch(id -> consumedBy.get(id).contains("b")), "b consumed nothing");
            }
            Deadline.await("a owns all 4 queues again after b left", WAIT,
                    () -> owned(a, topic).size() == 4 && owned(a, retryTopic).size() == 1);
            Set<String> phase3 = sendNumbered(producer, topic, "three", 40);
            awaitConsumed(consumedBy, phase3);
            for (String id : phase3) {
                assertEquals(List.of("a"), consumedBy.get(id), id);
            }
            for (String id : phase1) {
                assertTrue(consumedBy.get(id).contains("a"), id);
            }
        }
    }

    /** The member's queues of {@code topic} (a clustering member also owns queues of its group's %RETRY% topic). */
    private static Set<MessageQueue> owned(PushConsumer member, String topic) {
        Set<MessageQueue> queues = new HashSet<>(member.assignedQueues());
        queues.removeIf(q -> !q.topic().equals(topic));
        return queues;
    }

    private static PushConsumer member(TestCluster cluster, String group, String topic, String name,
            Map<String, List<String>> consumedBy, Map<String, MessageQueue> queueOf) throws ClientException {
        PushConsumer consumer = new PushConsumer(group, clientConfig(cluster, unique(name)));
        consumer.subscribe(topic, "*").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setConcurrentListener(messages -> {
            for (ReceivedMessage m : messages) {
                consumedBy.computeIfAbsent(body(m), id -> new CopyOnWriteArrayList<>()).add(name);
                queueOf.put(body(m), m.queue());
            }
            return ConsumeResult.SUCCESS;
        });
        return consumer.start();
    }

    private static Set<String> sendNumbered(Producer producer, String topic, String prefix, int count) throws Exception {
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < count; i++) {
            producer.send(text(topic, null, prefix + "-" + i));
            sent.add(prefix + "-" + i);
        }
        return sent;
    }

    private static void awaitConsumed(Map<String, ?> consumed, Set<String> expected) throws Exception {
        Deadline.await(expected.size() + " messages are consumed", WAIT, () -> consumed.keySet().containsAll(expected));
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void broadcastingDeliversEverythingToEveryMember(TestCluster cluster) throws Exception {
        String topic = unique("Broadcast");
        createTopic(cluster, topic, 4);
        String group = unique("B");
        Map<String, Set<String>> byMember = new ConcurrentHashMap<>();
        List<PushConsumer> members = new ArrayList<>();
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start()) {
            for (String name : List.of("x", "y", "default")) {
                // "default" keeps the default instance name (the process id): its offsets go under ip@DEFAULT, as
                // RocketMQ's, so that a restarted process finds them
                ClientConfig config = name.equals("default") ? new ClientConfig().namesrvAddr(cluster.namesrvAddr())
                        : clientConfig(cluster, unique(name));
                PushConsumer consumer = new PushConsumer(group, config);
                members.add(consumer);
                Set<String> seen = ConcurrentHashMap.newKeySet();
                byMember.put(name, seen);
                consumer.subscribe(topic, "*").setMessageModel(MessageModel.BROADCASTING)
                        .setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setOffsetStoreDir(home.resolve("offsets-" + group))
                        .setConcurrentListener(messages -> {
                            messages.forEach(m -> assertTrue(seen.add(body(m)), "twice to one member: " + body(m)));
                            return ConsumeResult.SUCCESS;
                        }).start();
            }
            Deadline.await("every member reads all queues", WAIT,
                    () -> members.stream().allMatch(m -> m.assignedQueues().size() == 4));
            Set<String> sent = sendNumbered(producer, topic, "b", 30);
            Deadline.await("every member gets every message", WAIT,
                    () -> byMember.values().stream().allMatch(seen -> seen.containsAll(sent)));
            byMember.values().forEach(seen -> assertEquals(sent, seen));
        } finally {
            members.forEach(PushConsumer::close);
        }
        // offsets were kept in local files, one per member
        try (Stream<Path> files = Files.walk(home.resolve("offsets-" + group))) {
            List<Path> offsetFiles = files.filter(p -> p.getFileName().toString().equals("offsets.json")).toList();
            assertEquals(3, offsetFiles.size(), offsetFiles.toString());
            assertEquals(1, offsetFiles.stream().filter(p -> p.getParent().getParent().getFileName().toString()
                    .endsWith("@DEFAULT")).count(), offsetFiles.toString());
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void orderlyConsumptionKeepsEachQueuesOrder(TestCluster cluster) throws Exception {
        String topic = unique("Orderly");
        createTopic(cluster, topic, 4);
        int orders = 8;
        int steps = 15;
        Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicInteger suspensions = new AtomicInteger();
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start()) {
            for (int step = 0; step < steps; step++) {
                for (int order = 0; order < orders; order++) {
                    producer.send(text(topic, null, order + ":" + step),
                            (queues, message, arg) -> queues.get((Integer) arg % queues.size()), order);
                }
            }
            try (PushConsumer consumer = new PushConsumer(unique("O"), clientConfig(cluster, unique("o")))) {
                consumer.subscribe(topic, "*").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setSuspendMillis(100)
                        .setConsumeThreads(4).setOrderlyListener(messages -> {
                            for (ReceivedMessage m : messages) {
                                String[] parts = body(m).split(":");
                                int order = Integer.parseInt(parts[0]);
                                int step = Integer.parseInt(parts[1]);
                                // the first delivery of step 5 of every order is refused: it must come again, in place
                                if (step == 5 && !seen.getOrDefault(order, List.of()).contains(-5)) {
                                    seen.computeIfAbsent(order, o -> new CopyOnWriteArrayList<>()).add(-5);
                                    suspensions.incrementAndGet();
                                    return OrderlyResult.SUSPEND_CURRENT_QUEUE_A_MOMENT;
                                }
                                seen.computeIfAbsent(order, o -> new CopyOnWriteArrayList<>()).add(step);
                            }
                            return OrderlyResult.SUCCESS;
                        }).start();
                Deadline.await("every order's steps are consumed", WAIT, () -> seen.size() == orders
                        && seen.values().stream().allMatch(list -> list.size() == steps + 1));
            }
        }
        assertEquals(orders, suspensions.get());
        for (int order = 0; order < orders; order++) {
            List<Integer> expected = new ArrayList<>();
            for (int step = 0; step < steps; step++) {
                if (step == 5) {
                    expected.add(-5);
                }
                expected.add(step);
            }
            assertEquals(expected, seen.get(order), "order " + order);
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void redeliveryThenDeadLetterQueue(TestCluster cluster) throws Exception {
        String topic = unique("Retry");
        createTopic(cluster, topic, 2);
        String group = unique("R");
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        Set<String> good = ConcurrentHashMap.newKeySet();
        String badId;
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start();
                PushConsumer consumer = new PushConsumer(group, clientConfig(cluster, unique("r")))) {
            consumer.subscribe(topic, "*").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setMaxReconsumeTimes(2)
                    .setConcurrentListener(messages -> {
                        for (ReceivedMessage m : messages) {
                            assertEquals(topic, m.topic(), "a redelivered message shows its original topic");
                            if (m.tags() != null && m.tags().equals("Bad")) {
                                attempts.add(m.reconsumeTimes());
                                return ConsumeResult.RETRY_LATER;
                            }
                            good.add(body(m));
                        }
                        return ConsumeResult.SUCCESS;
                    }).start();
            badId = producer.send(text(topic, "Bad", "poison")).msgId();
            Set<String> sent = sendNumbered(producer, topic, "fine", 10);
            Deadline.await("the good messages are consumed", WAIT, () -> good.containsAll(sent));
            Deadline.await("the bad message was delivered 3 times", WAIT, () -> attempts.size() >= 3);
            // after the last attempt it goes to the DLQ, not back to the listener
            MessageQueue dlq = new MessageQueue("%DLQ%" + group, cluster.brokerName(), 0);
            try (LitePullConsumer reader = new LitePullConsumer(unique("D"), clientConfig(cluster, unique("d")))) {
                reader.setAutoCommit(false).setConsumeFrom(ConsumeFrom.FIRST_OFFSET);
                Deadline.await("the DLQ topic exists", WAIT, () -> {
                    try (Producer probe = new Producer(unique("Q"), clientConfig(cluster, unique("q"))).start()) {
                        return probe.clientRuntime().routes().find(dlq.topic()).isPresent();
                    }
                });
                reader.assign(List.of(dlq)).start();
                List<ReceivedMessage> dead = pollUntil(reader, 1);
                assertEquals(badId, dead.get(0).msgId());
                assertEquals("poison", body(dead.get(0)));
            }
        }
        assertEquals(List.of(0, 1, 2), attempts);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void consumerGroupSurvivesABrokerRestart(TestCluster cluster) throws Exception {
        String topic = unique("Restart");
        createTopic(cluster, topic, 2);
        String group = unique("S");
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start();
                PushConsumer consumer = new PushConsumer(group, clientConfig(cluster, unique("s")))) {
            consumer.subscribe(topic, "*").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setConcurrentListener(messages -> {
                messages.forEach(m -> deliveries.computeIfAbsent(body(m), id -> new AtomicInteger()).incrementAndGet());
                return ConsumeResult.SUCCESS;
            }).start();
            Set<String> before = sendNumbered(producer, topic, "before", 20);
            awaitConsumed(deliveries, before);
            Deadline.await("the broker has the group's offsets of all 20 messages", WAIT,
                    () -> ScenarioSupport.committedOffset(cluster, group, topic, 0)
                            + ScenarioSupport.committedOffset(cluster, group, topic, 1) == 20);

            cluster.stopBroker();
            cluster.startBroker();

            Set<String> after = new HashSet<>();
            Deadline.await("the restarted broker takes messages", WAIT, () -> {
                try {
                    producer.send(text(topic, null, "after-" + after.size()));
                    after.add("after-" + after.size());
                } catch (ClientException e) {
                    // the route may still point at the connection that closed with the broker
                }
                return after.size() == 20;
            });
            awaitConsumed(deliveries, after);
        }
        deliveries.forEach((id, n) -> assertEquals(1, n.get(), "deliveries of " + id));
        assertEquals(40, deliveries.size());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void flowControlStopsPullingAQueueThatIsBehind(TestCluster cluster) throws Exception {
        String topic = unique("Flow");
        createTopic(cluster, topic, 1);
        int threshold = 20;
        int batch = 8;
        CountDownLatch release = new CountDownLatch(1);
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start();
                PushConsumer consumer = new PushConsumer(unique("F"), clientConfig(cluster, unique("f")))) {
            Set<String> sent = sendNumbered(producer, topic, "f", 200);
            consumer.subscribe(topic, "*").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setConsumeThreads(2)
                    .setPullThresholdForQueue(threshold).setPullBatchSize(batch).setConcurrentListener(messages -> {
                        release.await(60, TimeUnit.SECONDS);
                        messages.forEach(m -> consumed.add(body(m)));
                        return ConsumeResult.SUCCESS;
                    }).start();
            Deadline.await("the queue fills up to its threshold", WAIT, () -> consumer.bufferedMessageCount() > threshold);
            // the listener is blocked: whatever more is pulled from now on would show; it stays within one batch over.
            // This watches for about a second (no condition to wait for: the point is that nothing more arrives).
            for (int i = 0; i < 200; i++) {
                long buffered = consumer.bufferedMessageCount();
                assertTrue(buffered <= threshold + batch, buffered + " messages buffered");
                TimeUnit.MILLISECONDS.sleep(5);
            }
            release.countDown();
            Deadline.await("all 200 are consumed once the listener goes on", WAIT, () -> consumed.containsAll(sent));
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void officialClientReadsWhatWeSendAndWeReadWhatItSends(TestCluster cluster) throws Exception {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
        String topic = unique("Interop");
        createTopic(cluster, topic, 1);
        MessageQueue q = new MessageQueue(topic, cluster.brokerName(), 0);
        byte[] big = new byte[10_000];
        new Random(3).nextBytes(big);
        Map<String, byte[]> ours = new HashMap<>();
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start()) {
            Message compressed = new Message(topic, "Big", big).setKeys("k1").putUserProperty("color", "blue");
            ours.put(producer.send(compressed, q).msgId(), big);
            List<Message> batch = List.of(text(topic, "B", "batch-0"), text(topic, "B", "batch-1"));
            producer.send(batch);
            batch.forEach(m -> ours.put(m.property(MessageProperty.UNIQ_KEY), m.body()));
        }
        org.apache.rocketmq.client.consumer.DefaultLitePullConsumer official =
                new org.apache.rocketmq.client.consumer.DefaultLitePullConsumer(unique("Official"));
        official.setNamesrvAddr(cluster.namesrvAddr());
        official.setInstanceName(unique("official"));
        official.setAutoCommit(false);
        Map<String, byte[]> seenByOfficial = new HashMap<>();
        try {
            official.start();
            org.apache.rocketmq.common.message.MessageQueue officialQueue =
                    new org.apache.rocketmq.common.message.MessageQueue(topic, cluster.brokerName(), 0);
            official.assign(List.of(officialQueue));
            official.seek(officialQueue, 0);
            Deadline.await("the official client reads our 3 messages", WAIT, () -> {
                for (org.apache.rocketmq.common.message.MessageExt m : official.poll(200)) {
                    seenByOfficial.put(m.getMsgId(), m.getBody());
                    if (m.getTags().equals("Big")) {
                        assertEquals("k1", m.getKeys());
                        assertEquals("blue", m.getUserProperty("color"));
                    }
                }
                return seenByOfficial.size() >= 3;
            });
        } finally {
            official.shutdown();
        }
        assertEquals(ours.keySet(), seenByOfficial.keySet(), "the official client sees our UNIQ_KEYs as msgIds");
        ours.forEach((id, body) -> assertArrayEquals(body, seenByOfficial.get(id), id));

        org.apache.rocketmq.client.producer.DefaultMQProducer officialProducer =
                new org.apache.rocketmq.client.producer.DefaultMQProducer(unique("OfficialP"));
        officialProducer.setNamesrvAddr(cluster.namesrvAddr());
        officialProducer.setInstanceName(unique("officialp"));
        String officialId;
        try {
            officialProducer.start();
            org.apache.rocketmq.common.message.Message m = new org.apache.rocketmq.common.message.Message(topic, "Theirs", big);
            officialId = officialProducer.send(m, new org.apache.rocketmq.common.message.MessageQueue(topic, cluster.brokerName(), 0))
                    .getMsgId();
        } finally {
            officialProducer.shutdown();
        }
        try (LitePullConsumer consumer = new LitePullConsumer(unique("L"), clientConfig(cluster, unique("l")))) {
            consumer.setAutoCommit(false).assign(List.of(q)).start();
            consumer.seek(q, 3);
            ReceivedMessage theirs = pollUntil(consumer, 1).get(0);
            assertEquals(officialId, theirs.msgId());
            assertEquals("Theirs", theirs.tags());
            assertArrayEquals(big, theirs.body(), "the official producer compressed it; we inflate it");
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void orderlyGivesUpOnAMessageAfterMaxReconsumeTimes(TestCluster cluster) throws Exception {
        String topic = unique("OrderlyDlq");
        createTopic(cluster, topic, 1);
        String group = unique("OD");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start();
                PushConsumer consumer = new PushConsumer(group, clientConfig(cluster, unique("o")))) {
            for (int i = 0; i < 5; i++) {
                producer.send(text(topic, null, "m" + i));
            }
            consumer.subscribe(topic, "*").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setMaxReconsumeTimes(2)
                    .setSuspendMillis(50).setOrderlyListener(messages -> {
                        ReceivedMessage m = messages.get(0);
                        seen.add(body(m) + "/" + m.reconsumeTimes());
                        return body(m).equals("m2") ? OrderlyResult.SUSPEND_CURRENT_QUEUE_A_MOMENT : OrderlyResult.SUCCESS;
                    }).start();
            Deadline.await("the queue moved past m2", WAIT, () -> seen.contains("m4/0"));
        }
        assertEquals(List.of("m0/0", "m1/0", "m2/0", "m2/1", "m2/2", "m3/0", "m4/0"), seen);
        try (LitePullConsumer reader = new LitePullConsumer(unique("D"), clientConfig(cluster, unique("d")))) {
            reader.setAutoCommit(false).setConsumeFrom(ConsumeFrom.FIRST_OFFSET)
                    .assign(List.of(new MessageQueue("%DLQ%" + group, cluster.brokerName(), 0))).start();
            assertEquals("m2", body(pollUntil(reader, 1).get(0)));
        }
    }

    /**
     * Transactional sends: a committed half message reaches consumers, a rolled-back one never does, and ones left
     * UNKNOWN (or whose local transaction threw) are settled by the broker's check-back, which sees the half message
     * under its real topic with the send's id.
     */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void transactionsCommitRollBackAndAreCheckedBack(TestCluster cluster) throws Exception {
        String topic = unique("Tx");
        createTopic(cluster, topic, 1);
        Map<String, String> checkedIds = new ConcurrentHashMap<>();
        TransactionListener listener = new TransactionListener() {
            @Override
            public TransactionState execute(Message message, Object arg) {
                String b = new String(message.body(), StandardCharsets.UTF_8);
                assertEquals("arg-" + b, arg);
                return switch (b) {
                    case "commit" -> TransactionState.COMMIT;
                    case "rollback" -> TransactionState.ROLLBACK;
                    case "unknown" -> TransactionState.UNKNOWN;
                    default -> throw new IllegalStateException("the local transaction failed");
                };
            }

            @Override
            public TransactionState check(ReceivedMessage message) {
                assertEquals(topic, message.topic());
                checkedIds.put(body(message), message.property(MessageProperty.UNIQ_KEY));
                return body(message).equals("unknown") ? TransactionState.COMMIT : TransactionState.ROLLBACK;
            }
        };
        Map<String, String> sentIds = new HashMap<>();
        try (Producer producer = new Producer(unique("TxP"), clientConfig(cluster, unique("p")))
                .setTransactionListener(listener).start()) {
            for (String b : List.of("commit", "rollback", "unknown", "throws")) {
                TransactionResult result = producer.sendInTransaction(text(topic, "TagT", b), "arg-" + b);
                assertEquals(SendStatus.SEND_OK, result.send().status());
                sentIds.put(b, result.send().msgId());
            }
            Deadline.await("the two transactions left open are checked back", WAIT,
                    () -> checkedIds.keySet().containsAll(Set.of("unknown", "throws")));
            List<String> polled = new ArrayList<>();
            try (LitePullConsumer consumer = new LitePullConsumer(unique("TxC"), clientConfig(cluster, unique("l")))) {
                consumer.subscribe(topic, "*").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).start();
                Deadline.await("the committed transactions are polled", WAIT, () -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(m -> polled.add(body(m)));
                    return polled.containsAll(List.of("commit", "unknown"));
                });
            }
            assertEquals(List.of("commit", "unknown"), polled);
            assertEquals(sentIds.get("unknown"), checkedIds.get("unknown"));
            assertEquals(sentIds.get("throws"), checkedIds.get("throws"));
            assertTrue(!checkedIds.containsKey("commit") && !checkedIds.containsKey("rollback"),
                    "settled transactions are not checked: " + checkedIds.keySet());
        }
    }

    /** Push and lite pull consumers with the same SQL92 selector get the same messages; a bad selector stops a start. */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void sqlSelectorsSelectByProperties(TestCluster cluster) throws Exception {
        String topic = unique("Sql");
        createTopic(cluster, topic, 1);
        MessageQueue only = new MessageQueue(topic, cluster.brokerName(), 0);
        String selector = "a >= 10 AND TAGS = 'TagA' OR b IS NOT NULL";
        List<String> expected = new ArrayList<>();
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start()) {
            for (int i = 0; i < 30; i++) {
                String tag = i % 2 == 0 ? "TagA" : "TagB";
                producer.send(text(topic, tag, "m" + i).putUserProperty("a", String.valueOf(i)), only);
                if (i >= 10 && i % 2 == 0) {
                    expected.add("m" + i);
                }
            }
            producer.send(text(topic, "TagC", "end").putUserProperty("b", "1"), only);
        }
        expected.add("end");
        List<String> pushed = new CopyOnWriteArrayList<>();
        try (PushConsumer consumer = new PushConsumer(unique("C"), clientConfig(cluster, unique("c")))) {
            // one queue and one consumer thread: when "end" (sent last) arrives, everything before it has been seen
            consumer.subscribeSql(topic, selector).setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setConsumeThreads(1)
                    .setConcurrentListener(messages -> {
                        messages.forEach(m -> pushed.add(body(m)));
                        return ConsumeResult.SUCCESS;
                    }).start();
            Deadline.await("the last message is pushed", WAIT, () -> pushed.contains("end"));
        }
        assertEquals(expected, pushed);
        List<String> polled = new ArrayList<>();
        try (LitePullConsumer consumer = new LitePullConsumer(unique("L"), clientConfig(cluster, unique("l")))) {
            consumer.subscribeSql(topic, selector).setConsumeFrom(ConsumeFrom.FIRST_OFFSET).start();
            Deadline.await("the last message is polled", WAIT, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(m -> polled.add(body(m)));
                return polled.contains("end");
            });
        }
        assertEquals(expected, polled);
        try (PushConsumer bad = new PushConsumer(unique("C"), clientConfig(cluster, unique("c")))) {
            bad.subscribeSql(topic, "a >").setConcurrentListener(messages -> ConsumeResult.SUCCESS);
            ClientException refused = assertThrows(ClientException.class, bad::start);
            assertEquals(23, refused.code(), "SUBSCRIPTION_PARSE_FAILED: " + refused.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void litePullSubscribeFiltersTagsAndCommitsForTheNextMember(TestCluster cluster) throws Exception {
        String topic = unique("LiteSub");
        createTopic(cluster, topic, 2);
        String group = unique("LS");
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start()) {
            for (int i = 0; i < 20; i++) {
                producer.send(text(topic, i % 2 == 0 ? "TagA" : "TagB", (i % 2 == 0 ? "a" : "b") + i));
            }
            Set<String> first = new HashSet<>();
            try (LitePullConsumer consumer = new LitePullConsumer(group, clientConfig(cluster, unique("l")))) {
                consumer.subscribe(topic, "TagA").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).start();
                Deadline.await("the TagA messages are polled", WAIT, () -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(m -> assertTrue(first.add(body(m)), body(m)));
                    return first.size() >= 10;
                });
                assertTrue(first.stream().allMatch(b -> b.startsWith("a")), first.toString());
                assertEquals(2, consumer.assignment().size());
            } // close commits what was polled
            for (int i = 20; i < 24; i++) {
                producer.send(text(topic, "TagA", "a" + i));
            }
            Set<String> second = new HashSet<>();
            try (LitePullConsumer next = new LitePullConsumer(group, clientConfig(cluster, unique("l")))) {
                next.subscribe(topic, "TagA").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).start();
                Deadline.await("the 4 new messages are polled", WAIT, () -> {
                    next.poll(Duration.ofMillis(200)).forEach(m -> second.add(body(m)));
                    return second.size() >= 4;
                });
            }
            assertEquals(Set.of("a20", "a21", "a22", "a23"), second, "nothing polled before is polled again");
        }
    }

    /** As RocketMQ's lite pull consumer: subscriptions made after start are read too, the first one joining the group. */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void litePullSubscribesAfterStart(TestCluster cluster) throws Exception {
        String first = unique("LateA");
        String second = unique("LateB");
        createTopic(cluster, first, 2);
        createTopic(cluster, second, 2);
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start();
                LitePullConsumer consumer = new LitePullConsumer(unique("LL"), clientConfig(cluster, unique("l")))) {
            Set<String> sentFirst = sendNumbered(producer, first, "a", 6);
            Set<String> sentSecond = sendNumbered(producer, second, "b", 6);
            consumer.setConsumeFrom(ConsumeFrom.FIRST_OFFSET).start();
            assertEquals(List.of(), consumer.poll(Duration.ofMillis(100)), "nothing is read before a subscription");

            consumer.subscribe(first, "*");
            assertEquals(sentFirst, pollBodies(consumer, 6));
            consumer.subscribe(second, "*");
            assertEquals(sentSecond, pollBodies(consumer, 6));
            Deadline.await("both topics' queues are read", WAIT, () -> consumer.assignment().size() == 4);

            ClientException refused = assertThrows(ClientException.class, () -> consumer.subscribeSql(second, "a >"));
            assertEquals(23, refused.code(), "SUBSCRIPTION_PARSE_FAILED: " + refused.getMessage());
        }
    }

    private static Set<String> pollBodies(LitePullConsumer consumer, int count) throws Exception {
        Set<String> bodies = new HashSet<>();
        pollUntil(consumer, count).forEach(m -> assertTrue(bodies.add(body(m)), "polled twice: " + body(m)));
        return bodies;
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("clusters")
    void anOnlineConsumerFollowsAResetOffsetByTime(TestCluster cluster) throws Exception {
        String topic = unique("Reset");
        createTopic(cluster, topic, 2);
        String group = unique("RS");
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start();
                PushConsumer consumer = new PushConsumer(group, clientConfig(cluster, unique("r")))) {
            consumer.subscribe(topic, "*").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setConcurrentListener(messages -> {
                messages.forEach(m -> deliveries.computeIfAbsent(body(m), id -> new AtomicInteger()).incrementAndGet());
                return ConsumeResult.SUCCESS;
            }).start();
            Set<String> sent = sendNumbered(producer, topic, "r", 10);
            awaitConsumed(deliveries, sent);
            // The broker resets only queues the group has an offset on, and consumers commit on a timer.
            Deadline.await("the consumed offsets are committed", WAIT,
                    () -> ScenarioSupport.committedOffset(cluster, group, topic, 0)
                            + ScenarioSupport.committedOffset(cluster, group, topic, 1) == 10);
            // what mqadmin resetOffsetByTime asks the broker, which forwards the offsets to the online members
            try (NettyRemotingClient admin = new NettyRemotingClient(new RemotingClientConfig())) {
                RemotingCommand response = admin.invokeSync(cluster.brokerAddr(),
                        RemotingCommand.request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET).putExtField("topic", topic)
                                .putExtField("group", group).putExtField("timestamp", System.currentTimeMillis() - 3_600_000)
                                .putExtField("isForce", true), 10_000);
                assertEquals(0, response.code(), response.remark());
            }
            Deadline.await("every message is consumed again", WAIT,
                    () -> deliveries.values().stream().allMatch(n -> n.get() >= 2));
            Deadline.await("the reset offsets are committed and consumed past", WAIT,
                    () -> ScenarioSupport.committedOffset(cluster, group, topic, 0)
                            + ScenarioSupport.committedOffset(cluster, group, topic, 1) == 10);
        }
        deliveries.forEach((id, n) -> assertEquals(2, n.get(), "deliveries of " + id));
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
