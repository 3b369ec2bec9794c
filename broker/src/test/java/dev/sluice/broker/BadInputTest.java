package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Random;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad sends through the official client each get the right error, store nothing, and the broker keeps serving. */
class BadInputTest {
    private static final String TOPIC = "BadInputTopic";

    @TempDir
    Path home;

    private Cluster cluster;
    private Broker broker;
    private DefaultMQProducer producer;

    @BeforeEach
    void start() throws Exception {
        cluster = new Cluster(home);
        Properties props = cluster.brokerProperties("broker-bad");
        props.setProperty("maxMessageSize", "65536");
        broker = cluster.startBroker(props);
        producer = cluster.producer("BadInputProducer");
        producer.setCompressMsgBodyOverHowmuch(Integer.MAX_VALUE);
        assertEquals(SendStatus.SEND_OK, producer.send(new Message(TOPIC, "ok".getBytes())).getSendStatus());
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    @Test
    void anOversizedBodyIsRefusedAsMessageIllegal() throws Exception {
        byte[] body = new byte[100 * 1024];
        new Random(1).nextBytes(body);
        MQBrokerException refused = assertThrows(MQBrokerException.class, () -> producer.send(new Message(TOPIC, body)));
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, refused.getResponseCode());
        assertStillOneMessageAndServing();
    }

    @Test
    void anIllegalTopicNameIsRefused() throws Exception {
        assertThrows(MQClientException.class, () -> producer.send(new Message("bad topic!", "x".getBytes())));
        // Past the client's own check, straight to the broker: SYSTEM_ERROR, nothing created.
        RemotingCommand response = rawSend("bad topic!");
        assertEquals(ResponseCode.SYSTEM_ERROR, response.code(), response.toString());
        assertTrue(response.remark().contains("not legal"), response.remark());
        assertStillOneMessageAndServing();
    }

