package dev.sluice.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.client.ClientConfig;
import dev.sluice.client.consumer.ConsumeFrom;
import dev.sluice.client.consumer.ConsumeResult;
import dev.sluice.client.consumer.LitePullConsumer;
import dev.sluice.client.consumer.PushConsumer;
import dev.sluice.client.testing.ApacheCluster;
import dev.sluice.client.testing.SluiceCluster;
import dev.sluice.client.testing.TestCluster;
import dev.sluice.remoting.json.Json;
import dev.sluice.testing.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.nio.charset.StandardCharsets;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.body.CMResult;
import org.apache.rocketmq.common.protocol.body.ConsumeMessageDirectlyResult;
import org.apache.rocketmq.common.protocol.body.ConsumeStatus;
import org.apache.rocketmq.common.protocol.body.ConsumerRunningInfo;
import org.apache.rocketmq.common.protocol.body.ProcessQueueInfo;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apache.rocketmq.tools.command.consumer.ConsumerStatusSubCommand;
import org.apache.rocketmq.tools.command.offset.GetConsumerStatusCommand;
import org.apache.rocketmq.tools.command.broker.BrokerConsumeStatsSubCommad;
import org.apache.rocketmq.tools.command.broker.BrokerStatusSubCommand;
import org.apache.rocketmq.tools.command.broker.CleanExpiredCQSubCommand;
import org.apache.rocketmq.tools.command.broker.CleanUnusedTopicCommand;
import org.apache.rocketmq.tools.command.broker.GetBrokerConfigCommand;
import org.apache.rocketmq.tools.command.broker.SendMsgStatusCommand;
import org.apache.rocketmq.tools.command.cluster.CLusterSendMsgRTCommand;
import org.apache.rocketmq.tools.command.cluster.ClusterListSubCommand;
import org.apache.rocketmq.tools.command.consumer.ConsumerProgressSubCommand;
import org.apache.rocketmq.tools.command.message.QueryMsgByKeySubCommand;
import org.apache.rocketmq.tools.command.stats.StatsAllSubCommand;
import org.apache.rocketmq.tools.command.topic.TopicClusterSubCommand;
import org.apache.rocketmq.tools.command.topic.TopicListSubCommand;
import org.apache.rocketmq.tools.command.topic.TopicRouteSubCommand;
import org.apache.rocketmq.tools.command.topic.TopicStatusSubCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * clusterList, topicRoute, consumerProgress, queryMsgByKey, consumerStatus and getConsumerStatus against a Sluice
 * cluster and an Apache RocketMQ 4.9.7 one, with the same traffic on both: 20 messages consumed by a group, then 5
 * more it has not consumed. The output is parsed column by column and compared with what the traffic implies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MqAdminBothClustersTest {
    private static final String TOPIC = "AdminBothTopic";
    private static final String GROUP = "AdminBothGroup";
    private static final int CONSUMED = 20;
    private static final int PENDING = 5;

    @TempDir
    static Path dir;
    private final Map<String, TestCluster> clusters = new HashMap<>();
    private final Map<String, List<SendResult>> sent = new HashMap<>();

    @BeforeAll
    void startBothWithTraffic() throws Exception {
        CompletableFuture<TestCluster> sluice = start(() -> SluiceCluster.start(dir.resolve("sluice"), new Properties()));
        CompletableFuture<TestCluster> apache = start(() -> ApacheCluster.start(dir.resolve("apache"), new Properties()));
        RuntimeException failure = null;
        for (CompletableFuture<TestCluster> future : List.of(sluice, apache)) {
            try {
                TestCluster cluster = future.join();
                clusters.put(cluster.kind(), cluster);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            stopBoth();
            throw failure;
        }
        for (TestCluster cluster : clusters.values()) {
            CliRun.of("updateTopic", "-n", cluster.namesrvAddr(), "-c", cluster.clusterName(), "-t", TOPIC, "-r", "4", "-w", "4").ok();
            List<SendResult> results = new ArrayList<>(Traffic.send(cluster, TOPIC, "key-", 0, CONSUMED));
            Traffic.consume(cluster, GROUP, TOPIC, CONSUMED);
            results.addAll(Traffic.send(cluster, TOPIC, "key-", CONSUMED, PENDING));
            sent.put(cluster.kind(), results);
        }
    }

    private interface Starter {
        TestCluster start() throws Exception;
    }

    private static CompletableFuture<TestCluster> start(Starter starter) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return starter.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterAll
    void stopBoth() throws Exception {
        for (TestCluster cluster : clusters.values()) {
            cluster.close();
        }
    }

    Stream<String> kinds() {
        return Stream.of("Sluice", "Apache");
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void clusterListShowsTheBrokerInRocketMqColumns(String kind) {
        TestCluster cluster = clusters.get(kind);
        CliRun run = CliRun.of("clusterList", "-n", cluster.namesrvAddr()).ok();
        String[] lines = run.out().split("\n");
        assertEquals(List.of("#Cluster", "Name", "#Broker", "Name", "#BID", "#Addr", "#Version", "#InTPS(LOAD)",
                "#OutTPS(LOAD)", "#PCWait(ms)", "#Hour", "#SPACE"), List.of(lines[0].trim().split("\\s+")));
        List<String[]> rows = run.rows();
        assertEquals(1, rows.size(), run.out());
        String[] row = rows.get(0);
        assertEquals(10, row.length, run.out());
        assertEquals(List.of(cluster.clusterName(), cluster.brokerName(), "0", cluster.brokerAddr(), "V4_9_7"),
                List.of(row).subList(0, 5));
        assertTrue(row[5].matches("\\d+\\.\\d{2}\\(\\d+,\\d+ms\\)"), row[5]);
        assertTrue(row[6].matches("\\d+\\.\\d{2}\\(\\d+,\\d+ms\\)"), row[6]);
        assertTrue(row[7].matches("\\d+"), row[7]);
        double hours = Double.parseDouble(row[8]);
        if (kind.equals("Sluice")) {
            assertTrue(hours >= 0 && hours < 1, "the first message was stored minutes ago, not " + row[8] + " hours");
        } // Apache 4.9.7 reports earliestMessageTimeStamp -1 until its commit log holds 2 x maxMessageSize bytes
        assertTrue(row[9].matches("[01]\\.\\d{4}"), row[9]);
        // the column layout itself: the address starts where RocketMQ's format puts it
        String line = lines[1];
        assertEquals(16 + 2 + 22 + 2 + 4 + 2, line.indexOf(cluster.brokerAddr()), line);
    }

    @Test
    void clusterListDiskColumnAgreesBetweenSluiceAndApacheOnTheSameDisk() {
        double sluice = Double.parseDouble(CliRun.of("clusterList", "-n", clusters.get("Sluice").namesrvAddr()).ok().rows().get(0)[9]);
        double apache = Double.parseDouble(CliRun.of("clusterList", "-n", clusters.get("Apache").namesrvAddr()).ok().rows().get(0)[9]);
        assertEquals(apache, sluice, 0.02);
    }

    /**
     * brokerStatus' runtime info, which monitoring (rocketmq-exporter, the dashboard) parses key by key: Sluice reports
     * every key Apache's broker reports, each value in the same shape (a number, three TPS figures, a byte size, ...).
     */
    @Test
    void runtimeInfoHasEveryKeyApacheReportsInTheSameShape() throws Exception {
        Map<String, Map<String, String>> tables = new HashMap<>();
        for (TestCluster cluster : clusters.values()) {
            DefaultMQAdminExt admin = new DefaultMQAdminExt();
            admin.setNamesrvAddr(cluster.namesrvAddr());
            admin.setInstanceName(Traffic.instance());
            admin.start();
            try {
                tables.put(cluster.kind(), admin.fetchBrokerRuntimeStats(cluster.brokerAddr()).getTable());
            } finally {
                admin.shutdown();
            }
        }
        Map<String, String> apache = withoutPaths(tables.get("Apache"));
        Map<String, String> sluice = withoutPaths(tables.get("Sluice"));
        assertEquals(Set.of(), new TreeSet<>(apache.keySet()).stream().filter(k -> !sluice.containsKey(k))
                .collect(Collectors.toSet()), "keys Apache reports and Sluice does not");
        Map<String, String> apacheShapes = new TreeMap<>();
        Map<String, String> sluiceShapes = new TreeMap<>();
        apache.forEach((k, v) -> {
            // Apache prints "null" for the latency ranges until its first minute has passed.
            if (!v.equals("null")) {
                apacheShapes.put(k, shape(v));
                sluiceShapes.put(k, shape(sluice.get(k)));
            }
        });
        assertEquals(apacheShapes, sluiceShapes, "Apache " + new TreeMap<>(apache) + "\nSluice " + new TreeMap<>(sluice));
        assertTrue(Long.parseLong(sluice.get("putMessageTimesTotal")) >= CONSUMED + PENDING, sluice.toString());
        assertTrue(Long.parseLong(sluice.get("putMessageSizeTotal")) > 0, sluice.toString());
        assertTrue(Long.parseLong(sluice.get("bootTimestamp")) <= System.currentTimeMillis(), sluice.toString());
    }

    /** The per-path key "commitLogDiskRatio_/the/store/commitlog" named without its path. */
    private static Map<String, String> withoutPaths(Map<String, String> table) {
        Map<String, String> named = new TreeMap<>();
        table.forEach((k, v) -> named.put(k.startsWith("commitLogDiskRatio_") ? "commitLogDiskRatio_<path>" : k, v));
        return named;
    }

    private static String shape(String value) {
        String number = "-?\\d+(\\.\\d+)?(E-?\\d+)?";
        if (value.matches(number)) {
            return "number";
        }
        // Apache leaves out the 1 and 10 minute rates until it has sampled that long: "0.39  ".
        if (value.matches(number + " (" + number + ")? ?(" + number + ")?")) {
            return "rates over 10 s, 1 min, 10 min";
        }
        if (value.matches("\\d+ B|\\d+\\.\\d [KMGTPE]iB")) {
            return "byte size";
        }
        if (value.matches("Total : .+, Free : .+\\.")) {
            return "disk capacity";
        }
        if (value.matches("\\[ \\d+ days, \\d+ hours, \\d+ minutes, \\d+ seconds \\]")) {
            return "uptime";
        }
        if (value.matches("(\\[[^]]+]:\\d+ ){13}")) {
            return "13 latency ranges";
        }
        return value.matches("true|false") ? "boolean" : "text: " + value;
    }

    /**
     * What the broker keeps of a message: RocketMQ 4.9.7 drops the WAIT=true a producer sends with a plain message (it
     * is the default) but keeps it in a batch and in a delayed message (stored on SCHEDULE_TOPIC_XXXX until due), so
     * the same sends must come back with the same properties and the same stored sizes.
     */
    @Test
    void singleAndBatchMessagesAreStoredWithTheSamePropertiesAndSizeOnBoth() throws Exception {
        String topic = "StoredFormTopic";
        Map<String, List<Object>> stored = new TreeMap<>();
        for (TestCluster cluster : clusters.values()) {
            CliRun.of("updateTopic", "-n", cluster.namesrvAddr(), "-c", cluster.clusterName(), "-t", topic, "-r", "1", "-w", "1").ok();
            DefaultMQProducer producer = new DefaultMQProducer("stored-form-producer");
            producer.setNamesrvAddr(cluster.namesrvAddr());
            producer.setInstanceName(Traffic.instance());
            producer.setSendMsgTimeout(10_000);
            DefaultMQAdminExt admin = new DefaultMQAdminExt();
            admin.setNamesrvAddr(cluster.namesrvAddr());
            admin.setInstanceName(Traffic.instance());
            producer.start();
            admin.start();
            try {
                MessageQueue queue = new MessageQueue(topic, cluster.brokerName(), 0);
                String single = producer.send(new Message(topic, "TagA", "single",
                        "single body".getBytes(StandardCharsets.UTF_8)), queue).getOffsetMsgId();
                List<Message> batch = List.of(
                        new Message(topic, "TagB", "batch-0", "batch body 0".getBytes(StandardCharsets.UTF_8)),
                        new Message(topic, "TagB", "batch-1", "batch body 1".getBytes(StandardCharsets.UTF_8)));
                String batchIds = producer.send(batch, queue).getOffsetMsgId();
                Message delayed = new Message(topic, "TagC", "delayed", "delayed body".getBytes(StandardCharsets.UTF_8));
                delayed.setDelayTimeLevel(18);
                String schedule = producer.send(delayed, queue).getOffsetMsgId();
                List<Object> forms = new ArrayList<>();
                for (String id : List.of(single, batchIds.split(",")[0], schedule)) {
                    MessageExt m = admin.viewMessage(topic, id);
                    // the cluster's name is a stored property; the names of the two test clusters may differ
                    forms.add(new TreeSet<>(m.getProperties().keySet()) + " size-minus-cluster-name="
                            + (m.getStoreSize() - cluster.clusterName().length()));
                }
                stored.put(cluster.kind(), forms);
            } finally {
                admin.shutdown();
                producer.shutdown();
            }
        }
        assertEquals(stored.get("Apache"), stored.get("Sluice"));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    @SuppressWarnings("unchecked")
    void topicRoutePrintsTheRouteAsJson(String kind) {
        TestCluster cluster = clusters.get(kind);
        CliRun run = CliRun.of("topicRoute", "-n", cluster.namesrvAddr(), "-t", TOPIC).ok();
        Map<String, Object> route = Json.asObject(Json.parse(run.out()), "route");
        List<Object> brokers = (List<Object>) route.get("brokerDatas");
        assertEquals(1, brokers.size(), run.out());
        Map<String, Object> broker = (Map<String, Object>) brokers.get(0);
        assertEquals(cluster.brokerName(), broker.get("brokerName"));
        assertEquals(cluster.clusterName(), broker.get("cluster"));
        assertEquals(Map.of("0", cluster.brokerAddr()), broker.get("brokerAddrs"));
        List<Object> queues = (List<Object>) route.get("queueDatas");
        assertEquals(1, queues.size(), run.out());
        Map<String, Object> queue = (Map<String, Object>) queues.get(0);
        assertEquals(cluster.brokerName(), queue.get("brokerName"));
        assertEquals(4L, queue.get("readQueueNums"));
        assertEquals(4L, queue.get("writeQueueNums"));
        assertEquals(6L, queue.get("perm"));
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void consumerProgressShowsTheLagOfEachQueue(String kind) throws Exception {
        TestCluster cluster = clusters.get(kind);
        // what the traffic implies per queue: everything sent minus the 5 sent after the group stopped
        Map<Integer, Long> end = new HashMap<>();
        Map<Integer, Long> consumed = new HashMap<>();
        List<SendResult> results = sent.get(kind);
        for (int i = 0; i < results.size(); i++) {
            SendResult r = results.get(i);
            int queue = r.getMessageQueue().getQueueId();
            end.merge(queue, r.getQueueOffset() + 1, Math::max);
            if (i < CONSUMED) {
                consumed.merge(queue, r.getQueueOffset() + 1, Math::max);
            }
        }
        // the consumer commits its offsets asynchronously (oneway): poll until the broker has them all
        CliRun[] last = new CliRun[1];
        try {
            Deadline.await("consumerProgress shows the committed offsets", Duration.ofSeconds(30), () -> {
                last[0] = CliRun.of("consumerProgress", "-n", cluster.namesrvAddr(), "-g", GROUP);
                return last[0].status() == 0 && consumerOffsets(last[0]).equals(withZeros(consumed));
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; expected consumer offsets " + withZeros(consumed) + ", last output:\n"
                    + last[0].out() + last[0].err(), e);
        }
        CliRun run = last[0];
        assertEquals(List.of("#Topic", "#Broker", "Name", "#QID", "#Broker", "Offset", "#Consumer", "Offset", "#Diff",
                "#LastTime"), List.of(run.out().split("\n")[0].trim().split("\\s+")));
        long diffTotal = 0;
        Set<Integer> queues = new TreeSet<>();
        for (String[] row : run.rows()) {
            if (row[0].equals("Consume") || row[0].equals("Diff")) {
                continue;
            }
            long brokerOffset = Long.parseLong(row[3]);
            long consumerOffset = Long.parseLong(row[4]);
            long diff = Long.parseLong(row[5]);
            assertEquals(brokerOffset - consumerOffset, diff, String.join(" ", row));
            diffTotal += diff;
            if (row[0].equals(TOPIC)) {
                assertEquals(cluster.brokerName(), row[1]);
                int queueId = Integer.parseInt(row[2]);
                queues.add(queueId);
                assertEquals(end.getOrDefault(queueId, 0L), brokerOffset, "queue " + queueId + "\n" + run.out());
            }
        }
        assertEquals(Set.of(0, 1, 2, 3), queues, run.out());
        assertTrue(run.out().contains("\nDiff Total: " + diffTotal + "\n"), run.out());
        assertEquals(PENDING, diffTotal, run.out());
    }

    private static Map<Integer, Long> consumerOffsets(CliRun run) {
        Map<Integer, Long> offsets = new HashMap<>();
        for (String[] row : run.rows()) {
            if (row[0].equals(TOPIC)) {
                offsets.put(Integer.parseInt(row[2]), Long.parseLong(row[4]));
            }
        }
        return offsets;
    }

    private static Map<Integer, Long> withZeros(Map<Integer, Long> offsets) {
        Map<Integer, Long> all = new HashMap<>();
        for (int q = 0; q < 4; q++) {
            all.put(q, offsets.getOrDefault(q, 0L));
        }
        return all;
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void queryMsgByKeyFindsExactlyTheMessageWithThatKey(String kind) throws Exception {
        TestCluster cluster = clusters.get(kind);
        SendResult seven = sent.get(kind).get(7);
        CliRun[] last = new CliRun[1];
        Deadline.await("the key index has key-7", Duration.ofSeconds(30), () -> {
            last[0] = CliRun.of("queryMsgByKey", "-n", cluster.namesrvAddr(), "-t", TOPIC, "-k", "key-7");
            return last[0].status() == 0 && !last[0].rows().isEmpty();
        });
        CliRun run = last[0];
        assertEquals(List.of("#Message", "ID", "#QID", "#Offset"), List.of(run.out().split("\n")[0].trim().split("\\s+")));
        assertEquals(1, run.rows().size(), "key-7 but not key-17 or key-70: " + run.out());
        assertEquals(List.of(seven.getMsgId(), String.valueOf(seven.getMessageQueue().getQueueId()),
                String.valueOf(seven.getQueueOffset())), List.of(run.rows().get(0)));

        CliRun none = CliRun.of("queryMsgByKey", "-n", cluster.namesrvAddr(), "-t", TOPIC, "-k", "no-such-key").ok();
        assertTrue(none.rows().isEmpty(), none.out());
    }

    /**
     * The official 4.9.7 tool and this CLI on the same cluster print the same thing, line for line, except values
     * that move between the two runs (TPS, hours since the first message).
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void outputMatchesTheOfficialTool(String kind) throws Exception {
        TestCluster cluster = clusters.get(kind);
        String n = cluster.namesrvAddr();

        String[] official = OfficialTool.run(n, new ClusterListSubCommand()).split("\n");
        String[] ours = CliRun.of("clusterList", "-n", n).ok().out().split("\n");
        assertEquals(official[0], ours[0], "header");
        assertEquals(official.length, ours.length);
        for (int i = 1; i < ours.length; i++) {
            String[] o = official[i].trim().split("\\s+");
            String[] s = ours[i].trim().split("\\s+");
            assertEquals(List.of(o).subList(0, 5), List.of(s).subList(0, 5), ours[i]);
            assertEquals(o[7] + " " + o[9], s[7] + " " + s[9], "PCWait and SPACE: " + official[i] + " / " + ours[i]);
            assertEquals(official[i].indexOf(o[8]) + o[8].length(), ours[i].indexOf(s[8]) + s[8].length(), "columns end alike");
        }

        assertEquals(OfficialTool.run(n, new TopicStatusSubCommand(), "-t", TOPIC),
                CliRun.of("topicStatus", "-n", n, "-t", TOPIC).ok().out());
        assertEquals(OfficialTool.run(n, new TopicClusterSubCommand(), "-t", TOPIC),
                CliRun.of("topicClusterList", "-n", n, "-t", TOPIC).ok().out());
        String b = cluster.brokerAddr();
        String officialConsumeStats = OfficialTool.run(n, new BrokerConsumeStatsSubCommad(), "-b", b);
        assertTrue(officialConsumeStats.contains(GROUP), officialConsumeStats);
        assertEquals(officialConsumeStats, CliRun.of("brokerConsumeStats", "-n", n, "-b", b).ok().out());
        assertEquals(OfficialTool.run(n, new BrokerConsumeStatsSubCommad(), "-b", b, "-l", "2"),
                CliRun.of("brokerConsumeStats", "-n", n, "-b", b, "-l", "2").ok().out());
        assertEquals(OfficialTool.run(n, new CleanExpiredCQSubCommand(), "-b", b),
                CliRun.of("cleanExpiredCQ", "-n", n, "-b", b).ok().out());
        assertEquals(OfficialTool.run(n, new CleanUnusedTopicCommand(), "-b", b),
                CliRun.of("cleanUnusedTopic", "-n", n, "-b", b).ok().out());
        assertEquals(withoutTps(OfficialTool.run(n, new ConsumerProgressSubCommand(), "-g", GROUP)),
                withoutTps(CliRun.of("consumerProgress", "-n", n, "-g", GROUP).ok().out()));
        assertEquals(OfficialTool.run(n, new QueryMsgByKeySubCommand(), "-t", TOPIC, "-k", "key-3"),
                CliRun.of("queryMsgByKey", "-n", n, "-t", TOPIC, "-k", "key-3").ok().out());
        assertEquals(new TreeSet<>(List.of(OfficialTool.run(n, new TopicListSubCommand()).split("\n"))),
                new TreeSet<>(List.of(CliRun.of("topicList", "-n", n).ok().out().split("\n"))));
        // the same route; the official tool writes fastjson's unquoted broker-id keys, this CLI standard JSON
        assertEquals(Json.parse(OfficialTool.run(n, new TopicRouteSubCommand(), "-t", TOPIC)),
                Json.parse(CliRun.of("topicRoute", "-n", n, "-t", TOPIC).ok().out()));
        assertEquals(keys(OfficialTool.run(n, new BrokerStatusSubCommand(), "-b", cluster.brokerAddr())),
                keys(CliRun.of("brokerStatus", "-n", n, "-b", cluster.brokerAddr()).ok().out()));
        // the same lines; the official tool prints them in hash order, this CLI sorted by key
        assertEquals(sortedLines(OfficialTool.run(n, new GetBrokerConfigCommand(), "-b", cluster.brokerAddr())),
                sortedLines(CliRun.of("getBrokerConfig", "-n", n, "-b", cluster.brokerAddr()).ok().out()));
        // statsAll: the same table; the TPS columns move with the clock, so only their shape is compared
        String officialStats = OfficialTool.run(n, new StatsAllSubCommand(), "-t", TOPIC);
        String ourStats = CliRun.of("statsAll", "-n", n, "-t", TOPIC).ok().out();
        assertEquals(withoutRates(officialStats), withoutRates(ourStats), officialStats + ourStats);
        String[] row = ourStats.lines().filter(l -> l.startsWith(TOPIC)).findFirst().orElseThrow().trim().split("\\s+");
        assertEquals(List.of(TOPIC, GROUP, "5"), List.of(row).subList(0, 3), "the backlog: " + ourStats);
        if (kind.equals("Sluice")) { // Apache's counts come from snapshots taken every 10 s, so they may lag
            assertEquals("25", row[5], "messages put in the last day: " + ourStats);
            assertTrue(Long.parseLong(row[6]) >= 20, "messages got in the last day: " + ourStats);
        }
    }

    /**
     * sendMsgStatus and clusterRT time real sends to the topic named after the broker group. They print the official
     * tool's lines; only the times differ.
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void sendProbesPrintTheOfficialToolsLines(String kind) throws Exception {
        TestCluster cluster = clusters.get(kind);
        String n = cluster.namesrvAddr();
        String broker = cluster.brokerName();

        Pattern sent = Pattern.compile("rt=\\d+ms, SendResult=SendResult \\[sendStatus=SEND_OK, msgId=[0-9A-F]+, "
                + "offsetMsgId=[0-9A-F]{32}, messageQueue=MessageQueue \\[topic=" + broker + ", brokerName=" + broker
                + ", queueId=0\\], queueOffset=(\\d+)\\]");
        List<Long> offsets = new ArrayList<>();
        for (String output : List.of(OfficialTool.run(n, new SendMsgStatusCommand(), "-b", broker, "-c", "3"),
                CliRun.of("sendMsgStatus", "-n", n, "-b", broker, "-c", "3").ok().out())) {
            assertEquals(3, output.lines().count(), output);
            for (String line : output.lines().toList()) {
                Matcher matcher = sent.matcher(line);
                assertTrue(matcher.matches(), line);
                offsets.add(Long.parseLong(matcher.group(1)));
            }
        }
        // the topic has one queue, and each tool sends one untimed message before its three
        long first = offsets.get(0);
        assertEquals(List.of(first, first + 1, first + 2, first + 4, first + 5, first + 6), offsets);

        Predicate<String> twoRounds = out -> out.lines().filter(l -> l.startsWith(cluster.clusterName())).count() >= 2;
        String[] rtArgs = {"-a", "3", "-i", "1", "-c", cluster.clusterName()};
        String official = OfficialTool.runUntil(n, new CLusterSendMsgRTCommand(), twoRounds, Duration.ofSeconds(60), rtArgs);
        String ours = CliRun.until(twoRounds, Duration.ofSeconds(60),
                Stream.concat(Stream.of("clusterRT", "-n", n), Stream.of(rtArgs)).toArray(String[]::new)).out();
        assertEquals(official.lines().findFirst(), ours.lines().findFirst(), "header");
        // the RT column's width moves with its value, the others are fixed
        String row = String.format("%-24s  %-24s  _ %-16s  %-16s", cluster.clusterName(), broker, 3, 0);
        for (String output : List.of(official, ours)) {
            List<String> rows = output.lines().skip(1).limit(2).map(l -> l.replaceFirst("\\d+\\.\\d\\d +", "_ ")).toList();
            assertEquals(List.of(row, row), rows, output);
        }

        Pattern tlog = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\|east\\|" + cluster.clusterName()
                + "\\|" + broker + "\\|\\d+");
        String[] tlogArgs = {"-a", "2", "-p", "true", "-m", "east"};
        Predicate<String> oneLine = out -> out.contains("\n");
        for (String output : List.of(OfficialTool.runUntil(n, new CLusterSendMsgRTCommand(), oneLine, Duration.ofSeconds(60), tlogArgs),
                CliRun.until(oneLine, Duration.ofSeconds(60), Stream.concat(Stream.of("clusterRT", "-n", n),
                        Stream.of(tlogArgs)).toArray(String[]::new)).out())) {
            String line = output.lines().findFirst().orElseThrow();
            assertTrue(tlog.matcher(line).matches(), line);
        }
    }

    /** statsAll lines with each TPS figure (a number with two decimals) replaced by a mark. */
    private static String withoutRates(String output) {
        return output.replaceAll("\\d+\\.\\d{2}", "_").replaceAll(" +", " ");
    }

    /** The keys of {@code key: value} lines, in order. */
    private static List<String> keys(String output) {
        return output.lines().map(l -> l.substring(0, l.indexOf(": ")).trim()).toList();
    }

    private static List<String> sortedLines(String output) {
        return output.lines().sorted().toList();
    }

    private static String withoutTps(String output) {
        return output.replaceAll("Consume TPS: [0-9.]+", "Consume TPS: _");
    }

    /**
     * consumerStatus and queryMsgById's direct consumption reach a Sluice push consumer: the broker relays the official
     * admin's request, and the official admin parses the consumer's answer.
     */
    @ParameterizedTest
    @MethodSource("kinds")
    void consumerStatusAndDirectConsumptionReachASluicePushConsumer(String kind) throws Exception {
        TestCluster cluster = clusters.get(kind);
        String topic = "StatusTopic";
        String group = "SluiceStatusGroup";
        CliRun.of("updateTopic", "-n", cluster.namesrvAddr(), "-c", cluster.clusterName(), "-t", topic, "-r", "2", "-w", "2").ok();
        SendResult sent = Traffic.send(cluster, topic, "status-", 0, 1).get(0);
        AtomicInteger deliveries = new AtomicInteger();
        AtomicBoolean fail = new AtomicBoolean();
        ClientConfig config = new ClientConfig().namesrvAddr(cluster.namesrvAddr()).instanceName(Traffic.instance())
                .clientIp("127.0.0.1");
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr());
        admin.setInstanceName(Traffic.instance());
        try (PushConsumer consumer = new PushConsumer(group, config).subscribe(topic, "TagA || TagB")
                .setConsumeFrom(ConsumeFrom.FIRST_OFFSET).setConcurrentListener(messages -> {
                    if (fail.get()) {
                        throw new IllegalStateException("told to fail");
                    }
                    deliveries.addAndGet(messages.size());
                    return ConsumeResult.SUCCESS;
                }).start()) {
            admin.start();
            Deadline.await("the message is consumed", Duration.ofSeconds(30), () -> deliveries.get() == 1);
            String clientId = "127.0.0.1@" + config.instanceName();
            MessageQueue sentTo = sent.getMessageQueue();
            ConsumerRunningInfo[] answer = new ConsumerRunningInfo[1];
            Deadline.await("the consumer reports the consumed queue", Duration.ofSeconds(30), () -> {
                answer[0] = admin.getConsumerRunningInfo(group, clientId, true);
                ProcessQueueInfo queue = answer[0].getMqTable().get(sentTo);
                return queue != null && queue.getCommitOffset() == sent.getQueueOffset() + 1;
            });
            ConsumerRunningInfo info = answer[0];
            assertEquals(Set.of(new MessageQueue(topic, cluster.brokerName(), 0), new MessageQueue(topic, cluster.brokerName(), 1)),
                    info.getMqTable().keySet().stream().filter(q -> q.getTopic().equals(topic)).collect(Collectors.toSet()));
            ProcessQueueInfo queue = info.getMqTable().get(sentTo);
            assertEquals(0, queue.getCachedMsgCount(), queue.toString());
            assertFalse(queue.isDroped());
            assertTrue(queue.getLastPullTimestamp() > 0 && queue.getLastConsumeTimestamp() > 0, queue.toString());
            assertEquals("TagA || TagB", info.getSubscriptionSet().stream().filter(s -> s.getTopic().equals(topic))
                    .findFirst().orElseThrow().getSubString());
            assertEquals(group, info.getProperties().getProperty("consumerGroup"));
            assertEquals("CONSUME_PASSIVELY", info.getProperties().getProperty(ConsumerRunningInfo.PROP_CONSUME_TYPE));
            assertEquals("false", info.getProperties().getProperty(ConsumerRunningInfo.PROP_CONSUME_ORDERLY));
            ConsumeStatus status = info.getStatusTable().get(topic);
            assertTrue(status.getConsumeOKTPS() > 0 && status.getPullTPS() > 0, "rates of the last minute: " + status);
            assertEquals(0, status.getConsumeFailedMsgs());
            assertTrue(info.getJstack().contains("Thread: "), "jstack asked for");
            // what an operator reads: both the analysis of all members and one member's details
            assertTrue(ConsumerRunningInfo.analyzeSubscription(new TreeMap<>(Map.of(clientId, info))));
            String details = OfficialTool.run(cluster.namesrvAddr(), new ConsumerStatusSubCommand(), "-g", group, "-i", clientId);
            assertTrue(details.contains("#Consumer Subscription#") && details.contains("TagA || TagB"), details);

            ConsumeMessageDirectlyResult direct = admin.consumeMessageDirectly(group, clientId, sent.getOffsetMsgId());
            assertEquals(CMResult.CR_SUCCESS, direct.getConsumeResult(), direct.toString());
            assertFalse(direct.isOrder());
            assertEquals(2, deliveries.get(), "the listener got the stored message once more");
            fail.set(true);
            ConsumeMessageDirectlyResult threw = admin.consumeMessageDirectly(group, clientId, sent.getOffsetMsgId());
            assertEquals(CMResult.CR_THROW_EXCEPTION, threw.getConsumeResult(), threw.toString());
            assertTrue(threw.getRemark().contains("told to fail"), threw.getRemark());
            fail.set(false);

            // getConsumerStatus: the broker asks every member for the offsets it would commit on the topic
            Map<MessageQueue, Long> offsets = admin.getConsumeStatus(topic, group, "").get(clientId);
            assertEquals(sent.getQueueOffset() + 1, offsets.get(sentTo), String.valueOf(offsets));
            assertEquals(Set.of(topic), offsets.keySet().stream().map(MessageQueue::getTopic).collect(Collectors.toSet()));
            String table = OfficialTool.run(cluster.namesrvAddr(), new GetConsumerStatusCommand(), "-g", group, "-t", topic);
            List<String> row = List.of(clientId, cluster.brokerName(), String.valueOf(sentTo.getQueueId()),
                    String.valueOf(sent.getQueueOffset() + 1));
            assertTrue(table.lines().anyMatch(line -> List.of(line.trim().split("\\s+")).equals(row)), table);
        } finally {
            admin.shutdown();
        }
    }

    /** A lite pull consumer reports its settings and subscriptions, as RocketMQ's does, and no queues. */
    @ParameterizedTest
    @MethodSource("kinds")
    void consumerStatusReachesASluiceLitePullConsumer(String kind) throws Exception {
        TestCluster cluster = clusters.get(kind);
        String group = "SluiceLiteStatusGroup";
        ClientConfig config = new ClientConfig().namesrvAddr(cluster.namesrvAddr()).instanceName(Traffic.instance())
                .clientIp("127.0.0.1");
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr());
        admin.setInstanceName(Traffic.instance());
        try (LitePullConsumer consumer = new LitePullConsumer(group, config).subscribe(TOPIC, "TagA").start()) {
            admin.start();
            String clientId = "127.0.0.1@" + config.instanceName();
            Deadline.await("the lite pull consumer is online", Duration.ofSeconds(30), () -> {
                try {
                    return admin.examineConsumerConnectionInfo(group).getConnectionSet().stream()
                            .anyMatch(c -> c.getClientId().equals(clientId));
                } catch (Exception e) {
                    return false;
                }
            });
            ConsumerRunningInfo info = admin.getConsumerRunningInfo(group, clientId, false);
            assertEquals("CONSUME_ACTIVELY", info.getProperties().getProperty(ConsumerRunningInfo.PROP_CONSUME_TYPE));
            assertEquals(group, info.getProperties().getProperty("consumerGroup"));
            assertEquals("TagA", info.getSubscriptionSet().stream().filter(s -> s.getTopic().equals(TOPIC))
                    .findFirst().orElseThrow().getSubString());
            assertTrue(info.getMqTable().isEmpty(), "RocketMQ's lite pull consumer reports no queues either");
        } finally {
            admin.shutdown();
        }
    }
}
