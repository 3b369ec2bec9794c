package dev.sluice.broker;

import dev.sluice.remoting.RemotingClientConfig;
import dev.sluice.remoting.RemotingCommand;
import dev.sluice.remoting.RequestCode;
import dev.sluice.remoting.ResponseCode;
import dev.sluice.remoting.netty.NettyRemotingClient;
import dev.sluice.testing.Deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactional messages with the official 4.9.7 TransactionMQProducer: half messages stay invisible until the
 * transaction ends; commit delivers once, rollback never; unknown outcomes are settled by check-back.
 */
class TransactionTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String HALF_TOPIC = "RMQ_SYS_TRANS_HALF_TOPIC";
    private static final String CHECK_MAX_TOPIC = "TRANS_CHECK_MAX_TIME_TOPIC";

    @TempDir
    Path home;

    @Test
    void committedMessagesAreConsumedOnceAndRolledBackOnesNever() throws Exception {
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = raw()) {
            Broker broker = cluster.startBroker(transactional(cluster, "broker-tx1"));
            Listener listener = new Listener(key -> key.startsWith("commit") ? LocalTransactionState.COMMIT_MESSAGE
                    : LocalTransactionState.ROLLBACK_MESSAGE, key -> LocalTransactionState.UNKNOW);
            TransactionMQProducer producer = producer(cluster, "TxProducerA", listener);
            for (int i = 0; i < 10; i++) {
                assertEquals(LocalTransactionState.COMMIT_MESSAGE, send(producer, "TxTopicA", "commit-" + i).getLocalTransactionState());
                assertEquals(LocalTransactionState.ROLLBACK_MESSAGE, send(producer, "TxTopicA", "rollback-" + i).getLocalTransactionState());
            }
            Map<String, AtomicInteger> received = consume(cluster, "TxConsumerA", "TxTopicA");
            Deadline.await("10 committed messages consumed", WAIT, () -> received.size() >= 10);
            awaitNoOpenTransaction(raw, broker);

            for (int i = 0; i < 10; i++) {
                assertEquals(1, received.get("commit-" + i).get(), "commit-" + i + " consumed once");
                assertFalse(received.containsKey("rollback-" + i), "rollback-" + i + " never delivered");
            }
            assertEquals(10, stored(raw, broker, "TxTopicA"), "only committed messages reach the topic");
            assertEquals(Map.of(), listener.checks, "ended transactions are never checked back");
        }
    }

    @Test
    void unknownOutcomesAreSettledByCheckingBackAnotherProducerOfTheGroup() throws Exception {
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = raw()) {
            Broker broker = cluster.startBroker(transactional(cluster, "broker-tx2"));
            Function<String, LocalTransactionState> answer = key -> key.startsWith("commit")
                    ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE;
            Listener sender = new Listener(key -> LocalTransactionState.UNKNOW, answer);
            TransactionMQProducer first = producer(cluster, "TxProducerB", sender);
            for (int i = 0; i < 5; i++) {
                assertEquals(SendStatus.SEND_OK, send(first, "TxTopicB", "commit-" + i).getSendStatus());
                assertEquals(SendStatus.SEND_OK, send(first, "TxTopicB", "rollback-" + i).getSendStatus());
            }
            first.shutdown();
            // The producer that began the transactions is gone; another one of the group ends them.
            Listener other = new Listener(key -> LocalTransactionState.UNKNOW, answer);
            producer(cluster, "TxProducerB", other);

            Map<String, AtomicInteger> received = consume(cluster, "TxConsumerB", "TxTopicB");
            Deadline.await("5 messages committed on check-back consumed", WAIT, () -> received.size() >= 5);
            awaitNoOpenTransaction(raw, broker);
            for (int i = 0; i < 5; i++) {
                assertEquals(1, received.get("commit-" + i).get(), "commit-" + i);
                assertFalse(received.containsKey("rollback-" + i), "rollback-" + i);
                assertTrue(other.checks.containsKey("commit-" + i) && other.checks.containsKey("rollback-" + i),
                        "both outcomes came from check-back: " + other.checks);
            }
            assertEquals(5, stored(raw, broker, "TxTopicB"));
        }
    }

    /** One local transaction writes an order, its payment and its shipment, on three topics, and commits. */
    @Test
    void seedExampleThreeTopicsOneCommittingTransactionEach() throws Exception {
        List<String> topics = List.of("TxOrders", "TxPayments", "TxShipments");
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = raw()) {
            Broker broker = cluster.startBroker(transactional(cluster, "broker-tx3"));
            Listener listener = new Listener(key -> LocalTransactionState.COMMIT_MESSAGE, key -> LocalTransactionState.UNKNOW);
            TransactionMQProducer producer = producer(cluster, "TxSeedProducer", listener);
            for (int order = 0; order < 10; order++) {
                for (String topic : topics) {
                    TransactionSendResult result = send(producer, topic, topic + "-" + order);
                    assertEquals(SendStatus.SEND_OK, result.getSendStatus());
                    assertEquals(LocalTransactionState.COMMIT_MESSAGE, result.getLocalTransactionState());
                }
            }
            Map<String, AtomicInteger> received = consume(cluster, "TxSeedConsumer", topics.toArray(String[]::new));
            Deadline.await("30 committed messages consumed", WAIT, () -> received.size() >= 30);
            awaitNoOpenTransaction(raw, broker);
            for (String topic : topics) {
                assertEquals(10, stored(raw, broker, topic), topic);
                for (int order = 0; order < 10; order++) {
                    assertEquals(1, received.get(topic + "-" + order).get(), topic + "-" + order);
                }
            }
            assertEquals(30, received.size());
        }
    }

    @Test
    void endedTransactionsStayEndedAcrossARestartAndAnOpenOneIsCheckedAfterIt() throws Exception {
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = raw()) {
            Properties props = transactional(cluster, "broker-tx4");
            props.setProperty("checkTransactionMessageEnable", "false");
            Broker first = cluster.startBroker(props);
            Listener listener = new Listener(key -> switch (key) {
                case "committed" -> LocalTransactionState.COMMIT_MESSAGE;
                case "rolled-back" -> LocalTransactionState.ROLLBACK_MESSAGE;
                default -> LocalTransactionState.UNKNOW;
            }, key -> LocalTransactionState.COMMIT_MESSAGE);
            TransactionMQProducer producer = producer(cluster, "TxProducerD", listener);
            send(producer, "TxTopicD", "committed");
            send(producer, "TxTopicD", "rolled-back");
            send(producer, "TxTopicD", "open");
            Deadline.await("the commit stored before the restart", WAIT, () -> stored(raw, first, "TxTopicD") == 1);
            int port = first.port();
            first.close();

            props.setProperty("listenPort", String.valueOf(port));
            props.setProperty("vipChannelEnabled", "false");
            // port + 1, the HA port a fixed listen port implies, was never checked to be free: no slave here.
            props.setProperty("haListenPort", "0");
            props.setProperty("checkTransactionMessageEnable", "true");
            Broker second = cluster.startBroker(props);
            Map<String, AtomicInteger> received = consume(cluster, "TxConsumerD", "TxTopicD");
            Deadline.await("the committed and the checked-back message consumed", WAIT, () -> received.size() >= 2);
            awaitNoOpenTransaction(raw, second);
            assertEquals(1, received.get("committed").get());
            assertEquals(1, received.get("open").get());
            assertFalse(received.containsKey("rolled-back"));
            assertEquals(2, stored(raw, second, "TxTopicD"));
            assertEquals(Map.of("open", 1), counts(listener.checks), "only the open transaction was checked");
        }
    }

    @Test
    void aTransactionLeftUnknownGoesToTheCheckMaxTopicAfterTransactionCheckMaxChecks() throws Exception {
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = raw()) {
            Properties props = transactional(cluster, "broker-tx5");
            props.setProperty("transactionCheckMax", "2");
            // A check while the broker has not yet heard the producer's first heartbeat is lost, yet counts.
            props.setProperty("transactionTimeOut", "3000");
            Broker broker = cluster.startBroker(props);
            Listener listener = new Listener(key -> LocalTransactionState.UNKNOW, key -> LocalTransactionState.UNKNOW);
            TransactionMQProducer producer = producer(cluster, "TxProducerE", listener);
            send(producer, "TxTopicE", "undecided");

            Deadline.await("the half message given up", WAIT, () -> maxOffset(raw, broker, CHECK_MAX_TOPIC, 0) == 1);
            awaitNoOpenTransaction(raw, broker);
            assertEquals(Map.of("undecided", 2), counts(listener.checks));
            assertEquals(0, stored(raw, broker, "TxTopicE"), "never committed");

            DefaultMQPullConsumer pull = cluster.pullConsumer("TxCheckMaxReader");
            MessageQueue queue = new MessageQueue(CHECK_MAX_TOPIC, "broker-tx5", 0);
            PullResult[] result = new PullResult[1];
            Deadline.await("the check-max topic is readable", WAIT, () -> {
                try {
                    result[0] = pull.pull(queue, "*", 0, 32);
                    return result[0].getPullStatus() == PullStatus.FOUND;
                } catch (Exception e) {
                    return false;
                }
            });
            MessageExt given = result[0].getMsgFoundList().get(0);
            assertEquals("undecided", given.getKeys());
            assertEquals("TxTopicE", given.getProperty("REAL_TOPIC"));
            assertEquals("body of undecided", new String(given.getBody(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void transactionStateSurvivesSigkill() throws Exception {
        try (Cluster cluster = new Cluster(home); NettyRemotingClient raw = raw()) {
            Properties props = transactional(cluster, "broker-txk");
            props.setProperty("transactionCheckMax", "1000");
            BrokerProcess broker = new BrokerProcess(home.resolve("broker.properties"), props);
            try {
                AtomicBoolean decided = new AtomicBoolean();
                Listener listener = new Listener(key -> key.startsWith("commit") ? LocalTransactionState.COMMIT_MESSAGE
                        : key.startsWith("rollback") ? LocalTransactionState.ROLLBACK_MESSAGE : LocalTransactionState.UNKNOW,
                        key -> decided.get() ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.UNKNOW);
                TransactionMQProducer producer = producer(cluster, "TxProducerK", listener);
                for (int i = 0; i < 5; i++) {
                    send(producer, "TxTopicK", "commit-" + i);
                    send(producer, "TxTopicK", "rollback-" + i);
                    send(producer, "TxTopicK", "open-" + i);
                }
                String address = broker.address;
                Deadline.await("every open transaction checked (and re-written) before the crash", WAIT,
                        () -> listener.checks.keySet().containsAll(List.of("open-0", "open-1", "open-2", "open-3", "open-4")));
                // END_TRANSACTION is oneway: the commits land shortly after the sends return.
                Deadline.await("the commits stored before the crash", WAIT, () -> stored(raw, address, "TxTopicK") == 5);

                broker.kill();
                props.setProperty("listenPort", address.substring(address.indexOf(':') + 1));
                props.setProperty("vipChannelEnabled", "false");
                // port + 1, the HA port a fixed listen port implies, was never checked to be free: no slave here.
                props.setProperty("haListenPort", "0");
                broker = new BrokerProcess(home.resolve("broker.properties"), props);
                listener.checks.clear();
                decided.set(true);

                Map<String, AtomicInteger> received = consume(cluster, "TxConsumerK", "TxTopicK");
                Deadline.await("committed and checked-back messages consumed", WAIT, () -> received.size() >= 10);
                awaitNoOpenTransaction(raw, address);
                for (int i = 0; i < 5; i++) {
                    assertEquals(1, received.get("commit-" + i).get(), "commit-" + i);
                    assertEquals(1, received.get("open-" + i).get(), "open-" + i);
                    assertFalse(received.containsKey("rollback-" + i), "rollback-" + i);
                }
                assertEquals(10, stored(raw, address, "TxTopicK"), "nothing committed twice");
                for (String key : listener.checks.keySet()) {
                    assertTrue(key.startsWith("open-"), "an ended transaction was checked after the restart: " + key);
                }
            } finally {
                broker.close();
            }
        }
    }

    // ---- helpers

    /** A committed message asking for a delay (RocketMQ 5's timer properties) waits that long after its commit. */
    @Test
    void aCommittedMessageWithATimerIsDeliveredAfterItsDelayAndATooLongOneIsRefusedAtSend() throws Exception {
        try (Cluster cluster = new Cluster(home)) {
            Properties props = transactional(cluster, "broker-tx-timer");
            props.setProperty("timerMaxDelaySec", "60");
            cluster.startBroker(props);
            Listener listener = new Listener(key -> LocalTransactionState.COMMIT_MESSAGE, key -> LocalTransactionState.UNKNOW);
            TransactionMQProducer producer = producer(cluster, "TxTimerProducer", listener);
            Map<String, Long> receivedAt = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> received = consume(cluster, "TxTimerConsumer", "TxTimerTopic");

            Message tooLong = new Message("TxTimerTopic", "TagT", "too-long", new byte[]{1});
            tooLong.putUserProperty("TIMER_DELAY_SEC", "61");
            MQClientException refused = assertThrows(MQClientException.class,
                    () -> producer.sendMessageInTransaction(tooLong, null));
            assertTrue(refused.getCause() instanceof MQBrokerException broker && broker.getResponseCode() == ResponseCode.MESSAGE_ILLEGAL,
                    "a half message whose delay is too long is refused when it is sent: " + refused.getCause());

            Message delayed = new Message("TxTimerTopic", "TagT", "delayed", new byte[]{2});
            delayed.putUserProperty("TIMER_DELAY_SEC", "3");
            long sentAt = System.currentTimeMillis();
            assertEquals(LocalTransactionState.COMMIT_MESSAGE, producer.sendMessageInTransaction(delayed, null).getLocalTransactionState());
            Deadline.await("the committed delayed message is consumed", WAIT, () -> {
                if (received.containsKey("delayed")) {
                    receivedAt.putIfAbsent("delayed", System.currentTimeMillis());
                    return true;
                }
                return false;
            });
            assertTrue(receivedAt.get("delayed") - sentAt >= 3000,
                    "delivered " + (receivedAt.get("delayed") - sentAt) + " ms after the send, before its 3 s delay");
            assertEquals(1, received.get("delayed").get());
            assertFalse(received.containsKey("too-long"));
        }
    }

    /** Decides local transactions and answers checks by message key, counting the checks per key. */
    private static final class Listener implements TransactionListener {
        final Map<String, AtomicInteger> checks = new ConcurrentHashMap<>();
        private final Function<String, LocalTransactionState> execute;
        private final Function<String, LocalTransactionState> check;

        Listener(Function<String, LocalTransactionState> execute, Function<String, LocalTransactionState> check) {
            this.execute = execute;
            this.check = check;
        }

        @Override
        public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
            return execute.apply(msg.getKeys());
        }

        @Override
        public LocalTransactionState checkLocalTransaction(MessageExt msg) {
            checks.computeIfAbsent(msg.getKeys(), k -> new AtomicInteger()).incrementAndGet();
            return check.apply(msg.getKeys());
        }
    }

    private static Properties transactional(Cluster cluster, String brokerName) {
        Properties props = cluster.brokerProperties(brokerName);
        props.setProperty("transactionTimeOut", "1000");
        props.setProperty("transactionCheckInterval", "500");
        return props;
    }

    private static TransactionMQProducer producer(Cluster cluster, String group, TransactionListener listener)
            throws Exception {
        TransactionMQProducer producer = new TransactionMQProducer(group);
        producer.setNamesrvAddr(cluster.namesrvAddr);
        producer.setVipChannelEnabled(false);
        producer.setInstanceName("tx-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        producer.setSendMsgTimeout(10_000);
        producer.setTransactionListener(listener);
        // A restarted broker learns of the producer (whom it checks back) at its next heartbeat.
        producer.setHeartbeatBrokerInterval(1000);
        cluster.track(producer::shutdown);
        producer.start();
        return producer;
    }

    private static TransactionSendResult send(TransactionMQProducer producer, String topic, String key) throws Exception {
        Message message = new Message(topic, "TagT", key, ("body of " + key).getBytes(StandardCharsets.UTF_8));
        return producer.sendMessageInTransaction(message, null);
    }

    private static Map<String, AtomicInteger> consume(Cluster cluster, String group, String... topics) throws Exception {
        Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = cluster.pushConsumer(group);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        for (String topic : topics) {
            consumer.subscribe(topic, "*");
        }
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> received.computeIfAbsent(m.getKeys(), k -> new AtomicInteger()).incrementAndGet());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return received;
    }

    private static Map<String, Integer> counts(Map<String, AtomicInteger> counters) {
        Map<String, Integer> plain = new java.util.TreeMap<>();
        counters.forEach((k, v) -> plain.put(k, v.get()));
        return plain;
    }

    private static NettyRemotingClient raw() {
        return new NettyRemotingClient(new RemotingClientConfig());
    }

    /** Waits until the broker has saved a check progress at the end of the half queue: nothing is open. */
    private static void awaitNoOpenTransaction(NettyRemotingClient raw, Broker broker) throws Exception {
        awaitNoOpenTransaction(raw, broker.address());
    }

    private static void awaitNoOpenTransaction(NettyRemotingClient raw, String broker) throws Exception {
        Deadline.await("every half message finished", WAIT, () -> {
            long end = maxOffset(raw, broker, HALF_TOPIC, 0);
            RemotingCommand query = RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET)
                    .putExtField("consumerGroup", "CID_RMQ_SYS_TRANS").putExtField("topic", HALF_TOPIC)
                    .putExtField("queueId", 0);
            RemotingCommand answer = raw.invokeSync(broker, query, 5000);
            return end > 0 && answer.code() == ResponseCode.SUCCESS && Long.parseLong(answer.extField("offset")) == end;
        });
    }

    /** Messages stored on a topic's queues (the client creates 4). */
    private static long stored(NettyRemotingClient raw, Broker broker, String topic) throws Exception {
        return stored(raw, broker.address(), topic);
    }

    private static long stored(NettyRemotingClient raw, String broker, String topic) throws Exception {
        long total = 0;
        for (int q = 0; q < 8; q++) {
            total += maxOffset(raw, broker, topic, q);
        }
        return total;
    }

    private static long maxOffset(NettyRemotingClient raw, Broker broker, String topic, int queueId) throws Exception {
        return maxOffset(raw, broker.address(), topic, queueId);
    }

    private static long maxOffset(NettyRemotingClient raw, String broker, String topic, int queueId) throws Exception {
        RemotingCommand request = RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
                .putExtField("topic", topic).putExtField("queueId", queueId);
        return Long.parseLong(raw.invokeSync(broker, request, 5000).extField("offset"));
    }
}
