package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.testing.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.protocol.route.QueueData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker with compressedRegister=true registers its topics in the deflated form, and the name server routes them. */
class CompressedRegisterRouteTest {
    @TempDir
    Path home;

    @Test
    void topicsRegisteredCompressedAreRouted() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Properties p = cluster.brokerProperties("broker-compressed");
            p.setProperty("compressedRegister", "true");
            Broker broker = cluster.startBroker(p);
            DefaultMQAdminExt admin = cluster.admin();
            admin.createAndUpdateTopicConfig(broker.address(), new TopicConfig("CompressedRoute", 3, 5, 6));
            Deadline.await("the topic is routed", Duration.ofSeconds(10), () -> {
                try {
                    return !admin.examineTopicRouteInfo("CompressedRoute").getQueueDatas().isEmpty();
                } catch (MQClientException e) {
                    return false;
                }
            });
            QueueData queues = admin.examineTopicRouteInfo("CompressedRoute").getQueueDatas().get(0);
            assertEquals(3, queues.getReadQueueNums());
            assertEquals(5, queues.getWriteQueueNums());
            assertEquals(6, queues.getPerm());
        }
    }
}
