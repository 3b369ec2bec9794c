package dev.sluice.broker;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.namesrv.NamesrvConfig;
import dev.sluice.namesrv.NamesrvController;
import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The distribution's conf/2m-2s-async and conf/2m-2s-sync: four brokers and two name servers fit on one machine
 * (no port or store path shared), and the sync layout runs: both masters with their slaves, sends acknowledged.
 */
class ReplicatedLayoutsTest {
    private static final Path CONF = Path.of("..", "distribution", "src", "conf");
    private static final List<String> FILES = List.of("broker-a.properties", "broker-a-s.properties",
            "broker-b.properties", "broker-b-s.properties");

    @TempDir
    Path home;

    private static Properties load(Path file) throws Exception {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }

    @Test
    void fourBrokersAndTwoNameServersShareNoPortOrStorePath() throws Exception {
        for (String layout : List.of("2m-2s-async", "2m-2s-sync")) {
            Set<Integer> ports = new HashSet<>(List.of(9876, Integer.parseInt(load(CONF.resolve("namesrv-9877.properties"))
                    .getProperty("listenPort"))));
            Set<Path> stores = new HashSet<>();
            Map<String, Long> ids = new java.util.HashMap<>();
            for (String name : FILES) {
                BrokerConfig c = BrokerConfig.fromProperties(load(CONF.resolve(layout).resolve(name)), new ArrayList<>());
                for (int port : new int[] {c.listenPort(), c.haListenPort(), c.vipListenPort()}) {
                    assertTrue(ports.add(port), layout + "/" + name + " reuses port " + port);
                }
                assertTrue(stores.add(c.storeConfig(c.listenPort()).storePathRootDir()), layout + "/" + name);
                assertTrue(stores.add(c.storeConfig(c.listenPort()).storePathCommitLog()), layout + "/" + name);
                assertNull(ids.put(c.brokerName() + "#" + c.brokerId(), c.brokerId()), layout + "/" + name);
                assertEquals(name.contains("-s.") ? "SLAVE" : layout.equals("2m-2s-sync") ? "SYNC_MASTER" : "ASYNC_MASTER",
                        c.brokerRole(), layout + "/" + name);
            }
            assertEquals(Set.of("broker-a#0", "broker-a#1", "broker-b#0", "broker-b#1"), ids.keySet());
        }
    }

    @Test
    void theSyncLayoutRunsBothPairs() throws Exception {
        List<NamesrvController> namesrvs = new ArrayList<>();
        List<Broker> brokers = new ArrayList<>();
        DefaultMQProducer producer = null;
        DefaultMQAdminExt admin = null;
        try (NettyRemotingClient raw = new NettyRemotingClient(new RemotingClientConfig())) {
            for (int i = 0; i < 2; i++) {
                NamesrvController n = new NamesrvController(new NamesrvConfig().bindAddress("127.0.0.1").listenPort(0)
                        .kvConfigPath(home.resolve("namesrv-" + i + "/kvConfig.json")), Clock.systemUTC());
                n.start();
                namesrvs.add(n);
            }
            String namesrvAddr = "127.0.0.1:" + namesrvs.get(0).port() + ";127.0.0.1:" + namesrvs.get(1).port();
            for (String name : FILES) {
                Properties p = load(CONF.resolve("2m-2s-sync").resolve(name));
                // Only what a test on a shared machine must change: addresses and where the files go. Every path
                // the layout puts under ~ (root, CommitLog, ConsumeQueue, index, checkpoint, abort file) moves under
                // the test's directory: a path left in ~ is shared by every run on the machine.
                for (String key : p.stringPropertyNames()) {
                    if (p.getProperty(key).startsWith("~/")) {
                        p.setProperty(key, home.resolve(p.getProperty(key).substring(2)).toString());
                    }
                }
                p.setProperty("namesrvAddr", namesrvAddr);
                p.setProperty("listenPort", "0");
                p.setProperty("brokerIP1", "127.0.0.1");
                p.setProperty("bindAddress", "127.0.0.1");
                p.setProperty("mappedFileSizeCommitLog", String.valueOf(4 * 1024 * 1024));
                p.setProperty("haReconnectInterval", "300");
                Broker b = new Broker(BrokerConfig.fromProperties(p, new ArrayList<>()));
                brokers.add(b);
                b.start();
            }
            for (Broker master : List.of(brokers.get(0), brokers.get(2))) {
                Deadline.await("the slave of " + master.address() + " connects", Duration.ofSeconds(30),
                        () -> ReplicationFailoverTest.runtimeInfo(raw, master.address()).get("haConnections").equals("1"));
            }
            admin = new DefaultMQAdminExt();
            admin.setNamesrvAddr(namesrvAddr);
            admin.setInstanceName("layout-admin");
            admin.start();
            admin.createAndUpdateTopicConfig(brokers.get(0).address(), new TopicConfig("LayoutTopic", 2, 2, 6));
            admin.createAndUpdateTopicConfig(brokers.get(2).address(), new TopicConfig("LayoutTopic", 2, 2, 6));
            for (NamesrvController n : namesrvs) {
                DefaultMQAdminExt one = new DefaultMQAdminExt();
                one.setNamesrvAddr("127.0.0.1:" + n.port());
                one.setInstanceName("layout-admin-" + n.port());
                one.start();
                try {
                    Deadline.await("both pairs are in the route of every name server", Duration.ofSeconds(30), () ->
                            one.examineTopicRouteInfo("LayoutTopic").getBrokerDatas().stream()
                                    .filter(d -> d.getBrokerAddrs().keySet().equals(Set.of(0L, 1L))).count() == 2);
                } finally {
                    one.shutdown();
                }
            }
            producer = new DefaultMQProducer("LayoutProducer");
            producer.setNamesrvAddr(namesrvAddr);
            producer.setInstanceName("layout-producer");
            producer.start();
            Set<String> brokerNames = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                SendResult r = producer.send(new Message("LayoutTopic", ("m" + i).getBytes()));
                assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "a SYNC_MASTER with its slave acknowledges");
                brokerNames.add(r.getMessageQueue().getBrokerName());
            }
            assertEquals(Set.of("broker-a", "broker-b"), brokerNames);
        } finally {
            if (producer != null) {
                producer.shutdown();
            }
            if (admin != null) {
                admin.shutdown();
            }
            for (int i = brokers.size() - 1; i >= 0; i--) {
                brokers.get(i).close();
            }
            namesrvs.forEach(NamesrvController::close);
        }
    }
}
