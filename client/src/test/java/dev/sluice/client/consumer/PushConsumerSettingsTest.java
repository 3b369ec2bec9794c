package dev.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.client.ClientConfig;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Settings out of RocketMQ's ranges are refused when set, naming them (a consume batch of 0 looped forever). */
class PushConsumerSettingsTest {
    @Test
    void outOfRangeSettingsAreRefusedNamingThem() {
        PushConsumer consumer = new PushConsumer("G", new ClientConfig());
        Map<String, Consumer<PushConsumer>> bad = Map.of(
                "consumeBatchSize", c -> c.setConsumeBatchSize(0),
                "consumeThreads", c -> c.setConsumeThreads(0),
                "pullBatchSize", c -> c.setPullBatchSize(1025),
                "pullThresholdForQueue", c -> c.setPullThresholdForQueue(-1),
                "pullThresholdSizeForQueue", c -> c.setPullThresholdSizeForQueue(0));
        bad.forEach((name, set) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set.accept(consumer));
            assertTrue(e.getMessage().startsWith(name + " must be between"), e.getMessage());
        });
        consumer.setConsumeBatchSize(1).setConsumeThreads(1000).setPullBatchSize(1024);
    }
}
