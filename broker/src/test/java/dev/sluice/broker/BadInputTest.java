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
        try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
            RemotingCommand send = RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                    .putExtField("a", "BadInputProducer").putExtField("b", topic).putExtField("c", "TBW102")
                    .putExtField("d", 4).putExtField("e", 0).putExtField("f", 0)
                    .putExtField("g", System.currentTimeMillis()).putExtField("h", 0)
                    .setBody("x".getBytes());
            return client.invokeSync(broker.address(), send, 5000);
        }
    }
}
