package dev.sluice.broker;

import static dev.sluice.broker.MqAdmin.lines;
import static dev.sluice.broker.MqAdmin.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.MessageQueueSelector;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.command.broker.BrokerConsumeStatsSubCommad;
import org.apache.rocketmq.tools.command.queue.QueryConsumeQueueCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mqadmin queryCq (QUERY_CONSUME_QUEUE) and brokerConsumeStats (GET_BROKER_CONSUME_STATS) against a fresh broker per
 * test: what they print is checked against what the official producer and consumer did.
 */
class MqAdminQueueCommandsTest {
    private static final String BROKER = "queue-cmds";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern UNIT = Pattern.compile(
            "ConsumeQueueData\\{physicOffset=(\\d+), physicSize=(\\d+), tagsCode=(-?\\d+), .*eval=(true|false),");

    @TempDir
    Path home;

    private Cluster cluster;
    private String addr;
    private DefaultMQProducer producer;

    @BeforeEach
    void start() throws Exception {
        cluster = new Cluster(home);
        addr = cluster.startBroker(cluster.brokerProperties(BROKER)).address();
        System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, cluster.namesrvAddr);
        producer = cluster.producer("QueueCmdsProducer");
    }

    @AfterEach
    void stop() throws Exception {
        System.clearProperty(MixAll.NAMESRV_ADDR_PROPERTY);
        cluster.close();
    }

    @Test
    void queryCqPrintsTheUnitsOfTheSentMessagesAndWhetherTheGroupsSubscriptionTakesThem() throws Exception {
        String topic = "CqTopic";
        List<MessageExt> stored = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            SendResult sent = producer.send(new Message(topic, i % 2 == 0 ? "TagA" : "TagB", ("cq-" + i).getBytes()),
                    (MessageQueueSelector) (queues, message, arg) -> queues.get(0), null);
            assertEquals(SendStatus.SEND_OK, sent.getSendStatus());
            assertEquals(0, sent.getMessageQueue().getQueueId());
            stored.add(producer.viewMessage(sent.getOffsetMsgId()));
        }
        MessageQueue queue0 = new MessageQueue(topic, BROKER, 0);
        Deadline.await("the 6 units are dispatched", WAIT, () -> producer.maxOffset(queue0) == 6);

        String output = run(new QueryConsumeQueueCommand(), "-t", topic, "-q", "0", "-i", "1", "-c", "4", "-b", addr);
        assertTrue(output.contains("max: 6, min: 0"), output);
        assertFalse(output.contains("Subscription data"), "no group asked: " + output);
        List<String[]> units = units(output);
        assertEquals(4, units.size(), output);
        for (int i = 0; i < 4; i++) {
            MessageExt message = stored.get(1 + i);
            assertEquals(List.of(String.valueOf(message.getCommitLogOffset()), String.valueOf(message.getStoreSize()),
                    String.valueOf(message.getTags().hashCode()), "false"), List.of(units.get(i)), "unit " + (1 + i));
        }
        assertTrue(output.contains("idx: 1") && output.contains("idx: 4") && !output.contains("idx: 5"), output);

        DefaultMQPushConsumer consumer = cluster.pushConsumer("CqGroup");
        consumer.subscribe(topic, "TagA");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) ->
                ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        consumer.start();
        String[] withGroup = new String[1];
        Deadline.await("the broker knows CqGroup's subscription", WAIT, () -> {
            withGroup[0] = run(new QueryConsumeQueueCommand(), "-t", topic, "-q", "0", "-i", "0", "-b", addr,
                    "-g", "CqGroup");
            return withGroup[0].contains("Subscription data");
        });
        assertTrue(withGroup[0].contains("\"subString\":\"TagA\""), withGroup[0]);
        List<String[]> evaluated = units(withGroup[0]);
        assertEquals(6, evaluated.size(), "the count defaults to 10; the queue holds 6: " + withGroup[0]);
        for (int i = 0; i < 6; i++) {
            assertEquals(String.valueOf(stored.get(i).getCommitLogOffset()), evaluated.get(i)[0]);
            assertEquals(String.valueOf(i % 2 == 0), evaluated.get(i)[3], "TagA passes, TagB does not: unit " + i);
        }

        String offline = run(new QueryConsumeQueueCommand(), "-t", topic, "-q", "0", "-i", "0", "-b", addr,
                "-g", "NobodyGroup");
        assertTrue(offline.contains("Filter data: \nNobodyGroup@" + topic + " is not online!"), offline);
        String pastTheEnd = run(new QueryConsumeQueueCommand(), "-t", topic, "-q", "0", "-i", "6", "-b", addr);
        assertTrue(pastTheEnd.contains("max: 6, min: 0"), pastTheEnd);
        assertEquals(List.of(), units(pastTheEnd));
    }

    /** Polls brokerConsumeStats until each queue of {@code topic} shows these offsets; returns that output. */
    private String awaitStats(String what, String topic, Map<Integer, Long> consumerOffsets,
            Map<Integer, Long> brokerOffsets) throws Exception {
        String[] output = new String[1];
        Deadline.await(what + " show", WAIT, () -> {
            output[0] = run(new BrokerConsumeStatsSubCommad(), "-b", addr);
            List<String[]> rows = statsRows(output[0], topic);
            return rows.size() == consumerOffsets.size() && rows.stream().allMatch(r ->
                    Long.parseLong(r[5]) == consumerOffsets.get(Integer.parseInt(r[3]))
                            && Long.parseLong(r[4]) == brokerOffsets.get(Integer.parseInt(r[3])));
        });
        return output[0];
    }

    @Test
    void brokerConsumeStatsShowsEachQueuesBacklogOfTheGroup() throws Exception {
        String topic = "StatsTopic";
        String group = "StatsGroup";
        Map<Integer, Long> consumedPerQueue = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            consumedPerQueue.merge(send(topic, "first-" + i).getMessageQueue().getQueueId(), 1L, Long::sum);
        }
        Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = cluster.pushConsumer(group);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPersistConsumerOffsetInterval(200);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> received.add(new String(m.getBody(), StandardCharsets.UTF_8)));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        Deadline.await("the 10 messages were consumed", WAIT, () -> received.size() == 10);
        // The periodic commit, not the one at shutdown: the client sends that one oneway, and it may be lost.
        awaitStats("the committed offsets", topic, consumedPerQueue, consumedPerQueue);
        consumer.shutdown();

        Map<Integer, Long> sentPerQueue = new HashMap<>(consumedPerQueue);
        for (int i = 0; i < 4; i++) {
            sentPerQueue.merge(send(topic, "second-" + i).getMessageQueue().getQueueId(), 1L, Long::sum);
        }
        String[] output = {awaitStats("the 4 new messages", topic, consumedPerQueue, sentPerQueue)};
        long backlog = 0;
        for (String[] row : statsRows(output[0], topic)) {
            assertEquals(List.of(group, BROKER), List.of(row[1], row[2]));
            long diff = Long.parseLong(row[6]);
            assertEquals(Long.parseLong(row[4]) - Long.parseLong(row[5]), diff);
            backlog += diff;
        }
        assertEquals(4, backlog);
        assertTrue(output[0].contains("Diff Total: 4"), output[0]);

        String orderOnly = run(new BrokerConsumeStatsSubCommad(), "-b", addr, "-o", "true");
        assertEquals(List.of(), statsRows(orderOnly, topic), "StatsTopic is not an orderly topic: " + orderOnly);
        assertTrue(orderOnly.contains("Diff Total: 0"), orderOnly);
    }

    @Test
    void badHeadersGetAClearErrorAndTheBrokerKeepsServing() throws Exception {
        MessageQueue queue = send("BadHeaderTopic", "x").getMessageQueue();
        Deadline.await("the unit is dispatched", WAIT, () -> producer.maxOffset(queue) == 1);
        String queueId = String.valueOf(queue.getQueueId());
        try (NettyRemotingClient client = new NettyRemotingClient(new RemotingClientConfig())) {
            assertRefused(client, queryCq(null, queueId, "0", "1"), "the custom field <topic> is null");
            assertRefused(client, queryCq("BadHeaderTopic", "zero", "0", "1"), "the custom field <queueId> is not an integer");
            assertRefused(client, queryCq("BadHeaderTopic", queueId, null, "1"), "the custom field <index> is null");
            assertRefused(client, queryCq("BadHeaderTopic", queueId, "0", "0"), "the custom field <count> must be at least 1");
            assertRefused(client, queryCq("BadHeaderTopic", "4096", "0", "1"), "4096@BadHeaderTopic is not exist!");
            assertRefused(client, queryCq("NoSuchTopic", "0", "0", "1"), "0@NoSuchTopic is not exist!");
            assertRefused(client, RemotingCommand.request(RequestCode.GET_BROKER_CONSUME_STATS),
                    "the custom field <isOrder> is null");
            assertRefused(client, RemotingCommand.request(RequestCode.GET_BROKER_CONSUME_STATS).putExtField("isOrder", "yes"),
                    "the custom field <isOrder> must be true or false");

            RemotingCommand fine = client.invokeSync(addr, queryCq("BadHeaderTopic", queueId, "0", "1"), 5000);
            assertEquals(ResponseCode.SUCCESS, fine.code(), fine.toString());
        }
        assertEquals(SendStatus.SEND_OK, send("BadHeaderTopic", "still serving").getSendStatus());
    }

    private void assertRefused(NettyRemotingClient client, RemotingCommand request, String remark) throws Exception {
        RemotingCommand response = client.invokeSync(addr, request, 5000);
        assertEquals(ResponseCode.SYSTEM_ERROR, response.code(), response.toString());
        assertEquals(remark, response.remark());
    }

    private static RemotingCommand queryCq(String topic, String queueId, String index, String count) {
        return RemotingCommand.request(RequestCode.QUERY_CONSUME_QUEUE).putExtField("topic", topic)
                .putExtField("queueId", queueId).putExtField("index", index).putExtField("count", count);
    }

    /** queryCq's units in order: physicOffset, physicSize, tagsCode, eval. */
    private static List<String[]> units(String output) {
        List<String[]> units = new ArrayList<>();
        Matcher m = UNIT.matcher(output);
        while (m.find()) {
            units.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
        }
        return units;
    }

    /** brokerConsumeStats rows of one topic: topic, group, broker, queue, broker offset, consumer offset, diff, ... */
    private static List<String[]> statsRows(String output, String topic) {
        return lines(output).stream().filter(l -> l.startsWith(topic + " ")).map(l -> l.split("\\s+")).toList();
    }

    private SendResult send(String topic, String body) throws Exception {
        SendResult result = producer.send(new Message(topic, "TagA", body.getBytes(StandardCharsets.UTF_8)));
        assertEquals(SendStatus.SEND_OK, result.getSendStatus(), result.toString());
        return result;
    }
}
