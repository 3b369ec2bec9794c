package dev.sluice.broker;

import dev.sluice.broker.schedule.DelayOffsetTable;
import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.common.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A master and its slave in this JVM, driven by the official 4.9.7 client and raw requests: the route lists both, the
 * slave refuses sends, copies the master's metadata, and the master reports the slave's lag and suggests it for pulls
 * that read far behind.
 */
class MasterSlaveTest {
    private static final String TOPIC = "ReplicatedTopic";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    private Cluster cluster;
    private Broker master;
    private Broker slave;
    private NettyRemotingClient raw;

    /** Properties of broker-a's master (role given) or slave, in this cluster. */
    static Properties brokerA(Cluster cluster, Path home, String role) {
        Properties p = cluster.brokerProperties("broker-a");
        p.setProperty("brokerRole", role);
        p.setProperty("haSendHeartbeatInterval", "200");
        p.setProperty("haReconnectInterval", "300");
        p.setProperty("slaveMetadataSyncInterval", "300");
        if (role.equals("SLAVE")) {
            p.setProperty("brokerId", "1");
            p.setProperty("storePathRootDir", home.resolve("store-broker-a-s").toString());
        }
        return p;
    }

    @BeforeEach
    void start() throws Exception {
        cluster = new Cluster(home);
        Properties m = brokerA(cluster, home, "ASYNC_MASTER");
        m.setProperty("slaveReadEnable", "true");
        m.setProperty("accessMessageInMemoryMaxRatio", "0");
        master = cluster.startBroker(m);
        slave = cluster.startBroker(brokerA(cluster, home, "SLAVE"));
        raw = new NettyRemotingClient(new RemotingClientConfig());
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
        cluster.close();
    }

