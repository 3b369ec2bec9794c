package dev.sluice.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A query by key returns at most maxMsgsNumBatch messages (RocketMQ's 64), a limit the official admin can change. */
class KeyQueryLimitTest {
    private static final String TOPIC = "KeyLimitTopic";

    @TempDir
    Path home;

    @Test
    void aKeyQueryReturnsAtMostMaxMsgsNumBatchMessages() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Broker broker = cluster.startBroker(cluster.brokerProperties("broker-key-limit"));
            DefaultMQProducer producer = cluster.producer("KeyLimitProducer");
            long begin = System.currentTimeMillis() - 60_000;
            for (int i = 0; i < 70; i++) {
                producer.send(new Message(TOPIC, "TagK", "order-7", ("m" + i).getBytes()));
            }
            DefaultMQAdminExt admin = cluster.admin();

            // The index catches up with the CommitLog shortly after the sends.
            Deadline.await("64 messages are found by key", Duration.ofSeconds(20), () -> found(producer, begin) == 64);
            Properties change = new Properties();
            change.setProperty("maxMsgsNumBatch", "100");
            admin.updateBrokerConfig(broker.address(), change);
            Deadline.await("all 70 are found by key", Duration.ofSeconds(20), () -> found(producer, begin) == 70);
        }
    }

    @Test
    void aQueryByUniqueKeyAsksForDefaultQueryMaxNumWhateverTheRequestSays() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Broker broker = cluster.startBroker(cluster.brokerProperties("broker-uniq-limit"));
            DefaultMQProducer producer = cluster.producer("UniqLimitProducer");
            // A message sent again under its first id, as a producer's retry does: one id, several messages.
            String id = MessageClientIDSetter.createUniqID();
            for (int i = 0; i < 40; i++) {
                Message m = new Message(TOPIC, ("again" + i).getBytes());
                MessageAccessor.putProperty(m, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, id);
                producer.send(m);
            }
            DefaultMQAdminExt admin = cluster.admin();
            try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
                Deadline.await("RocketMQ's default of 32 by unique key", Duration.ofSeconds(20),
                        () -> byUniqueKey(client, broker, id) == 32);
                Properties change = new Properties();
                change.setProperty("defaultQueryMaxNum", "5");
                admin.updateBrokerConfig(broker.address(), change);
                assertEquals(5, byUniqueKey(client, broker, id));
                for (long none : new long[] {0, -1}) {
                    RemotingCommand request = RemotingCommand.request(RequestCode.QUERY_MESSAGE).putExtField("topic", TOPIC)
                            .putExtField("key", id).putExtField("maxNum", none).putExtField("beginTimestamp", 0)
                            .putExtField("endTimestamp", Long.MAX_VALUE);
                    RemotingCommand response = client.invokeAsync(broker.address(), request, 10_000).get(15, TimeUnit.SECONDS);
                    assertEquals(ResponseCode.QUERY_NOT_FOUND, response.code(), response.toString());
                    assertEquals("maxNum " + none + " asks for no message", response.remark());
                }
            }
        }
    }

    /** QUERY_MESSAGE with the unique-key flag, asking for 64, as a raw request: the official API returns only one. */
    private static int byUniqueKey(NettyRemotingClient client, Broker broker, String id) throws Exception {
        RemotingCommand request = RemotingCommand.request(RequestCode.QUERY_MESSAGE);
        request.putExtField("topic", TOPIC);
        request.putExtField("key", id);
        request.putExtField("maxNum", 64);
        request.putExtField("beginTimestamp", 0);
        request.putExtField("endTimestamp", Long.MAX_VALUE);
        request.putExtField("_UNIQUE_KEY_QUERY", "true");
        RemotingCommand response = client.invokeAsync(broker.address(), request, 10_000).get(15, TimeUnit.SECONDS);
        return response.body() == null ? 0 : MessageDecoder.decodes(ByteBuffer.wrap(response.body())).size();
    }

    private static int found(DefaultMQProducer producer, long begin) throws InterruptedException {
        try {
            return producer.queryMessage(TOPIC, "order-7", 100, begin, System.currentTimeMillis() + 60_000)
                    .getMessageList().size();
        } catch (MQClientException e) {
            return 0;
        }
    }
}
