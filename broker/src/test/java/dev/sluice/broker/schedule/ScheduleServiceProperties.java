package dev.sluice.broker.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.broker.metadata.JsonFile;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.DelayLevels;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.ReadResult;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.TagFilter;
import dev.sluice.store.mmap.MmapMessageStore;
import dev.sluice.testing.Deadline;
import dev.sluice.testing.MutableClock;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Delay levels on a real store with a hand-moved clock, against a model (key to due time): after every pass each
 * message's real queue holds exactly the messages due by then, each once and none stored early, through restarts that
 * reload progress from delayOffset.json.
 */
class ScheduleServiceProperties {
    private static final DelayLevels LEVELS = DelayLevels.parse("1s 3s 10s");

    /** 0: send at level value; 1: advance the clock by value; 2: restart from the file. */
    record Step(int kind, long value) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.longs().between(1, 5).map(v -> new Step(0, v))),
                Tuple.of(4, Arbitraries.longs().between(0, 4_000).map(v -> new Step(1, v))),
                Tuple.of(1, Arbitraries.just(new Step(2, 0)))).list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 20)
    void realQueuesHoldExactlyWhatIsDueEachOnce(@ForAll("steps") List<Step> steps) throws Exception {
        Path dir = Files.createTempDirectory("schedule-service");
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        StoreConfig config = StoreConfig.builder().storePathRootDir(dir)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(1 << 20))
                .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "6000")
                .set(StoreConfig.MESSAGE_INDEX_ENABLE, "false")
                .set(StoreConfig.MESSAGE_DELAY_LEVEL, LEVELS.toString()).build();
        DelayRouter router = new DelayRouter(LEVELS, () -> 3600, () -> true, clock::millis);
        Path offsetsFile = dir.resolve("config/delayOffset.json");
        Map<String, Long> due = new HashMap<>();
        Map<String, Integer> queueOf = new HashMap<>();
        MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults().withClock(clock));
        try {
            ScheduleService schedule = service(store, offsetsFile, clock);
            for (Step step : steps) {
                switch (step.kind()) {
                    case 0 -> {
                        String key = "m" + due.size();
                        int realQueue = due.size() % 2;
                        String properties = MessageProperties.encode(Map.of(MessageProperties.KEYS, key,
                                MessageProperties.DELAY, String.valueOf(step.value())));
                        DelayRouter.Route route = router.route("Real", realQueue, properties, 0);
                        assertNotNull(route);
                        assertEquals(AppendStatus.PUT_OK, store.append(new AppendRequest(route.topic(), route.queueId(), 0,
                                ByteBuffer.wrap(key.getBytes()), MessageProperties.bytes(route.properties()), 0,
                                clock.millis(), new byte[] {127, 0, 0, 1}, 1, 0, 0)).join().status());
                        due.put(key, clock.millis() + LEVELS.millis(LEVELS.cap((int) step.value())));
                        queueOf.put(key, realQueue);
                    }
                    case 1 -> clock.advance(step.value());
                    default -> schedule = service(store, offsetsFile, clock);
                }
                awaitDispatch(store);
                schedule.deliverDue();
                awaitDispatch(store);

                long now = clock.millis();
                Set<String> expected = new TreeSet<>();
                due.forEach((k, d) -> {
                    if (d <= now) {
                        expected.add(k);
                    }
                });
                Set<String> delivered = new TreeSet<>();
                for (int queue = 0; queue < 2; queue++) {
                    try (ReadResult read = store.read("Real", queue, 0, 10_000, TagFilter.ALL)) {
                        for (ByteBuffer record : read.messages()) {
                            DecodedMessage m = MessageCodec.decode(record, record.position());
                            String key = m.property(MessageProperties.KEYS);
                            assertTrue(delivered.add(key), key + " delivered twice");
                            assertEquals(queueOf.get(key), queue, key + " on its real queue");
                            assertTrue(m.storeTimestamp() >= due.get(key), key + " stored before it was due");
                            assertEquals(null, m.property(MessageProperties.DELAY));
                        }
                    }
                }
                assertEquals(expected, delivered, "delivered at " + now);
            }
        } finally {
            store.destroy();
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A fresh service reading its progress from the file, as after a restart. */
    private static ScheduleService service(MmapMessageStore store, Path offsetsFile, MutableClock clock)
            throws Exception {
        DelayOffsetTable offsets = new DelayOffsetTable(new JsonFile(offsetsFile));
        offsets.load();
        return new ScheduleService(store, offsets, LEVELS, clock);
    }

    private static void awaitDispatch(MmapMessageStore store) throws Exception {
        Deadline.await("dispatched", Duration.ofSeconds(10),
                () -> store.dispatchedOffset() == store.maxCommitLogOffset());
    }
}
