package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker process holding delayed messages (delay levels and timers), some already delivered and some not yet due,
 * is killed with SIGKILL and restarted: every message ends up on its topic exactly once, none before it was due.
 */
class DelayedDeliveryCrashTest {
    private static final String TOPIC = "CrashDelayedTopic";
    private static final int EACH = 10;

    @TempDir
    Path home;

    @Test
    void pendingDelayedMessagesSurviveSigkillAndAreDeliveredOnceNeverEarly() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Properties props = cluster.brokerProperties("broker-crash");
            props.setProperty("messageDelayLevel", "1s 4s");
            props.setProperty("autoCreateTopicEnable", "true");
            BrokerProcess broker = new BrokerProcess(home.resolve("broker.properties"), props);
            try {
                DefaultMQProducer producer = cluster.producer("CrashDelayedProducer");
                Map<String, Long> delays = new HashMap<>();
                for (int i = 0; i < EACH; i++) {
                    send(producer, delays, "early-level-" + i, m -> m.setDelayTimeLevel(1), 1000);
                    send(producer, delays, "late-level-" + i, m -> m.setDelayTimeLevel(2), 4000);
                    send(producer, delays, "early-timer-" + i, m -> m.putUserProperty("TIMER_DELAY_MS", "1000"), 1000);
                    send(producer, delays, "late-timer-" + i, m -> m.putUserProperty("TIMER_DELAY_SEC", "4"), 4000);
                }
                DefaultMQPullConsumer consumer = cluster.pullConsumer("CrashDelayedPullGroup");
                Deadline.await("the 1 s messages are delivered before the crash", Duration.ofSeconds(20),
                        () -> stored(consumer) >= 2 * EACH);
                // A delivery and the progress saved after its pass are two steps: a kill between them repeats the
                // pass (at least once, by design). Kill once the progress of the 1 s level is saved too.
                Path delayOffsets = Path.of(props.getProperty("storePathRootDir"), "config", "delayOffset.json");
                Deadline.await("the 1 s level's progress is saved", Duration.ofSeconds(20), () -> Files.exists(delayOffsets)
                        && Files.readString(delayOffsets).replace(" ", "").matches(".*[{,]\"?1\"?:" + EACH + "[,}].*"));

                broker.kill();
                props.setProperty("listenPort", broker.address.substring(broker.address.indexOf(':') + 1));
                // port + 1, the HA port a fixed listen port implies, was never checked to be free: no slave here.
                props.setProperty("haListenPort", "0");
                props.setProperty("vipChannelEnabled", "false");
                broker = new BrokerProcess(home.resolve("broker.properties"), props);

                Map<String, MessageExt> delivered = new HashMap<>();
                List<String> repeated = new ArrayList<>();
                Deadline.await("every delayed message is on its topic after the restart", Duration.ofSeconds(30), () -> {
                    delivered.clear();
                    repeated.clear();
                    for (MessageExt m : readAll(consumer)) {
                        if (delivered.put(m.getKeys(), m) != null) {
                            repeated.add(m.getKeys());
                        }
                    }
                    return delivered.keySet().containsAll(delays.keySet());
                });
                assertEquals(delays.keySet(), delivered.keySet());
                assertEquals(List.of(), repeated, "no delayed message is delivered twice");
                assertEquals(4 * EACH, stored(consumer));
                for (MessageExt m : delivered.values()) {
                    long waited = m.getStoreTimestamp() - m.getBornTimestamp();
                    assertTrue(waited >= delays.get(m.getKeys()), m.getKeys() + " was delivered " + waited
                            + " ms after it was born, due after " + delays.get(m.getKeys()));
                }
            } finally {
                broker.close();
            }
        }
    }

    private static void send(DefaultMQProducer producer, Map<String, Long> delays, String key,
                             java.util.function.Consumer<Message> delay, long delayMillis) throws Exception {
        Message message = new Message(TOPIC, "TagC", key, key.getBytes(StandardCharsets.UTF_8));
        delay.accept(message);
        assertEquals(SendStatus.SEND_OK, producer.send(message).getSendStatus());
        delays.put(key, delayMillis);
    }

    private static long stored(DefaultMQPullConsumer consumer) throws Exception {
        long total = 0;
        for (MessageQueue queue : consumer.fetchSubscribeMessageQueues(TOPIC)) {
            total += consumer.maxOffset(queue);
        }
        return total;
    }

    private static List<MessageExt> readAll(DefaultMQPullConsumer consumer) throws Exception {
        List<MessageExt> all = new ArrayList<>();
        for (MessageQueue queue : consumer.fetchSubscribeMessageQueues(TOPIC)) {
            long offset = 0;
            PullResult result;
            while ((result = consumer.pull(queue, "*", offset, 32)).getPullStatus() == PullStatus.FOUND) {
                all.addAll(result.getMsgFoundList());
                offset = result.getNextBeginOffset();
            }
        }
        return all;
    }
}
