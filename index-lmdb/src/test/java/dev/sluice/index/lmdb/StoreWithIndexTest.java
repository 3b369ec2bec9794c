package dev.sluice.index.lmdb;

import dev.sluice.testing.Deadline;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.KeyQueryResult;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.ReadResult;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.TagFilter;
import dev.sluice.store.mmap.MmapMessageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The LMDB index inside a real store: queries, rebuild, and agreement with the CommitLog after SIGKILL. */
class StoreWithIndexTest {
    @TempDir
    Path dir;

    static StoreConfig config(Path root) {
        return StoreConfig.builder().storePathRootDir(root)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, "262144")
                .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "20000")
                .set(StoreConfig.DISK_MAX_USED_SPACE_RATIO, "95")
                .set(StoreConfig.DISK_SPACE_WARNING_LEVEL_RATIO, "1.0")
                .set(StoreConfig.DISK_SPACE_CLEAN_FORCIBLY_RATIO, "1.0")
                .build();
    }

    private static void awaitDispatched(MmapMessageStore store) throws Exception {
        Deadline.await("dispatch caught up", Duration.ofSeconds(20),
                () -> store.dispatchedOffset() >= store.maxCommitLogOffset());
    }

    @Test
    void keysAndUniqueIdsAreFoundThroughTheStore() throws Exception {
        try (MmapMessageStore store = MmapMessageStore.open(config(dir), StoreContext.defaults())) {
            List<AppendResult> results = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                results.add(store.append(AppendRequest.of("T", 0, new byte[8],
                        "KEYS\u0001k" + (i % 3) + " shared\u0002UNIQ_KEY\u0001U" + i, 0)).join());
            }
            awaitDispatched(store);
            KeyQueryResult byKey = store.queryByKey("T", "k1", 100, 0, Long.MAX_VALUE);
            assertTrue(byKey.indexEnabled());
            List<Long> expected = new ArrayList<>();
            for (int i = 29; i >= 0; i--) {
                if (i % 3 == 1) {
                    expected.add(results.get(i).commitLogOffset());
                }
            }
            assertEquals(expected, byKey.commitLogOffsets(), "newest first");
            assertEquals(5, store.queryByKey("T", "shared", 5, 0, Long.MAX_VALUE).commitLogOffsets().size());
            assertEquals(List.of(results.get(17).commitLogOffset()),
                    store.queryByKey("T", "U17", 32, 0, Long.MAX_VALUE).commitLogOffsets());
            assertTrue(store.queryByKey("U", "k1", 10, 0, Long.MAX_VALUE).commitLogOffsets().isEmpty(), "per topic");
            long t = results.get(10).storeTimestamp();
            for (long offset : store.queryByKey("T", "shared", 100, t, t).commitLogOffsets()) {
                ByteBuffer record = store.lookup(offset).orElseThrow();
                assertEquals(t, MessageCodec.decode(record, 0).storeTimestamp(), "inside the time window");
            }
        }
    }

    @Test
    void deletedOrGarbageIndexIsRebuiltFromTheCommitLog() throws IOException {
        Map<String, Long> uniq = new HashMap<>();
        try (MmapMessageStore store = MmapMessageStore.open(config(dir), StoreContext.defaults())) {
            for (int i = 0; i < 200; i++) {
                uniq.put("U" + i, store.append(AppendRequest.of("T", i % 2, new byte[16],
                        "UNIQ_KEY\u0001U" + i, 0)).join().commitLogOffset());
            }
        }
        deleteTree(dir.resolve("index"));
        assertAllFound(uniq);
        try (var files = Files.walk(dir.resolve("index"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] garbage = new byte[(int) Math.max(4096, Files.size(f))];
                new Random(1).nextBytes(garbage);
                Files.write(f, garbage);
            }
        }
        assertAllFound(uniq);
    }

    private void assertAllFound(Map<String, Long> uniq) {
        try (MmapMessageStore store = MmapMessageStore.open(config(dir), StoreContext.defaults())) {
            uniq.forEach((key, offset) -> assertEquals(List.of(offset),
                    store.queryByKey("T", key, 32, 0, Long.MAX_VALUE).commitLogOffsets(), key));
        }
    }

    @Test
    void afterSigkillQueriesAgreeWithTheCommitLog() throws Exception {
        for (int trial = 0; trial < 3; trial++) {
            runAndKill(trial, 200 + new Random().nextInt(2000));
            try (MmapMessageStore store = MmapMessageStore.open(config(dir), StoreContext.defaults())) {
                awaitDispatched(store);
                int checked = 0;
                long end = store.maxCommitLogOffset();
                for (var topic : store.queues().entrySet()) {
                    for (int queue : topic.getValue()) {
                        long max = store.maxQueueOffset(topic.getKey(), queue);
                        try (ReadResult r = store.read(topic.getKey(), queue, 0, (int) max, TagFilter.ALL)) {
                            for (ByteBuffer record : r.messages()) {
                                DecodedMessage m = MessageCodec.decode(record, record.position());
                                String userKey = m.property("KEYS").split(" ")[1];
                                assertEquals(List.of(m.physicalOffset()),
                                        store.queryByKey(m.topic(), userKey, 32, 0, Long.MAX_VALUE).commitLogOffsets(),
                                        "trial " + trial + ": key " + userKey);
                                assertEquals(List.of(m.physicalOffset()), store.queryByKey(m.topic(),
                                        m.property("UNIQ_KEY"), 32, 0, Long.MAX_VALUE).commitLogOffsets());
                                checked++;
                            }
                        }
                    }
                }
                assertTrue(checked > 0);
                for (int k = 0; k < 97; k++) {
                    for (int t = 0; t < 3; t++) {
                        for (long offset : store.queryByKey("T" + t, "order-" + k, 64, 0, Long.MAX_VALUE).commitLogOffsets()) {
                            assertTrue(offset < end, "no index entry past the CommitLog's end");
                            assertTrue(store.lookup(offset).isPresent(), "every answer is a stored message");
                        }
                    }
                }
            }
        }
    }

    private void runAndKill(int trial, int appendsBeforeKill) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m",
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), StoreChild.class.getName(), dir.toString(),
                String.valueOf(trial)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            int appended = 0;
            while ((line = in.readLine()) != null && appended < appendsBeforeKill && System.nanoTime() < deadline) {
                if (line.startsWith("APPENDED")) {
                    appended += 100;
                }
            }
            assertTrue(appended > 0, "the child appended before it was killed");
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
