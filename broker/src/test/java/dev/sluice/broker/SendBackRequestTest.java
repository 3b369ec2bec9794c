package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONSUMER_SEND_MSG_BACK as sent by clients of every age: a client older than 3.4.9 sends no maxReconsumeTimes, so
 * the group's retryMaxTimes decides; a newer one's header overrides it; delayLevel -1 means straight to the DLQ; an
 * offset holding no message is a SYSTEM_ERROR that names it.
 */
class SendBackRequestTest {
    private static final String TOPIC = "SendBackTopic";
    private static final int OLD_CLIENT_VERSION = 100;

    @TempDir
    Path home;

    private Cluster cluster;
    private Broker broker;
    private NettyRemotingClient raw;
    private DefaultMQPullConsumer reader;

    @BeforeEach
    void start() throws Exception {
        cluster = new Cluster(home);
        Properties props = cluster.brokerProperties("broker-sendback");
        props.setProperty("messageDelayLevel", "1s 1s 1s 1s 1s");
        broker = cluster.startBroker(props);
        raw = new NettyRemotingClient(new RemotingClientConfig());
        reader = cluster.pullConsumer("SendBackReader");
    }

    @AfterEach
    void stop() throws Exception {
        raw.close();
        cluster.close();
    }

    @Test
    void anOldClientGetsTheGroupsRetryMaxTimes() throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr);
        admin.setInstanceName("sendback-admin-" + ProcessHandle.current().pid());
        admin.start();
        try {
            SubscriptionGroupConfig group = new SubscriptionGroupConfig();
            group.setGroupName("OldClientGroup");
            group.setRetryMaxTimes(1);
            admin.createAndUpdateSubscriptionGroupConfig(broker.address(), group);
        } finally {
            admin.shutdown();
        }
        long offset = commitLogOffset(send("old-client"));

        assertEquals(ResponseCode.SUCCESS, sendBack(offset, "OldClientGroup", 0, null, OLD_CLIENT_VERSION).code());
        MessageExt retried = awaitOne("%RETRY%OldClientGroup");
        assertEquals(1, retried.getReconsumeTimes());
        assertEquals(TOPIC, retried.getProperty("RETRY_TOPIC"));
        assertTrue(retried.getStoreTimestamp() - retried.getBornTimestamp() >= 1000, "retried after level 3 (1 s)");

        assertEquals(ResponseCode.SUCCESS,
                sendBack(retried.getCommitLogOffset(), "OldClientGroup", 0, null, OLD_CLIENT_VERSION).code());
        MessageExt dead = awaitOne("%DLQ%OldClientGroup");
        assertEquals(2, dead.getReconsumeTimes());
        assertEquals(TOPIC, dead.getProperty("RETRY_TOPIC"));
        assertEquals("old-client", dead.getKeys());
    }

    @Test
    void aNewClientsMaxReconsumeTimesAndANegativeLevelSendItStraightToTheDeadLetters() throws Exception {
        long offset = commitLogOffset(send("header"));
        assertEquals(ResponseCode.SUCCESS, sendBack(offset, "HeaderGroup", 0, 0, RemotingCommand.CURRENT_VERSION).code());
        assertEquals(1, awaitOne("%DLQ%HeaderGroup").getReconsumeTimes());

        assertEquals(ResponseCode.SUCCESS, sendBack(offset, "NegativeGroup", -1, 16, RemotingCommand.CURRENT_VERSION).code());
        assertEquals("header", awaitOne("%DLQ%NegativeGroup").getKeys());
    }

    @Test
    void aConsumersHeartbeatCreatesItsGroupsRetryTopic() throws Exception {
        send("create-the-topic");
        org.apache.rocketmq.client.consumer.DefaultMQPushConsumer consumer = cluster.pushConsumer("HeartbeatGroup");
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently)
                (messages, context) -> org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        consumer.start();
        Deadline.await("%RETRY%HeartbeatGroup has a route", Duration.ofSeconds(20), () -> {
            try {
                return reader.fetchSubscribeMessageQueues("%RETRY%HeartbeatGroup").size() == 1;
            } catch (org.apache.rocketmq.client.exception.MQClientException e) {
                return false;
            }
        });
    }

    @Test
    void anOffsetWithoutAMessageIsRefusedByName() throws Exception {
        send("something");
        RemotingCommand answer = sendBack(1_000_000_000L, "LostGroup", 0, 16, RemotingCommand.CURRENT_VERSION);
        assertEquals(ResponseCode.SYSTEM_ERROR, answer.code());
        assertTrue(answer.remark().contains("1000000000"), answer.remark());
    }

    private SendResult send(String key) throws Exception {
        return cluster.producer("SendBackProducer-" + key).send(new Message(TOPIC, "TagS", key, key.getBytes()));
    }

    private static long commitLogOffset(SendResult result) throws Exception {
        return MessageDecoder.decodeMessageId(result.getOffsetMsgId()).getOffset();
    }

    private RemotingCommand sendBack(long offset, String group, int delayLevel, Integer maxReconsumeTimes, int version)
            throws Exception {
        RemotingCommand request = RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK)
                .putExtField("offset", offset).putExtField("group", group).putExtField("delayLevel", delayLevel)
                .putExtField("originTopic", TOPIC).putExtField("unitMode", false);
        if (maxReconsumeTimes != null) {
            request.putExtField("maxReconsumeTimes", maxReconsumeTimes);
        }
        request.setVersion(version);
        return raw.invokeSync(broker.address(), request, 5000);
    }

    private MessageExt awaitOne(String topic) throws Exception {
        MessageExt[] found = new MessageExt[1];
        MessageQueue queue = new MessageQueue(topic, "broker-sendback", 0);
        Deadline.await("a message on " + topic, Duration.ofSeconds(20), () -> {
            try {
                PullResult result = reader.pull(queue, "*", 0, 32);
                if (result.getPullStatus() != PullStatus.FOUND) {
                    return false;
                }
                assertEquals(1, result.getMsgFoundList().size());
                found[0] = result.getMsgFoundList().get(0);
                return true;
            } catch (org.apache.rocketmq.client.exception.MQClientException e) {
                return false;
            }
        });
        return found[0];
    }
}
