package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullCallback;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pull with nothing new is held, not answered at once, and is answered as soon as a message arrives. */
class LongPollingTest {
    private static final String TOPIC = "LongPollTopic";

    @TempDir
    Path home;

    @Test
    void aPullWithNothingNewIsHeldUntilTheSuspendTimeOrTheNextMessage() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            cluster.startBroker(cluster.brokerProperties("broker-lp"));
            DefaultMQProducer producer = cluster.producer("LongPollProducer");
            MessageQueue queue = producer.send(new Message(TOPIC, "first".getBytes())).getMessageQueue();
            DefaultMQPullConsumer consumer = cluster.pullConsumer("LongPollGroup");
            Cluster.awaitRoute(consumer, TOPIC);
            // Offset 1 is the queue's end only once the first message is in its ConsumeQueue; before, it is illegal.
            Deadline.await("the first message is in its ConsumeQueue", Duration.ofSeconds(10),
                    () -> consumer.maxOffset(queue) == 1);

            consumer.setBrokerSuspendMaxTimeMillis(1500);
            long start = System.nanoTime();
            PullResult idle = consumer.pullBlockIfNotFound(queue, "*", 1, 32);
            long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(PullStatus.NO_NEW_MSG, idle.getPullStatus());
            assertTrue(heldMillis >= 1400, "held for the suspend time, not answered at once: " + heldMillis + " ms");

            consumer.setBrokerSuspendMaxTimeMillis(20_000);
            CompletableFuture<PullResult> held = new CompletableFuture<>();
            long pulledAt = System.nanoTime();
            consumer.pullBlockIfNotFound(queue, "*", 1, 32, new PullCallback() {
                @Override
                public void onSuccess(PullResult result) {
                    held.complete(result);
                }

                @Override
                public void onException(Throwable e) {
                    held.completeExceptionally(e);
                }
            });
            // Whether the send arrives before or after the pull is parked, the pull must come back with it, early.
            producer.send(new Message(TOPIC, "second".getBytes()), new org.apache.rocketmq.client.producer.MessageQueueSelector() {
                @Override
                public MessageQueue select(java.util.List<MessageQueue> queues, Message message, Object arg) {
                    return queue;
                }
            }, null);
            PullResult woken = held.get(15, TimeUnit.SECONDS);
            long wokenMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pulledAt);
            assertEquals(PullStatus.FOUND, woken.getPullStatus());
            assertEquals("second", new String(woken.getMsgFoundList().get(0).getBody()));
            assertTrue(wokenMillis < 10_000, "woken by the message, not by the 20 s timeout: " + wokenMillis + " ms");
        }
    }
}
