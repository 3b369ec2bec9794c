package dev.sluice.namesrv;

import dev.sluice.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.protocol.route.BrokerData;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.command.cluster.ClusterListSubCommand;
import org.apache.rocketmq.tools.command.topic.TopicListSubCommand;
import org.apache.rocketmq.tools.command.topic.TopicRouteSubCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the official mqadmin sub-commands (the code behind {@code mqadmin topicRoute / topicList / clusterList})
 * against our name server, through {@link MqAdmin}.
 */
class MqAdminCommandsTest {
    static {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
    }

    @TempDir
    Path tempDir;

    private NamesrvController namesrv;
    private TestBroker masterA;
    private TestBroker slaveA;

    @BeforeEach
    void start() throws Exception {
        namesrv = new NamesrvController(new NamesrvConfig().bindAddress("127.0.0.1").listenPort(0)
                .kvConfigPath(tempDir.resolve("kv.json")), new MutableClock(1_700_000_000_000L));
        namesrv.start();
        String namesrvAddr = "127.0.0.1:" + namesrv.port();
        int[] ports = TestBroker.unusedPorts(2);
        masterA = new TestBroker("c1", "broker-a", 0, ports[0]).topic("OrderTopic", 4, 6).topic("Other", 1, 6);
        slaveA = new TestBroker("c1", "broker-a", 1, ports[1]);
        masterA.register(namesrvAddr, false);
        slaveA.register(namesrvAddr, false);
        // The commands read the name server address the way mqadmin's -n option leaves it.
        System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, namesrvAddr);
    }

    @AfterEach
    void stop() {
        System.clearProperty(MixAll.NAMESRV_ADDR_PROPERTY);
        masterA.close();
        slaveA.close();
        namesrv.close();
    }

    @Test
    void topicRoutePrintsTheRouteAsJson() throws Exception {
        String output = MqAdmin.run(new TopicRouteSubCommand(), "-t", "OrderTopic");
        TopicRouteData route = TopicRouteData.fromJson(output.trim(), TopicRouteData.class);
        assertEquals(1, route.getQueueDatas().size());
        assertEquals(4, route.getQueueDatas().get(0).getWriteQueueNums());
        BrokerData broker = route.getBrokerDatas().get(0);
        assertEquals("c1", broker.getCluster());
        assertEquals(Map.of(0L, masterA.brokerAddr, 1L, slaveA.brokerAddr), new HashMap<>(broker.getBrokerAddrs()));
    }

    @Test
    void topicListPrintsEveryTopic() throws Exception {
        String output = MqAdmin.run(new TopicListSubCommand());
        assertEquals(Set.of("OrderTopic", "Other"), lines(output).stream().collect(Collectors.toSet()));
    }

    @Test
    void clusterListPrintsARowPerBrokerAddress() throws Exception {
        // The brokers here are registrations only: the per-broker runtime-stats call fails, and clusterList still
        // prints the rows it takes from our GET_BROKER_CLUSTER_INFO answer.
        String output = MqAdmin.run(new ClusterListSubCommand());
        List<String> rows = lines(output).stream().filter(line -> line.startsWith("c1")).toList();
        assertEquals(2, rows.size(), output);
        assertTrue(rows.get(0).matches("c1\\s+broker-a\\s+0\\s+" + masterA.brokerAddr.replace(".", "\\.") + "\\s.*"), rows.get(0));
        assertTrue(rows.get(1).matches("c1\\s+broker-a\\s+1\\s+" + slaveA.brokerAddr.replace(".", "\\.") + "\\s.*"), rows.get(1));
    }

    private static List<String> lines(String output) {
        return Arrays.stream(output.split("\\R")).map(String::trim).filter(line -> !line.isEmpty()).toList();
    }
}
