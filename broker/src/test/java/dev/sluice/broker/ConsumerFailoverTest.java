package dev.sluice.broker;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A push consumer group keeps consuming from broker-a's slave while its master is down, and when the master returns
 * it continues from where it got on the slave: nothing it acknowledged is consumed again.
 */
class ConsumerFailoverTest {
    private static final String TOPIC = "FailoverConsumeTopic";
    private static final String GROUP = "FailoverConsumers";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path home;

    /** A port whose successor (the HA port) is free too, so a restarted master keeps both. */
    static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                int port = a.getLocalPort();
                if (port >= 65535) {
                    continue;
                }
                try (ServerSocket b = new ServerSocket(port + 1, 50, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no two consecutive free ports");
    }

    @Test
    void aGroupConsumesFromTheSlaveWhileTheMasterIsDown_andItsOffsetsCarryOver() throws Exception {
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = new NettyRemotingClient(new RemotingClientConfig())) {
            Properties m = MasterSlaveTest.brokerA(cluster, home, "ASYNC_MASTER");
            m.setProperty("listenPort", String.valueOf(freePortPair()));
            m.setProperty("vipChannelEnabled", "false");
            Broker master = cluster.startBroker(m);
            DefaultMQAdminExt admin = new DefaultMQAdminExt();
            admin.setNamesrvAddr(cluster.namesrvAddr);
            admin.setInstanceName("consumer-failover-admin");
            admin.start();
            admin.createAndUpdateTopicConfig(master.address(), new TopicConfig(TOPIC, 4, 4, 6));
            Broker slave = cluster.startBroker(MasterSlaveTest.brokerA(cluster, home, "SLAVE"));

            DefaultMQProducer producer = new DefaultMQProducer("FailoverConsumeProducer");
            producer.setNamesrvAddr(cluster.namesrvAddr);
            producer.setInstanceName("consumer-failover-producer");
            producer.setPollNameServerInterval(1000);
            producer.start();
            Map<String, Integer> consumed = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = cluster.pushConsumer(GROUP);
            consumer.setPollNameServerInterval(1000);
            consumer.setPersistConsumerOffsetInterval(1000);
            consumer.subscribe(TOPIC, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt message : messages) {
                    consumed.merge(message.getKeys(), 1, Integer::sum);
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            try {
                consumer.start();
                send(producer, "a", 100);
                Deadline.await("the group consumes the first 100 from the master", WAIT, () -> consumed.size() == 100);

                consumer.suspend();
                send(producer, "b", 100);
                Deadline.await("the slave has everything", WAIT,
                        () -> ReplicationFailoverTest.slaveCaughtUp(raw, master.address()));
                // The slave copies topics from the master every slaveMetadataSyncInterval: a slave that has not yet
                // would answer the group's pulls TOPIC_NOT_EXIST for as long as the master is down.
                Deadline.await("the slave copied the topic from the master", WAIT, () -> Json.asObject(Json.parseObject(
                        raw.invokeSync(slave.address(), RemotingCommand.request(RequestCode.GET_ALL_TOPIC_CONFIG), 5000)
                                .body()).get("topicConfigTable"), "topics").containsKey(TOPIC));
                master.close();
                consumer.resume();
                Deadline.await("the group consumes the next 100 from the slave", WAIT, () -> consumed.size() == 200);
                Deadline.await("the group's offsets are committed on the slave", WAIT,
                        () -> committed(raw, slave.address()) == 200);

                Broker back = cluster.startBroker(m);
                send(producer, "c", 100);
                Deadline.await("the group consumes the last 100 from the master again", WAIT, () -> consumed.size() == 300);
                consumed.forEach((key, times) -> assertEquals(1, times, key + " consumed " + times + " times"));
                Deadline.await("the master holds the group's offsets at the end of every queue", WAIT,
                        () -> committed(raw, back.address()) == 300);
            } finally {
                consumer.shutdown();
                producer.shutdown();
                admin.shutdown();
            }
        }
    }

    private static void send(DefaultMQProducer producer, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            assertEquals(SendStatus.SEND_OK, producer.send(new Message(TOPIC, "TagA", prefix + i, (prefix + i).getBytes()))
                    .getSendStatus());
        }
    }

    /** The group's committed offsets summed over the topic's queues on one broker. */
    private static long committed(NettyRemotingClient raw, String address) throws Exception {
        long sum = 0;
        for (int q = 0; q < 4; q++) {
            RemotingCommand r = raw.invokeSync(address, RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET)
                    .putExtField("consumerGroup", GROUP).putExtField("topic", TOPIC).putExtField("queueId", q), 5000);
            if (r.code() == ResponseCode.SUCCESS) {
                sum += Long.parseLong(r.extField("offset"));
            }
        }
        return sum;
    }
}
