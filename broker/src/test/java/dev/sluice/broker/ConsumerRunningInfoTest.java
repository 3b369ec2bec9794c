package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.protocol.body.Connection;
import org.apache.rocketmq.common.protocol.body.ConsumerRunningInfo;
import org.apache.rocketmq.common.protocol.heartbeat.SubscriptionData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mqadmin consumerStatus's request, GET_CONSUMER_RUNNING_INFO, through the official 4.9.7 admin client: the broker
 * asks the official consumer itself and relays what it answers.
 */
class ConsumerRunningInfoTest {
    private static final String TOPIC = "RunningInfoTopic";
    private static final String GROUP = "RunningInfoGroup";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void theBrokerRelaysTheConsumersOwnRunningInfo() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            cluster.startBroker(cluster.brokerProperties("running-info"));
            cluster.producer("RunningInfoProducer").send(new Message(TOPIC, "TagA", "x".getBytes(StandardCharsets.UTF_8)));
            DefaultMQPushConsumer consumer = cluster.pushConsumer(GROUP);
            consumer.subscribe(TOPIC, "TagA || TagB");
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) ->
                    ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
            consumer.start();

            DefaultMQAdminExt admin = new DefaultMQAdminExt();
            admin.setNamesrvAddr(cluster.namesrvAddr);
            admin.setInstanceName("running-info-admin-" + ProcessHandle.current().pid());
            admin.start();
            try {
                String[] clientId = new String[1];
                Deadline.await("the consumer is online", WAIT, () -> {
                    var connections = admin.examineConsumerConnectionInfo(GROUP).getConnectionSet();
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
