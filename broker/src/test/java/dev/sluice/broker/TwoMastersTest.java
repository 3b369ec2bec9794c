package dev.sluice.broker;

import dev.sluice.testing.Deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 2m-noslave layout with each master in its own process: a topic spread over both; after kill -9 of one, sends
 * keep succeeding through the other within the client's retries; restarted, its stored messages are consumable.
 */
class TwoMastersTest {
    private static final String TOPIC = "SpreadTopic";

    @TempDir
    Path home;

    @Test
    void sendsSurviveTheLossOfOneMasterAndItsMessagesComeBackWithIt() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Properties propsA = cluster.brokerProperties("broker-a");
            Properties propsB = cluster.brokerProperties("broker-b");
            BrokerProcess a = new BrokerProcess(home.resolve("broker-a.properties"), propsA);
            try (BrokerProcess b = new BrokerProcess(home.resolve("broker-b.properties"), propsB)) {
                createTopic(cluster, a.address, b.address);
                DefaultMQProducer producer = cluster.producer("SpreadProducer");
                Map<String, Integer> sentTo = new HashMap<>();
                for (int i = 0; i < 40; i++) {
                    SendResult result = producer.send(new Message(TOPIC, "TagA", "before-" + i, new byte[] {(byte) i}));
                    assertEquals(SendStatus.SEND_OK, result.getSendStatus());
                    sentTo.merge(result.getMessageQueue().getBrokerName(), 1, Integer::sum);
                }
                assertEquals(Set.of("broker-a", "broker-b"), sentTo.keySet(), "the topic is spread over both masters");

                a.kill();
                for (int i = 0; i < 40; i++) {
                    SendResult result = producer.send(new Message(TOPIC, "TagA", "after-" + i, new byte[] {(byte) i}));
                    assertEquals(SendStatus.SEND_OK, result.getSendStatus());
                    assertEquals("broker-b", result.getMessageQueue().getBrokerName());
                }

                propsA.setProperty("listenPort", a.address.substring(a.address.indexOf(':') + 1));
                // port - 2 was never checked to be free; the clients here do not use the VIP channel.
                propsA.setProperty("vipChannelEnabled", "false");
                // Nor was port + 1, the default HA port: no slave here, so any port will do.
                propsA.setProperty("haListenPort", "0");
                a = new BrokerProcess(home.resolve("broker-a.properties"), propsA);
                DefaultMQPullConsumer consumer = cluster.pullConsumer("SpreadPullGroup");
                Set<String> fromA = new HashSet<>();
                Deadline.await("broker-a is back in the route", Duration.ofSeconds(30), () -> consumer
                        .fetchSubscribeMessageQueues(TOPIC).stream().anyMatch(q -> q.getBrokerName().equals("broker-a")));
                for (MessageQueue queue : consumer.fetchSubscribeMessageQueues(TOPIC)) {
                    if (!queue.getBrokerName().equals("broker-a")) {
                        continue;
                    }
                    long offset = 0;
                    PullResult result;
                    while ((result = consumer.pull(queue, "*", offset, 32)).getPullStatus() == PullStatus.FOUND) {
                        result.getMsgFoundList().stream().map(MessageExt::getKeys).forEach(fromA::add);
                        offset = result.getNextBeginOffset();
                    }
                }
                assertEquals(sentTo.get("broker-a").intValue(), fromA.size(), "every message stored before the kill: " + fromA);
                assertTrue(fromA.stream().allMatch(k -> k.startsWith("before-")));
            } finally {
                a.close();
            }
        }
    }

    private static void createTopic(Cluster cluster, String... brokers) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr);
        admin.setInstanceName("spread-admin-" + ProcessHandle.current().pid());
        admin.start();
        try {
            for (String broker : brokers) {
                admin.createAndUpdateTopicConfig(broker, new org.apache.rocketmq.common.TopicConfig(TOPIC, 4, 4, 6));
            }
        } finally {
            admin.shutdown();
        }
    }
}
