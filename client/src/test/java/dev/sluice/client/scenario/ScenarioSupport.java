package dev.sluice.client.scenario;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.testing.TestCluster;
import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Topic creation and client settings shared by the scenario tests. */
final class ScenarioSupport {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private ScenarioSupport() {
    }

    /** A name no other test uses, so scenarios sharing a cluster do not see each other's messages. */
    static String unique(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + NAMES.incrementAndGet();
    }

    static ClientConfig clientConfig(TestCluster cluster, String instance) {
        return new ClientConfig().namesrvAddr(cluster.namesrvAddr()).instanceName(instance).clientIp("127.0.0.1");
    }

    /** The group's offset of the queue as the broker has it, or -1 when it has none. */
    static long committedOffset(TestCluster cluster, String group, String topic, int queueId) throws Exception {
        try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
            RemotingCommand response = client.invokeSync(cluster.brokerAddr(),
                    RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET).putExtField("consumerGroup", group)
                            .putExtField("topic", topic).putExtField("queueId", queueId), 5000);
            return response.code() == 0 ? Long.parseLong(response.extField("offset")) : -1;
        }
    }

    /** UPDATE_AND_CREATE_TOPIC on the broker, then waits until the name server routes the topic. */
    static void createTopic(TestCluster cluster, String topic, int queues) throws Exception {
        try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
            RemotingCommand create = RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC)
                    .putExtField("topic", topic).putExtField("defaultTopic", "TBW102")
                    .putExtField("readQueueNums", queues).putExtField("writeQueueNums", queues)
                    .putExtField("perm", 6).putExtField("topicFilterType", "SINGLE_TAG")
                    .putExtField("topicSysFlag", 0).putExtField("order", false);
            RemotingCommand response = client.invokeSync(cluster.brokerAddr(), create, 5000);
            if (response.code() != 0) {
                throw new AssertionError("creating " + topic + " failed: " + response.code() + " " + response.remark());
            }
            Deadline.await("the name server routes " + topic, Duration.ofSeconds(30), () -> {
                RemotingCommand route = client.invokeSync(cluster.namesrvAddr(),
                        RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC).putExtField("topic", topic), 5000);
                if (route.code() != 0 || route.body() == null) {
                    return false;
                }
                Object queueDatas = Json.parseObject(route.body()).get("queueDatas");
                return queueDatas instanceof List<?> list && !list.isEmpty()
                        && ((Map<?, ?>) list.get(0)).get("writeQueueNums").toString().equals(String.valueOf(queues));
            });
        }
    }
}