    @Test
    void theRouteListsTheSlaveWhichRefusesSendsAndCopiesTheMastersMetadata() throws Exception {
        DefaultMQProducer producer = cluster.producer("ReplicatedProducer");
        for (int i = 0; i < 20; i++) {
            assertEquals(SendStatus.SEND_OK, producer.send(new Message(TOPIC, ("m" + i).getBytes())).getSendStatus());
        }
        DefaultMQAdminExt admin = admin();
        TopicRouteData route = admin.examineTopicRouteInfo(TOPIC);
        assertEquals(Map.of(0L, master.address(), 1L, slave.address()),
                Map.copyOf(route.getBrokerDatas().get(0).getBrokerAddrs()));

        RemotingCommand refused = raw.invokeSync(slave.address(), RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                .putExtField("a", "P").putExtField("b", TOPIC).putExtField("c", "TBW102").putExtField("d", 4)
                .putExtField("e", 0).putExtField("f", 0).putExtField("g", System.currentTimeMillis())
                .putExtField("h", 0).setBody("x".getBytes()), 5000);
        assertEquals(ResponseCode.SERVICE_NOT_AVAILABLE, refused.code(), refused.remark());
        // As RocketMQ 4.9.7: topics and groups change on the master only (the slave's copy would be overwritten).
        MQClientException onSlave = assertThrows(MQClientException.class, () -> admin.createAndUpdateTopicConfig(
                slave.address(), new TopicConfig("SlaveOnlyTopic", 4, 4, 6)));
        assertTrue(onSlave.getMessage().contains("Can't modify topic or subscription group from slave broker"),
                onSlave.getMessage());
        SubscriptionGroupConfig group = new SubscriptionGroupConfig();
        group.setGroupName("SlaveOnlyGroup");
        assertThrows(MQClientException.class, () -> admin.createAndUpdateSubscriptionGroupConfig(slave.address(), group));

        // The topic auto-created on the master, a committed offset and the delay offsets reach the slave.
        MessageQueue q0 = new MessageQueue(TOPIC, "broker-a", 0);
        admin.updateConsumeOffset(master.address(), "ReplicatedGroup", q0, 3);
        Message delayed = new Message(TOPIC, "delayed".getBytes());
        delayed.setDelayTimeLevel(1);
        assertEquals(SendStatus.SEND_OK, producer.send(delayed).getSendStatus());
        Path slaveDelayOffsets = home.resolve("store-broker-a-s/config/delayOffset.json");
        Deadline.await("the slave copies the master's metadata", WAIT, () ->
                queryOffset(slave.address(), "ReplicatedGroup", 0) == 3
                        && topicsOf(slave.address()).containsKey(TOPIC)
                        && Files.exists(slaveDelayOffsets)
                        && Long.valueOf(1).equals(DelayOffsetTable.fromJson(Json.parseObject(Files.readAllBytes(slaveDelayOffsets))).get(1)));

        Deadline.await("the slave caught up", WAIT, () -> ReplicationFailoverTest.slaveCaughtUp(raw, master.address()));
        Map<String, String> info = runtimeInfo(master.address());
        assertEquals("1", info.get("haConnections"));
        assertEquals(info.get("commitLogMaxOffset"), info.get("haSlaveAckOffset"));
        assertEquals("0", info.get("slaveFallBehindMessages"));
        assertEquals("SLAVE", runtimeInfo(slave.address()).get("haRole"));
        // As RocketMQ's slave, it counts the messages replication stored as puts.
        Deadline.await("the slave counts the replicated messages", WAIT,
                () -> Long.parseLong(runtimeInfo(slave.address()).get("putMessageTimesTotal")) >= 21);

        // A send-back is refused like a send (the 4.9.7 client then re-sends to the retry topic itself), and the
        // slave's CommitLog stays the master's copy.
        long held = org.apache.rocketmq.common.message.MessageDecoder.decodeMessageId(
                producer.send(new Message(TOPIC, "back".getBytes())).getOffsetMsgId()).getOffset();
        Deadline.await("the slave caught up again", WAIT,
                () -> ReplicationFailoverTest.slaveCaughtUp(raw, master.address()));
        RemotingCommand back = raw.invokeSync(slave.address(), RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK)
                .putExtField("offset", held).putExtField("group", "ReplicatedGroup").putExtField("delayLevel", 0)
                .putExtField("originTopic", TOPIC).putExtField("unitMode", false), 5000);
        assertEquals(ResponseCode.SERVICE_NOT_AVAILABLE, back.code(), back.remark());
        assertTrue(back.remark().contains("slave"), back.remark());
        assertEquals(runtimeInfo(master.address()).get("commitLogMaxOffset"),
                runtimeInfo(slave.address()).get("commitLogMaxOffset"));
    }

    @Test
    void aMasterWithSlaveReadEnabledSuggestsTheSlaveForColdReads() throws Exception {
        DefaultMQProducer producer = cluster.producer("ReplicatedProducer");
        assertEquals(SendStatus.SEND_OK, producer.send(new Message(TOPIC, "m".getBytes()), new MessageQueue(TOPIC, "broker-a", 0)).getSendStatus());
        assertEquals(SendStatus.SEND_OK, producer.send(new Message(TOPIC, "n".getBytes()), new MessageQueue(TOPIC, "broker-a", 0)).getSendStatus());
        // accessMessageInMemoryMaxRatio=0: anything behind the CommitLog's end counts as cold.
        Deadline.await("the master dispatched both", WAIT, () -> pull(master.address(), 0).code() == ResponseCode.SUCCESS);
        RemotingCommand cold = pull(master.address(), 0);
        assertEquals("1", cold.extField("suggestWhichBrokerId"));
        Deadline.await("the slave has both messages", WAIT, () -> pull(slave.address(), 0).code() == ResponseCode.SUCCESS);
        RemotingCommand fromSlave = pull(slave.address(), 0);
        // slaveReadEnable=false on the slave: it still serves, and points back at the master.
        assertEquals("0", fromSlave.extField("suggestWhichBrokerId"));
        RemotingCommand ahead = pull(slave.address(), 50);
        assertEquals(ResponseCode.PULL_RETRY_IMMEDIATELY, ahead.code(), "a slave does not move a consumer it may just lag");
        assertEquals("50", ahead.extField("nextBeginOffset"));
    }

    private RemotingCommand pull(String address, long offset) throws Exception {
        return raw.invokeSync(address, RemotingCommand.request(RequestCode.PULL_MESSAGE)
                .putExtField("consumerGroup", "ColdGroup").putExtField("topic", TOPIC).putExtField("queueId", 0)
                .putExtField("queueOffset", offset).putExtField("maxMsgNums", 1).putExtField("sysFlag", 4)
                .putExtField("commitOffset", 0).putExtField("suspendTimeoutMillis", 0).putExtField("subscription", "*")
                .putExtField("subVersion", 0), 5000);
    }

    private long queryOffset(String address, String group, int queueId) throws Exception {
        RemotingCommand r = raw.invokeSync(address, RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET)
                .putExtField("consumerGroup", group).putExtField("topic", TOPIC).putExtField("queueId", queueId), 5000);
        return r.code() == ResponseCode.SUCCESS ? Long.parseLong(r.extField("offset")) : -1;
    }

    private Map<String, Object> topicsOf(String address) throws Exception {
        RemotingCommand r = raw.invokeSync(address, RemotingCommand.request(RequestCode.GET_ALL_TOPIC_CONFIG), 5000);
        return Json.asObject(Json.parseObject(r.body()).get("topicConfigTable"), "topics");
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> runtimeInfo(String address) throws Exception {
        RemotingCommand r = raw.invokeSync(address, RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO), 5000);
        return (Map<String, String>) (Map<?, ?>) Json.asObject(Json.parseObject(r.body()).get("table"), "table");
    }

    private DefaultMQAdminExt admin() throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr);
        admin.setInstanceName("master-slave-admin-" + System.nanoTime());
        admin.start();
        return admin;
    }
}
