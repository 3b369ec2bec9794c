package dev.sluice.broker;

import static dev.sluice.broker.MqAdmin.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.remoting.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.command.SubCommand;
import org.apache.rocketmq.tools.command.export.ExportConfigsCommand;
import org.apache.rocketmq.tools.command.export.ExportMetadataCommand;
import org.apache.rocketmq.tools.command.export.ExportMetricsCommand;
import org.apache.rocketmq.tools.command.topic.TopicListSubCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * mqadmin exportMetadata, exportMetrics and exportConfigs against a broker with one user topic and one consumer group:
 * the first two ask the broker for its system topics (GET_SYSTEM_TOPIC_LIST_FROM_BROKER) to leave them out. The
 * broker creates a message-trace topic, which is one of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MqAdminExportCommandsTest {
    private static final String CLUSTER = "TestCluster";
    private static final String BROKER = "export-a";
    private static final String TOPIC = "ExportTopic";
    private static final String GROUP = "ExportGroup";
    private static final String TRACE_TOPIC = "ExportTraces";

    @TempDir
    static Path home;

    private Cluster cluster;

    @BeforeAll
    void start() throws Exception {
        cluster = new Cluster(home);
        Properties properties = cluster.brokerProperties(BROKER);
        properties.setProperty("traceTopicEnable", "true");
        properties.setProperty("msgTraceTopicName", TRACE_TOPIC);
        cluster.startBroker(properties);
        System.setProperty(MixAll.NAMESRV_ADDR_PROPERTY, cluster.namesrvAddr);
        assertEquals(SendStatus.SEND_OK, cluster.producer("ExportProducer")
                .send(new Message(TOPIC, "x".getBytes(StandardCharsets.UTF_8))).getSendStatus());
        // Its heartbeat creates the group and its retry topic on the broker.
        DefaultMQPushConsumer consumer = cluster.pushConsumer(GROUP);
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) ->
                ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        consumer.start();
    }

    @AfterAll
    void stop() throws Exception {
        System.clearProperty(MixAll.NAMESRV_ADDR_PROPERTY);
        cluster.close();
    }

    @Test
    void exportMetadataWritesTheUserTopicsAndGroupsOnly() throws Exception {
        Map<String, Object> metadata = export(new ExportMetadataCommand(), "metadata");
        Map<String, Object> topics = Json.asObject(metadata.get("topicConfigTable"), "topicConfigTable");
        // Neither the system topics the broker listed (cluster, broker, reply, trace, SELF_TEST_TOPIC, ...) nor,
        // without -s, retry and dead-letter topics.
        assertEquals(Set.of(TOPIC), topics.keySet());
        assertEquals(4, Json.asInt(Json.asObject(topics.get(TOPIC), TOPIC).get("writeQueueNums"), "writeQueueNums"));
        Map<String, Object> groups = Json.asObject(metadata.get("subscriptionGroupTable"), "subscriptionGroupTable");
        assertTrue(groups.containsKey(GROUP), groups.toString());
        assertTrue(groups.keySet().stream().noneMatch(MixAll::isSysConsumerGroup), groups.toString());

        Path withRetry = home.resolve("metadata-s");
        run(new ExportMetadataCommand(), "-c", CLUSTER, "-t", "-s", "-f", withRetry.toString());
        Map<String, Object> special = Json.asObject(
                Json.parseObject(Files.readAllBytes(withRetry.resolve("topic.json"))).get("topicConfigTable"), "t");
        assertEquals(Set.of(TOPIC, MixAll.getRetryTopic(GROUP)), special.keySet());
    }

    @Test
    void theBrokerCreatesTheTraceTopicItIsConfiguredWith() throws Exception {
        String topics = run(new TopicListSubCommand());
        assertTrue(topics.lines().anyMatch(TRACE_TOPIC::equals), topics);
    }

    @Test
    void exportConfigsWritesEveryKeyItAsksTheBrokerFor() throws Exception {
        Map<String, Object> configs = export(new ExportConfigsCommand(), "configs");
        Map<String, Object> broker = Json.asObject(
                Json.asObject(configs.get("brokerConfigs"), "brokerConfigs").get(BROKER), BROKER);
        assertEquals(CLUSTER, broker.get("brokerClusterName"));
        assertEquals("ASYNC_MASTER", broker.get("brokerRole"));
        assertEquals("ASYNC_FLUSH", broker.get("flushDiskType"));
        assertEquals("true", broker.get("traceTopicEnable"));
        assertEquals(TRACE_TOPIC, broker.get("msgTraceTopicName"));
        assertEquals("false", broker.get("useTLS"));
        assertEquals("0", broker.get("filterServerNums"));
        Map<String, Object> scale = Json.asObject(configs.get("clusterScale"), "clusterScale");
        assertEquals(1, Json.asInt(scale.get("masterBrokerSize"), "masterBrokerSize"));
    }

    @Test
    void exportMetricsWritesTheBrokersReport() throws Exception {
        Map<String, Object> metrics = export(new ExportMetricsCommand(), "metrics");
        Map<String, Object> report = Json.asObject(Json.asObject(metrics.get("evaluateReport"), "evaluateReport")
                .get(BROKER), BROKER);
        Map<String, Object> quota = Json.asObject(report.get("runtimeQuota"), "runtimeQuota");
        assertEquals(1, Json.asInt(quota.get("topicSize"), "topicSize"), "the one user topic: " + quota);
        assertEquals(1, Json.asInt(quota.get("groupSize"), "groupSize"), "the one user group: " + quota);
        Map<String, Object> disk = Json.asObject(quota.get("diskRatio"), "diskRatio");
        assertTrue(String.valueOf(disk.get("commitLogDiskRatio")).matches("[01]\\.\\d{2}"), "disk: " + disk);
        assertTrue(String.valueOf(disk.get("consumeQueueDiskRatio")).matches("[01]\\.\\d{2}"), "disk: " + disk);
        // records of the messages the set-up sent: a header of about 100 bytes plus body, topic and properties
        double averageSize = Double.parseDouble(String.valueOf(quota.get("messageAverageSize")));
        assertTrue(averageSize > 100 && averageSize < 1000, "messageAverageSize: " + quota);
        Map<String, Object> version = Json.asObject(report.get("runtimeVersion"), "runtimeVersion");
        assertEquals(List.of("JAVA%V4_9_7"), version.get("clientInfo"), "the consumer's connection: " + version);
    }

    /** Runs an export command for the cluster into its own directory and reads the {@code <name>.json} it wrote. */
    private Map<String, Object> export(SubCommand command, String name) throws Exception {
        Path dir = home.resolve(name);
        String output = run(command, "-c", CLUSTER, "-f", dir.toString());
        assertTrue(output.contains("export " + dir.resolve(name + ".json") + " success"), output);
        return Json.parseObject(Files.readAllBytes(dir.resolve(name + ".json")));
    }
}
