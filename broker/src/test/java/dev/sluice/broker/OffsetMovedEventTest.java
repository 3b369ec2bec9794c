package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.remoting.json.Json;
import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** As RocketMQ's broker: a pull whose offset the broker moves is recorded on OFFSET_MOVED_EVENT. */
class OffsetMovedEventTest {
    @TempDir
    Path home;

    @Test
    void aPullPastTheQueuesEndIsRecordedAsAnOffsetMovedEvent() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            cluster.startBroker(cluster.brokerProperties("moved"));
            SendResult sent = cluster.producer("MovedProducer")
                    .send(new Message("MovedTopic", "x".getBytes(StandardCharsets.UTF_8)));
            MessageQueue queue = sent.getMessageQueue();
            DefaultMQPullConsumer consumer = cluster.pullConsumer("MovedGroup");
            Cluster.awaitRoute(consumer, "MovedTopic");
            PullResult moved = consumer.pull(queue, "*", 500, 32);
            assertEquals(PullStatus.OFFSET_ILLEGAL, moved.getPullStatus());
            assertEquals(1, moved.getNextBeginOffset());

            MessageQueue events = new MessageQueue("OFFSET_MOVED_EVENT", "moved", 0);
            PullResult[] read = new PullResult[1];
            Deadline.await("the event is stored", Duration.ofSeconds(15), () -> {
                read[0] = consumer.pull(events, "*", 0, 32);
                return read[0].getPullStatus() == PullStatus.FOUND;
            });
            List<MessageExt> found = read[0].getMsgFoundList();
            assertEquals(1, found.size());
            MessageExt event = found.get(0);
            assertEquals("MovedGroup", event.getTags());
            assertEquals("MovedGroup", event.getKeys());
            assertEquals(Map.of("consumerGroup", "MovedGroup", "messageQueue", Map.of("brokerName", "moved",
                    "queueId", (long) queue.getQueueId(), "topic", "MovedTopic"), "offsetNew", 1L, "offsetRequest", 500L),
                    Json.parseObject(event.getBody()));
        }
    }
}
