package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.testing.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many messages one pull answer carries: RocketMQ's maxTransfer{Count,Bytes}OnMessageIn{Memory,Disk}, changed
 * while the broker runs with the official admin's updateBrokerConfig, read back with the official pull consumer.
 * Forty 1 KiB messages wait in one queue; each pull asks for 64 from the start.
 */
class PullTransferLimitsTest {
    private static final String TOPIC = "TransferLimitTopic";

    @TempDir
    Path home;

    @Test
    void aPullCarriesWhatTheTransferLimitsAllow() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Broker broker = cluster.startBroker(cluster.brokerProperties("broker-transfer"));
            DefaultMQProducer producer = cluster.producer("TransferProducer");
            MessageQueue queue = producer.send(new Message(TOPIC, new byte[1024])).getMessageQueue();
            for (int i = 1; i < 40; i++) {
                producer.send(new Message(TOPIC, new byte[1024]), (queues, m, arg) -> queue, null);
            }
            DefaultMQPullConsumer consumer = cluster.pullConsumer("TransferGroup");
            Cluster.awaitRoute(consumer, TOPIC);
            Deadline.await("all forty are in the ConsumeQueue", Duration.ofSeconds(10), () -> consumer.maxOffset(queue) == 40);
            DefaultMQAdminExt admin = cluster.admin();

            assertEquals(32, pulled(consumer, queue), "RocketMQ's default: 32 messages in memory");
            update(admin, broker, "maxTransferCountOnMessageInMemory", "100");
            assertEquals(40, pulled(consumer, queue));
            // Each record is 1 KiB of body plus its header: three fit in 4 KiB, a fourth does not.
            update(admin, broker, "maxTransferBytesOnMessageInMemory", "4096");
            assertEquals(3, pulled(consumer, queue));
            update(admin, broker, "maxTransferBytesOnMessageInMemory", "1");
            assertEquals(1, pulled(consumer, queue), "always at least one");
            // With no memory to spare every message counts as read from disk: 8 at most, by default.
            update(admin, broker, "accessMessageInMemoryMaxRatio", "0");
            assertEquals(8, pulled(consumer, queue));
            update(admin, broker, "maxTransferCountOnMessageInDisk", "20");
            assertEquals(20, pulled(consumer, queue));
        }
    }

    private static void update(DefaultMQAdminExt admin, Broker broker, String key, String value) throws Exception {
        Properties change = new Properties();
        change.setProperty(key, value);
        admin.updateBrokerConfig(broker.address(), change);
    }

    private static int pulled(DefaultMQPullConsumer consumer, MessageQueue queue) throws Exception {
        PullResult result = consumer.pull(queue, "*", 0, 64);
        assertEquals(PullStatus.FOUND, result.getPullStatus());
        return result.getMsgFoundList().size();
    }
}
