package dev.sluice.store.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.testing.Deadline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ConsumeQueue files destroyed on other threads while the dispatcher writes units: by retention on a nearly full
 * disk, and by a topic's deletion while its last messages are still being dispatched. A file unmapped under the
 * dispatcher's write crashes the JVM (SIGSEGV; seen once in ReplicationLogProperties under forced cleaning), which
 * fails the build as well; these tests have not reproduced that crash itself.
 */
class QueueFilesBesideDispatchTest {
    @TempDir
    Path dir;

    @Test
    void forcedCleaningBesideDispatchLosesNoLiveUnit() throws Exception {
        StoreConfig config = StoreFixture.smallConfig(dir)
                .set(StoreConfig.CLEAN_RESOURCE_INTERVAL, "1")
                .build();
        // Above diskSpaceCleanForciblyRatio (0.85), below the warning level that refuses appends (0.90): a pass
        // every millisecond deletes every dispatched CommitLog file, and the queue files below it.
        StoreContext context = StoreContext.defaults().withDiskUsage(p -> 0.87);
        try (MmapMessageStore store = MmapMessageStore.open(config, context)) {
            int queues = 3;
            long[] next = new long[queues];
            for (int i = 0; i < 4000; i++) {
                for (int q = 0; q < queues; q++) {
                    assertEquals(AppendStatus.PUT_OK, store.append(StoreFixture.message("T", q, new byte[200],
                            "tag", null, null)).join().status());
                    next[q]++;
                }
            }
            long end = store.maxCommitLogOffset();
            Deadline.await("dispatch catches up", Duration.ofSeconds(30), () -> store.dispatchedOffset() == end);
            assertTrue(store.minCommitLogOffset() > 0, "forced cleaning deleted CommitLog files");
            for (int q = 0; q < queues; q++) {
                assertEquals(next[q], store.maxQueueOffset("T", q), "queue " + q + " has a unit for every append");
            }
        }
    }

    /** Fails without the table's write lock: the deletion met files and directories the dispatcher re-created. */
    @Test
    void deletingATopicBesideItsDispatchSucceedsEveryTime() throws Exception {
        StoreConfig config = StoreFixture.smallConfig(dir).build();
        try (MmapMessageStore store = MmapMessageStore.open(config,
                StoreContext.defaults().withDiskUsage(p -> 0.1))) {
            for (int round = 0; round < 1000; round++) {
                CompletableFuture<AppendResult> last = null;
                for (int i = 0; i < 30; i++) {
                    last = store.append(StoreFixture.message("T", i % 2, new byte[10], null, null, null));
                }
                assertEquals(AppendStatus.PUT_OK, last.join().status());
                store.deleteTopic("T");
            }
            assertEquals(AppendStatus.PUT_OK,
                    store.append(StoreFixture.message("U", 0, new byte[10], null, null, null)).join().status());
            long end = store.maxCommitLogOffset();
            Deadline.await("dispatch catches up", Duration.ofSeconds(30), () -> store.dispatchedOffset() == end);
            assertEquals(1, store.maxQueueOffset("U", 0), "the store still dispatches after the deletions");
        }
    }
}
