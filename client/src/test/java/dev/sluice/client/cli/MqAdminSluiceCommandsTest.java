package dev.sluice.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.client.admin.Admin;
import dev.sluice.client.admin.SubscriptionGroupSettings;
import dev.sluice.client.testing.SluiceCluster;
import dev.sluice.client.testing.TestCluster;
import dev.sluice.remoting.json.Json;
import dev.sluice.testing.Deadline;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.tools.command.connection.ConsumerConnectionSubCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other mqadmin commands against one Sluice cluster, each checked by its effect: what a later command (or the
 * broker's own tables) shows, not only that something was printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MqAdminSluiceCommandsTest {
    @TempDir
    static Path dir;
    private TestCluster cluster;
    private String n;
    private Admin admin;

    @BeforeAll
    void start() throws Exception {
        cluster = SluiceCluster.start(dir, new Properties());
        n = cluster.namesrvAddr();
        admin = Admin.connect(List.of(n), Admin.DEFAULT_TIMEOUT_MILLIS);
    }

    @AfterAll
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private CliRun ok(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-n", n));
        return CliRun.of(all.toArray(String[]::new)).ok();
    }

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-n", n));
        return CliRun.of(all.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> queueData(String topic) {
        Map<String, Object> route = Json.asObject(Json.parse(ok("topicRoute", "-t", topic).out()), "route");
        return (Map<String, Object>) ((List<Object>) route.get("queueDatas")).get(0);
    }

    @Test
    void updateTopicThenRouteShowsItThenDeleteTopicRemovesIt() throws Exception {
        CliRun created = ok("updateTopic", "-c", cluster.clusterName(), "-t", "AdminT2", "-r", "3", "-w", "5", "-p", "4");
        assertTrue(created.out().contains("create topic to " + cluster.brokerAddr() + " success."), created.out());
        Deadline.await("the route has the new topic", Duration.ofSeconds(15), () -> run("topicRoute", "-t", "AdminT2").status() == 0);
        Map<String, Object> queues = queueData("AdminT2");
        assertEquals(List.of(3L, 5L, 4L), List.of(queues.get("readQueueNums"), queues.get("writeQueueNums"), queues.get("perm")));
        assertTrue(ok("topicList").out().lines().anyMatch("AdminT2"::equals));
        assertEquals(cluster.clusterName() + "\n", ok("topicClusterList", "-t", "AdminT2").out());

        ok("updateTopic", "-b", cluster.brokerAddr(), "-t", "AdminT2", "-r", "6", "-w", "6");
        Deadline.await("the route shows the change", Duration.ofSeconds(15),
                () -> Long.valueOf(6).equals(queueData("AdminT2").get("readQueueNums")));
        assertEquals(6L, queueData("AdminT2").get("perm"), "perm defaults to 6");

        CliRun deleted = ok("deleteTopic", "-t", "AdminT2", "-c", cluster.clusterName());
        assertTrue(deleted.out().contains("delete topic [AdminT2] from cluster [" + cluster.clusterName() + "] success."));
        CliRun gone = run("topicRoute", "-t", "AdminT2");
        assertEquals(1, gone.status(), gone.out());
        assertTrue(gone.err().contains("no route info for topic AdminT2"), gone.err());
        assertFalse(ok("topicList").out().lines().anyMatch("AdminT2"::equals));
    }

    @Test
    void topicStatusBrokerStatusAndTopicListShowTraffic() throws Exception {
        ok("updateTopic", "-b", cluster.brokerAddr(), "-t", "AdminT1", "-r", "2", "-w", "2");
        List<SendResult> sent = Traffic.send(cluster, "AdminT1", "t1-", 0, 3);
        long[] expectedMax = new long[2];
        for (SendResult r : sent) {
            int q = r.getMessageQueue().getQueueId();
            expectedMax[q] = Math.max(expectedMax[q], r.getQueueOffset() + 1);
        }
        // ConsumeQueues are written behind the CommitLog: read the table again until the three sends show.
        CliRun[] last = new CliRun[1];
        Deadline.await("topicStatus counts the three sends", Duration.ofSeconds(20), () -> {
            last[0] = ok("topicStatus", "-t", "AdminT1");
            return last[0].rows().stream().mapToLong(row -> Long.parseLong(row[3])).sum() == sent.size();
        });
        CliRun status = last[0];
        assertEquals(List.of("#Broker", "Name", "#QID", "#Min", "Offset", "#Max", "Offset", "#Last", "Updated"),
                List.of(status.out().split("\n")[0].trim().split("\\s+")));
        List<String[]> rows = status.rows();
        assertEquals(2, rows.size(), status.out());
        for (int q = 0; q < 2; q++) {
            String[] row = rows.get(q);
            assertEquals(List.of(cluster.brokerName(), String.valueOf(q), "0", String.valueOf(expectedMax[q])),
                    List.of(row).subList(0, 4), status.out());
            assertEquals(expectedMax[q] > 0, row.length > 4, "a last-updated time exactly when the queue has messages");
        }

        CliRun broker = ok("brokerStatus", "-b", cluster.brokerAddr());
        Map<String, String> keys = new HashMap<>();
        for (String line : broker.out().split("\n")) {
            int colon = line.indexOf(": ");
            keys.put(line.substring(0, colon).trim(), line.substring(colon + 2));
        }
        assertEquals("V4_9_7", keys.get("brokerVersionDesc"));
        assertTrue(Long.parseLong(keys.get("msgPutTotalTodayNow")) >= 3, broker.out());
        assertEquals(new TreeSet<>(keys.keySet()).first(), broker.out().split(":")[0].trim(), "sorted by key");
        CliRun byCluster = ok("brokerStatus", "-c", cluster.clusterName());
        assertTrue(byCluster.out().lines().allMatch(l -> l.startsWith(cluster.brokerAddr() + " ")), byCluster.out());
        assertEquals(broker.out().lines().count(), byCluster.out().lines().count());

        CliRun withClusters = ok("topicList", "-c");
        assertTrue(withClusters.rows().stream().anyMatch(r -> r[0].equals(cluster.clusterName()) && r[1].equals("AdminT1")),
                withClusters.out());
    }

    @Test
    void updateSubGroupThenDeleteSubGroup() throws Exception {
        CliRun created = ok("updateSubGroup", "-b", cluster.brokerAddr(), "-g", "AdminG1", "-r", "3", "-q", "2", "-s", "false");
        assertTrue(created.out().contains("create subscription group to " + cluster.brokerAddr() + " success."));
        SubscriptionGroupSettings group = admin.subscriptionGroups(cluster.brokerAddr()).get("AdminG1");
        // consumeFromMinEnable and consumeBroadcastEnable false, as the official tool writes them
        // (MqAdminBrokerCommandsTest.updateSubGroupStoresTheGroupOnTheBroker).
        assertEquals(new SubscriptionGroupSettings("AdminG1", false, false, false, 2, 3, 0, 1, true), group);

        ok("updateSubGroup", "-c", cluster.clusterName(), "-g", "AdminG1", "-r", "5");
        assertEquals(5, admin.subscriptionGroups(cluster.brokerAddr()).get("AdminG1").retryMaxTimes());

        CliRun deleted = ok("deleteSubGroup", "-b", cluster.brokerAddr(), "-g", "AdminG1");
        assertTrue(deleted.out().contains("delete subscription group [AdminG1] from broker [" + cluster.brokerAddr() + "] success."));
        assertFalse(admin.subscriptionGroups(cluster.brokerAddr()).containsKey("AdminG1"));
    }

    @Test
    void consumerConnectionAndAllGroupsProgressShowAnOnlineConsumerThenResetOffsetByTimeMakesItConsumeAgain()
            throws Exception {
        ok("updateTopic", "-b", cluster.brokerAddr(), "-t", "AdminT3", "-r", "2", "-w", "2");
        long beforeAll = System.currentTimeMillis() - 1000;
        Traffic.send(cluster, "AdminT3", "t3-", 0, 6);
        List<String> deliveries = Collections.synchronizedList(new ArrayList<>());
        DefaultMQPushConsumer consumer = Traffic.startConsumer(cluster, "AdminG2", "AdminT3", deliveries);
        try {
            Deadline.await("6 messages consumed", Duration.ofSeconds(60), () -> deliveries.size() >= 6);
            CliRun[] last = new CliRun[1];
            Deadline.await("the group's offsets are committed", Duration.ofSeconds(30), () -> {
                last[0] = run("consumerProgress", "-g", "AdminG2");
                return last[0].status() == 0 && last[0].out().contains("\nDiff Total: 0\n");
            });

            CliRun connection = ok("consumerConnection", "-g", "AdminG2");
            assertEquals(OfficialTool.run(n, new ConsumerConnectionSubCommand(), "-g", "AdminG2"), connection.out());
            List<String[]> rows = connection.rows();
            String[] member = rows.get(0);
            assertEquals(4, member.length, connection.out());
            assertTrue(member[0].contains("@admin-test-"), "clientId ip@instance: " + member[0]);
            assertTrue(member[1].startsWith("127.0.0.1:"), member[1]);
            assertEquals(List.of("JAVA", "V4_9_7"), List.of(member[2], member[3]));
            assertTrue(connection.out().contains("\nBelow is subscription:\n"), connection.out());
            assertTrue(rows.stream().anyMatch(r -> r.length == 2 && r[0].equals("AdminT3") && r[1].equals("*")), connection.out());
            assertTrue(rows.stream().anyMatch(r -> r[0].equals("%RETRY%AdminG2")), connection.out());
            assertTrue(connection.out().contains("ConsumeType: CONSUME_PASSIVELY\n"), connection.out());
            assertTrue(connection.out().contains("MessageModel: CLUSTERING\n"), connection.out());
            assertTrue(connection.out().contains("ConsumeFromWhere: CONSUME_FROM_FIRST_OFFSET\n"), connection.out());

            CliRun groups = ok("consumerProgress");
            String[] row = groups.rows().stream().filter(r -> r[0].equals("AdminG2")).findFirst().orElseThrow();
            assertEquals(List.of("AdminG2", "1", "V4_9_7", "PUSH", "CLUSTERING"), List.of(row).subList(0, 5), groups.out());
            assertEquals("0", row[6], "no lag: " + groups.out());

            // the broker tells the online member to start over from the first message (the client waits ~10 s)
            CliRun reset = ok("resetOffsetByTime", "-g", "AdminG2", "-t", "AdminT3", "-s", String.valueOf(beforeAll));
            assertTrue(reset.out().startsWith("rollback consumer offset by specified group[AdminG2], topic[AdminT3], force[true]"),
                    reset.out());
            List<String[]> offsets = reset.rows();
            assertEquals(List.of(cluster.brokerName(), "0", "0"), List.of(offsets.get(offsets.size() - 2)), reset.out());
            assertEquals(List.of(cluster.brokerName(), "1", "0"), List.of(offsets.get(offsets.size() - 1)), reset.out());
            Deadline.await("the 6 messages delivered again", Duration.ofSeconds(60), () -> deliveries.size() >= 12);
        } finally {
            consumer.shutdown();
        }
        CliRun offline = run("consumerConnection", "-g", "AdminG2");
        assertEquals(1, offline.status(), offline.out());
        assertTrue(offline.err().contains("code 206"), "CONSUMER_NOT_ONLINE: " + offline.err());
    }

    @Test
    void resetOffsetByTimeOfAnOfflineGroupRewritesItsCommittedOffsets() throws Exception {
        ok("updateTopic", "-b", cluster.brokerAddr(), "-t", "AdminT4", "-r", "2", "-w", "2");
        Traffic.send(cluster, "AdminT4", "t4-", 0, 6);
        Traffic.consume(cluster, "AdminG4", "AdminT4", 6);

        CliRun reset = ok("resetOffsetByTime", "-g", "AdminG4", "-t", "AdminT4", "-s", "0");
        List<String[]> rows = reset.rows();
        assertEquals(List.of(cluster.brokerName(), "1", "0"), List.of(rows.get(rows.size() - 1)), reset.out());
        CliRun progress = ok("consumerProgress", "-g", "AdminG4");
        assertTrue(progress.out().contains("\nDiff Total: 6\n"), "everything to consume again: " + progress.out());

        // forwards only with force: without it a later time leaves the offsets where they are
        ok("resetOffsetByTime", "-g", "AdminG4", "-t", "AdminT4", "-s", "now", "-f", "false");
        assertTrue(ok("consumerProgress", "-g", "AdminG4").out().contains("\nDiff Total: 6\n"));
    }

    @Test
    void queryMsgByIdAndByOffsetPrintTheMessage() throws Exception {
        ok("updateTopic", "-b", cluster.brokerAddr(), "-t", "AdminT5", "-r", "1", "-w", "1");
        SendResult sent = Traffic.send(cluster, "AdminT5", "by-id-", 0, 2).get(1);
        Map<String, String> byOffsetId = fields(ok("queryMsgById", "-i", sent.getOffsetMsgId()));
        assertEquals(sent.getOffsetMsgId(), byOffsetId.get("OffsetID"));
        assertEquals(sent.getMsgId(), byOffsetId.get("MsgId"));
        assertEquals("AdminT5", byOffsetId.get("Topic"));
        assertEquals("[TagA]", byOffsetId.get("Tags"));
        assertEquals("[by-id-1]", byOffsetId.get("Keys"));
        assertEquals("0", byOffsetId.get("Queue ID"));
        assertEquals(String.valueOf(sent.getQueueOffset()), byOffsetId.get("Queue Offset"));
        assertEquals(cluster.brokerAddr(), byOffsetId.get("Store Host"));
        assertEquals("body by-id-1", byOffsetId.get("Message Body"));

        Deadline.await("the client id is indexed", Duration.ofSeconds(15),
                () -> run("queryMsgById", "-i", sent.getMsgId(), "-t", "AdminT5").status() == 0);
        assertEquals(byOffsetId, fields(ok("queryMsgById", "-i", sent.getMsgId(), "-t", "AdminT5")));
        assertEquals(byOffsetId, fields(ok("queryMsgByUniqueKey", "-i", sent.getMsgId(), "-t", "AdminT5")));
        CliRun unknown = run("queryMsgByUniqueKey", "-i", "0A0B0C0D00002A9F0000000000000000", "-t", "AdminT5");
        assertEquals(1, unknown.status(), unknown.out());
        assertEquals(byOffsetId, fields(ok("queryMsgByOffset", "-t", "AdminT5", "-b", cluster.brokerName(), "-i", "0",
                "-o", String.valueOf(sent.getQueueOffset()))));

        CliRun beyond = run("queryMsgByOffset", "-t", "AdminT5", "-b", cluster.brokerName(), "-i", "0", "-o", "99");
        assertEquals(1, beyond.status());
        assertTrue(beyond.err().contains("no message at offset 99"), beyond.err());
    }

    /** Both print what RocketMQ's tool prints: "success", or "false" when a broker did not do it. */
    @Test
    void cleanExpiredCqAndCleanUnusedTopicAskTheBrokers() throws Exception {
        for (String command : List.of("cleanExpiredCQ", "cleanUnusedTopic")) {
            assertEquals("success", ok(command, "-b", cluster.brokerAddr()).out());
            assertEquals("success", ok(command, "-c", cluster.clusterName()).out());
            assertEquals("success", ok(command).out(), "every cluster");
            try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                String nobody = "127.0.0.1:" + closed.getLocalPort();
                closed.close();
                assertEquals("false", ok(command, "-b", nobody).out());
            }
        }
    }

    private static Map<String, String> fields(CliRun run) {
        Map<String, String> fields = new HashMap<>();
        for (String line : run.out().split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.length() > 21) {
                fields.put(line.substring(0, colon), line.substring(21));
            }
        }
        return fields;
    }

    @Test
    void wipeWritePermMakesTheRouteReadOnlyAndAddWritePermRestoresIt() throws Exception {
        ok("updateTopic", "-b", cluster.brokerAddr(), "-t", "AdminT6", "-r", "1", "-w", "1");
        Deadline.await("the route has the topic", Duration.ofSeconds(15), () -> run("topicRoute", "-t", "AdminT6").status() == 0);
        CliRun wiped = ok("wipeWritePerm", "-b", cluster.brokerName());
        String[] words = wiped.out().trim().split("\\s+");
        assertTrue(wiped.out().startsWith("wipe write perm of broker[" + cluster.brokerName() + "] in name server[" + n + "] OK, "),
                wiped.out());
        assertTrue(Integer.parseInt(words[words.length - 1]) >= 1, wiped.out());
        assertEquals(4L, queueData("AdminT6").get("perm"), "read only");

        CliRun added = ok("addWritePerm", "-b", cluster.brokerName());
        assertTrue(added.out().startsWith("add write perm of broker[" + cluster.brokerName() + "] in name server[" + n + "] OK, "),
                added.out());
        assertEquals(6L, queueData("AdminT6").get("perm"), "read/write again");
    }

    @Test
    void getBrokerConfigShowsSettingsAndUpdateBrokerConfigChangesThem() {
        Map<String, String> config = config(ok("getBrokerConfig", "-b", cluster.brokerAddr()), "============" + cluster.brokerAddr() + "============");
        assertEquals(cluster.brokerName(), config.get("brokerName"));
        assertEquals(cluster.brokerAddr().substring(cluster.brokerAddr().indexOf(':') + 1), config.get("listenPort"));
        assertEquals("true", config.get("autoCreateTopicEnable"));

        CliRun update = ok("updateBrokerConfig", "-b", cluster.brokerAddr(), "-k", "autoCreateTopicEnable", "-v", "false");
        assertTrue(update.out().contains("update broker config success, " + cluster.brokerAddr()), update.out());
        Map<String, String> changed = config(ok("getBrokerConfig", "-c", cluster.clusterName()),
                "============Master: " + cluster.brokerAddr() + "============");
        assertEquals("false", changed.get("autoCreateTopicEnable"));
        ok("updateBrokerConfig", "-c", cluster.clusterName(), "-k", "autoCreateTopicEnable", "-v", "true");
        assertEquals("true", config(ok("getBrokerConfig", "-b", cluster.brokerAddr()), "============" + cluster.brokerAddr() + "============")
                .get("autoCreateTopicEnable"));

        CliRun refused = run("updateBrokerConfig", "-b", cluster.brokerAddr(), "-k", "autoCreateTopicEnable", "-v", "maybe");
        assertEquals(1, refused.status(), refused.out());
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertTrue(refused.err().contains("refused by broker at " + cluster.brokerAddr()), refused.err());
    }

    @Test
    void clusterRtOfAnUnknownClusterFailsWithOneLineNamingIt() {
        CliRun noCluster = run("clusterRT", "-c", "NoSuchCluster");
        assertEquals(1, noCluster.status(), noCluster.out());
        assertEquals("", noCluster.out());
        assertEquals(1, noCluster.err().lines().count(), noCluster.err());
        assertTrue(noCluster.err().contains("cluster NoSuchCluster is not known"), noCluster.err());
    }

    private static Map<String, String> config(CliRun run, String title) {
        String[] lines = run.out().split("\n");
        assertEquals(title, lines[0]);
        Map<String, String> config = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int eq = lines[i].indexOf("=  ");
            if (eq > 0) {
                assertEquals(50, eq, "key padded to 50: " + lines[i]);
                config.put(lines[i].substring(0, eq).trim(), lines[i].substring(eq + 3));
            }
        }
        return config;
    }
}
