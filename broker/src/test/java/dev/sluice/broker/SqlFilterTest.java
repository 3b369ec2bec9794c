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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.store.ReadOffsetType;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL92 selectors (MessageSelector.bySql) from the official 4.9.7 clients: a push consumer, whose broker filters by
 * the subscription its heartbeat registered, and a pull consumer, which sends its expression with each pull. Forty
 * messages carry a property {@code a} = 0..39 and alternate TagA / TagB.
 */
class SqlFilterTest {
    private static final String TOPIC = "SqlTopic";
    private static final int COUNT = 40;
    private static final String SQL = "a BETWEEN 10 AND 29 AND TAGS = 'TagA'";
    private static final Set<Integer> SELECTED = IntStream.rangeClosed(10, 29).filter(i -> i % 2 == 0).boxed()
            .collect(Collectors.toCollection(TreeSet::new));

    @TempDir
    Path home;

    @Test
    void aPushConsumerGetsExactlyTheMessagesItsExpressionSelects() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            cluster.startBroker(withPropertyFilter(cluster, "broker-sql"));
            sendAll(cluster);
            Set<Integer> received = new ConcurrentSkipListSet<>();
            DefaultMQPushConsumer consumer = pushConsumer(cluster, "SqlPushGroup", SQL, collecting(received));
            consumer.start();
            awaitConsumedToTheEnd(consumer, cluster);
            assertEquals(SELECTED, received);
        }
    }

    @Test
    void aPullConsumerSendsItsExpressionWithEachPull() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            cluster.startBroker(withPropertyFilter(cluster, "broker-sql-pull"));
            sendAll(cluster);
            DefaultMQPullConsumer consumer = cluster.pullConsumer("SqlPullGroup");
            Cluster.awaitRoute(consumer, TOPIC);
            heartbeat(consumer);
            Set<Integer> received = new TreeSet<>();
            for (MessageQueue queue : consumer.fetchSubscribeMessageQueues(TOPIC)) {
                long offset = 0;
                long end = consumer.maxOffset(queue);
                while (offset < end) {
                    PullResult result = consumer.pull(queue, MessageSelector.bySql(SQL), offset, 32);
                    if (result.getPullStatus() == PullStatus.FOUND) {
                        result.getMsgFoundList().forEach(m -> received.add(a(m)));
                    }
                    assertTrue(result.getNextBeginOffset() > offset, "each pull moves on: " + result);
                    offset = result.getNextBeginOffset();
                }
            }
            assertEquals(SELECTED, received);

            MessageQueue any = consumer.fetchSubscribeMessageQueues(TOPIC).iterator().next();
            MQBrokerException bad = assertThrows(MQBrokerException.class,
                    () -> consumer.pull(any, MessageSelector.bySql("a >"), 0, 32));
            assertEquals(23, bad.getResponseCode(), "SUBSCRIPTION_PARSE_FAILED: " + bad.getErrorMessage());
        }
    }

    /** The official lite pull consumer, which sends its expression with every pull and checks it with the broker first. */
    @Test
    void aLitePullConsumerPollsExactlyTheSelectedMessages() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            cluster.startBroker(withPropertyFilter(cluster, "broker-sql-lite"));
            sendAll(cluster);
            DefaultLitePullConsumer consumer = new DefaultLitePullConsumer("SqlLiteGroup");
            consumer.setNamesrvAddr(cluster.namesrvAddr);
            consumer.setInstanceName("sql-lite-" + ProcessHandle.current().pid());
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(TOPIC, MessageSelector.bySql(SQL));
            consumer.start();
            cluster.track(consumer::shutdown);
            // Queue by queue in order: had the broker let through any message it should not, the first ten polled
            // (of forty, most of them not selected) would include it.
            Set<Integer> received = new TreeSet<>();
            Deadline.await("ten messages are polled", Duration.ofSeconds(30), () -> {
                consumer.poll(200).forEach(m -> received.add(a(m)));
                return received.size() >= SELECTED.size();
            });
            assertEquals(SELECTED, received);
        }
    }

    /**
     * A heartbeat whose SQL92 expression does not compile (the official consumers check first, so it comes from
     * elsewhere) registers the subscription without filter data: pulls get FILTER_DATA_NOT_EXIST, and queryCq still
     * answers, every unit passing the tag stage as in RocketMQ.
     */
    @Test
    void aSubscriptionThatDoesNotCompileHasNoFilterData() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Broker broker = cluster.startBroker(withPropertyFilter(cluster, "broker-no-filter-data"));
            sendAll(cluster);
            try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
                Map<String, Object> subscription = Map.of("topic", TOPIC, "subString", "a >", "expressionType", "SQL92",
                        "subVersion", 1, "tagsSet", List.of(), "codeSet", List.of(), "classFilterMode", false);
                RemotingCommand heartbeat = Cluster.consumerHeartbeat("raw-sql-client", "RawSqlGroup", List.of(subscription));
                assertEquals(ResponseCode.SUCCESS, client.invokeSync(broker.address(), heartbeat, 5000).code());

                RemotingCommand pull = RemotingCommand.request(RequestCode.PULL_MESSAGE)
                        .putExtField("consumerGroup", "RawSqlGroup").putExtField("topic", TOPIC).putExtField("queueId", 0)
                        .putExtField("queueOffset", 0).putExtField("maxMsgNums", 32).putExtField("sysFlag", 0)
                        .putExtField("commitOffset", 0).putExtField("suspendTimeoutMillis", 0)
                        .putExtField("subVersion", 1).putExtField("expressionType", "SQL92");
                RemotingCommand refused = client.invokeSync(broker.address(), pull, 5000);
                assertEquals(ResponseCode.FILTER_DATA_NOT_EXIST, refused.code(), refused.remark());

                RemotingCommand queryCq = RemotingCommand.request(RequestCode.QUERY_CONSUME_QUEUE)
                        .putExtField("topic", TOPIC).putExtField("queueId", 0).putExtField("index", 0)
                        .putExtField("count", 4).putExtField("consumerGroup", "RawSqlGroup");
                RemotingCommand units = client.invokeSync(broker.address(), queryCq, 5000);
                assertEquals(ResponseCode.SUCCESS, units.code(), units.remark());
                assertTrue(new String(units.body(), StandardCharsets.UTF_8).contains("\"eval\":true"));
            }
        }
    }

    /** RocketMQ's default: the consumer does not start, and says why; a pull with an expression is refused. */
    @Test
    void withoutEnablePropertyFilterAnSqlConsumerIsRefused() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            cluster.startBroker(cluster.brokerProperties("broker-no-sql"));
            sendAll(cluster);
            DefaultMQPushConsumer push = pushConsumer(cluster, "NoSqlPushGroup", SQL, collecting(new ConcurrentSkipListSet<>()));
            MQClientException refused = assertThrows(MQClientException.class, push::start);
            assertTrue(refused.getMessage().contains("does not support consumer to filter message by SQL92"),
                    refused.getMessage());

            DefaultMQPullConsumer pull = cluster.pullConsumer("NoSqlPullGroup");
            Cluster.awaitRoute(pull, TOPIC);
            heartbeat(pull);
            MessageQueue any = pull.fetchSubscribeMessageQueues(TOPIC).iterator().next();
            MQBrokerException e = assertThrows(MQBrokerException.class, () -> pull.pull(any, MessageSelector.bySql(SQL), 0, 32));
            assertEquals(1, e.getResponseCode(), e.getErrorMessage());
        }
    }

    @Test
    void anExpressionThatDoesNotCompileStopsTheConsumerStarting() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            cluster.startBroker(withPropertyFilter(cluster, "broker-bad-sql"));
            sendAll(cluster);
            DefaultMQPushConsumer consumer = pushConsumer(cluster, "BadSqlGroup", "a = 'x", collecting(new ConcurrentSkipListSet<>()));
            MQClientException refused = assertThrows(MQClientException.class, consumer::start);
            assertEquals(23, refused.getResponseCode(), refused.getMessage());
            assertTrue(refused.getMessage().contains("a string that does not end"), refused.getMessage());
        }
    }

    /**
     * Retry messages are filtered with the group's expression for their first topic only with filterSupportRetry: a
     * first consumer (every message) fails them all; its successor, with a narrower expression, gets back those
     * retries its expression selects, or all of them without the setting.
     */
    @Test
    void filterSupportRetryAppliesTheExpressionToRetries() throws Exception {
        assertEquals(IntStream.range(0, 10).filter(i -> i >= 6).boxed().collect(Collectors.toSet()), retriesSeen(true));
        assertEquals(IntStream.range(0, 10).boxed().collect(Collectors.toSet()), retriesSeen(false));
    }

    private Set<Integer> retriesSeen(boolean filterSupportRetry) throws Exception {
        String group = "RetrySqlGroup" + filterSupportRetry;
        try (Cluster cluster = new Cluster(java.nio.file.Files.createDirectories(home.resolve("retry-" + filterSupportRetry)))) {
            Properties props = withPropertyFilter(cluster, "broker-retry-" + filterSupportRetry);
            props.setProperty("filterSupportRetry", String.valueOf(filterSupportRetry));
            // A first retry (level 3) 4 s later: the first consumer is gone by then, so it does not fail retries too.
            props.setProperty("messageDelayLevel", "1s 1s 4s" + " 1s".repeat(15));
            cluster.startBroker(props);
            DefaultMQProducer producer = cluster.producer("RetrySqlProducer");
            for (int i = 0; i < 10; i++) {
                producer.send(message(i));
            }
            Set<Integer> failed = new ConcurrentSkipListSet<>();
            DefaultMQPushConsumer first = pushConsumer(cluster, group, "a >= 0", (messages, context) -> {
                messages.forEach(m -> failed.add(a(m)));
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            });
            first.start();
            Deadline.await("the first consumer failed all ten", Duration.ofSeconds(30), () -> failed.size() == 10);
            // Its offsets move past a failed message only once the broker took it back, and its shutdown does not
            // wait for sends back still under way.
            awaitConsumedToTheEnd(first, cluster);
            first.shutdown();

            Set<Integer> retried = new ConcurrentSkipListSet<>();
            String retryTopic = "%RETRY%" + group;
            DefaultMQPullConsumer reader = cluster.pullConsumer("RetryReader" + filterSupportRetry);
            Cluster.awaitRoute(reader, retryTopic);
            Deadline.await("all ten retries are on " + retryTopic, Duration.ofSeconds(30), () -> {
                long total = 0;
                for (MessageQueue queue : reader.fetchSubscribeMessageQueues(retryTopic)) {
                    total += reader.maxOffset(queue);
                }
                return total == 10;
            });
            DefaultMQPushConsumer second = pushConsumer(cluster, group, "a >= 6", (messages, context) -> {
                // Only retries: the originals were consumed (and failed) by the first consumer.
                messages.stream().filter(m -> m.getReconsumeTimes() > 0).forEach(m -> retried.add(a(m)));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            second.start();
            awaitConsumedToTheEnd(second, cluster, retryTopic);
            return retried;
        }
    }

    /**
     * The official client pulls with an SQL92 selector only from a broker whose version it learnt from a heartbeat's
     * answer, and a pull consumer sends its first heartbeat on a 30 s timer once it knows a broker: send one now.
     */
    private static void heartbeat(DefaultMQPullConsumer consumer) {
        // The consumer's own client instance (the manager keeps one per client id), which must know the broker first.
        MQClientInstance client = MQClientManager.getInstance().getOrCreateMQClientInstance(consumer);
        client.updateTopicRouteInfoFromNameServer(TOPIC);
        client.sendHeartbeatToAllBrokerWithLock();
    }

    private static Properties withPropertyFilter(Cluster cluster, String brokerName) {
        Properties props = cluster.brokerProperties(brokerName);
        props.setProperty("enablePropertyFilter", "true");
        return props;
    }

    private static void sendAll(Cluster cluster) throws Exception {
        DefaultMQProducer producer = cluster.producer("SqlProducer");
        for (int i = 0; i < COUNT; i++) {
            producer.send(message(i));
        }
    }

    private static Message message(int i) {
        Message m = new Message(TOPIC, i % 2 == 0 ? "TagA" : "TagB", ("m" + i).getBytes(StandardCharsets.UTF_8));
        m.putUserProperty("a", String.valueOf(i));
        return m;
    }

    private static int a(MessageExt m) {
        return Integer.parseInt(m.getUserProperty("a"));
    }

    /** Not started. */
    private static DefaultMQPushConsumer pushConsumer(Cluster cluster, String group, String sql,
                                                      MessageListenerConcurrently listener) throws MQClientException {
        DefaultMQPushConsumer consumer = cluster.pushConsumer(group);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(TOPIC, MessageSelector.bySql(sql));
        consumer.registerMessageListener(listener);
        return consumer;
    }

    private static MessageListenerConcurrently collecting(Set<Integer> received) {
        return (messages, context) -> {
            messages.forEach(m -> received.add(a(m)));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        };
    }

    private static void awaitConsumedToTheEnd(DefaultMQPushConsumer consumer, Cluster cluster) throws Exception {
        awaitConsumedToTheEnd(consumer, cluster, TOPIC);
    }

    /**
     * Until the consumer's own offset on every queue of {@code topic} is the queue's end: every message was either
     * consumed or filtered out by the broker, so nothing more can arrive.
     */
    private static void awaitConsumedToTheEnd(DefaultMQPushConsumer consumer, Cluster cluster, String topic)
            throws Exception {
        DefaultMQPullConsumer reader = cluster.pullConsumer("SqlOffsetReader" + Math.abs(topic.hashCode()));
        Cluster.awaitRoute(reader, topic);
        List<MessageQueue> queues = new ArrayList<>(reader.fetchSubscribeMessageQueues(topic));
        // A filtered-out tail moves the offset only on the next pull result once the consumer is idle, and that pull
        // may be held the official client's 15 s.
        Deadline.await("the consumer's offsets reach the end of " + topic, Duration.ofSeconds(60), () -> {
            for (MessageQueue queue : queues) {
                long own = consumer.getDefaultMQPushConsumerImpl().getOffsetStore()
                        .readOffset(queue, ReadOffsetType.READ_FROM_MEMORY);
                if (own < reader.maxOffset(queue)) {
                    return false;
                }
            }
            return true;
        });
    }
}
