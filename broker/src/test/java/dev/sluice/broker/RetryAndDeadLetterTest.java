package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.json.Json;
import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 4.9.7 push consumer whose listener keeps answering RECONSUME_LATER: the broker (CONSUMER_SEND_MSG_BACK) puts the
 * message on the group's retry topic one delay level later each time (levels of 1 s here), the consumer sees the same
 * msgId and topic with a growing reconsume count, and after maxReconsumeTimes the message is in %DLQ%group, readable,
 * queryable by key, carrying its original topic and id.
 */
class RetryAndDeadLetterTest {
    private static final String TOPIC = "RetryTopic";
    private static final String GROUP = "RetryGroup";
    private static final int MAX_RECONSUME = 3;
    private static final long LEVEL_MILLIS = 1000;

    @TempDir
    Path home;

    record Delivery(long receivedAt, MessageExt message) {
    }

    @Test
    void reconsumeLaterRetriesAfterEachDelayLevelThenTheMessageIsADeadLetter() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Properties props = cluster.brokerProperties("broker-retry");
            props.setProperty("messageDelayLevel", "1s ".repeat(18).trim());
            Broker broker = cluster.startBroker(props);

            // Sent first: a consumer subscribing to a topic without a route waits 20 s for its next rebalance.
            DefaultMQProducer producer = cluster.producer("RetryProducer");
            SendResult sent = producer.send(new Message(TOPIC, "TagR", "order-42",
                    "will fail".getBytes(StandardCharsets.UTF_8)));
            assertEquals(SendStatus.SEND_OK, sent.getSendStatus());

            DefaultMQAdminExt admin = new DefaultMQAdminExt();
            admin.setNamesrvAddr(cluster.namesrvAddr);
            admin.setInstanceName("retry-admin-" + ProcessHandle.current().pid());
            admin.start();
            // The broker creates the retry topic at the group's first heartbeat, after the starting consumer looked for
            // its route: the consumer would only pull from it at its next rebalance, 20 s later.
            admin.createAndUpdateTopicConfig(broker.address(),
                    new org.apache.rocketmq.common.TopicConfig("%RETRY%" + GROUP, 1, 1, 6));

            List<Delivery> deliveries = new CopyOnWriteArrayList<>();
            DefaultMQPushConsumer consumer = cluster.pushConsumer(GROUP);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.setMaxReconsumeTimes(MAX_RECONSUME);
            consumer.subscribe(TOPIC, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                long now = System.currentTimeMillis();
                messages.forEach(m -> deliveries.add(new Delivery(now, m)));
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            });
            consumer.start();

            Deadline.await("the original delivery and " + MAX_RECONSUME + " retries", Duration.ofSeconds(60),
                    () -> deliveries.size() >= MAX_RECONSUME + 1);
            for (int i = 0; i < deliveries.size(); i++) {
                MessageExt m = deliveries.get(i).message();
                assertEquals(sent.getMsgId(), m.getMsgId(), "the client's msgId is kept on every retry");
                assertEquals(TOPIC, m.getTopic(), "the client sees the original topic");
                assertEquals("order-42", m.getKeys());
                assertEquals("TagR", m.getTags());
                assertEquals(i, m.getReconsumeTimes());
                if (i > 0) {
                    long gap = deliveries.get(i).receivedAt() - deliveries.get(i - 1).receivedAt();
                    assertTrue(gap >= LEVEL_MILLIS, "retry " + i + " came " + gap + " ms after the previous attempt");
                    assertEquals(TOPIC, m.getProperty("RETRY_TOPIC"));
                    assertEquals(sent.getMsgId(), m.getProperty("ORIGIN_MESSAGE_ID"));
                }
            }

            try {
                String dlq = "%DLQ%" + GROUP;
                MessageExt[] dead = new MessageExt[1];
                Deadline.await("the message is in " + dlq + ", found by its key", Duration.ofSeconds(30), () -> {
                    try {
                        List<MessageExt> found = admin.queryMessage(dlq, "order-42", 32, 0, Long.MAX_VALUE).getMessageList();
                        if (found.isEmpty()) {
                            return false;
                        }
                        dead[0] = found.get(0);
                        return true;
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertEquals("will fail", new String(dead[0].getBody(), StandardCharsets.UTF_8));
                assertEquals(TOPIC, dead[0].getProperty("RETRY_TOPIC"));
                assertEquals(sent.getMsgId(), dead[0].getProperty("ORIGIN_MESSAGE_ID"));
                assertEquals(sent.getMsgId(), dead[0].getProperty("UNIQ_KEY"));
                assertEquals(MAX_RECONSUME + 1, dead[0].getReconsumeTimes());
                assertEquals(MAX_RECONSUME + 1, deliveries.size(), "nothing is retried after the dead-letter topic");

                TopicRouteData route = admin.examineTopicRouteInfo(dlq);
                assertEquals(1, route.getQueueDatas().size());
                assertEquals(1, route.getQueueDatas().get(0).getWriteQueueNums());
                assertEquals(6, route.getQueueDatas().get(0).getPerm(), "4.9.x creates the DLQ readable and writable");
            } finally {
                admin.shutdown();
            }
            consumer.shutdown();
        }
        Path delayOffsets = home.resolve("store-broker-retry/config/delayOffset.json");
        Map<String, Object> json = Json.asObject(Json.parse(Files.readString(delayOffsets)), "delayOffset.json");
        Map<String, Object> table = Json.asObject(json.get("offsetTable"), "offsetTable");
        // Retries 1..3 used levels 3, 4 and 5, one message each, all delivered.
        assertEquals(Map.of("3", 1L, "4", 1L, "5", 1L), Map.copyOf(table));
        assertTrue(Files.readString(delayOffsets).matches("(?s).*[{,\\s]3:1.*"), "level keys are unquoted, as fastjson writes them");
    }
}
