package dev.sluice.broker;

import dev.sluice.testing.Deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.command.consumer.ConsumerProgressSubCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker restarted on the same store: consumers resume from their committed offsets, nothing lost or repeated. */
class RestartTest {
    private static final String TOPIC = "RestartTopic";
    private static final String GROUP = "RestartGroup";
    private static final int BATCH = 200;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path home;

    @Test
    void consumersResumeFromCommittedOffsetsAfterARestart() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Properties props = cluster.brokerProperties("broker-r");
            Broker first = cluster.startBroker(props);
            DefaultMQProducer producer = cluster.producer("RestartProducer");
            send(producer, 0, BATCH);

            Set<String> firstRun = ConcurrentHashMap.newKeySet();
            DefaultMQPushConsumer consumer = consumer(cluster, firstRun);
            Deadline.await("the first " + BATCH + " messages arrived", WAIT, () -> firstRun.size() == BATCH);
            // Committed by the periodic persist: the client sends the commit at its shutdown oneway, and the broker
            // closed right after may never read it.
            System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, cluster.namesrvAddr);
            try {
                Deadline.await("the broker has the committed offsets", WAIT, () ->
                        MqAdmin.run(new ConsumerProgressSubCommand(), "-g", GROUP).contains("Diff Total: 0"));
            } finally {
                System.clearProperty(MixAll.NAMESRV_ADDR_PROPERTY);
            }
            consumer.shutdown();
            int port = first.port();
            first.close();
            assertTrue(Files.readString(home.resolve("store-broker-r/config/consumerOffset.json")).contains(TOPIC + "@" + GROUP),
                    "offsets are on disk after the shutdown");

            // A restarted broker comes back on its address, so clients' cached routes stay right.
            props.setProperty("listenPort", String.valueOf(port));
            // port - 2 was never checked to be free; the clients here do not use the VIP channel.
            props.setProperty("vipChannelEnabled", "false");
            // Nor was port + 1, the HA port a fixed listen port implies: no slave here, so any port will do.
            props.setProperty("haListenPort", "0");
            cluster.startBroker(props);
            send(producer, BATCH, 2 * BATCH);
            Set<String> secondRun = ConcurrentHashMap.newKeySet();
            Set<String> repeated = ConcurrentHashMap.newKeySet();
            consumer(cluster, secondRun, repeated, firstRun);
            Deadline.await("the next " + BATCH + " messages arrived", WAIT, () -> secondRun.size() == BATCH);
            assertEquals(Set.of(), repeated, "nothing consumed before the restart is delivered again");
            for (int i = BATCH; i < 2 * BATCH; i++) {
                assertTrue(secondRun.contains("key-" + i), "key-" + i);
            }
        }
    }

    private static void send(DefaultMQProducer producer, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            Message message = new Message(TOPIC, "TagA", "key-" + i, ("restart " + i).getBytes(StandardCharsets.UTF_8));
            assertEquals(SendStatus.SEND_OK, producer.send(message).getSendStatus());
        }
    }

    private static DefaultMQPushConsumer consumer(Cluster cluster, Set<String> received) throws Exception {
        return consumer(cluster, received, ConcurrentHashMap.newKeySet(), Set.of());
    }

    private static DefaultMQPushConsumer consumer(Cluster cluster, Set<String> received, Set<String> repeated,
                                                  Set<String> before) throws Exception {
        DefaultMQPushConsumer consumer = cluster.pushConsumer(GROUP);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPersistConsumerOffsetInterval(200);
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> {
                if (before.contains(m.getKeys())) {
                    repeated.add(m.getKeys());
                } else {
                    received.add(m.getKeys());
                }
            });
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return consumer;
    }
}
