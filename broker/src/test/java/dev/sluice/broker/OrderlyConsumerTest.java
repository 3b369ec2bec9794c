package dev.sluice.broker;

import dev.sluice.testing.Deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orderly consumption with the official client: orders spread over queues by a MessageQueueSelector keep their step
 * order while a second consumer joins and the queues (and their LOCK_BATCH_MQ locks) move between the two.
 */
class OrderlyConsumerTest {
    private static final String TOPIC = "OrderTopic";
    private static final String GROUP = "OrderConsumers";
    private static final int ORDERS = 8;
    private static final int STEPS = 20;
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final MessageQueueSelector BY_ORDER = (queues, message, orderId) ->
            queues.get(Math.floorMod((Integer) orderId, queues.size()));

    @TempDir
    Path home;

    @Test
    void perOrderSequenceIsKeptWhileASecondConsumerJoins() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            cluster.startBroker(cluster.brokerProperties("broker-o"));
            DefaultMQProducer producer = cluster.producer("OrderProducer");
            send(producer, 0, STEPS / 2);

            Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
            Map<Integer, AtomicReference<String>> inside = new ConcurrentHashMap<>();
            List<String> overlaps = new CopyOnWriteArrayList<>();
            Map<String, AtomicInteger> consumedBy = new ConcurrentHashMap<>();
            consumer(cluster, "first", seen, inside, overlaps, consumedBy);
            Deadline.await("the first consumer is under way", WAIT, () -> total(seen) >= ORDERS * 2);

            DefaultMQPushConsumer second = consumer(cluster, "second", seen, inside, overlaps, consumedBy);
            // Until the second holds a queue's lock the first may consume every later step by itself.
            Deadline.await("the second consumer locked a queue", WAIT, () -> second.getDefaultMQPushConsumerImpl()
                    .getRebalanceImpl().getProcessQueueTable().values().stream().anyMatch(ProcessQueue::isLocked));
            send(producer, STEPS / 2, STEPS);
            Deadline.await("every step of every order consumed", WAIT, () -> distinct(seen) == ORDERS * STEPS);
            Deadline.await("the second consumer consumed", WAIT, () -> consumedBy.containsKey("second"));

            assertEquals(List.of(), overlaps, "no queue was consumed by both consumers at once");
            for (int order = 0; order < ORDERS; order++) {
                List<Integer> firstSeen = new ArrayList<>(new java.util.LinkedHashSet<>(seen.get(order)));
                List<Integer> expected = new ArrayList<>();
                for (int step = 0; step < STEPS; step++) {
                    expected.add(step);
                }
                assertEquals(expected, firstSeen, "steps of order " + order + " in order (all deliveries: "
                        + seen.get(order) + ")");
            }
            assertTrue(consumedBy.get("first").get() > 0);
        }
    }

    private static void send(DefaultMQProducer producer, int fromStep, int toStep) throws Exception {
        for (int step = fromStep; step < toStep; step++) {
            for (int order = 0; order < ORDERS; order++) {
                Message message = new Message(TOPIC, "TagO", order + ":" + step,
                        ("order " + order + " step " + step).getBytes(StandardCharsets.UTF_8));
                assertEquals(SendStatus.SEND_OK, producer.send(message, BY_ORDER, order).getSendStatus());
            }
        }
    }

    private static DefaultMQPushConsumer consumer(Cluster cluster, String name, Map<Integer, List<Integer>> seen,
                                                  Map<Integer, AtomicReference<String>> inside, List<String> overlaps,
                                                  Map<String, AtomicInteger> consumedBy) throws Exception {
        DefaultMQPushConsumer consumer = cluster.pushConsumer(GROUP);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerOrderly) (messages, context) -> {
            int queueId = context.getMessageQueue().getQueueId();
            AtomicReference<String> holder = inside.computeIfAbsent(queueId, q -> new AtomicReference<>());
            if (!holder.compareAndSet(null, name)) {
                overlaps.add(name + " entered queue " + queueId + " while " + holder.get() + " was in it");
                return ConsumeOrderlyStatus.SUCCESS;
            }
            try {
                for (MessageExt m : messages) {
                    String[] key = m.getKeys().split(":");
                    seen.computeIfAbsent(Integer.parseInt(key[0]), o -> new CopyOnWriteArrayList<>())
                            .add(Integer.parseInt(key[1]));
                    consumedBy.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                }
            } finally {
                holder.set(null);
            }
            return ConsumeOrderlyStatus.SUCCESS;
        });
        consumer.start();
        return consumer;
    }

    private static int total(Map<Integer, List<Integer>> seen) {
        return seen.values().stream().mapToInt(List::size).sum();
    }

    private static int distinct(Map<Integer, List<Integer>> seen) {
        return seen.values().stream().mapToInt(steps -> Set.copyOf(steps).size()).sum();
    }
}
