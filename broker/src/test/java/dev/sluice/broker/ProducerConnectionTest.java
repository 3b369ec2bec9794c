package dev.sluice.broker;

import dev.sluice.testing.Deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.common.protocol.body.Connection;
import org.apache.rocketmq.common.protocol.body.ProducerConnection;
import org.apache.rocketmq.common.protocol.body.ProducerInfo;
import org.apache.rocketmq.common.protocol.body.ProducerTableInfo;
import org.apache.rocketmq.remoting.protocol.LanguageCode;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker lists a producer group's connections (what it checks transactions with), and every group's instances
 * (mqadmin producer), to the official admin.
 */
class ProducerConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void aProducerIsListedWhileConnectedAndTheGroupIsUnknownAfterItLeaves() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Broker broker = cluster.startBroker(cluster.brokerProperties("broker-pc"));
            DefaultMQProducer producer = cluster.producer("ConnProducer");
            producer.send(new Message("ConnTopic", "TagP", "k", "x".getBytes(StandardCharsets.UTF_8)));
            DefaultMQAdminExt admin = cluster.admin();

            ProducerConnection[] listed = new ProducerConnection[1];
            // The send auto-created the topic; the broker registers it with the name server in the background, and
            // the admin finds the broker through that route.
            Deadline.await("the topic's route and the producer's heartbeat reached name server and broker", WAIT, () -> {
                try {
                    listed[0] = admin.examineProducerConnectionInfo("ConnProducer", "ConnTopic");
                    return true;
                } catch (MQBrokerException | MQClientException e) {
                    return false;
                }
            });
            List<Connection> connections = List.copyOf(listed[0].getConnectionSet());
            assertEquals(1, connections.size());
            assertEquals(producer.buildMQClientId(), connections.get(0).getClientId());
            assertEquals("JAVA", connections.get(0).getLanguage().name());

            // mqadmin producer: every group's instances, as ProducerInfo
            ProducerTableInfo table = admin.getAllProducerInfo(broker.address());
            List<ProducerInfo> instances = table.getData().get("ConnProducer");
            assertEquals(1, instances.size(), String.valueOf(table.getData()));
            ProducerInfo info = instances.get(0);
            assertEquals(producer.buildMQClientId(), info.getClientId());
            assertEquals(LanguageCode.JAVA, info.getLanguage());
            assertEquals(MQVersion.CURRENT_VERSION, info.getVersion());
            assertTrue(info.getRemoteIP().startsWith("/127.0.0.1:"), info.getRemoteIP());
            assertTrue(info.getLastUpdateTimestamp() > 0 && info.getLastUpdateTimestamp() <= System.currentTimeMillis());

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
