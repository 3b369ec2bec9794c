package dev.sluice.broker;

import dev.sluice.testing.Deadline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart RocketMQ users know, with the official 4.9.7 client against an in-JVM name server and broker:
 * 1,000 messages with tags and keys are sent once (the topic is auto-created), then read back by a push consumer,
 * a pull consumer walking every queue, tag-filtered consumers, and key / offsetMsgId queries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickstartTest {
    private static final String TOPIC = "QuickstartTopic";
    private static final int COUNT = 1000;
    private static final String[] TAGS = {"TagA", "TagB", "TagC", "TagD"};
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path home;

    private Cluster cluster;
    private DefaultMQProducer producer;
    private final Map<String, SendResult> sent = new HashMap<>();

    @BeforeAll
    void sendAll() throws Exception {
        cluster = new Cluster(home);
        cluster.startBroker(cluster.brokerProperties("broker-a"));
        producer = cluster.producer("QuickstartProducer");
        for (int i = 0; i < COUNT; i++) {
            Message message = new Message(TOPIC, tag(i), "key-" + i, body(i));
            SendResult result = producer.send(message);
            assertEquals(SendStatus.SEND_OK, result.getSendStatus(), result.toString());
            sent.put("key-" + i, result);
        }
        // ConsumeQueues are written behind the CommitLog; the offset tests read them directly.
        Deadline.await("every message is in its ConsumeQueue", WAIT, () -> {
            long total = 0;
            for (MessageQueue queue : producer.fetchPublishMessageQueues(TOPIC)) {
                total += producer.maxOffset(queue);
            }
            return total == COUNT;
        });
    }

    @AfterAll
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void sendResultsCarryDistinctIdsAndConsecutiveQueueOffsets() {
        Set<String> offsetMsgIds = new HashSet<>();
        Map<Integer, List<Long>> offsetsByQueue = new HashMap<>();
        for (SendResult result : sent.values()) {
            assertEquals(32, result.getOffsetMsgId().length(), result.getOffsetMsgId());
            assertTrue(result.getOffsetMsgId().startsWith("7F000001"), "store host is brokerIP1: " + result.getOffsetMsgId());
            offsetMsgIds.add(result.getOffsetMsgId());
            offsetsByQueue.computeIfAbsent(result.getMessageQueue().getQueueId(), q -> new ArrayList<>())
                    .add(result.getQueueOffset());
        }
        assertEquals(COUNT, offsetMsgIds.size());
        offsetsByQueue.values().forEach(offsets -> {
            offsets.sort(null);
            for (int i = 0; i < offsets.size(); i++) {
                assertEquals(i, offsets.get(i), "queue offsets of one queue are 0, 1, 2, ...");
            }
        });
        assertEquals(4, offsetsByQueue.size(), "a new topic gets the producer's default of 4 queues");
    }

    @Test
    void aClusteringPushConsumerReceivesEveryMessageExactlyOnce() throws Exception {
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        Map<String, byte[]> bodies = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = cluster.pushConsumer("QuickstartPushGroup");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                received.computeIfAbsent(m.getKeys(), k -> new AtomicInteger()).incrementAndGet();
                bodies.put(m.getKeys(), m.getBody());
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        Deadline.await("all " + COUNT + " messages arrived", WAIT, () -> received.size() == COUNT);
        received.forEach((key, times) -> assertEquals(1, times.get(), key + " delivered once"));
        for (int i = 0; i < COUNT; i++) {
            assertArrayEquals(body(i), bodies.get("key-" + i));
        }
    }

    @Test
    void aPullConsumerWalksEveryQueueFromZeroToNoNewMessage() throws Exception {
        DefaultMQPullConsumer consumer = cluster.pullConsumer("QuickstartPullGroup");
        consumer.setBrokerSuspendMaxTimeMillis(1000);
        Set<String> keys = new HashSet<>();
        Set<MessageQueue> queues = consumer.fetchSubscribeMessageQueues(TOPIC);
        assertEquals(4, queues.size());
        for (MessageQueue queue : queues) {
            long offset = 0;
            while (true) {
                PullResult result = consumer.pullBlockIfNotFound(queue, "*", offset, 32);
                if (result.getPullStatus() == PullStatus.NO_NEW_MSG) {
                    assertEquals(consumer.maxOffset(queue), offset);
                    break;
                }
                assertEquals(PullStatus.FOUND, result.getPullStatus(), result.toString());
                for (MessageExt m : result.getMsgFoundList()) {
                    assertEquals(offset++, m.getQueueOffset(), "messages come in queue order without gaps");
                    assertTrue(keys.add(m.getKeys()), "no message twice: " + m.getKeys());
                }
                assertEquals(offset, result.getNextBeginOffset());
            }
        }
        assertEquals(COUNT, keys.size());
    }

    @Test
    void aTagSubscriptionReceivesOnlyThoseTags() throws Exception {
        Set<String> tagsSeen = ConcurrentHashMap.newKeySet();
        Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = cluster.pushConsumer("QuickstartTagGroup");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(TOPIC, "TagA || TagC");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> {
                tagsSeen.add(m.getTags());
                received.add(m.getKeys());
            });
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        Deadline.await("the TagA and TagC messages arrived", WAIT, () -> received.size() == COUNT / 2);
        assertEquals(Set.of("TagA", "TagC"), tagsSeen);

        // The broker filters by tag hash: a pull with the same expression gets only matching records over the wire.
        DefaultMQPullConsumer puller = cluster.pullConsumer("QuickstartTagPullGroup");
        MessageQueue queue = puller.fetchSubscribeMessageQueues(TOPIC).iterator().next();
        PullResult result = puller.pull(queue, "TagB", 0, 32);
        // Which messages landed in this queue depends on the producer's queue choice (the first send routes by the
        // default topic's queues), so the expectation comes from the send results, not from the send order: the
        // first 32 TagB messages of the queue, the broker looking past the other tags' entries for them.
        TreeMap<Long, String> tagBByOffset = new TreeMap<>();
        sent.forEach((key, r) -> {
            if (r.getMessageQueue().getQueueId() == queue.getQueueId()
                    && tag(Integer.parseInt(key.substring("key-".length()))).equals("TagB")) {
                tagBByOffset.put(r.getQueueOffset(), key);
            }
        });
        assertTrue(tagBByOffset.size() > 32, "the queue holds more than one pull of TagB messages");
        List<Long> firstOffsets = new ArrayList<>(tagBByOffset.keySet()).subList(0, 32);
        Set<String> expected = new HashSet<>();
        firstOffsets.forEach(offset -> expected.add(tagBByOffset.get(offset)));
        assertEquals(PullStatus.FOUND, result.getPullStatus());
        Set<String> pulled = new HashSet<>();
        result.getMsgFoundList().forEach(m -> {
            assertEquals("TagB", m.getTags());
            pulled.add(m.getKeys());
        });
        assertEquals(expected, pulled, "the first 32 TagB messages of the queue");
        assertEquals(firstOffsets.get(31) + 1, result.getNextBeginOffset(), "the scan stopped after the 32nd");
    }

    @Test
    void queriesByKeyAndByOffsetMsgIdReturnTheSentBytes() throws Exception {
        for (int i : new int[] {0, 417, COUNT - 1}) {
            QueryResult byKey = producer.queryMessage(TOPIC, "key-" + i, 32, 0, Long.MAX_VALUE);
            assertEquals(1, byKey.getMessageList().size());
            assertArrayEquals(body(i), byKey.getMessageList().get(0).getBody());
            assertEquals("key-" + i, byKey.getMessageList().get(0).getKeys());

            SendResult result = sent.get("key-" + i);
            MessageExt byId = producer.viewMessage(result.getOffsetMsgId());
            assertArrayEquals(body(i), byId.getBody());
            assertEquals(result.getMsgId(), byId.getMsgId(), "UNIQ_KEY survives the round trip");
        }
    }

    @Test
    void queueOffsetQueriesAnswerFromTheStore() throws Exception {
        DefaultMQPullConsumer consumer = cluster.pullConsumer("QuickstartOffsetGroup");
        long total = 0;
        for (MessageQueue queue : consumer.fetchSubscribeMessageQueues(TOPIC)) {
            assertEquals(0, consumer.minOffset(queue));
            long max = consumer.maxOffset(queue);
            total += max;
            long earliest = consumer.earliestMsgStoreTime(queue);
            assertTrue(earliest > 0 && earliest <= System.currentTimeMillis());
            assertEquals(0, consumer.searchOffset(queue, earliest));
            assertEquals(max, consumer.searchOffset(queue, System.currentTimeMillis() + 60_000));
        }
        assertEquals(COUNT, total);
        MQClientException none = assertThrows(MQClientException.class,
                () -> producer.queryMessage(TOPIC, "no-such-key", 32, 0, Long.MAX_VALUE));
        assertTrue(none.getMessage().contains("no message"), none.getMessage());
    }

    /** Changes every 4 messages, so with round-robin queue selection every queue holds every tag. */
    private static String tag(int i) {
        return TAGS[(i / 4) % TAGS.length];
    }

    private static byte[] body(int i) {
        return ("Hello Sluice " + i).getBytes(StandardCharsets.UTF_8);
    }
}
