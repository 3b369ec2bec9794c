package dev.sluice.broker;

import dev.sluice.testing.Deadline;

import static dev.sluice.broker.MqAdmin.lines;
import static dev.sluice.broker.MqAdmin.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.json.Json;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.common.protocol.route.QueueData;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.command.SubCommandException;
import org.apache.rocketmq.tools.command.broker.BrokerStatusSubCommand;
import org.apache.rocketmq.tools.command.broker.GetBrokerConfigCommand;
import org.apache.rocketmq.tools.command.broker.UpdateBrokerConfigSubCommand;
import org.apache.rocketmq.tools.command.cluster.ClusterListSubCommand;
import org.apache.rocketmq.tools.command.consumer.ConsumerProgressSubCommand;
import org.apache.rocketmq.tools.command.consumer.UpdateSubGroupSubCommand;
import org.apache.rocketmq.tools.command.message.QueryMsgByIdSubCommand;
import org.apache.rocketmq.tools.command.message.QueryMsgByKeySubCommand;
import org.apache.rocketmq.tools.command.offset.CloneGroupOffsetCommand;
import org.apache.rocketmq.tools.command.stats.StatsAllSubCommand;
import org.apache.rocketmq.tools.command.topic.DeleteTopicSubCommand;
import org.apache.rocketmq.tools.command.topic.TopicListSubCommand;
import org.apache.rocketmq.tools.command.topic.TopicRouteSubCommand;
import org.apache.rocketmq.tools.command.topic.TopicStatusSubCommand;
import org.apache.rocketmq.tools.command.topic.UpdateTopicSubCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official 4.9.7 mqadmin sub-commands against an in-JVM name server and broker. Each test checks what the
 * command printed and, where the command changes something, the broker's own state (its persisted tables, the
 * route it registered, what clients can then do).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MqAdminBrokerCommandsTest {
    private static final String CLUSTER = "TestCluster";
    private static final String BROKER = "admin-a";
    private static final String TRAFFIC = "AdminTraffic";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path home;

    private Cluster cluster;
    private String addr;
    private DefaultMQProducer producer;
    private final List<SendResult> trafficSent = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        cluster = new Cluster(home);
        addr = cluster.startBroker(cluster.brokerProperties(BROKER)).address();
        // The commands find the name server the way mqadmin's -n option leaves it.
        System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, cluster.namesrvAddr);
        producer = cluster.producer("AdminProducer");
        for (int i = 0; i < 20; i++) {
            trafficSent.add(send(producer, TRAFFIC, "key-" + i));
        }
    }

    @AfterAll
    void stop() throws Exception {
        System.clearProperty(MixAll.NAMESRV_ADDR_PROPERTY);
        cluster.close();
    }

    @Test
    void clusterListPrintsTheBrokerRowWithItsRuntimeInfo() throws Exception {
        // Traffic both ways now, so the 10-second rates the row shows are not zero.
        for (int i = 0; i < 10; i++) {
            send(producer, TRAFFIC, "tps-" + i);
        }
        DefaultMQPullConsumer puller = cluster.pullConsumer("AdminTpsPuller");
        Cluster.awaitRoute(puller, TRAFFIC);
        MessageQueue queue = trafficSent.get(0).getMessageQueue();
        assertEquals(PullStatus.FOUND, puller.pull(queue, "*", 0, 32).getPullStatus());

        // The rates are sampled once a second: poll the command until both show the traffic.
        AtomicReference<String[]> lastRow = new AtomicReference<>();
        Deadline.await("clusterList shows traffic in and out", WAIT, () -> {
            String output = run(new ClusterListSubCommand());
            assertTrue(output.startsWith("#Cluster Name"), output);
            List<String> rows = lines(output).stream().filter(l -> l.startsWith(CLUSTER)).toList();
            assertEquals(1, rows.size(), output);
            lastRow.set(rows.get(0).split("\\s+"));
            return tps(lastRow.get()[5]) > 0 && tps(lastRow.get()[6]) > 0;
        });
        String[] row = lastRow.get();
        assertEquals(10, row.length, String.join(" ", row));
        assertEquals(List.of(CLUSTER, BROKER, "0", addr, "V4_9_7"), Arrays.asList(row).subList(0, 5));
        assertTrue(Long.parseLong(row[7]) >= 0, "#PCWait " + row[7]);
        double hours = Double.parseDouble(row[8]);
        assertTrue(hours >= 0 && hours < 0.1, "#Hour: the first message was stored moments ago: " + row[8]);
        assertTrue(row[9].matches("[01]\\.\\d{4}"), "#SPACE is a fraction: " + row[9]);
        File partition = home.toFile();
        // as df and Apache's broker compute it: blocks reserved for root are neither used nor available
        long usedBytes = partition.getTotalSpace() - partition.getFreeSpace();
        double used = (double) usedBytes / (usedBytes + partition.getUsableSpace());
        assertEquals(used, Double.parseDouble(row[9]), 0.02, "#SPACE is the used fraction of the store's partition");
    }

    @Test
    void brokerStatusPrintsTheRuntimeInfoSorted() throws Exception {
        String output = run(new BrokerStatusSubCommand(), "-b", addr);
        Map<String, String> info = brokerStatus(output);
        assertEquals(info.keySet().stream().sorted().toList(), List.copyOf(info.keySet()), "sorted by key");
        assertTrue(info.keySet().containsAll(List.of("putTps", "getTransferedTps", "commitLogDiskRatio",
                "pageCacheLockTimeMills", "earliestMessageTimeStamp", "sendThreadPoolQueueHeadWaitTimeMills",
                "pullThreadPoolQueueHeadWaitTimeMills", "msgPutTotalTodayNow", "brokerVersionDesc")), output);
        assertTrue(info.get("putTps").matches("\\d+\\.\\d{2} \\d+\\.\\d{2} \\d+\\.\\d{2}"), info.get("putTps"));
        assertTrue(info.get("getTransferedTps").matches("\\d+\\.\\d{2} \\d+\\.\\d{2} \\d+\\.\\d{2}"));
        double ratio = Double.parseDouble(info.get("commitLogDiskRatio"));
        assertTrue(ratio > 0 && ratio <= 1, "a fraction of the partition: " + ratio);
        assertTrue(Long.parseLong(info.get("pageCacheLockTimeMills")) >= 0);
        long firstStored = producer.viewMessage(trafficSent.get(0).getOffsetMsgId()).getStoreTimestamp();
        assertEquals(firstStored, Long.parseLong(info.get("earliestMessageTimeStamp")),
                "the store time of the first message in the CommitLog");
        assertTrue(Long.parseLong(info.get("msgPutTotalTodayNow")) >= trafficSent.size());
        assertEquals("V4_9_7", info.get("brokerVersionDesc"));

        // As RocketMQ's schedule service: per delay level with progress, "next offset,max offset" of its queue.
        long putsBefore = Long.parseLong(info.get("putMessageTimesTotal"));
        Message delayed = new Message(TRAFFIC, "delayed".getBytes(StandardCharsets.UTF_8));
        delayed.setDelayTimeLevel(1);
        assertEquals(SendStatus.SEND_OK, producer.send(delayed).getSendStatus());
        Deadline.await("brokerStatus shows level 1 delivered", WAIT,
                () -> run(new BrokerStatusSubCommand(), "-b", addr).lines()
                        .anyMatch(l -> l.matches("scheduleMessageOffset_1\\s*: 1,1")));
        // Both of the store's puts count, the delayed one delivered by the broker as well as the client's, as
        // RocketMQ's store counts them (and a slave, which sees both, agrees).
        Deadline.await("two puts counted for the delayed message", WAIT, () -> Long.parseLong(
                brokerStatus(run(new BrokerStatusSubCommand(), "-b", addr)).get("putMessageTimesTotal"))
                >= putsBefore + 2);
    }

    @Test
    void updateTopicCreatesTheTopicAndDeleteTopicRemovesIt() throws Exception {
        String topic = "AdminCreated";
        String created = run(new UpdateTopicSubCommand(), "-b", addr, "-t", topic, "-r", "3", "-w", "2");
        assertTrue(created.contains("create topic to " + addr + " success."), created);
        Map<String, Object> config = Json.asObject(topicTable().get(topic), topic);
        assertEquals(3, Json.asInt(config.get("readQueueNums"), "r"));
        assertEquals(2, Json.asInt(config.get("writeQueueNums"), "w"));
        assertEquals(6, Json.asInt(config.get("perm"), "perm"));

        // The broker re-registers on the change; the route appears on the name server.
        Deadline.await("the new topic's route", WAIT, () -> route(topic) != null);
        QueueData queues = route(topic).getQueueDatas().get(0);
        assertEquals(List.of(BROKER, 3, 2, 6), List.of(queues.getBrokerName(), queues.getReadQueueNums(),
                queues.getWriteQueueNums(), queues.getPerm()));
        assertTrue(lines(run(new TopicListSubCommand())).contains(topic));

        int[] perQueue = new int[3];
        for (int i = 0; i < 5; i++) {
            perQueue[send(producer, topic, "c-" + i).getMessageQueue().getQueueId()]++;
        }
        // topicStatus: #Broker Name #QID #Min Offset #Max Offset #Last Updated, one row per writable queue (as
        // RocketMQ's broker answers GET_TOPIC_STATS_INFO).
        // ConsumeQueues are written behind the CommitLog, so the table is read again until the five sends show.
        AtomicReference<List<String[]>> status = new AtomicReference<>();
        Deadline.await("topicStatus counts the five sends", WAIT, () -> {
            status.set(lines(run(new TopicStatusSubCommand(), "-t", topic)).stream()
                    .filter(l -> l.startsWith(BROKER)).map(l -> l.split("\\s+")).toList());
            return status.get().stream().mapToInt(row -> Integer.parseInt(row[3])).sum() == 5;
        });
        List<String[]> rows = status.get();
        assertEquals(2, rows.size());
        for (String[] row : rows) {
            int queueId = Integer.parseInt(row[1]);
            assertEquals("0", row[2]);
            assertEquals(perQueue[queueId], Integer.parseInt(row[3]), "max offset of queue " + queueId);
        }
        assertEquals(0, perQueue[2], "queue 2 is read-only");

        String deleted = run(new DeleteTopicSubCommand(), "-c", CLUSTER, "-t", topic);
        assertTrue(deleted.contains("delete topic [" + topic + "] from cluster [" + CLUSTER + "] success."), deleted);
        assertFalse(topicTable().containsKey(topic), "gone from the broker's topics.json");
        assertEquals(null, route(topic), "gone from the name server");
        assertFalse(lines(run(new TopicListSubCommand())).contains(topic));
    }

    @Test
    void updateSubGroupStoresTheGroupOnTheBroker() throws Exception {
        String output = run(new UpdateSubGroupSubCommand(), "-b", addr, "-g", "AdminGroup", "-r", "5", "-q", "2",
                "-s", "false");
        assertTrue(output.contains("create subscription group to " + addr + " success."), output);
        Map<String, Object> groups = Json.asObject(jsonFile("subscriptionGroup.json").get("subscriptionGroupTable"), "t");
        Map<String, Object> group = Json.asObject(groups.get("AdminGroup"), "AdminGroup");
        assertEquals(5, Json.asInt(group.get("retryMaxTimes"), "retryMaxTimes"));
        assertEquals(2, Json.asInt(group.get("retryQueueNums"), "retryQueueNums"));
        assertEquals(false, group.get("consumeEnable"));
        // The official tool writes these false unless -m / -d say otherwise; Sluice's mqadmin does the same.
        assertEquals(false, group.get("consumeFromMinEnable"));
        assertEquals(false, group.get("consumeBroadcastEnable"));
    }

    @Test
    void consumerProgressShowsPerQueueOffsetsAndTheBacklog() throws Exception {
        String topic = "ProgressTopic";
        String group = "ProgressGroup";
        Map<Integer, Integer> sentPerQueue = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            sentPerQueue.merge(send(producer, topic, "p-" + i).getMessageQueue().getQueueId(), 1, Integer::sum);
        }
        Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = cluster.pushConsumer(group);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPersistConsumerOffsetInterval(200);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            messages.forEach(m -> received.add(m.getKeys()));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        Deadline.await("the 12 messages were consumed", WAIT, () -> received.size() == 12);
        Deadline.await("the consumed offsets reached the broker", WAIT,
                () -> progressOf(group, topic).stream().allMatch(r -> r[3].equals(r[4])));
        consumer.shutdown();

        // Six more the group has not consumed: the backlog.
        for (int i = 0; i < 6; i++) {
            sentPerQueue.merge(send(producer, topic, "q-" + i).getMessageQueue().getQueueId(), 1, Integer::sum);
        }
        // SEND_OK precedes the ConsumeQueue dispatch (as in RocketMQ), so the broker offsets catch up shortly after.
        Deadline.await("the broker offsets count all 18 messages", WAIT,
                () -> progressOf(group, topic).stream().mapToLong(r -> Long.parseLong(r[3])).sum() == 18);
        String output = run(new ConsumerProgressSubCommand(), "-g", group);
        List<String[]> rows = progressRows(output, topic);
        assertEquals(sentPerQueue.size(), rows.size(), output);
        long backlog = 0;
        for (String[] row : rows) {
            long brokerOffset = Long.parseLong(row[3]);
            long consumerOffset = Long.parseLong(row[4]);
            long diff = Long.parseLong(row[5]);
            assertEquals(sentPerQueue.get(Integer.parseInt(row[2])).longValue(), brokerOffset, "queue " + row[2]);
            assertEquals(brokerOffset - consumerOffset, diff);
            backlog += diff;
        }
        assertEquals(6, backlog);
        assertTrue(output.contains("Diff Total: 6"), output);
        // The rate is sampled once a second (RocketMQ samples it every ten), so a pull this recent may not show yet.
        Deadline.await("the group's consume TPS counts the 12 messages it pulled within the minute", WAIT,
                () -> consumeTps(run(new ConsumerProgressSubCommand(), "-g", group)) > 0);

        // statsAll: the topic's puts and the group's gets today, from VIEW_BROKER_STATS_DATA, and the backlog
        String statsAll = run(new StatsAllSubCommand(), "-t", topic);
        List<String> row = lines(statsAll).stream().filter(l -> l.startsWith(topic)).findFirst()
                .map(l -> List.of(l.trim().split("\\s+"))).orElseThrow(() -> new AssertionError(statsAll));
        assertEquals(List.of(topic, group, "6"), row.subList(0, 3), statsAll);
        assertTrue(Double.parseDouble(row.get(3)) > 0 && Double.parseDouble(row.get(4)) > 0, "in and out TPS: " + statsAll);
        assertEquals(List.of("18", "12"), row.subList(5, 7), "messages in and out over the last day: " + statsAll);

        // cloneGroupOffset: a new group starts where this one stopped
        String cloned = run(new CloneGroupOffsetCommand(), "-s", group, "-d", "ProgressClone", "-t", topic);
        assertTrue(cloned.contains("clone group offset success. srcGroup[" + group + "], destGroup=[ProgressClone]"), cloned);
        Deadline.await("the clone's offsets are saved like the group's", WAIT, () -> {
            if (!Files.exists(home.resolve("store-" + BROKER).resolve("config").resolve("consumerOffset.json"))) {
                return false; // not saved yet: the broker saves offsets every flushConsumerOffsetInterval
            }
            Map<String, Object> table = Json.asObject(jsonFile("consumerOffset.json").get("offsetTable"), "offsetTable");
            return table.get(topic + "@ProgressClone") != null
                    && table.get(topic + "@ProgressClone").equals(table.get(topic + "@" + group));
        });
    }

    private static double consumeTps(String consumerProgressOutput) {
        Matcher consumeTps = Pattern.compile("Consume TPS: (\\d+\\.\\d{2})").matcher(consumerProgressOutput);
        assertTrue(consumeTps.find(), consumerProgressOutput);
        return Double.parseDouble(consumeTps.group(1));
    }

    @Test
    void queryMsgByKeyAndByIdFindTheSentMessage() throws Exception {
        SendResult sent = trafficSent.get(7);
        List<String[]> rows = lines(run(new QueryMsgByKeySubCommand(), "-t", TRAFFIC, "-k", "key-7")).stream()
                .filter(l -> !l.startsWith("#")).map(l -> l.split("\\s+")).toList();
        assertEquals(1, rows.size());
        assertEquals(List.of(sent.getMsgId(), String.valueOf(sent.getMessageQueue().getQueueId()),
                String.valueOf(sent.getQueueOffset())), Arrays.asList(rows.get(0)));

        String output = run(new QueryMsgByIdSubCommand(), "-i", sent.getOffsetMsgId());
        Map<String, String> fields = new HashMap<>();
        for (String line : lines(output)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        assertEquals(sent.getOffsetMsgId(), fields.get("OffsetID"), output);
        assertEquals(TRAFFIC, fields.get("Topic"));
        assertEquals("[key-7]", fields.get("Keys"));
        assertEquals(String.valueOf(sent.getMessageQueue().getQueueId()), fields.get("Queue ID"));
        assertEquals(String.valueOf(sent.getQueueOffset()), fields.get("Queue Offset"));
        assertEquals(addr, fields.get("Store Host"));
        // The tool writes the body to a file of its own choosing (/tmp/rocketmq/msgbodys): check it, then remove it.
        Path body = Path.of(fields.get("Message Body Path"));
        try {
            assertEquals("body key-7", Files.readString(body));
        } finally {
            Files.deleteIfExists(body);
        }
    }

    @Test
    void getBrokerConfigPrintsEveryEffectiveSetting() throws Exception {
        String output = run(new GetBrokerConfigCommand(), "-b", addr);
        List<String> lines = lines(output);
        assertEquals("============" + addr + "============", lines.get(0));
        Map<String, String> settings = brokerConfig();
        assertEquals(BROKER, settings.get("brokerName"));
        assertEquals(CLUSTER, settings.get("brokerClusterName"));
        assertEquals(String.valueOf(16 * 1024 * 1024), settings.get("mappedFileSizeCommitLog"), "a store key");
        assertEquals(home.resolve("store-" + BROKER).toString(), settings.get("storePathRootDir"));
        assertEquals(lines.size() - 1, settings.size(), "every line is a setting: " + output);
    }

    @Test
    void updateBrokerConfigBrokerPermissionTakesTheBrokerOutOfTheWriteRouteAndBack() throws Exception {
        try {
            String output = run(new UpdateBrokerConfigSubCommand(), "-b", addr, "-k", "brokerPermission", "-v", "4");
            assertTrue(output.contains("update broker config success, " + addr), output);
            assertEquals("4", brokerConfig().get("brokerPermission"));
            Deadline.await("the read-only route", WAIT, () -> route(TRAFFIC).getQueueDatas().get(0).getPerm() == 4);
            assertTrue(route(TRAFFIC).getQueueDatas().stream().noneMatch(q -> PermName.isWriteable(q.getPerm())));
            // A new producer finds no writable queue; one with the old route cached is refused by the broker.
            DefaultMQProducer fresh = cluster.producer("AdminReadOnlyProducer");
            assertThrows(MQClientException.class, () -> fresh.send(message(TRAFFIC, "refused-1")));
            MQClientException refused = assertThrows(MQClientException.class,
                    () -> producer.send(message(TRAFFIC, "refused-2")));
            assertTrue(refused.getCause() instanceof MQBrokerException broker
                    && broker.getResponseCode() == ResponseCode.NO_PERMISSION, String.valueOf(refused.getCause()));
        } finally {
            run(new UpdateBrokerConfigSubCommand(), "-b", addr, "-k", "brokerPermission", "-v", "6");
        }
        assertEquals("6", brokerConfig().get("brokerPermission"));
        Deadline.await("the writable route", WAIT, () -> route(TRAFFIC).getQueueDatas().get(0).getPerm() == 6);
        assertEquals(SendStatus.SEND_OK, cluster.producer("AdminWritableProducer").send(message(TRAFFIC, "ok"))
                .getSendStatus());
        assertEquals(SendStatus.SEND_OK, producer.send(message(TRAFFIC, "ok-again")).getSendStatus());
    }

    @Test
    void updateBrokerConfigChangesRetentionAndMaxMessageSizeWhileRunningButNotStartOnlyStoreKeys() throws Exception {
        String before = brokerConfig().get("maxMessageSize");
        try {
            for (String[] kv : List.of(new String[] {"fileReservedTime", "48"}, new String[] {"deleteWhen", "01;13"},
                    new String[] {"maxMessageSize", "1024"})) {
                String output = run(new UpdateBrokerConfigSubCommand(), "-b", addr, "-k", kv[0], "-v", kv[1]);
                assertTrue(output.contains("update broker config success, " + addr), output);
                assertEquals(kv[1], brokerConfig().get(kv[0]));
            }
            MQBrokerException tooBig = assertThrows(MQBrokerException.class,
                    () -> producer.send(new Message(TRAFFIC, new byte[2048])));
            assertEquals(ResponseCode.MESSAGE_ILLEGAL, tooBig.getResponseCode(), tooBig.getMessage());
            assertEquals(SendStatus.SEND_OK, producer.send(new Message(TRAFFIC, new byte[100])).getSendStatus());

            SubCommandException refused = assertThrows(SubCommandException.class, () -> run(
                    new UpdateBrokerConfigSubCommand(), "-b", addr, "-k", "flushIntervalCommitLog", "-v", "700"));
            assertTrue(String.valueOf(refused.getCause()).contains("take effect at the next start only"),
                    String.valueOf(refused.getCause()));
            refused = assertThrows(SubCommandException.class, () -> run(
                    new UpdateBrokerConfigSubCommand(), "-b", addr, "-k", "mappedFileSizeCommitLog", "-v", "1048576"));
            assertTrue(String.valueOf(refused.getCause()).contains("keep the size they were made with"),
                    String.valueOf(refused.getCause()));
            assertEquals(String.valueOf(16 * 1024 * 1024), brokerConfig().get("mappedFileSizeCommitLog"));
        } finally {
            run(new UpdateBrokerConfigSubCommand(), "-b", addr, "-k", "maxMessageSize", "-v", before);
        }
        assertEquals(SendStatus.SEND_OK, producer.send(new Message(TRAFFIC, new byte[2048])).getSendStatus());
    }

    @Test
    void updateBrokerConfigStartAcceptSendRequestTimeStampRefusesSendsUntilThen() throws Exception {
        long tomorrow = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
        try {
            run(new UpdateBrokerConfigSubCommand(), "-b", addr, "-k", "startAcceptSendRequestTimeStamp", "-v",
                    String.valueOf(tomorrow));
            assertEquals(String.valueOf(tomorrow), brokerConfig().get("startAcceptSendRequestTimeStamp"));
            MQBrokerException refused = assertThrows(MQBrokerException.class,
                    () -> producer.send(message(TRAFFIC, "too-early"), new MessageQueue(TRAFFIC, BROKER, 0)));
            assertEquals(ResponseCode.SYSTEM_ERROR, refused.getResponseCode());
            assertTrue(refused.getErrorMessage().startsWith("broker unable to service, until "
                    + java.time.LocalDate.ofInstant(java.time.Instant.ofEpochMilli(tomorrow), java.time.ZoneId.systemDefault())),
                    refused.getErrorMessage());
            assertEquals(String.valueOf(tomorrow), brokerStatus(run(new BrokerStatusSubCommand(), "-b", addr))
                    .get("startAcceptSendRequestTimeStamp"));
        } finally {
            run(new UpdateBrokerConfigSubCommand(), "-b", addr, "-k", "startAcceptSendRequestTimeStamp", "-v", "0");
        }
        assertEquals(SendStatus.SEND_OK, producer.send(message(TRAFFIC, "on-time"), new MessageQueue(TRAFFIC, BROKER, 0))
                .getSendStatus());
    }

    /** The TPS of a clusterList {@code %9.2f(queueSize,headWaitms)} column; fails on any other shape. */
    private static double tps(String column) {
        Matcher m = Pattern.compile("(\\d+\\.\\d{2})\\((\\d+),(\\d+)ms\\)").matcher(column);
        assertTrue(m.matches(), column);
        return Double.parseDouble(m.group(1));
    }

    /** brokerStatus's {@code key : value} lines, parsed, in their order. */
    private static Map<String, String> brokerStatus(String output) {
        Map<String, String> info = new LinkedHashMap<>();
        for (String line : lines(output)) {
            int colon = line.indexOf(':');
            info.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        return info;
    }

    /** getBrokerConfig's {@code %-50s=  %s} lines, parsed. */
    private Map<String, String> brokerConfig() throws Exception {
        Map<String, String> settings = new HashMap<>();
        Pattern line = Pattern.compile("(\\S+) *=  (.*)");
        for (String l : run(new GetBrokerConfigCommand(), "-b", addr).split("\\R")) {
            Matcher m = line.matcher(l);
            if (m.matches()) {
                assertEquals(50, l.indexOf('='), "key padded to 50: " + l);
                settings.put(m.group(1), m.group(2));
            }
        }
        return settings;
    }

    /** consumerProgress rows of one topic: topic, broker, queue, broker offset, consumer offset, diff, last time. */
    private static List<String[]> progressOf(String group, String topic) throws Exception {
        return progressRows(run(new ConsumerProgressSubCommand(), "-g", group), topic);
    }

    private static List<String[]> progressRows(String output, String topic) {
        return lines(output).stream().filter(l -> l.startsWith(topic + " ")).map(l -> l.split("\\s+")).toList();
    }

    /** The route topicRoute prints, or null when the name server has none. */
    private static TopicRouteData route(String topic) throws Exception {
        try {
            return TopicRouteData.fromJson(run(new TopicRouteSubCommand(), "-t", topic).trim(), TopicRouteData.class);
        } catch (SubCommandException e) {
            return null;
        }
    }

    private Map<String, Object> topicTable() throws Exception {
        return Json.asObject(jsonFile("topics.json").get("topicConfigTable"), "topicConfigTable");
    }

    private Map<String, Object> jsonFile(String name) throws Exception {
        return Json.parseObject(Files.readAllBytes(home.resolve("store-" + BROKER).resolve("config").resolve(name)));
    }

    private static SendResult send(DefaultMQProducer producer, String topic, String key) throws Exception {
        SendResult result = producer.send(message(topic, key));
        assertEquals(SendStatus.SEND_OK, result.getSendStatus(), result.toString());
        return result;
    }

    private static Message message(String topic, String key) {
        return new Message(topic, "TagA", key, ("body " + key).getBytes(StandardCharsets.UTF_8));
    }
}
