package dev.sluice.client.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.netty.NettyRemotingClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both fixtures boot a name server and a broker that has registered itself under the advertised address. */
class TestClusterTest {
    @TempDir
    Path dir;

    @Test
    void sluiceClusterRegistersItsBroker() throws Exception {
        try (TestCluster cluster = SluiceCluster.start(dir, new Properties())) {
            assertRegistered(cluster);
        }
    }

    @Test
    void apacheClusterRegistersItsBroker() throws Exception {
        try (TestCluster cluster = ApacheCluster.start(dir, new Properties())) {
            assertRegistered(cluster);
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertRegistered(TestCluster cluster) throws Exception {
        try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
            RemotingCommand response = client.invokeSync(cluster.namesrvAddr(),
                    RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO), 5000);
            assertEquals(0, response.code(), response.remark());
            Map<String, Object> info = Json.parseObject(response.body());
            Map<String, Object> brokers = (Map<String, Object>) info.get("brokerAddrTable");
            Map<String, Object> broker = (Map<String, Object>) brokers.get(cluster.brokerName());
            assertEquals(cluster.brokerAddr(), ((Map<String, Object>) broker.get("brokerAddrs")).get("0"), info.toString());
            assertEquals(List.of(cluster.brokerName()),
                    ((Map<String, Object>) info.get("clusterAddrTable")).get(cluster.clusterName()));
        }
    }
}
