package dev.sluice.broker;

import static dev.sluice.broker.MqAdmin.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.broker.topic.SystemTopics;
import dev.sluice.remoting.json.Json;
import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.command.SubCommand;
import org.apache.rocketmq.tools.command.broker.CleanExpiredCQSubCommand;
import org.apache.rocketmq.tools.command.broker.CleanUnusedTopicCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mqadmin cleanUnusedTopic (CLEAN_UNUSED_TOPIC) and cleanExpiredCQ (CLEAN_EXPIRED_CONSUMEQUEUE): a topic taken out of
 * topics.json while the broker was down leaves ConsumeQueues the restarted store still holds; the command deletes
 * them from disk and keeps those of live topics and of the system topics written outside the topic table.
 */
class MqAdminCleanCommandsTest {
    private static final String BROKER = "clean-a";
    private static final String LIVE = "LiveTopic";
    private static final String GONE = "GoneTopic";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path home;

    private Cluster cluster;
    private Properties properties;
    private Broker broker;
    private Path consumeQueues;

    @BeforeEach
    void start() throws Exception {
        cluster = new Cluster(home);
        properties = cluster.brokerProperties(BROKER);
        broker = cluster.startBroker(properties);
        consumeQueues = home.resolve("store-" + BROKER).resolve("consumequeue");
        System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, cluster.namesrvAddr);
    }

    @AfterEach
    void stop() throws Exception {
        System.clearProperty(MixAll.NAMESRV_ADDR_PROPERTY);
        cluster.close();
    }

    @Test
    void cleanUnusedTopicDeletesTheQueuesOfATopicTheBrokerNoLongerHas() throws Exception {
        orphanThenClean(new CleanUnusedTopicCommand());
    }

    @Test
    void cleanExpiredCqDeletesTheQueuesOfATopicTheBrokerNoLongerHas() throws Exception {
        orphanThenClean(new CleanExpiredCQSubCommand());
    }

    private void orphanThenClean(SubCommand command) throws Exception {
        DefaultMQProducer producer = cluster.producer("CleanProducer");
        for (int i = 0; i < 8; i++) {
            send(producer, new Message(LIVE, ("live-" + i).getBytes(StandardCharsets.UTF_8)));
            send(producer, new Message(GONE, ("gone-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        // Parked on the timer wheel's topic, which is not in the topic table.
        Message timed = new Message(LIVE, "in an hour".getBytes(StandardCharsets.UTF_8));
        timed.putUserProperty("TIMER_DELAY_SEC", "3600");
        send(producer, timed);
        Deadline.await("the queues of both topics and the timer wheel are on disk", WAIT, () ->
                Files.isDirectory(consumeQueues.resolve(LIVE)) && Files.isDirectory(consumeQueues.resolve(GONE))
                        && Files.isDirectory(consumeQueues.resolve(SystemTopics.TIMER)));
        producer.shutdown();

        broker.close();
        Path topicsFile = home.resolve("store-" + BROKER).resolve("config").resolve("topics.json");
        Map<String, Object> topics = Json.parseObject(Files.readAllBytes(topicsFile));
        assertNotNull(Json.asObject(topics.get("topicConfigTable"), "topicConfigTable").remove(GONE));
        Files.writeString(topicsFile, Json.write(topics));
        broker = cluster.startBroker(properties);
        assertTrue(Files.isDirectory(consumeQueues.resolve(GONE)), "the restarted store still holds GoneTopic's queues");

        assertEquals("success", run(command, "-b", broker.address()).trim());
        assertFalse(Files.exists(consumeQueues.resolve(GONE)), "GoneTopic's queues are deleted from disk");
        assertTrue(Files.isDirectory(consumeQueues.resolve(LIVE)));
        assertTrue(Files.isDirectory(consumeQueues.resolve(SystemTopics.TIMER)), "a system topic outside the table");
        DefaultMQPullConsumer puller = cluster.pullConsumer("CleanPuller");
        Cluster.awaitRoute(puller, LIVE);
        assertEquals(8, Cluster.pullAll(puller, LIVE).size(), "LiveTopic's messages are still readable");
    }

    private static void send(DefaultMQProducer producer, Message message) throws Exception {
        assertEquals(SendStatus.SEND_OK, producer.send(message).getSendStatus());
    }
}
