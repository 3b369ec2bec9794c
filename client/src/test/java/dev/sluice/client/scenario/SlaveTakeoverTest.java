package dev.sluice.client.scenario;

import static dev.sluice.client.scenario.ScenarioSupport.clientConfig;
import static dev.sluice.client.scenario.ScenarioSupport.createTopic;
import static dev.sluice.client.scenario.ScenarioSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.client.ClientException;
import dev.sluice.client.Message;
import dev.sluice.client.admin.Admin;
import dev.sluice.client.consumer.ConsumeFrom;
import dev.sluice.client.consumer.ConsumeResult;
import dev.sluice.client.consumer.PushConsumer;
import dev.sluice.client.producer.Producer;
import dev.sluice.client.testing.ApacheCluster;
import dev.sluice.client.testing.SluiceCluster;
import dev.sluice.client.testing.TestCluster;
import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A running push consumer keeps reading from the slave when the master of its broker group is killed: the messages
 * it had not fetched yet come from the slave (slaveReadEnable=true, which a slave needs to serve reads at all).
 */
class SlaveTakeoverTest {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path home;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Sluice", "Apache"})
    void consumptionContinuesFromTheSlaveWhenTheMasterIsKilled(String kind) throws Exception {
        Properties settings = new Properties();
        settings.setProperty("slaveReadEnable", "true");
        try (TestCluster cluster = kind.equals("Sluice") ? SluiceCluster.start(home, settings) : ApacheCluster.start(home, settings)) {
            String slave = cluster.startSlave();
            String topic = unique("Takeover");
            createTopic(cluster, topic, 1);
            CountDownLatch masterKilled = new CountDownLatch(1);
            Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
            String group = unique("G");
            try (Producer producer = new Producer(unique("P"), clientConfig(cluster, unique("p"))).start();
                    Admin admin = Admin.connect(List.of(cluster.namesrvAddr()), Admin.DEFAULT_TIMEOUT_MILLIS);
                    PushConsumer consumer = new PushConsumer(group,
                            clientConfig(cluster, unique("c")).pollNameServerIntervalMillis(1000))) {
                // one message fetched at a time, two held at most (RocketMQ's smallest threshold), and the first
                // held until the master is gone: the rest must be read from the slave
                consumer.subscribe(topic, "*").setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setConsumeThreads(1)
                        .setPullBatchSize(1).setPullThresholdForQueue(1).setConcurrentListener(messages -> {
                            String body = new String(messages.get(0).body(), StandardCharsets.UTF_8);
                            if (body.equals("m0")) {
                                masterKilled.await(60, TimeUnit.SECONDS);
                            }
                            deliveries.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
                            return ConsumeResult.SUCCESS;
                        }).start();
                for (int i = 0; i < 10; i++) {
                    producer.send(new Message(topic, ("m" + i).getBytes(StandardCharsets.UTF_8)));
                }
                Deadline.await("the slave has all 10 messages", WAIT, () -> maxOffset(slave, topic) == 10);
                // a slave serves a topic once it has copied the master's topic configs (periodically, as Apache does)
                Deadline.await("the slave knows the topic", WAIT, () -> knowsTopic(slave, topic));
                cluster.killBroker();
                masterKilled.countDown();
                Deadline.await("all 10 messages are consumed", WAIT, () -> deliveries.size() == 10);
                // what mqadmin consumerProgress shows: the slave keeps the group's offsets while the master is away
                Deadline.await("the slave reports the group's progress", WAIT, () -> {
                    try {
                        return admin.consumeStats(group, topic).queues().values().stream()
                                .anyMatch(q -> q.brokerOffset() == 10 && q.consumerOffset() == 10);
                    } catch (ClientException e) {
                        return false;
                    }
                });
            }
            deliveries.forEach((body, n) -> assertEquals(1, n.get(), "deliveries of " + body));
        }
    }

    private static boolean knowsTopic(String broker, String topic) throws Exception {
        try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
            RemotingCommand response = client.invokeSync(broker, RemotingCommand.request(RequestCode.GET_ALL_TOPIC_CONFIG), 5000);
            return response.code() == 0 && response.body() != null
                    && new String(response.body(), StandardCharsets.UTF_8).contains("\"" + topic + "\"");
        }
    }

    private static long maxOffset(String broker, String topic) throws Exception {
        try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
            RemotingCommand response = client.invokeSync(broker, RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
                    .putExtField("topic", topic).putExtField("queueId", 0), 5000);
            return response.code() == 0 ? Long.parseLong(response.extField("offset")) : -1;
        }
    }
}
