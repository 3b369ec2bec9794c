package dev.sluice.client.cli;

import dev.sluice.client.ClientException;
import dev.sluice.client.admin.Admin;
import dev.sluice.client.testing.TestCluster;
import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/** Messages sent and consumed with the official 4.9.7 client, so the admin commands have something to report. */
final class Traffic {
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    static {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
        System.setProperty("rocketmq.client.logLevel", "WARN");
        // rebalance every 2 s rather than 20 s, so consumers take back queues soon after an offset reset
        System.setProperty("rocketmq.client.rebalance.waitInterval", "2000");
    }

    private Traffic() {
    }

    /** Sends {@code count} messages with keys {@code keyPrefix + i} and tag TagA; returns their results in order. */
    static List<SendResult> send(TestCluster cluster, String topic, String keyPrefix, int from, int count) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("admin-test-producer");
        producer.setNamesrvAddr(cluster.namesrvAddr());
        producer.setInstanceName(instance());
        producer.setSendMsgTimeout(10_000);
        producer.start();
        try {
            List<SendResult> results = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                Message message = new Message(topic, "TagA", keyPrefix + i, ("body " + keyPrefix + i).getBytes(StandardCharsets.UTF_8));
                results.add(producer.send(message));
            }
            return results;
        } finally {
            producer.shutdown();
        }
    }

    /** Consumes {@code count} distinct messages of {@code topic} as {@code group} from the start, then stops. */
    static void consume(TestCluster cluster, String group, String topic, int count) throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = startConsumer(cluster, group, topic, seen);
        try {
            Deadline.await(count + " messages consumed by " + group, Duration.ofSeconds(60), () -> seen.size() >= count);
            // offsets reach the broker every 500 ms while running, but only oneway at shutdown: wait for them here
            try (Admin admin = Admin.connect(List.of(cluster.namesrvAddr()), Admin.DEFAULT_TIMEOUT_MILLIS)) {
                Deadline.await(group + "'s offsets committed on the broker", Duration.ofSeconds(30),
                        () -> committed(admin, group, topic) >= count);
            }
        } finally {
            consumer.shutdown();
        }
    }

    private static long committed(Admin admin, String group, String topic) {
        try {
            return admin.consumeStats(group, topic).queues().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic))
                    .mapToLong(e -> e.getValue().consumerOffset()).sum();
        } catch (ClientException e) {
            return -1; // the group's retry topic is not routed yet
        }
    }

    /** A started push consumer (from the first offset) that adds the id of every message delivered to it. */
    static DefaultMQPushConsumer startConsumer(TestCluster cluster, String group, String topic,
            Collection<String> deliveries) throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName(instance());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPersistConsumerOffsetInterval(500);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                deliveries.add(m.getMsgId());
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return consumer;
    }

    static String instance() {
        return "admin-test-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
    }
}
