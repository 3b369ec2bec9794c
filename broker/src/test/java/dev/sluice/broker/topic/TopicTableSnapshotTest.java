package dev.sluice.broker.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.remoting.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registration body is a {@link TopicTable#toJson} snapshot taken while topics change. A name server re-reads a
 * broker's topics only when the data version moved, so a snapshot must never carry a version newer than its topics.
 */
class TopicTableSnapshotTest {
    private static final int CHANGES = 400;

    @TempDir
    Path dir;

    @Test
    void aSnapshotHoldsEveryTopicItsVersionCounts() throws Exception {
        Properties p = new Properties();
        p.setProperty("brokerName", "snapshots");
        TopicTable topics = new TopicTable(BrokerConfig.fromProperties(p, new ArrayList<>()),
                new JsonFile(dir.resolve("topics.json")));
        topics.load();
        long base = counter(topics.toJson());

        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < CHANGES; i++) {
                topics.put(TopicConfig.of("t" + i, 1, Perm.READ | Perm.WRITE));
            }
        });
        int snapshots = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!writer.isDone() && System.nanoTime() < deadline) {
            Map<String, Object> snapshot = topics.toJson();
            Map<String, Object> table = Json.asObject(snapshot.get("topicConfigTable"), "topicConfigTable");
            long changes = counter(snapshot) - base;
            for (int i = 0; i < changes; i++) {
                assertTrue(table.containsKey("t" + i), "version " + (base + changes) + " without t" + i);
            }
            snapshots++;
        }
        writer.get(1, TimeUnit.SECONDS);
        assertEquals(base + CHANGES, counter(topics.toJson()));
        assertTrue(snapshots >= 100, "the snapshots ran beside the changes: " + snapshots);
    }

    private static long counter(Map<String, Object> json) {
        return Json.asLong(Json.asObject(json.get("dataVersion"), "dataVersion").get("counter"), "counter");
    }
}