    @Test
    void aWriteToAReadOnlyTopicGetsNoPermission() throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr);
        admin.setInstanceName("bad-input-admin-" + ProcessHandle.current().pid());
        admin.start();
        try {
            org.apache.rocketmq.common.TopicConfig readOnly = new org.apache.rocketmq.common.TopicConfig("ReadOnlyTopic", 4, 4, 4);
            admin.createAndUpdateTopicConfig(broker.address(), readOnly);
        } finally {
            admin.shutdown();
        }
        // The route carries no writable queue, so the client refuses before sending ...
        MQClientException noRoute = assertThrows(MQClientException.class,
                () -> producer.send(new Message("ReadOnlyTopic", "x".getBytes())));
        assertTrue(noRoute.getMessage().contains("No route info"), noRoute.getMessage());
        // ... and a client with a stale route that still sends is told NO_PERMISSION by the broker.
        RemotingCommand response = rawSend("ReadOnlyTopic");
        assertEquals(ResponseCode.NO_PERMISSION, response.code(), response.toString());
        assertStillOneMessageAndServing();
    }

    /**
     * Records the official client cannot decode: it drops such a record and every one after it in the same pull
     * answer, so they are refused at the send. Each case names what is wrong.
     */
    @Test
    void sysFlagsAndBodiesAConsumerCouldNotDecodeAreRefused() throws Exception {
        byte[] zlib = deflate("a body long enough to be worth compressing ".repeat(200).getBytes());
        byte[] truncated = java.util.Arrays.copyOf(zlib, zlib.length / 2);
        Object[][] cases = {
                {RequestCode.SEND_MESSAGE_V2, -1, "", "x".getBytes(), "sets bits a send cannot carry"},
                {RequestCode.SEND_MESSAGE_V2, 0x40, "", "x".getBytes(), "sets bits a send cannot carry (0x40)"},
                {RequestCode.SEND_MESSAGE_V2, 0x8, "", "x".getBytes(), "committed or rolled back"},
                {RequestCode.SEND_MESSAGE_V2, 0xC, "", "x".getBytes(), "committed or rolled back"},
                {RequestCode.SEND_MESSAGE_V2, 0x4, "", "x".getBytes(), "without the TRAN_MSG=true property"},
                {RequestCode.SEND_MESSAGE_V2, 0x1, "", "notzlib".getBytes(), "is not zlib data"},
                {RequestCode.SEND_MESSAGE_V2, 0x301, "", "notzlib".getBytes(), "is not zlib data"},
                {RequestCode.SEND_MESSAGE_V2, 0x301, "", truncated, "ends before the zlib stream does"},
                {RequestCode.SEND_MESSAGE_V2, 0x401, "", zlib, "compression type 4"},
                {RequestCode.SEND_BATCH_MESSAGE, 0x1, "", zlib, "a batch cannot be compressed"},
                {RequestCode.SEND_MESSAGE_V2, 0x101, "", "notlz4".getBytes(), "is no LZ4 frame"},
                {RequestCode.SEND_MESSAGE_V2, 0x201, "", zlib, "is no ZSTD frame"},
                // as RocketMQ: a batch is stored undelayed, so one that asks for a delay is refused
                {RequestCode.SEND_BATCH_MESSAGE, 0, "DELAY\u00013\u0002", "x".getBytes(), "cannot be delayed"},
                {RequestCode.SEND_BATCH_MESSAGE, 0, "TIMER_DELAY_SEC\u000110\u0002", "x".getBytes(), "cannot be delayed"},
        };
        for (Object[] c : cases) {
            RemotingCommand response = rawSend((Integer) c[0], TOPIC, (Integer) c[1], (String) c[2], (byte[]) c[3]);
            assertEquals(ResponseCode.MESSAGE_ILLEGAL, response.code(), "sysFlag " + c[1] + ": " + response);
            assertTrue(response.remark().contains((String) c[4]), response.remark());
        }
        RemotingCommand retryBatch = rawSend(RequestCode.SEND_BATCH_MESSAGE, "%RETRY%BadInputGroup", 0, "", "x".getBytes());
        assertEquals(ResponseCode.MESSAGE_ILLEGAL, retryBatch.code(), retryBatch.toString());
        assertTrue(retryBatch.remark().contains("batch request does not support retry group"), retryBatch.remark());
        assertStillOneMessageAndServing();
    }

    @Test
    void theOfficialProducersCompressedBodiesAndHalfMessagesAreTaken() throws Exception {
        producer.setCompressMsgBodyOverHowmuch(4096);
        byte[] body = "compressible text ".repeat(1000).getBytes();
        assertEquals(SendStatus.SEND_OK, producer.send(new Message(TOPIC, body)).getSendStatus());
        assertEquals(ResponseCode.SUCCESS, rawSend(RequestCode.SEND_MESSAGE_V2, TOPIC, 0x301, "", deflate(body)).code());
        assertEquals(ResponseCode.SUCCESS, rawSend(RequestCode.SEND_MESSAGE_V2, TOPIC, 0x4,
                "TRAN_MSG\u0001true\u0002PGROUP\u0001BadInputProducer\u0002", "half".getBytes()).code());
        DefaultMQPullConsumer consumer = cluster.pullConsumer("BadInputReader");
        Deadline.await("both compressed messages readable", Duration.ofSeconds(10), () -> Cluster.pullAll(consumer, TOPIC)
                .stream().filter(m -> java.util.Arrays.equals(body, m.getBody())).count() == 2);
    }

    /**
     * A retry topic cannot be named after an illegal group: the send-back is refused at once (it was acknowledged and
     * dropped when its delay ended), and a raw consumer's heartbeat creates no such topic.
     */
    @Test
    void aGroupNameNoRetryTopicCanCarryIsRefusedASendBackAndGetsNoRetryTopic() throws Exception {
        try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
            for (String group : new String[] {"a b", "yy/../../victim"}) {
                RemotingCommand sendBack = RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK)
                        .putExtField("offset", 0).putExtField("group", group).putExtField("delayLevel", 0)
                        .putExtField("originMsgId", "0").putExtField("originTopic", TOPIC);
                RemotingCommand response = client.invokeSync(broker.address(), sendBack, 5000);
                assertEquals(ResponseCode.SYSTEM_ERROR, response.code(), response.toString());
                assertTrue(response.remark().contains("cannot have a retry topic"), response.remark());
                RemotingCommand heartbeat = client.invokeSync(broker.address(),
                        Cluster.consumerHeartbeat("raw@client", group, java.util.List.of()), 5000);
                assertEquals(ResponseCode.SUCCESS, heartbeat.code(), heartbeat.toString());
            }
        }
        DefaultMQAdminExt admin = cluster.admin();
        java.util.Set<String> topics = admin.fetchAllTopicList().getTopicList();
        assertTrue(topics.stream().noneMatch(t -> t.contains(" ") || t.contains("/")), topics.toString());
        assertStillOneMessageAndServing();
    }

    /** As RocketMQ 4.9.7: the cluster's and the broker's own topics and the reserved ones are neither created nor deleted. */
    @Test
    void reservedTopicsAreNeitherCreatedNorDeletedAndIllegalNamesNotDeleted() throws Exception {
        DefaultMQAdminExt admin = cluster.admin();
        for (String reserved : new String[] {"TestCluster", "broker-bad", "SCHEDULE_TOPIC_XXXX", "TBW102"}) {
            MQClientException create = assertThrows(MQClientException.class, () -> admin.createAndUpdateTopicConfig(
                    broker.address(), new org.apache.rocketmq.common.TopicConfig(reserved, 1, 1, 6)));
            assertTrue(create.getMessage().contains("conflict with system topic"), create.getMessage());
            MQClientException delete = assertThrows(MQClientException.class,
                    () -> admin.deleteTopicInBroker(java.util.Set.of(broker.address()), reserved));
            assertTrue(delete.getMessage().contains("conflict with system topic"), delete.getMessage());
        }
        for (String illegal : new String[] {"", "a b"}) {
            MQClientException delete = assertThrows(MQClientException.class,
                    () -> admin.deleteTopicInBroker(java.util.Set.of(broker.address()), illegal));
            assertTrue(delete.getMessage().contains("not legal"), delete.getMessage());
        }
        Deadline.await("the cluster and broker topics are still routed", Duration.ofSeconds(10), () -> {
            try {
                return !admin.examineTopicRouteInfo("TestCluster").getBrokerDatas().isEmpty()
                        && !admin.examineTopicRouteInfo("broker-bad").getBrokerDatas().isEmpty();
            } catch (MQClientException e) {
                return false;
            }
        });
    }

    private static byte[] deflate(byte[] data) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(5);
        deflater.setInput(data);
        deflater.finish();
        byte[] out = new byte[data.length + 64];
        int n = deflater.deflate(out);
        deflater.end();
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * A good send still works, and the topic holds only it and the setup's message. ConsumeQueues are written
     * behind the CommitLog, so this waits for the good message to show: any bad one before it would show too.
     */
    private void assertStillOneMessageAndServing() throws Exception {
        assertEquals(SendStatus.SEND_OK, producer.send(new Message(TOPIC, "still ok".getBytes())).getSendStatus());
        Deadline.await("the good send is in its ConsumeQueue", Duration.ofSeconds(10), () -> storedInTopic() >= 2);
        assertEquals(2, storedInTopic());
    }

    private long storedInTopic() throws Exception {
        long stored = 0;
        for (MessageQueue queue : producer.fetchPublishMessageQueues(TOPIC)) {
            stored += producer.maxOffset(queue);
        }
        return stored;
    }

    private RemotingCommand rawSend(String topic) throws Exception {
        return rawSend(RequestCode.SEND_MESSAGE_V2, topic, 0, "", "x".getBytes());
    }

    private RemotingCommand rawSend(int code, String topic, int sysFlag, String properties, byte[] body) throws Exception {
        try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
            RemotingCommand send = RemotingCommand.request(code)
                    .putExtField("a", "BadInputProducer").putExtField("b", topic).putExtField("c", "TBW102")
                    .putExtField("d", 4).putExtField("e", 0).putExtField("f", sysFlag)
                    .putExtField("g", System.currentTimeMillis()).putExtField("h", 0).putExtField("i", properties)
                    .setBody(body);
            return client.invokeSync(broker.address(), send, 5000);
        }
    }
}
