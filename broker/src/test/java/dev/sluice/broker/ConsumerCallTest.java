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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.body.CMResult;
import org.apache.rocketmq.common.protocol.body.Connection;
import org.apache.rocketmq.common.protocol.body.ConsumerConnection;
import org.apache.rocketmq.common.protocol.body.ConsumeMessageDirectlyResult;
import org.apache.rocketmq.common.protocol.body.ConsumerRunningInfo;
import org.apache.rocketmq.common.protocol.heartbeat.SubscriptionData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests the broker relays to a consumer, through the official 4.9.7 admin client and push consumer:
 * GET_CONSUMER_RUNNING_INFO (mqadmin consumerStatus), CONSUME_MESSAGE_DIRECTLY (mqadmin queryMsgById -g -d) and
 * GET_CONSUMER_STATUS_FROM_CLIENT (mqadmin getConsumerStatus, which the broker asks of every member).
 */
class ConsumerCallTest {
    private static final String TOPIC = "RunningInfoTopic";
    private static final String GROUP = "RunningInfoGroup";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void theBrokerRelaysRunningInfoAndDirectConsumptionToTheConsumer() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            String brokerAddr = cluster.startBroker(cluster.brokerProperties("running-info")).address();
            SendResult sent = cluster.producer("RunningInfoProducer")
                    .send(new Message(TOPIC, "TagA", "x".getBytes(StandardCharsets.UTF_8)));
            String offsetMsgId = sent.getOffsetMsgId();
            MessageQueue sentTo = sent.getMessageQueue();
            DefaultMQPushConsumer consumer = cluster.pushConsumer(GROUP);
            consumer.subscribe(TOPIC, "TagA || TagB");
            AtomicInteger deliveries = new AtomicInteger();
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                messages.forEach(m -> deliveries.incrementAndGet());
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();

            DefaultMQAdminExt admin = new DefaultMQAdminExt();
            admin.setNamesrvAddr(cluster.namesrvAddr);
            admin.setInstanceName("running-info-admin-" + ProcessHandle.current().pid());
            admin.start();
            try {
                String[] clientId = new String[1];
                Deadline.await("the consumer is online", WAIT, () -> {
                    ConsumerConnection online;
                    try {
                        online = admin.examineConsumerConnectionInfo(GROUP);
                    } catch (MQClientException e) {
                        return false; // the retry topic's route not known yet (the broker waits a second at most)
                    }
                    var connections = online.getConnectionSet();
                    clientId[0] = connections.stream().map(Connection::getClientId).findFirst().orElse(null);
                    return clientId[0] != null;
                });

                // The consumer reports the queues it reads once its first rebalance is done.
                ConsumerRunningInfo[] answer = new ConsumerRunningInfo[1];
                Deadline.await("the consumer reports its queues", WAIT, () -> {
                    answer[0] = admin.getConsumerRunningInfo(GROUP, clientId[0], false);
                    return answer[0].getMqTable().keySet().stream().anyMatch(mq -> mq.getTopic().equals(TOPIC));
                });
                ConsumerRunningInfo info = answer[0];
                SubscriptionData subscription = info.getSubscriptionSet().stream()
                        .filter(s -> s.getTopic().equals(TOPIC)).findFirst().orElseThrow();
                assertEquals("TagA || TagB", subscription.getSubString());
                assertEquals("CONSUME_PASSIVELY", info.getProperties().getProperty(ConsumerRunningInfo.PROP_CONSUME_TYPE));

                Deadline.await("the message is consumed", WAIT, () -> deliveries.get() == 1);
                ConsumeMessageDirectlyResult direct = admin.consumeMessageDirectly(GROUP, clientId[0], offsetMsgId);
                assertEquals(CMResult.CR_SUCCESS, direct.getConsumeResult(), direct.toString());
                assertEquals(2, deliveries.get(), "the consumer's listener got the stored message once more");

                try (NettyRemotingClient raw = new NettyRemotingClient(new RemotingClientConfig())) {
                    RemotingCommand badId = raw.invokeSync(brokerAddr, RemotingCommand.request(
                            RequestCode.CONSUME_MESSAGE_DIRECTLY).putExtField("consumerGroup", GROUP)
                            .putExtField("clientId", clientId[0]).putExtField("msgId", "not-a-message-id"), 5000);
                    assertEquals(ResponseCode.SYSTEM_ERROR, badId.code());
                    assertEquals("not an offsetMsgId: not-a-message-id", badId.remark());
                }

                // getConsumerStatus: each member's offsets of the topic, by client id
                Map<String, Map<MessageQueue, Long>> status = admin.getConsumeStatus(TOPIC, GROUP, "");
                assertEquals(Set.of(clientId[0]), status.keySet());
                assertEquals(1L, status.get(clientId[0]).get(sentTo), "the consumed message's queue: " + status);
                assertEquals(status, admin.getConsumeStatus(TOPIC, GROUP, clientId[0]), "the one member named");
                assertEquals(Map.of(), admin.getConsumeStatus(TOPIC, GROUP, "127.0.0.1@nobody"), "no member of that id");
                MQClientException nobody = assertThrows(MQClientException.class,
                        () -> admin.getConsumeStatus(TOPIC, "NoMembersGroup", ""));
                assertTrue(nobody.getErrorMessage().contains("No Any Consumer online in the consumer group: [NoMembersGroup]"),
                        nobody.getErrorMessage());

                MQClientException offline = assertThrows(MQClientException.class,
                        () -> admin.getConsumerRunningInfo(GROUP, "127.0.0.1@nobody", false));
                assertEquals(1, offline.getResponseCode());
                assertTrue(offline.getErrorMessage().contains("The Consumer <" + GROUP + "> <127.0.0.1@nobody> not online"),
                        offline.getErrorMessage());
            } finally {
                admin.shutdown();
            }
        }
    }
}
