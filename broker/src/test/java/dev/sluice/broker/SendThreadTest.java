package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.Deadline;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sends are stored on the connection's I/O thread by default ({@code sendOnIoThread=true}) and by the broker-send
 * pool when it is false; either way, concurrent sends and batches, acknowledged after the flush, all arrive once.
 */
class SendThreadTest {
    private static final String TOPIC = "SendThreadTopic";
    private static final int SENDERS = 8;
    private static final int SENDS_EACH = 40;

    @TempDir
    Path home;

    @ParameterizedTest(name = "sendOnIoThread={0}, {1}")
    @CsvSource({"true, ASYNC_FLUSH", "true, SYNC_FLUSH", "false, ASYNC_FLUSH", "false, SYNC_FLUSH"})
    void concurrentSendsAndBatchesAllArriveOnce(boolean onIoThread, String flush) throws Exception {
        Set<Long> poolThreadsBefore = sendPoolThreads();
        try (Cluster cluster = new Cluster(home)) {
            Properties p = cluster.brokerProperties("broker-s");
            p.setProperty("sendOnIoThread", String.valueOf(onIoThread));
            p.setProperty("flushDiskType", flush);
            cluster.startBroker(p);
            DefaultMQProducer producer = cluster.producer("SendThreadProducer");
            producer.send(new Message(TOPIC, "first".getBytes(StandardCharsets.UTF_8)));
            Set<String> expected = new TreeSet<>(Set.of("first"));

            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < SENDERS; t++) {
                    int sender = t;
                    running.add(senders.submit(() -> {
                        for (int i = 0; i < SENDS_EACH; i++) {
                            SendResult r = producer.send(new Message(TOPIC, body(sender, i)));
                            assertEquals(SendStatus.SEND_OK, r.getSendStatus());
                        }
                        return null;
                    }));
                    for (int i = 0; i < SENDS_EACH; i++) {
                        expected.add(new String(body(sender, i), StandardCharsets.UTF_8));
                    }
                }
                for (Future<?> f : running) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                senders.shutdownNow();
            }
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(new Message(TOPIC, body(-1, i)));
                expected.add(new String(body(-1, i), StandardCharsets.UTF_8));
            }
            assertEquals(SendStatus.SEND_OK, producer.send(batch).getSendStatus());

            Set<Long> poolThreadsAfter = sendPoolThreads();
            poolThreadsAfter.removeAll(poolThreadsBefore);
            assertEquals(!onIoThread, !poolThreadsAfter.isEmpty(),
                    "broker-send pool threads started by this broker: " + poolThreadsAfter);

            DefaultMQPullConsumer pull = cluster.pullConsumer("SendThreadReader");
            Cluster.awaitRoute(pull, TOPIC);
            // ConsumeQueues are written behind the CommitLog: wait until the last send shows, then read everything.
            Deadline.await("every send is in its ConsumeQueue", Duration.ofSeconds(20),
                    () -> Cluster.pullAll(pull, TOPIC).size() >= expected.size());
            List<String> received = new ArrayList<>();
            for (MessageExt m : Cluster.pullAll(pull, TOPIC)) {
                received.add(new String(m.getBody(), StandardCharsets.UTF_8));
                // The broker stores the sending connection's peer as the born host.
                InetSocketAddress born = (InetSocketAddress) m.getBornHost();
                assertEquals(InetAddress.getLoopbackAddress(), born.getAddress(), "born host of " + m.getMsgId());
                assertTrue(born.getPort() > 0, "born port of " + m.getMsgId() + ": " + born);
            }
            // Equal sizes and equal sets: every message once.
            assertEquals(expected.size(), received.size(), "no message lost or stored twice");
            assertEquals(expected, new TreeSet<>(received));
        }
    }

    private static byte[] body(int sender, int i) {
        return ("sender " + sender + " message " + i).getBytes(StandardCharsets.UTF_8);
    }

    private static Set<Long> sendPoolThreads() {
        Set<Long> ids = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("broker-send")) {
                ids.add(t.getId());
            }
        }
        return ids;
    }
}
