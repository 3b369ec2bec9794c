package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RemotingServerConfig;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.netty.NettyRemotingServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * As RocketMQ's broker, Sluice's answers the send that created a topic, and the heartbeat that created a group's
 * retry topic, once its name servers know the topic: an application that starts a consumer right after its first
 * send finds the route (it waited for the next route poll, up to 30 s, before).
 */
class TopicAnnouncedTest {
    /** Shorter than the broker's one-second cap on the wait, longer than any send takes here. */
    private static final long SLOW_ANSWER_MILLIS = 200;

    @TempDir
    Path home;

    @Test
    void aSendOrHeartbeatThatCreatedATopicIsAnsweredOnceTheNameServersKnowIt() throws Exception {
        Set<String> answered = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        NettyRemotingServer slow = new NettyRemotingServer(new RemotingServerConfig().bindAddress("127.0.0.1"));
        slow.registerProcessor(RequestCode.REGISTER_BROKER, (connection, request) -> {
            later.schedule(() -> {
                answered.addAll(topics(request.body()));
                slow.respond(connection, RemotingCommand.responseTo(request, ResponseCode.SUCCESS, null));
            }, SLOW_ANSWER_MILLIS, TimeUnit.MILLISECONDS);
            return null;
        }, later);
        slow.start();
        try (Cluster cluster = new Cluster(home)) {
            Properties properties = cluster.brokerProperties("announced");
            properties.setProperty("namesrvAddr", cluster.namesrvAddr + ";127.0.0.1:" + slow.port());
            cluster.startBroker(properties);

            assertEquals(SendStatus.SEND_OK, cluster.producer("AnnouncedProducer")
                    .send(new Message("AnnouncedTopic", "x".getBytes(StandardCharsets.UTF_8))).getSendStatus());
            assertTrue(answered.contains("AnnouncedTopic"), "answered before the name servers knew the topic");

            DefaultMQPushConsumer consumer = cluster.pushConsumer("AnnouncedGroup");
            consumer.subscribe("AnnouncedTopic", "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) ->
                    ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
            consumer.start(); // heartbeats the broker, which creates the group's retry topic
            assertTrue(answered.contains("%RETRY%AnnouncedGroup"), "heartbeat answered before the retry topic was known");
        } finally {
            slow.close();
            later.shutdownNow();
        }
    }

    private static Set<String> topics(byte[] registerBody) {
        Map<String, Object> wrapper = Json.asObject(Json.parseObject(registerBody).get("topicConfigSerializeWrapper"),
                "topicConfigSerializeWrapper");
        return Json.asObject(wrapper.get("topicConfigTable"), "topicConfigTable").keySet();
    }
}
