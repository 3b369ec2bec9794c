package dev.sluice.broker;

import dev.sluice.testing.Deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.admin.TopicOffset;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A batch is stored as one record per message: each message's keys are queryable and its tag filters. */
class BatchSendTest {
    private static final String TOPIC = "BatchTopic";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void everyMessageOfABatchIsIndexedByItsKeysAndFilteredByItsTag() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            cluster.startBroker(cluster.brokerProperties("broker-b"));
            DefaultMQProducer producer = cluster.producer("BatchProducer");
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Message m = new Message(TOPIC, i % 3 == 0 ? "TagB" : "TagA",
                        ("batch body " + i).getBytes(StandardCharsets.UTF_8));
                m.setKeys(List.of("order-" + i, "customer-" + (i % 4)));
                batch.add(m);
            }
            long begin = System.currentTimeMillis() - 60_000;
            SendResult sent = producer.send(batch);
            assertEquals(SendStatus.SEND_OK, sent.getSendStatus());
            assertEquals(12, sent.getMsgId().split(",").length, "one id per message");

            for (int i = 0; i < 12; i++) {
                String key = "order-" + i;
                QueryResult[] found = new QueryResult[1];
                Deadline.await(key + " is queryable", WAIT, () -> {
                    try {
                        found[0] = producer.queryMessage(TOPIC, key, 32, begin, System.currentTimeMillis() + 60_000);
                        return !found[0].getMessageList().isEmpty();
                    } catch (MQClientException e) {
                        // The index catches up with the CommitLog shortly after the send.
                        if (e.getResponseCode() == ResponseCode.NO_MESSAGE) {
                            return false;
                        }
                        throw e;
                    }
                });
                assertEquals(1, found[0].getMessageList().size(), key);
                MessageExt m = found[0].getMessageList().get(0);
                assertEquals("batch body " + i, new String(m.getBody(), StandardCharsets.UTF_8));
                assertEquals(i % 3 == 0 ? "TagB" : "TagA", m.getTags());
            }
            QueryResult byCustomer = producer.queryMessage(TOPIC, "customer-1", 32, begin,
                    System.currentTimeMillis() + 60_000);
            Set<String> bodies = new TreeSet<>();
            byCustomer.getMessageList().forEach(m -> bodies.add(new String(m.getBody(), StandardCharsets.UTF_8)));
            assertEquals(Set.of("batch body 1", "batch body 5", "batch body 9"), bodies, "second key of each message");

            DefaultMQPullConsumer pull = cluster.pullConsumer("BatchReader");
            Cluster.awaitRoute(pull, TOPIC);
            PullResult tagB = pull.pull(sent.getMessageQueue(), "TagB", 0, 32);
            assertEquals(PullStatus.FOUND, tagB.getPullStatus());
            Set<String> tagBBodies = new TreeSet<>();
            tagB.getMsgFoundList().forEach(m -> tagBBodies.add(new String(m.getBody(), StandardCharsets.UTF_8)));
            assertEquals(Set.of("batch body 0", "batch body 3", "batch body 6", "batch body 9"), tagBBodies);
        }
    }
    @Test
    void aBatchOverMaxMessageSizeIsRefusedWholeAndTheLimitFollowsUpdateBrokerConfig() throws Exception {
        String topic = "BigBatchTopic";
        try (Cluster cluster = new Cluster(home)) {
            Broker broker = cluster.startBroker(cluster.brokerProperties("broker-b"));
            DefaultMQAdminExt admin = cluster.admin();
            DefaultMQProducer producer = cluster.producer("BigBatchProducer");
            // The client holds a batch to its own limit (4 MiB by default) before the broker sees it.
            producer.setMaxMessageSize(16 * 1024 * 1024);

            MQBrokerException refused = assertThrows(MQBrokerException.class, () -> producer.send(batch(topic, 5)));
            assertEquals(ResponseCode.MESSAGE_ILLEGAL, refused.getResponseCode(), refused.getMessage());

            assertEquals(SendStatus.SEND_OK, producer.send(batch(topic, 3)).getSendStatus(), "3 MiB is within 4 MiB");
            Deadline.await("the 3 messages are in the topic's queues", WAIT, () -> storedIn(admin, topic) >= 3);
            assertEquals(3, storedIn(admin, topic), "no message of the refused batch is stored");

            Properties change = new Properties();
            change.setProperty("maxMessageSize", String.valueOf(8 * 1024 * 1024));
            admin.updateBrokerConfig(broker.address(), change);
            assertEquals(SendStatus.SEND_OK, producer.send(batch(topic, 5)).getSendStatus(), "5 MiB is within 8 MiB");
            Deadline.await("all 8 messages are in the topic's queues", WAIT, () -> storedIn(admin, topic) == 8);
        }
    }

    /** {@code count} messages of 1 MiB each; random bodies, though the client compresses no batch. */
    private static List<Message> batch(String topic, int count) {
        Random random = new Random(count);
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] body = new byte[1024 * 1024];
            random.nextBytes(body);
            batch.add(new Message(topic, body));
        }
        return batch;
    }

    private static long storedIn(DefaultMQAdminExt admin, String topic) throws Exception {
        long total = 0;
        for (TopicOffset offsets : admin.examineTopicStats(topic).getOffsetTable().values()) {
            total += offsets.getMaxOffset();
        }
        return total;
    }
}
