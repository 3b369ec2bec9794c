package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.common.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NOTIFY_CONSUMER_IDS_CHANGED: when a second consumer joins a group, the first hears of it, unless the group's own
 * notifyConsumerIdsChangedEnable or the broker's is off. The consumers are raw clients whose notices are handled on
 * their I/O thread, so once an answer to a later request on the same connection has arrived, every notice the broker
 * wrote before it has been seen: absence needs no waiting.
 */
class ConsumerIdsChangedTest {
    @TempDir
    Path home;

    @Test
    void aMemberHearsOfANewMemberUnlessItsGroupSaysNot() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Broker broker = cluster.startBroker(cluster.brokerProperties("broker-ids"));
            DefaultMQAdminExt admin = cluster.admin();
            SubscriptionGroupConfig quiet = new SubscriptionGroupConfig();
            quiet.setGroupName("QuietGroup");
            quiet.setNotifyConsumerIdsChangedEnable(false);
            admin.createAndUpdateSubscriptionGroupConfig(broker.address(), quiet);

            assertEquals(List.of("LoudGroup"), noticesToFirstMember(broker, "LoudGroup"));
            assertEquals(List.of(), noticesToFirstMember(broker, "QuietGroup"));
        }
    }

    @Test
    void theBrokersSettingSilencesEveryGroup() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Properties props = cluster.brokerProperties("broker-no-ids");
            props.setProperty("notifyConsumerIdsChangedEnable", "false");
            Broker broker = cluster.startBroker(props);
            assertEquals(List.of(), noticesToFirstMember(broker, "LoudGroup"));
        }
    }

    /** The groups named in the notices the first member of {@code group} gets when a second member joins. */
    private static List<String> noticesToFirstMember(Broker broker, String group) throws Exception {
        List<String> notices = new CopyOnWriteArrayList<>();
        try (NettyRemotingClient first = new NettyRemotingClient(new RemotingClientConfig());
             NettyRemotingClient second = new NettyRemotingClient(new RemotingClientConfig())) {
            first.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (connection, request) -> {
                notices.add(request.extField("consumerGroup"));
                return null;
            }, Runnable::run);
            heartbeat(first, broker, "first-" + group, group);
            notices.clear(); // what it heard of its own joining
            heartbeat(second, broker, "second-" + group, group);
            heartbeat(first, broker, "first-" + group, group);
            return List.copyOf(notices);
        }
    }

    private static void heartbeat(NettyRemotingClient client, Broker broker, String clientId, String group)
            throws Exception {
        RemotingCommand heartbeat = Cluster.consumerHeartbeat(clientId, group, List.of());
        assertEquals(ResponseCode.SUCCESS, client.invokeSync(broker.address(), heartbeat, 5000).code());
    }
}
