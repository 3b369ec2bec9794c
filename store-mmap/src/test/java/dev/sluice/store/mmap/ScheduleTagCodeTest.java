package dev.sluice.store.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.store.DelayLevels;
import dev.sluice.store.ReadResult;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.testing.Deadline;
import dev.sluice.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocketMQ's ConsumeQueue layout for delayed messages: a unit of SCHEDULE_TOPIC_XXXX queue level-1 holds the store
 * time plus that level's delay (when the message is due) as its tag code; other topics keep the tag hash, also when
 * the queues are rebuilt from the CommitLog.
 */
class ScheduleTagCodeTest {
    @TempDir
    Path dir;

    @Test
    void scheduleUnitsHoldTheDueTimeOtherUnitsTheTagHash() throws Exception {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        StoreConfig config = StoreFixture.smallConfig(dir).set(StoreConfig.MESSAGE_DELAY_LEVEL, "1s 2m 3h").build();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults().withClock(clock))) {
            store.append(StoreFixture.message(DelayLevels.SCHEDULE_TOPIC, 2, "d".getBytes(), "TagA", null, null)).join();
            store.append(StoreFixture.message(DelayLevels.SCHEDULE_TOPIC, 7, "beyond".getBytes(), "TagA", null, null)).join();
            store.append(StoreFixture.message("Plain", 0, "p".getBytes(), "TagA", null, null)).join();
            Deadline.await("dispatched", Duration.ofSeconds(10), () -> store.maxQueueOffset("Plain", 0) == 1);

            assertEquals(List.of(1_700_000_000_000L + 3 * 3_600_000L), tagCodes(store, DelayLevels.SCHEDULE_TOPIC, 2));
            assertEquals(List.of((long) "TagA".hashCode()), tagCodes(store, DelayLevels.SCHEDULE_TOPIC, 7),
                    "a queue beyond the last level is no level's");
            assertEquals(List.of((long) "TagA".hashCode()), tagCodes(store, "Plain", 0));
        }
    }

    private static List<Long> tagCodes(MmapMessageStore store, String topic, int queueId) {
        List<Long> codes = new ArrayList<>();
        try (ReadResult ignored = store.read(topic, queueId, 0, 32, tagCode -> codes.add(tagCode))) {
            return codes;
        }
    }
}
