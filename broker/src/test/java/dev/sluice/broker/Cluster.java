package dev.sluice.broker;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.namesrv.NamesrvConfig;
import dev.sluice.namesrv.NamesrvController;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.json.Json;
import dev.sluice.testing.Deadline;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * A name server and brokers in this JVM on ephemeral 127.0.0.1 ports, plus official clients made to talk to them;
 * {@link #close()} stops every client and server it made.
 */
final class Cluster implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    static {
        System.setProperty("rocketmq.client.logUseSlf4j", "true");
        System.setProperty("rocketmq.client.logLevel", "WARN");
    }

    final NamesrvController namesrv;
    final String namesrvAddr;
    private final Path home;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    Cluster(Path home) throws Exception {
        this.home = home;
        namesrv = new NamesrvController(new NamesrvConfig().bindAddress("127.0.0.1").listenPort(0)
                .kvConfigPath(home.resolve("namesrv/kvConfig.json")), Clock.systemUTC());
        namesrv.start();
        namesrvAddr = "127.0.0.1:" + namesrv.port();
    }

    /** Small files so a test stays light; the store lives under the cluster's home, one folder per broker name. */
    Properties brokerProperties(String brokerName) {
        Properties p = new Properties();
        p.setProperty("brokerName", brokerName);
        p.setProperty("brokerClusterName", "TestCluster");
        p.setProperty("brokerIP1", "127.0.0.1");
        p.setProperty("bindAddress", "127.0.0.1");
        p.setProperty("listenPort", "0");
        p.setProperty("namesrvAddr", namesrvAddr);
        p.setProperty("storePathRootDir", home.resolve("store-" + brokerName).toString());
        p.setProperty("mappedFileSizeCommitLog", String.valueOf(16 * 1024 * 1024));
        p.setProperty("mappedFileSizeConsumeQueue", String.valueOf(60_000));
        p.setProperty("flushConsumerOffsetInterval", "1000");
        return p;
    }

    Broker startBroker(Properties properties) throws Exception {
        return start(new Broker(BrokerConfig.fromProperties(properties, new ArrayList<>())));
    }

    /** Starts {@code broker}; the cluster closes it (again, if the test already has: a close is idempotent). */
    Broker start(Broker broker) throws Exception {
        closeables.add(broker);
        try {
            broker.start();
        } catch (Exception e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    DefaultMQProducer producer(String group) throws Exception {
        return producer(group, false);
    }

    /** @param vipChannel whether the client sends through the broker's VIP port (listenPort - 2) */
    DefaultMQProducer producer(String group, boolean vipChannel) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer(group);
        producer.setNamesrvAddr(namesrvAddr);
        producer.setVipChannelEnabled(vipChannel);
        producer.setInstanceName(uniqueInstance());
        producer.setSendMsgTimeout(10_000);
        producer.start();
        closeables.add(producer::shutdown);
        return producer;
    }

    /** Not started: the caller subscribes and registers a listener first. */
    DefaultMQPushConsumer pushConsumer(String group) {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(namesrvAddr);
        consumer.setInstanceName(uniqueInstance());
        closeables.add(consumer::shutdown);
        return consumer;
    }

    /** The official admin, started; stopped with the cluster. */
    DefaultMQAdminExt admin() throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(namesrvAddr);
        admin.setInstanceName(uniqueInstance());
        admin.start();
        closeables.add(admin::shutdown);
        return admin;
    }

    DefaultMQPullConsumer pullConsumer(String group) throws Exception {
        DefaultMQPullConsumer consumer = new DefaultMQPullConsumer(group);
        consumer.setNamesrvAddr(namesrvAddr);
        consumer.setInstanceName(uniqueInstance());
        consumer.start();
        closeables.add(consumer::shutdown);
        return consumer;
    }

    /**
     * Waits until the name server routes {@code topic} to {@code consumer}. The broker answers the send that created a
     * topic once the name servers know it, but waits a second at most, and a pull needs the route to find the broker
     * ("broker[..] not exist").
     */
    static void awaitRoute(DefaultMQPullConsumer consumer, String topic) throws Exception {
        Deadline.await("the name server routes " + topic, Duration.ofSeconds(20), () -> {
            try {
                return !consumer.fetchSubscribeMessageQueues(topic).isEmpty();
            } catch (MQClientException e) {
                return false;
            }
        });
    }

    /** Every message of every queue of {@code topic}, each queue read from offset 0 to its end, queue by queue. */
    static List<MessageExt> pullAll(DefaultMQPullConsumer consumer, String topic) throws Exception {
        List<MessageExt> all = new ArrayList<>();
        for (MessageQueue queue : consumer.fetchSubscribeMessageQueues(topic)) {
            long offset = 0;
            while (true) {
                PullResult result = consumer.pull(queue, "*", offset, 32);
                if (result.getPullStatus() != PullStatus.FOUND) {
                    break;
                }
                all.addAll(result.getMsgFoundList());
                offset = result.getNextBeginOffset();
            }
        }
        return all;
    }

    /**
     * A HEART_BEAT as a consumer of {@code group} with these SubscriptionData, for raw clients that play a consumer the
     * official clients would not be (one that does not check its expression, one whose notices the test sees).
     */
    static RemotingCommand consumerHeartbeat(String clientId, String group, List<Map<String, Object>> subscriptions) {
        Map<String, Object> consumer = Map.of("groupName", group, "consumeType", "CONSUME_PASSIVELY",
                "messageModel", "CLUSTERING", "consumeFromWhere", "CONSUME_FROM_FIRST_OFFSET",
                "subscriptionDataSet", subscriptions, "unitMode", false);
        return RemotingCommand.request(RequestCode.HEART_BEAT).setBody(Json.writeBytes(
                Map.of("clientID", clientId, "consumerDataSet", List.of(consumer), "producerDataSet", List.of())));
    }

    /** Closes {@code closeable} with the cluster (clients made outside these factory methods). */
    void track(AutoCloseable closeable) {
        closeables.add(closeable);
    }

    private static String uniqueInstance() {
        return "sluice-test-" + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet();
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        namesrv.close();
        if (first != null) {
            throw first;
        }
    }
}
