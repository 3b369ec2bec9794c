package dev.sluice.namesrv;

import dev.sluice.testing.Deadline;
import dev.sluice.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.ResponseCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.common.protocol.route.BrokerData;
import org.apache.rocketmq.common.protocol.route.QueueData;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache RocketMQ 4.9.7's DefaultMQAdminExt reads what brokers registered with our name server: cluster info,
 * topic lists and routes, exactly; and sees routes change when a broker disconnects or expires.
 */
class OfficialAdminClientTest {
    static {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
    }

    private static final String CLUSTER = "DefaultCluster";

    @TempDir
    Path tempDir;

    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private NamesrvController namesrv;
    private String namesrvAddr;
    private TestBroker masterA;
    private TestBroker slaveA;
    private TestBroker masterB;
    private DefaultMQAdminExt admin;

    @BeforeEach
    void start() throws Exception {
        namesrv = new NamesrvController(new NamesrvConfig().bindAddress("127.0.0.1").listenPort(0)
                .kvConfigPath(tempDir.resolve("kvConfig.json")).scanNotActiveBrokerInterval(50), clock);
        namesrv.start();
        namesrvAddr = "127.0.0.1:" + namesrv.port();
        int[] ports = TestBroker.unusedPorts(3);
        masterA = new TestBroker(CLUSTER, "broker-a", 0, ports[0]).topic("TopicA", 4, 6).topic("Shared", 8, 6);
        slaveA = new TestBroker(CLUSTER, "broker-a", 1, ports[1]).topic("TopicA", 4, 6).topic("SlaveOnly", 2, 6);
        masterB = new TestBroker(CLUSTER, "broker-b", 0, ports[2]).topic("TopicB", 2, 6).topic("Shared", 8, 4);
        assertEquals(ResponseCode.SUCCESS, masterA.register(namesrvAddr, false).code());
        RemotingCommand slaveResponse = slaveA.register(namesrvAddr, false);
        assertEquals(ResponseCode.SUCCESS, slaveResponse.code());
        assertEquals(masterA.brokerAddr, slaveResponse.extField("masterAddr"));
        assertEquals(masterA.haServerAddr, slaveResponse.extField("haServerAddr"));
        // broker-b uses the deflate-compressed body a broker sends with compressedRegister=true.
        assertEquals(ResponseCode.SUCCESS, masterB.register(namesrvAddr, true).code());

        admin = new DefaultMQAdminExt(5000);
        admin.setNamesrvAddr(namesrvAddr);
        admin.setInstanceName("sluice-namesrv-test-" + System.nanoTime());
        admin.start();
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.shutdown();
        }
        for (TestBroker broker : new TestBroker[] {masterA, slaveA, masterB}) {
            if (broker != null) {
                broker.close();
            }
        }
        namesrv.close();
    }

    @Test
    void clusterInfoNamesEveryBrokerWithMasterAndSlaveAddresses() throws Exception {
        ClusterInfo info = admin.examineBrokerClusterInfo();
        assertEquals(Map.of(CLUSTER, Set.of("broker-a", "broker-b")), info.getClusterAddrTable());
        assertEquals(Set.of("broker-a", "broker-b"), info.getBrokerAddrTable().keySet());
        BrokerData a = info.getBrokerAddrTable().get("broker-a");
        assertEquals(CLUSTER, a.getCluster());
        assertEquals("broker-a", a.getBrokerName());
        assertEquals(Map.of(0L, masterA.brokerAddr, 1L, slaveA.brokerAddr), a.getBrokerAddrs());
        assertEquals(Map.of(0L, masterB.brokerAddr), info.getBrokerAddrTable().get("broker-b").getBrokerAddrs());
    }

    @Test
    void topicListHoldsTheMastersTopicsOnly() throws Exception {
        assertEquals(Set.of("TopicA", "TopicB", "Shared"), admin.fetchAllTopicList().getTopicList());
        assertEquals(Set.of("TopicA", "TopicB", "Shared"), admin.fetchTopicsByCLuster(CLUSTER).getTopicList());
        assertEquals(Set.of(), admin.fetchTopicsByCLuster("NoSuchCluster").getTopicList());
    }

    @Test
    void routesNameTheQueuesAndAllAddressesOfEachBroker() throws Exception {
        TopicRouteData shared = admin.examineTopicRouteInfo("Shared");
        assertEquals(Map.of("broker-a", queue("broker-a", 8, 6), "broker-b", queue("broker-b", 8, 4)), queuesByBroker(shared));
        assertEquals(Map.of("broker-a", Map.of(0L, masterA.brokerAddr, 1L, slaveA.brokerAddr),
                "broker-b", Map.of(0L, masterB.brokerAddr)), addressesByBroker(shared));
        assertNull(shared.getOrderTopicConf());

        TopicRouteData topicA = admin.examineTopicRouteInfo("TopicA");
        assertEquals(Map.of("broker-a", queue("broker-a", 4, 6)), queuesByBroker(topicA));
        assertEquals(Set.of("broker-a"), addressesByBroker(topicA).keySet());
    }

    @Test
    void unknownTopicIsTopicNotExist() {
        MQClientException e = assertThrows(MQClientException.class, () -> admin.examineTopicRouteInfo("SlaveOnly"));
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, e.getResponseCode());
        assertTrue(e.getErrorMessage().contains("SlaveOnly"), e.getErrorMessage());
    }

    @Test
    void aDisconnectedBrokerDisappearsFromRoutesAtOnce() throws Exception {
        masterB.disconnect(namesrvAddr);
        Deadline.await("broker-b leaves the cluster info", Duration.ofSeconds(10),
                () -> !admin.examineBrokerClusterInfo().getBrokerAddrTable().containsKey("broker-b"));
        assertEquals(Map.of(CLUSTER, Set.of("broker-a")), admin.examineBrokerClusterInfo().getClusterAddrTable());
        assertEquals(Set.of("broker-a"), queuesByBroker(admin.examineTopicRouteInfo("Shared")).keySet());
        MQClientException e = assertThrows(MQClientException.class, () -> admin.examineTopicRouteInfo("TopicB"));
        assertEquals(ResponseCode.TOPIC_NOT_EXIST, e.getResponseCode());
        assertEquals(Set.of("TopicA", "Shared"), admin.fetchAllTopicList().getTopicList());
    }

    @Test
    void aBrokerThatStopsRegisteringExpiresAfter120Seconds() throws Exception {
        clock.advance(Duration.ofSeconds(2));
        slaveA.register(namesrvAddr, false);
        clock.advance(Duration.ofSeconds(58));
        masterA.register(namesrvAddr, false);
        clock.advance(Duration.ofSeconds(61));
        // broker-b last registered 121 s ago: its removal proves a scan ran at this time.
        Deadline.await("broker-b expires", Duration.ofSeconds(10),
                () -> !admin.examineBrokerClusterInfo().getBrokerAddrTable().containsKey("broker-b"));
        assertThrows(MQClientException.class, () -> admin.examineTopicRouteInfo("TopicB"));
        // The slave's registration is 119 s old: it stays.
        assertEquals(Map.of(0L, masterA.brokerAddr, 1L, slaveA.brokerAddr),
                addressesByBroker(admin.examineTopicRouteInfo("TopicA")).get("broker-a"));

        clock.advance(Duration.ofSeconds(2));
        Deadline.await("the slave expires", Duration.ofSeconds(10),
                () -> addressesByBroker(admin.examineTopicRouteInfo("TopicA")).get("broker-a").size() == 1);
        assertEquals(Map.of(0L, masterA.brokerAddr), addressesByBroker(admin.examineTopicRouteInfo("TopicA")).get("broker-a"));
        assertEquals(Map.of(0L, masterA.brokerAddr),
                admin.examineBrokerClusterInfo().getBrokerAddrTable().get("broker-a").getBrokerAddrs());
    }

    @Test
    void wipingWritePermissionTakesWritesAwayUntilAdded() throws Exception {
        assertEquals(2, admin.wipeWritePermOfBroker(namesrvAddr, "broker-a"));
        assertEquals(Map.of("broker-a", queue("broker-a", 8, 4), "broker-b", queue("broker-b", 8, 4)),
                queuesByBroker(admin.examineTopicRouteInfo("Shared")));
        assertEquals(2, admin.addWritePermOfBroker(namesrvAddr, "broker-a"));
        assertEquals(queue("broker-a", 8, 6), queuesByBroker(admin.examineTopicRouteInfo("Shared")).get("broker-a"));
    }

    @Test
    void deletingATopicRemovesItFromOneClusterOrEverywhere() throws Exception {
        admin.deleteTopicInNameServer(Set.of(namesrvAddr), "TopicA", "OtherCluster");
        assertEquals(Set.of("broker-a"), queuesByBroker(admin.examineTopicRouteInfo("TopicA")).keySet());
        admin.deleteTopicInNameServer(Set.of(namesrvAddr), "TopicA", CLUSTER);
        assertThrows(MQClientException.class, () -> admin.examineTopicRouteInfo("TopicA"));
        admin.deleteTopicInNameServer(Set.of(namesrvAddr), "Shared", null);
        assertEquals(Set.of("TopicB"), admin.fetchAllTopicList().getTopicList());
    }

    @Test
    void kvConfigRoundTripsThroughTheOfficialAdmin() throws Exception {
        admin.createAndUpdateKvConfig("ns1", "k1", "v1");
        admin.createAndUpdateKvConfig("ns1", "k2", "v2");
        assertEquals("v1", admin.getKVConfig("ns1", "k1"));
        assertEquals(Map.of("k1", "v1", "k2", "v2"), admin.getKVListByNamespace("ns1").getTable());
        admin.deleteKvConfig("ns1", "k1");
        MQClientException e = assertThrows(MQClientException.class, () -> admin.getKVConfig("ns1", "k1"));
        assertEquals(ResponseCode.QUERY_NOT_FOUND, e.getResponseCode());
        assertThrows(MQClientException.class, () -> admin.getKVListByNamespace("nothing-here"));
    }

    @Test
    void nameServersRunSideBySideWithoutSharingState() throws Exception {
        try (NamesrvController other = new NamesrvController(new NamesrvConfig().bindAddress("127.0.0.1").listenPort(0)
                .kvConfigPath(tempDir.resolve("other-kv.json")), clock)) {
            other.start();
            String otherAddr = "127.0.0.1:" + other.port();
            masterB.register(otherAddr, false);
            DefaultMQAdminExt otherAdmin = new DefaultMQAdminExt(5000);
            otherAdmin.setNamesrvAddr(otherAddr);
            otherAdmin.setInstanceName("sluice-namesrv-other-" + System.nanoTime());
            otherAdmin.start();
            try {
                assertEquals(Map.of(CLUSTER, Set.of("broker-b")), otherAdmin.examineBrokerClusterInfo().getClusterAddrTable());
                assertEquals(Set.of("TopicB", "Shared"), otherAdmin.fetchAllTopicList().getTopicList());
                masterB.disconnect(otherAddr);
                Deadline.await("broker-b leaves only the other name server", Duration.ofSeconds(10),
                        () -> otherAdmin.examineBrokerClusterInfo().getBrokerAddrTable().isEmpty());
                assertEquals(Set.of("broker-a", "broker-b"), admin.examineBrokerClusterInfo().getBrokerAddrTable().keySet());
            } finally {
                otherAdmin.shutdown();
            }
        }
    }

    private static Map<String, Object> queue(String brokerName, int queues, int perm) {
        return Map.of("brokerName", brokerName, "read", queues, "write", queues, "perm", perm, "sysFlag", 0);
    }

    private static Map<String, Map<String, Object>> queuesByBroker(TopicRouteData route) {
        Map<String, Map<String, Object>> result = new TreeMap<>();
        for (QueueData q : route.getQueueDatas()) {
            result.put(q.getBrokerName(), Map.of("brokerName", q.getBrokerName(), "read", q.getReadQueueNums(),
                    "write", q.getWriteQueueNums(), "perm", q.getPerm(), "sysFlag", q.getTopicSysFlag()));
        }
        assertEquals(route.getQueueDatas().size(), result.size(), "one QueueData per broker");
        return result;
    }

    private static Map<String, Map<Long, String>> addressesByBroker(TopicRouteData route) {
        List<BrokerData> brokers = route.getBrokerDatas();
        brokers.forEach(b -> assertEquals(CLUSTER, b.getCluster()));
        return brokers.stream().collect(Collectors.toMap(BrokerData::getBrokerName, b -> new HashMap<>(b.getBrokerAddrs())));
    }
}
