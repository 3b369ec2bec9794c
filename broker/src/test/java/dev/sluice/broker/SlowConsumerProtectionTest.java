package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.ResponseCode;
import dev.sluice.testing.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocketMQ's disableConsumeIfConsumerReadSlowly through the official client and admin: forty 1 KiB messages wait in
 * one queue and the threshold is 4 KiB. A group that pulls the first message reads ~47 KB behind the end and is
 * disabled by the next check; a group that pulls the last reads one record behind and is left alone.
 */
class SlowConsumerProtectionTest {
    private static final String TOPIC = "SlowReadTopic";

    @TempDir
    Path home;

    @Test
    void aGroupReadingFarBehindIsDisabledUntilAnOperatorEnablesIt() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Properties p = cluster.brokerProperties("broker-slow-readers");
            p.setProperty("disableConsumeIfConsumerReadSlowly", "true");
            p.setProperty("consumerFallbehindThreshold", "4096");
            p.setProperty("consumerFallbehindCheckInterval", "100");
            Broker broker = cluster.startBroker(p);
            DefaultMQProducer producer = cluster.producer("SlowReadProducer");
            MessageQueue queue = producer.send(new Message(TOPIC, new byte[1024])).getMessageQueue();
            for (int i = 1; i < 40; i++) {
                producer.send(new Message(TOPIC, new byte[1024]), (queues, m, arg) -> queue, null);
            }
            DefaultMQPullConsumer fast = cluster.pullConsumer("CaughtUpGroup");
            DefaultMQPullConsumer slow = cluster.pullConsumer("SlowGroup");
            DefaultMQPullConsumer later = cluster.pullConsumer("LaterSlowGroup");
            Cluster.awaitRoute(fast, TOPIC);
            Deadline.await("all forty are in the ConsumeQueue", Duration.ofSeconds(10), () -> fast.maxOffset(queue) == 40);
            DefaultMQAdminExt admin = cluster.admin();

            assertEquals(PullStatus.FOUND, fast.pull(queue, "*", 39, 1).getPullStatus());
            assertEquals(PullStatus.FOUND, slow.pull(queue, "*", 0, 1).getPullStatus());
            Deadline.await("SlowGroup disabled", Duration.ofSeconds(10),
                    () -> !admin.examineSubscriptionGroupConfig(broker.address(), "SlowGroup").isConsumeEnable());
            MQBrokerException refused = assertThrows(MQBrokerException.class, () -> slow.pull(queue, "*", 0, 1));
            assertEquals(ResponseCode.NO_PERMISSION, refused.getResponseCode());
            assertTrue(refused.getErrorMessage().contains("subscription group no permission, SlowGroup"),
                    refused.getErrorMessage());

            // A check that started after this pull has also seen the caught-up group's, which came before it.
            assertEquals(PullStatus.FOUND, later.pull(queue, "*", 1, 1).getPullStatus());
            Deadline.await("LaterSlowGroup disabled", Duration.ofSeconds(10),
                    () -> !admin.examineSubscriptionGroupConfig(broker.address(), "LaterSlowGroup").isConsumeEnable());
            assertTrue(admin.examineSubscriptionGroupConfig(broker.address(), "CaughtUpGroup").isConsumeEnable());
            assertEquals(PullStatus.FOUND, fast.pull(queue, "*", 39, 1).getPullStatus());

            SubscriptionGroupConfig enabled = admin.examineSubscriptionGroupConfig(broker.address(), "SlowGroup");
            enabled.setConsumeEnable(true);
            admin.createAndUpdateSubscriptionGroupConfig(broker.address(), enabled);
            assertEquals(PullStatus.FOUND, slow.pull(queue, "*", 39, 1).getPullStatus());
        }
    }
}
