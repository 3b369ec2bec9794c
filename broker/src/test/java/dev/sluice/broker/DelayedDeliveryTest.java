package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages sent by the 4.9.7 producer with a delay level (setDelayTimeLevel) or RocketMQ 5's timer properties (set as
 * user properties) reach a push consumer no earlier than due and soon after, once each, on the queue the send result
 * named; a level above the last is capped; a timer beyond timerMaxDelaySec or not a number is refused with a clear
 * MESSAGE_ILLEGAL.
 */
class DelayedDeliveryTest {
    private static final String TOPIC = "DelayedTopic";
    /** How late a delivery may be: the 100 ms delivery period plus a busy two-core machine's scheduling. */
    private static final long TOLERANCE_MILLIS = 2000;

    @TempDir
    Path home;

    record Sent(long sentAt, long delayMillis, SendResult result) {
    }

    record Received(long receivedAt, MessageExt message) {
    }

    @Test
    void delayLevelsAndTimersAreDeliveredOnTimeOnceAndNeverEarly() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Properties props = cluster.brokerProperties("broker-delay");
            props.setProperty("messageDelayLevel", "1s 2s 3s");
            props.setProperty("timerMaxDelaySec", "60");
            cluster.startBroker(props);
            DefaultMQProducer producer = cluster.producer("DelayedProducer");
            // The topic exists before the consumer subscribes: otherwise its first rebalance finds no route and the
            // next comes 20 s later.
            assertEquals(SendStatus.SEND_OK, producer.send(new Message(TOPIC, "TagP", "create", new byte[1])).getSendStatus());

            Map<String, Received> received = new ConcurrentHashMap<>();
            List<String> repeated = new CopyOnWriteArrayList<>();
            DefaultMQPushConsumer consumer = cluster.pushConsumer("DelayedGroup");
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(TOPIC, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                long now = System.currentTimeMillis();
                for (MessageExt m : messages) {
                    if ("create".equals(m.getKeys())) {
                        continue;
                    }
                    if (received.putIfAbsent(m.getKeys(), new Received(now, m)) != null) {
                        repeated.add(m.getKeys());
                    }
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();

            Map<String, Sent> sent = new HashMap<>();
            sent.put("level1", sendLevel(producer, "level1", 1, 1000));
            sent.put("level2", sendLevel(producer, "level2", 2, 2000));
            sent.put("level3", sendLevel(producer, "level3", 3, 3000));
            sent.put("level7-capped", sendLevel(producer, "level7-capped", 7, 3000));
            sent.put("timer-ms", sendTimer(producer, "timer-ms", "TIMER_DELAY_MS", "1500", 1500));
            sent.put("timer-sec", sendTimer(producer, "timer-sec", "TIMER_DELAY_SEC", "2", 2000));
            long deliverAt = System.currentTimeMillis() + 2500;
            sent.put("timer-at", sendTimer(producer, "timer-at", "TIMER_DELIVER_MS", String.valueOf(deliverAt), 2500));
            sent.put("timer-past", sendTimer(producer, "timer-past", "TIMER_DELIVER_MS",
                    String.valueOf(System.currentTimeMillis() - 1000), 0));
            sent.put("plain", sendTimer(producer, "plain", "SOME_USER_PROPERTY", "x", 0));

            MQBrokerException tooFar = assertThrows(MQBrokerException.class,
                    () -> sendTimer(producer, "too-far", "TIMER_DELAY_SEC", "61", 0));
            assertEquals(13, tooFar.getResponseCode());
            assertTrue(tooFar.getErrorMessage().contains("max delay 60000ms"), tooFar.getErrorMessage());
            MQBrokerException notANumber = assertThrows(MQBrokerException.class,
                    () -> sendTimer(producer, "nan", "TIMER_DELAY_MS", "soon", 0));
            assertEquals(13, notANumber.getResponseCode());
            assertTrue(notANumber.getErrorMessage().contains("TIMER_DELAY_MS"), notANumber.getErrorMessage());

            Deadline.await("every delayed message arrives", Duration.ofSeconds(30),
                    () -> received.keySet().containsAll(sent.keySet()));
            assertEquals(sent.keySet(), received.keySet(), "refused messages are never delivered");
            for (Map.Entry<String, Sent> e : sent.entrySet()) {
                String key = e.getKey();
                Sent s = e.getValue();
                MessageExt m = received.get(key).message();
                long waited = received.get(key).receivedAt() - s.sentAt();
                long storedAfterBirth = m.getStoreTimestamp() - m.getBornTimestamp();
                assertTrue(waited >= s.delayMillis(), key + " arrived " + waited + " ms after sending, due after "
                        + s.delayMillis());
                assertTrue(storedAfterBirth >= s.delayMillis(), key + " was put on its topic " + storedAfterBirth
                        + " ms after it was born, due after " + s.delayMillis());
                assertTrue(storedAfterBirth <= s.delayMillis() + TOLERANCE_MILLIS, key + " was put on its topic "
                        + storedAfterBirth + " ms after it was born, due after " + s.delayMillis());
                assertEquals(TOPIC, m.getTopic());
                assertEquals(s.result().getMessageQueue().getQueueId(), m.getQueueId(),
                        key + " is on the queue its send result named");
                assertEquals(s.result().getMsgId(), m.getMsgId());
                assertEquals(key, new String(m.getBody(), StandardCharsets.UTF_8));
                assertNull(m.getProperty("DELAY"), key + " carries no delay level any more");
                assertNull(m.getProperty("TIMER_DELAY_SEC"));
                assertNull(m.getProperty("TIMER_DELAY_MS"));
            }
            assertEquals(String.valueOf(deliverAt), received.get("timer-at").message().getProperty("TIMER_OUT_MS"));
            assertTrue(received.get("timer-at").message().getStoreTimestamp() >= deliverAt);
            assertEquals(TOPIC, received.get("level2").message().getProperty("REAL_TOPIC"),
                    "as in RocketMQ 4.9, the delivered copy still names its real topic");
            assertEquals(List.of(), repeated, "each message is delivered once");
        }
    }

    private static Sent sendLevel(DefaultMQProducer producer, String key, int level, long delay) throws Exception {
        Message message = new Message(TOPIC, "TagD", key, key.getBytes(StandardCharsets.UTF_8));
        message.setDelayTimeLevel(level);
        long at = System.currentTimeMillis();
        SendResult result = producer.send(message);
        assertEquals(SendStatus.SEND_OK, result.getSendStatus());
        return new Sent(at, delay, result);
    }

    private static Sent sendTimer(DefaultMQProducer producer, String key, String property, String value, long delay)
            throws Exception {
        Message message = new Message(TOPIC, "TagT", key, key.getBytes(StandardCharsets.UTF_8));
        message.putUserProperty(property, value);
        long at = System.currentTimeMillis();
        SendResult result = producer.send(message);
        assertEquals(SendStatus.SEND_OK, result.getSendStatus());
        return new Sent(at, delay, result);
    }
}
