package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.testing.Deadline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.RequestCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocketMQ's request-reply with the official 4.9.7 client: DefaultMQProducer.request waits for the reply a consumer
 * sends with MessageUtil.createReplyMessage (SEND_REPLY_MESSAGE_V2), which the broker pushes to the requester
 * (PUSH_REPLY_MESSAGE_TO_CLIENT) and stores on the cluster's reply topic.
 */
class RequestReplyTest {
    private static final String TOPIC = "RequestTopic";
    private static final String REPLY_TOPIC = "TestCluster_REPLY_TOPIC";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void aRequestGetsTheConsumersReplyAndTheReplyIsStored() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Broker broker = cluster.startBroker(cluster.brokerProperties("broker-rr"));
            // created up front, so the responder reads it from its first rebalance
            admin(cluster, admin -> admin.createAndUpdateTopicConfig(broker.address(), new TopicConfig(TOPIC, 2, 2, 6)));
            DefaultMQPullConsumer reader = cluster.pullConsumer("ReplyReader");
            Cluster.awaitRoute(reader, TOPIC);
            DefaultMQProducer replier = cluster.producer("ReplierGroup");
            Map<String, SendResult> replies = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = cluster.pushConsumer("ResponderGroup");
            consumer.subscribe(TOPIC, "*");
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt request : messages) {
                    String body = new String(request.getBody(), StandardCharsets.UTF_8);
                    try {
                        Message reply = MessageUtil.createReplyMessage(request, ("re: " + body).getBytes(StandardCharsets.UTF_8));
                        replies.put(body, replier.send(reply));
                    } catch (Exception e) {
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                    }
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            DefaultMQProducer requester = cluster.producer("RequesterGroup");

            Message answered = requester.request(new Message(TOPIC, "q1".getBytes(StandardCharsets.UTF_8)), 30_000);
            assertEquals("re: q1", new String(answered.getBody(), StandardCharsets.UTF_8));
            assertEquals(REPLY_TOPIC, answered.getTopic());
            assertNotNull(answered.getProperty(MessageConst.PROPERTY_CORRELATION_ID));
            Deadline.await("the replier has its answer", WAIT, () -> replies.containsKey("q1"));
            assertEquals(SendStatus.SEND_OK, replies.get("q1").getSendStatus());

            CompletableFuture<Message> callback = new CompletableFuture<>();
            requester.request(new Message(TOPIC, "q2".getBytes(StandardCharsets.UTF_8)), new RequestCallback() {
                @Override
                public void onSuccess(Message message) {
                    // 4.9.7's client also calls this with null once the request is sent, before any reply came
                    if (message != null) {
                        callback.complete(message);
                    }
                }

                @Override
                public void onException(Throwable e) {
                    callback.completeExceptionally(e);
                }
            }, 30_000);
            assertEquals("re: q2", new String(callback.get(30, TimeUnit.SECONDS).getBody(), StandardCharsets.UTF_8));

            // Both replies are on the reply topic, where a pull consumer reads them.
            Cluster.awaitRoute(reader, REPLY_TOPIC);
            MessageQueue replyQueue = new MessageQueue(REPLY_TOPIC, "broker-rr", 0);
            Deadline.await("two replies stored", WAIT, () -> reader.maxOffset(replyQueue) == 2);

            // A reply whose requester is not connected: the replier is told, and the reply is still stored.
            Message orphanRequest = new Message(TOPIC, "q3".getBytes(StandardCharsets.UTF_8));
            MessageAccessor.putProperty(orphanRequest, MessageConst.PROPERTY_CLUSTER, "TestCluster");
            MessageAccessor.putProperty(orphanRequest, MessageConst.PROPERTY_MESSAGE_REPLY_TO_CLIENT, "127.0.0.1@gone");
            MessageAccessor.putProperty(orphanRequest, MessageConst.PROPERTY_CORRELATION_ID, "orphan");
            MessageAccessor.putProperty(orphanRequest, MessageConst.PROPERTY_MESSAGE_TTL, "3000");
            Message orphanReply = MessageUtil.createReplyMessage(orphanRequest, "nobody waits".getBytes(StandardCharsets.UTF_8));
            replier.setRetryTimesWhenSendFailed(0);
            MQClientException failed = assertThrows(MQClientException.class, () -> replier.send(orphanReply));
            MQBrokerException gone = assertInstanceOf(MQBrokerException.class, failed.getCause());
            assertEquals(1, gone.getResponseCode());
            assertTrue(gone.getErrorMessage().contains("channel of <127.0.0.1@gone> not found"), gone.getErrorMessage());
            Deadline.await("the orphan reply stored too", WAIT, () -> reader.maxOffset(replyQueue) == 3);

            // storeReplyMessageEnable=false: replies are pushed, not stored.
            storeReplies(cluster, broker, false);
            Message unstored = requester.request(new Message(TOPIC, "q4".getBytes(StandardCharsets.UTF_8)), 30_000);
            assertEquals("re: q4", new String(unstored.getBody(), StandardCharsets.UTF_8));
            Deadline.await("the replier has its answer", WAIT, () -> replies.containsKey("q4"));
            assertEquals("0", replies.get("q4").getOffsetMsgId(), "nothing stored, so no offsetMsgId");
            // Stored again from here on: the next reply is the fourth on the topic, so q4's never was.
            storeReplies(cluster, broker, true);
            requester.request(new Message(TOPIC, "q5".getBytes(StandardCharsets.UTF_8)), 30_000);
            Deadline.await("the fourth stored reply", WAIT, () -> reader.maxOffset(replyQueue) >= 4);
            assertEquals(4, reader.maxOffset(replyQueue));
        }
    }

    private static void storeReplies(Cluster cluster, Broker broker, boolean store) throws Exception {
        Properties update = new Properties();
        update.setProperty("storeReplyMessageEnable", String.valueOf(store));
        admin(cluster, admin -> admin.updateBrokerConfig(broker.address(), update));
    }

    private interface AdminCall {
        void run(DefaultMQAdminExt admin) throws Exception;
    }

    private static void admin(Cluster cluster, AdminCall call) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr);
        admin.setInstanceName("request-reply-admin-" + System.nanoTime());
        admin.start();
        try {
            call.run(admin);
        } finally {
            admin.shutdown();
        }
    }
}
