package dev.sluice.broker.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.broker.schedule.DelayRouter;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The timer service on a real store with a hand-moved clock, against a model (key to due time): after every step the
 * real topic holds exactly the messages due by then, each once, none stored before its time, through restarts of the
 * service (recovery from its marks) and rolls (a 3 s roll interval, delays up to 10 s).
 */
class TimerServiceProperties {
    private static final String REAL = "RealTopic";
    private static final long ROLL_MILLIS = 3000;

    /** 0: send with this delay; 1: advance the clock by this; 2: restart the service. */
    record Step(int kind, long value) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.longs().between(1, 10_000).map(v -> new Step(0, v))),
                Tuple.of(4, Arbitraries.longs().between(0, 2_500).map(v -> new Step(1, v))),
                Tuple.of(1, Arbitraries.just(new Step(2, 0)))).list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 20)
    void realTopicHoldsExactlyWhatIsDueEachOnce(@ForAll("steps") List<Step> steps) throws Exception {
        Path dir = Files.createTempDirectory("timer-service");
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        StoreConfig config = StoreConfig.builder().storePathRootDir(dir)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(1 << 20))
                .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "6000")
                .set(StoreConfig.MESSAGE_INDEX_ENABLE, "false").build();
        DelayRouter router = new DelayRouter(DelayLevels.parse("1s"), () -> 3600, () -> true, clock::millis);
        Map<String, Long> due = new HashMap<>();
        MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults().withClock(clock));
        TimerService timer = new TimerService(store, dir.resolve("timer"), clock, ROLL_MILLIS);
        try {
            for (Step step : steps) {
                switch (step.kind()) {
                    case 0 -> {
                        String key = "m" + due.size();
                        String properties = MessageProperties.encode(Map.of(MessageProperties.KEYS, key,
                                DelayRouter.TIMER_DELAY_MS, String.valueOf(step.value())));
                        DelayRouter.Route route = router.route(REAL, 0, properties, 0);
                        assertNotNull(route);
                        AppendRequest message = new AppendRequest(route.topic(), route.queueId(), 0,
                                ByteBuffer.wrap(key.getBytes()), MessageProperties.bytes(route.properties()), 0,
                                clock.millis(), new byte[] {127, 0, 0, 1}, 1, 0, 0);
                        assertEquals(AppendStatus.PUT_OK, store.append(message).join().status());
                        due.put(key, clock.millis() + step.value());
                    }
                    case 1 -> clock.advance(step.value());
                    default -> {
                        timer.close();
                        timer = new TimerService(store, dir.resolve("timer"), clock, ROLL_MILLIS);
                    }
                }
                // Twice: a message rolled in the first tick is picked up again in the second.
                for (int i = 0; i < 2; i++) {
                    awaitDispatch(store);
                    timer.tick();
                }
                awaitDispatch(store);
                long now = clock.millis();
                Map<String, Long> expected = new TreeMap<>();
                due.forEach((k, d) -> {
                    if (d <= now) {
                        expected.put(k, d);
                    }
                });
                Map<String, Long> delivered = new TreeMap<>();
                try (ReadResult read = store.read(REAL, 0, 0, 10_000, TagFilter.ALL)) {
                    for (ByteBuffer record : read.messages()) {
                        DecodedMessage m = MessageCodec.decode(record, record.position());
                        String key = m.property(MessageProperties.KEYS);
                        assertEquals(null, delivered.put(key, m.storeTimestamp()), key + " delivered twice");
                        assertTrue(m.storeTimestamp() >= due.get(key), key + " stored before it was due");
                    }
                }
                assertEquals(expected.keySet(), delivered.keySet(), "delivered at " + now);
                assertEquals(due.size() - expected.size(), timer.pending());
            }
        } finally {
            timer.close();
            store.destroy();
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void awaitDispatch(MmapMessageStore store) throws Exception {
        Deadline.await("dispatched", Duration.ofSeconds(10),
                () -> store.dispatchedOffset() == store.maxCommitLogOffset());
    }
}
