package dev.sluice.namesrv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingConnection;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteRegistryTest {
    private static final long EXPIRY = 120_000;

    private final RouteRegistry registry = new RouteRegistry();
    private final FakeConnection connA0 = new FakeConnection();
    private final FakeConnection connA1 = new FakeConnection();

    @Test
    void slavesJoinTheirMastersBrokerNameButOnlyMasterTopicsCount() {
        registry.register(registration("a", 0, "h:1", connA0, 1, topic("T", 4)), 0);
        RouteRegistry.RegisterResult slave = registry.register(registration("a", 1, "h:2", connA1, 1, topic("SlaveTopic", 2)), 0);

        assertEquals("h:1", slave.masterAddr());
        assertEquals("h:1-ha", slave.haServerAddr());
        assertEquals(Set.of("T"), registry.topics());
        RouteRegistry.TopicRoute route = registry.route("T").orElseThrow();
        assertEquals(List.of(new QueueData("a", 4, 4, 6, 0)), route.queueDatas());
        assertEquals(Map.of(0L, "h:1", 1L, "h:2"), route.brokerDatas().get(0).brokerAddrs());
    }

    @Test
    void aSlaveWithoutALiveMasterGetsNoMasterAddress() {
        RouteRegistry.RegisterResult slave = registry.register(registration("a", 1, "h:2", connA1, 1), 0);
        assertNull(slave.masterAddr());
        assertNull(slave.haServerAddr());
    }

    @Test
    void topicsAreReappliedOnlyWhenTheDataVersionChanges() {
        registry.register(registration("a", 0, "h:1", connA0, 1, topic("T", 4)), 0);
        registry.register(registration("a", 0, "h:1", connA0, 1, topic("T", 4)), 0); // the first is read twice
        registry.register(registration("a", 0, "h:1", connA0, 1, topic("T", 8)), 1);
        assertEquals(4, registry.route("T").orElseThrow().queueDatas().get(0).writeQueueNums());
        registry.register(registration("a", 0, "h:1", connA0, 2, topic("T", 8)), 2);
        assertEquals(8, registry.route("T").orElseThrow().queueDatas().get(0).writeQueueNums());
    }

    /**
     * A name server that restarted (or dropped a broker whose connection closed) may first hear a registration of one
     * changed topic: the broker's next, whole registration carries the same version and must still be read.
     */
    @Test
    void theRegistrationAfterAFirstOneIsReadWholeAtTheSameVersion() {
        registry.register(registration("a", 0, "h:1", connA0, 7, topic("Changed", 4)), 0);
        registry.register(registration("a", 0, "h:1", connA0, 7, topic("Changed", 4), topic("Other", 2)), 1);
        assertEquals(Set.of("Changed", "Other"), registry.topics());

        registry.connectionClosed(connA0);
        registry.register(registration("a", 0, "h:1", connA0, 7, topic("Changed", 4)), 2);
        assertEquals(new RouteRegistry.DataVersionCheck(true, new DataVersion(7, 7)),
                registry.checkDataVersion("h:1", new DataVersion(7, 7), 3), "an Apache broker asks before registering");
        registry.register(registration("a", 0, "h:1", connA0, 7, topic("Changed", 4), topic("Other", 2)), 3);
        assertEquals(Set.of("Changed", "Other"), registry.topics());
    }

    @Test
    void anAddressRegisteringUnderANewIdLeavesItsOldId() {
        registry.register(registration("a", 1, "h:2", connA1, 1), 0);
        registry.register(registration("a", 0, "h:2", connA1, 1, topic("T", 4)), 0);
        assertEquals(Map.of(0L, "h:2"), registry.clusterInfo().brokers().get("a").brokerAddrs());
    }

    @Test
    void expiryRemovesOnlyStaleBrokersAndReturnsTheirConnections() {
        registry.register(registration("a", 0, "h:1", connA0, 1, topic("T", 4)), 0);
        registry.register(registration("a", 1, "h:2", connA1, 1), 10_000);

        assertEquals(List.of(), registry.expire(EXPIRY, EXPIRY));
        List<RouteRegistry.ExpiredBroker> expired = registry.expire(EXPIRY + 1, EXPIRY);
        assertEquals(List.of(new RouteRegistry.ExpiredBroker("h:1", connA0)), expired);
        // The slave keeps the brokerName (and its topic) alive without the master.
        assertEquals(Map.of(1L, "h:2"), registry.route("T").orElseThrow().brokerDatas().get(0).brokerAddrs());

        registry.expire(10_000 + EXPIRY + 1, EXPIRY);
        assertTrue(registry.route("T").isEmpty());
        assertEquals(Map.of(), registry.clusterInfo().clusters());
        assertEquals(Set.of(), registry.topics());
    }

    @Test
    void aClosedConnectionRemovesTheBrokerThatRegisteredOverIt() {
        registry.register(registration("a", 0, "h:1", connA0, 1, topic("T", 4)), 0);
        registry.register(registration("b", 0, "h:3", new FakeConnection(), 1, topic("T", 2)), 0);
        registry.connectionClosed(new FakeConnection());
        assertEquals(2, registry.route("T").orElseThrow().queueDatas().size());
        registry.connectionClosed(connA0);
        assertEquals(List.of(new QueueData("b", 2, 2, 6, 0)), registry.route("T").orElseThrow().queueDatas());
        assertEquals(Set.of("b"), registry.clusterInfo().brokers().keySet());
    }

    @Test
    void unregisterRemovesTheAddressAndAnEmptyBrokerName() {
        registry.register(registration("a", 0, "h:1", connA0, 1, topic("T", 4)), 0);
        registry.register(registration("a", 1, "h:2", connA1, 1), 0);
        registry.unregister("c", "h:2", "a", 1);
        assertEquals(Map.of(0L, "h:1"), registry.clusterInfo().brokers().get("a").brokerAddrs());
        registry.unregister("c", "h:1", "a", 0);
        assertTrue(registry.route("T").isEmpty());
        assertEquals(Map.of(), registry.clusterInfo().brokers());
    }

    @Test
    void topicsOfClusterAndDeletionPerCluster() {
        registry.register(registration("a", 0, "h:1", connA0, 1, topic("T", 4), topic("OnlyA", 1)), 0);
        registry.register(new BrokerRegistration("other", "h:9", "z", 0, "h:9-ha", new DataVersion(1, 1),
                List.of(topic("T", 2)), new FakeConnection()), 0);

        assertEquals(Set.of("T", "OnlyA"), registry.topicsOfCluster("c"));
        assertEquals(Set.of("T"), registry.topicsOfCluster("other"));
        registry.deleteTopic("T", "other");
        assertEquals(List.of("a"), registry.route("T").orElseThrow().queueDatas().stream().map(QueueData::brokerName).toList());
        registry.deleteTopic("T", null);
        assertEquals(Set.of("OnlyA"), registry.topics());
    }

    @Test
    void writePermissionIsWipedAndRestoredPerBroker() {
        registry.register(registration("a", 0, "h:1", connA0, 1, topic("T", 4), new TopicConfig("RO", 1, 1, 4, 0)), 0);
        assertEquals(2, registry.setWritePermission("a", false));
        assertEquals(4, registry.route("T").orElseThrow().queueDatas().get(0).perm());
        assertEquals(4, registry.route("RO").orElseThrow().queueDatas().get(0).perm());
        assertEquals(2, registry.setWritePermission("a", true));
        assertEquals(6, registry.route("T").orElseThrow().queueDatas().get(0).perm());
        assertEquals(0, registry.setWritePermission("unknown", false));
    }

    @Test
    void dataVersionQueriesReportChangesAndKeepAnUnchangedBrokerAlive() {
        registry.register(registration("a", 0, "h:1", connA0, 1), 0);
        registry.register(registration("a", 0, "h:1", connA0, 1), 0);
        assertEquals(new RouteRegistry.DataVersionCheck(true, new DataVersion(1, 1)),
                registry.checkDataVersion("h:1", new DataVersion(2, 2), 100_000));
        assertEquals(new RouteRegistry.DataVersionCheck(false, new DataVersion(1, 1)),
                registry.checkDataVersion("h:1", new DataVersion(1, 1), 100_000));
        assertEquals(List.of(), registry.expire(100_000 + EXPIRY, EXPIRY));
        assertTrue(registry.checkDataVersion("unknown", new DataVersion(1, 1), 0).changed());
    }

    @Test
    void systemTopicsAreClusterAndBrokerNamesWithAMasterToAsk() {
        assertEquals(Set.of(), registry.systemTopics().names());
        assertNull(registry.systemTopics().brokerAddr());
        registry.register(registration("a", 1, "h:2", connA1, 1), 0);
        // Only a slave is known: it is the broker to ask, as it also answers for its system topics.
        assertEquals(Set.of("c", "a"), registry.systemTopics().names());
        assertEquals("h:2", registry.systemTopics().brokerAddr());
        registry.register(new BrokerRegistration("other", "h:9", "z", 0, "h:9-ha", new DataVersion(1, 1), List.of(),
                new FakeConnection()), 0);
        assertEquals(Set.of("c", "a", "other", "z"), registry.systemTopics().names());
        assertEquals("h:9", registry.systemTopics().brokerAddr());
    }

    private static TopicConfig topic(String name, int queues) {
        return new TopicConfig(name, queues, queues, 6, 0);
    }

    private static BrokerRegistration registration(String brokerName, long id, String addr, RemotingConnection connection,
            long version, TopicConfig... topics) {
        return new BrokerRegistration("c", addr, brokerName, id, addr + "-ha", new DataVersion(version, version),
                List.of(topics), connection);
    }

    private static final class FakeConnection implements RemotingConnection {
        @Override
        public String remoteAddress() {
            return "127.0.0.1:1";
        }

        @Override
        public InetSocketAddress remoteSocketAddress() {
            return new InetSocketAddress("127.0.0.1", 1);
        }

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
