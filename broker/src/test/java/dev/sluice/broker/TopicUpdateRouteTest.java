package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.protocol.route.QueueData;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mqadmin updateTopic is answered once the name server has the change, so the route a client asks for right after
 * it already shows the new queues and permission (a producer would otherwise send by the auto-create template's
 * route into a read-only topic, or miss new queues).
 */
class TopicUpdateRouteTest {
    @TempDir
    Path home;

    @Test
    void theRouteAskedForRightAfterAnUpdateShowsIt() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Broker broker = cluster.startBroker(cluster.brokerProperties("broker-route"));
            DefaultMQAdminExt admin = new DefaultMQAdminExt();
            admin.setNamesrvAddr(cluster.namesrvAddr);
            admin.setInstanceName("route-admin-" + ProcessHandle.current().pid());
            admin.start();
            try {
                for (int i = 0; i < 20; i++) {
                    String topic = "RouteTopic" + i;
                    // New and read-only, then read-write with more queues: both the first route and a changed one.
                    assertRouteAfterUpdate(admin, broker, new TopicConfig(topic, 2, 2, 4));
                    assertRouteAfterUpdate(admin, broker, new TopicConfig(topic, 3 + i % 4, 3 + i % 4, 6));
                }
            } finally {
                admin.shutdown();
            }
        }
    }

    private static void assertRouteAfterUpdate(DefaultMQAdminExt admin, Broker broker, TopicConfig config)
            throws Exception {
        admin.createAndUpdateTopicConfig(broker.address(), config);
        TopicRouteData route = admin.examineTopicRouteInfo(config.getTopicName());
        assertEquals(1, route.getQueueDatas().size(), route.toString());
        QueueData queues = route.getQueueDatas().get(0);
        assertEquals(config.getPerm(), queues.getPerm(), route.toString());
        assertEquals(config.getWriteQueueNums(), queues.getWriteQueueNums(), route.toString());
        assertEquals(config.getReadQueueNums(), queues.getReadQueueNums(), route.toString());
    }
    /**
     * An operator drains a broker with wipeWritePerm; updating one topic meanwhile re-registers that topic only, as
     * RocketMQ's broker does, so the others stay read-only (a registration of every topic gave them write back).
     */
    @Test
    void updatingATopicLeavesTheOthersAsWipeWritePermLeftThem() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Broker broker = cluster.startBroker(cluster.brokerProperties("broker-drained"));
            DefaultMQAdminExt admin = cluster.admin();
            admin.createAndUpdateTopicConfig(broker.address(), new TopicConfig("Drained", 2, 2, 6));
            assertTrue(admin.wipeWritePermOfBroker(cluster.namesrvAddr, "broker-drained") > 0);
            assertEquals(4, admin.examineTopicRouteInfo("Drained").getQueueDatas().get(0).getPerm());

            assertRouteAfterUpdate(admin, broker, new TopicConfig("UpdatedWhileDrained", 2, 2, 6));
            assertEquals(4, admin.examineTopicRouteInfo("Drained").getQueueDatas().get(0).getPerm(),
                    "still read-only after another topic's update");
        }
    }
}
