package dev.sluice.broker;

import dev.sluice.testing.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A query by key returns at most maxMsgsNumBatch messages (RocketMQ's 64), a limit the official admin can change. */
class KeyQueryLimitTest {
    private static final String TOPIC = "KeyLimitTopic";

    @TempDir
    Path home;

    @Test
    void aKeyQueryReturnsAtMostMaxMsgsNumBatchMessages() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Broker broker = cluster.startBroker(cluster.brokerProperties("broker-key-limit"));
            DefaultMQProducer producer = cluster.producer("KeyLimitProducer");
            long begin = System.currentTimeMillis() - 60_000;
            for (int i = 0; i < 70; i++) {
                producer.send(new Message(TOPIC, "TagK", "order-7", ("m" + i).getBytes()));
            }
            DefaultMQAdminExt admin = cluster.admin();

            // The index catches up with the CommitLog shortly after the sends.
            Deadline.await("64 messages are found by key", Duration.ofSeconds(20), () -> found(producer, begin) == 64);
            Properties change = new Properties();
            change.setProperty("maxMsgsNumBatch", "100");
            admin.updateBrokerConfig(broker.address(), change);
            Deadline.await("all 70 are found by key", Duration.ofSeconds(20), () -> found(producer, begin) == 70);
        }
    }

    private static int found(DefaultMQProducer producer, long begin) throws InterruptedException {
        try {
            return producer.queryMessage(TOPIC, "order-7", 100, begin, System.currentTimeMillis() + 60_000)
                    .getMessageList().size();
        } catch (MQClientException e) {
            return 0;
        }
    }
}
