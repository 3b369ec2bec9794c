package dev.sluice.broker;

import dev.sluice.testing.Deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.common.protocol.body.Connection;
import org.apache.rocketmq.common.protocol.body.ProducerConnection;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker lists a producer group's connections (what it checks transactions with) to the official admin. */
class ProducerConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void aProducerIsListedWhileConnectedAndTheGroupIsUnknownAfterItLeaves() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            cluster.startBroker(cluster.brokerProperties("broker-pc"));
            DefaultMQProducer producer = cluster.producer("ConnProducer");
            producer.send(new Message("ConnTopic", "TagP", "k", "x".getBytes(StandardCharsets.UTF_8)));
            DefaultMQAdminExt admin = new DefaultMQAdminExt();
            admin.setNamesrvAddr(cluster.namesrvAddr);
            admin.setInstanceName("admin-" + System.nanoTime());
            cluster.track(admin::shutdown);
            admin.start();

            ProducerConnection[] listed = new ProducerConnection[1];
            Deadline.await("the producer's heartbeat reached the broker", WAIT, () -> {
                try {
                    listed[0] = admin.examineProducerConnectionInfo("ConnProducer", "ConnTopic");
                    return true;
                } catch (MQBrokerException e) {
                    return false;
                }
            });
            List<Connection> connections = List.copyOf(listed[0].getConnectionSet());
            assertEquals(1, connections.size());
            assertEquals(producer.buildMQClientId(), connections.get(0).getClientId());
            assertEquals("JAVA", connections.get(0).getLanguage().name());

            producer.shutdown();
            Deadline.await("the group is gone once its producer unregistered", WAIT, () -> {
                try {
                    admin.examineProducerConnectionInfo("ConnProducer", "ConnTopic");
                    return false;
                } catch (MQBrokerException e) {
                    assertEquals(ResponseCode.SYSTEM_ERROR, e.getResponseCode());
                    assertEquals("the producer group[ConnProducer] not exist", e.getErrorMessage());
                    return true;
                }
            });
        }
    }
}
