package dev.sluice.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.group.SubscriptionGroupTable;
import dev.sluice.broker.topic.TopicTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker whose topic and group files cannot be written (a full disk; here the write's temporary file is blocked by
 * a directory) still loads them: the start saves only the built-in entries it adds, which wait for the next change,
 * and the files stay as they were. A new consumer's group and retry topic, created by its pull or heartbeat, are kept
 * in memory so that it is served.
 */
class UnwritableAtStartTest {
    @TempDir
    Path dir;

    @Test
    void topicsAndGroupsLoadWhenTheirFilesCannotBeWritten() throws Exception {
        BrokerConfig config = BrokerConfig.fromProperties(new Properties(), new ArrayList<>());
        String topicsJson = "{\"dataVersion\":{\"counter\":7,\"timestamp\":1},\"topicConfigTable\":{\"Orders\":"
                + "{\"order\":false,\"perm\":6,\"readQueueNums\":4,\"topicFilterType\":\"SINGLE_TAG\","
                + "\"topicName\":\"Orders\",\"topicSysFlag\":0,\"writeQueueNums\":4}}}";
        String groupsJson = "{\"dataVersion\":{\"counter\":3,\"timestamp\":1},\"subscriptionGroupTable\":{\"G\":"
                + "{\"groupName\":\"G\",\"consumeEnable\":false}}}";
        Files.writeString(dir.resolve("topics.json"), topicsJson);
        Files.writeString(dir.resolve("subscriptionGroup.json"), groupsJson);
        Files.createDirectories(dir.resolve("topics.json.tmp"));
        Files.createDirectories(dir.resolve("subscriptionGroup.json.tmp"));

        TopicTable topics = new TopicTable(config, new JsonFile(dir.resolve("topics.json")));
        topics.load();
        assertEquals(4, topics.get("Orders").writeQueueNums());
        assertNotNull(topics.get("TBW102"), "built-in topics are there in memory");
        SubscriptionGroupTable groups = new SubscriptionGroupTable(config, new JsonFile(dir.resolve("subscriptionGroup.json")));
        groups.load();
        assertEquals(false, groups.get("G").consumeEnable());

        assertEquals(topicsJson, Files.readString(dir.resolve("topics.json")));
        assertEquals(groupsJson, Files.readString(dir.resolve("subscriptionGroup.json")));

        assertNotNull(groups.findOrCreate("NewConsumers"), "a new consumer's group");
        assertNotNull(groups.get("NewConsumers"));
        AtomicInteger registrations = new AtomicInteger();
        topics.onChange(() -> {
            registrations.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        });
        assertNotNull(topics.getOrCreateForSend("%RETRY%NewConsumers", null, 1, 0), "its retry topic");
        assertNotNull(topics.get("%RETRY%NewConsumers"));
        assertEquals(1, registrations.get(), "the name servers are told of the retry topic");
        assertEquals(topicsJson, Files.readString(dir.resolve("topics.json")));
        assertEquals(groupsJson, Files.readString(dir.resolve("subscriptionGroup.json")));
    }
}
