package dev.sluice.broker;

import static dev.sluice.broker.MqAdmin.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.command.broker.CleanUnusedTopicCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mqadmin cleanUnusedTopic on a slave: a topic the master created after the slave's last copy of its topics has
 * replicated queues on the slave but is not yet in its table. The slave copies the table first, so it keeps them.
 */
class SlaveQueueCleanTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void aTopicCreatedSinceTheSlavesLastCopyKeepsItsQueues() throws Exception {
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = new NettyRemotingClient(new RemotingClientConfig())) {
            Broker master = cluster.startBroker(MasterSlaveTest.brokerA(cluster, home, "ASYNC_MASTER"));
            DefaultMQProducer producer = cluster.producer("SlaveCleanProducer");
            producer.send(new Message("EarlyTopic", "x".getBytes(StandardCharsets.UTF_8)));
            Properties s = MasterSlaveTest.brokerA(cluster, home, "SLAVE");
            s.setProperty("slaveMetadataSyncInterval", "600000"); // one copy 3 s after start, the next in 10 minutes
            Broker slave = cluster.startBroker(s);
            Deadline.await("the slave's first copy of the master's topics", WAIT,
                    () -> topicsOf(raw, slave.address()).containsKey("EarlyTopic"));

            for (int i = 0; i < 4; i++) {
                producer.send(new Message("LateTopic", ("late-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            Path lateQueues = home.resolve("store-broker-a-s").resolve("consumequeue").resolve("LateTopic");
            Deadline.await("LateTopic's messages are dispatched on the slave", WAIT, () -> Files.isDirectory(lateQueues));
            assertFalse(topicsOf(raw, slave.address()).containsKey("LateTopic"), "not copied yet: the set-up holds");

            System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, cluster.namesrvAddr);
            try {
                assertEquals("success", run(new CleanUnusedTopicCommand(), "-b", slave.address()).trim());
                assertTrue(Files.isDirectory(lateQueues), "LateTopic's queues on the slave survive the clean");
                assertTrue(topicsOf(raw, slave.address()).containsKey("LateTopic"), "the clean copied the master's topics");

                // Without its master the slave cannot tell which queues are unused: it refuses and deletes nothing.
                master.close();
                Exception refused = assertThrows(Exception.class,
                        () -> run(new CleanUnusedTopicCommand(), "-b", slave.address()));
                assertTrue(String.valueOf(refused.getCause()).contains("could not copy its master's topics"),
                        String.valueOf(refused.getCause()));
                assertTrue(Files.isDirectory(lateQueues));
            } finally {
                System.clearProperty(MixAll.NAMESRV_ADDR_PROPERTY);
            }
        }
    }

    private static Map<String, Object> topicsOf(NettyRemotingClient raw, String address) throws Exception {
        RemotingCommand r = raw.invokeSync(address, RemotingCommand.request(RequestCode.GET_ALL_TOPIC_CONFIG), 5000);
        return Json.asObject(Json.parseObject(r.body()).get("topicConfigTable"), "topics");
    }
}
