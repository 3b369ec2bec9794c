package dev.sluice.store.mmap;

import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReadStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.TagFilter;
import dev.sluice.store.spi.FlushPolicy;
import dev.sluice.testing.Deadline;
import dev.sluice.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With transientStorePoolEnable, appends reach readers when the pool is committed: at commitIntervalCommitLog, not at
 * the flush interval; at once when commitCommitLogLeastPages wait; after commitCommitLogThoroughInterval when fewer do.
 */
class TransientStorePoolCommitTest {
    @TempDir
    Path dir;

    @Test
    void pooledAppendsAreCommittedAtTheCommitInterval() throws Exception {
        // A flush interval far beyond the deadline: commits that waited for it would never make the messages readable.
        StoreConfig config = StoreFixture.smallConfig(dir)
                .set(StoreConfig.TRANSIENT_STORE_POOL_ENABLE, "true")
                .set(StoreConfig.TRANSIENT_STORE_POOL_SIZE, "2")
                .set(StoreConfig.FLUSH_INTERVAL_COMMIT_LOG, "600000")
                .set(StoreConfig.COMMIT_INTERVAL_COMMIT_LOG, "20")
                .build();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults())) {
            int n = 30; // three 16 KiB files for a pool of two buffers
            for (int i = 0; i < n; i++) {
                byte[] body = new byte[1000];
                body[0] = (byte) i;
                assertEquals(AppendStatus.PUT_OK,
                        store.append(StoreFixture.message("T", 0, body, null, null, null)).join().status());
            }
            Deadline.await("pooled appends readable", Duration.ofSeconds(10), () -> store.maxQueueOffset("T", 0) == n);
            try (ReadResult r = store.read("T", 0, 0, n, TagFilter.ALL)) {
                assertEquals(ReadStatus.FOUND, r.status());
                assertEquals(n, r.messages().size());
                for (int i = 0; i < n; i++) {
                    assertEquals((byte) i, StoreFixture.decode(r.messages().get(i)).body()[0]);
                }
            }
        }
    }

    @Test
    void anAppendThatLeavesLeastPagesUncommittedWakesTheCommitter() throws Exception {
        // No commit round within the deadline: only the wake can make these readable.
        StoreConfig config = pooled("600000", "600000").build();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults())) {
            int n = appendUntil(store, 2 * 4096);
            Deadline.await("appends readable after 2 pages", Duration.ofSeconds(10),
                    () -> store.maxQueueOffset("T", 0) == n);
        }
    }

    @Test
    void fewerThanLeastPagesAreCommittedOnceTheThoroughIntervalPassed() throws Exception {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        StoreConfig config = pooled("20", "1000").build();
        // Agents driven by hand, on the store's clock: a round before the interval must leave the append unreadable.
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults().withClock(clock), false)) {
            assertEquals(AppendStatus.PUT_OK,
                    store.append(StoreFixture.message("T", 0, new byte[100], null, null, null)).join().status());
            clock.advance(Duration.ofMillis(999));
            store.poolCommitter().doWork();
            store.dispatcher().doWork();
            assertEquals(0, store.maxQueueOffset("T", 0), "committed before the thorough interval");
            clock.advance(Duration.ofMillis(1));
            store.poolCommitter().doWork();
            store.dispatcher().doWork();
            assertEquals(1, store.maxQueueOffset("T", 0), "committed once the thorough interval passed");
        }
    }

    /**
     * A force that takes long (here: one that does not return until released; seconds on a busy disk) must not hold
     * up the copies into the files: a killed process keeps what was copied (the page cache outlives it), and loses
     * what still sat in a pool buffer. With the copies behind the force, a whole file of acknowledged appends was lost.
     */
    @Test
    void aSlowForceDoesNotHoldUpTheCommits() throws Exception {
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FlushPolicy stuck = new FlushPolicy() {
            @Override
            public boolean acknowledgeAfterFlush() {
                return false;
            }

            @Override
            public long flushTimeoutMillis() {
                return 0;
            }

            @Override
            public long checkIntervalMillis() {
                return 10;
            }

            @Override
            public boolean shouldForce(long dirtyBytes, long millisSinceFullForce, boolean waiters) {
                if (dirtyBytes > 0) {
                    forcing.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return dirtyBytes > 0;
            }
        };
        StoreConfig config = pooled("20", "20").build();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults().withFlushPolicy(stuck))) {
            try {
                appendUntil(store, 1);
                Deadline.await("the flusher is forcing", Duration.ofSeconds(10), () -> forcing.getCount() == 0);
                int more = appendUntil(store, 20 * 1024);
                Deadline.await("appends committed while the force lasts", Duration.ofSeconds(10),
                        () -> store.maxQueueOffset("T", 0) == 1 + more);
            } finally {
                release.countDown();
            }
        }
    }

    /**
     * SYNC_FLUSH with a pool: an append that waits for its force is copied into the file at once (not at the commit
     * interval), and the flusher forces it right after, not at its own interval.
     */
    @Test
    void anAppendWaitingForItsForceIsCopiedAndForcedAtOnce() throws Exception {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        StoreConfig config = pooled("600000", "600000").set(StoreConfig.FLUSH_DISK_TYPE, "SYNC_FLUSH").build();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults().withClock(clock), false)) {
            CompletableFuture<AppendResult> waiting =
                    store.append(StoreFixture.message("T", 0, new byte[100], null, null, null));
            assertFalse(waiting.isDone(), "acknowledged before its force");
            assertEquals(0, store.poolCommitter().idleMillis(), "the committer does not wait for its interval");
            store.poolCommitter().doWork();
            assertEquals(0, store.commitLogFlusher().idleMillis(), "the flusher does not wait for its interval");
            store.commitLogFlusher().doWork();
            assertEquals(AppendStatus.PUT_OK, waiting.join().status());
            assertTrue(store.poolCommitter().idleMillis() > 0, "nothing left to copy");
        }
    }

    /** Two pages needed for a commit; 64 KiB files, so the appends here stay in one pool buffer. */
    private StoreConfig.Builder pooled(String commitInterval, String thoroughInterval) {
        return StoreFixture.smallConfig(dir)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(64 * 1024))
                .set(StoreConfig.TRANSIENT_STORE_POOL_ENABLE, "true")
                .set(StoreConfig.TRANSIENT_STORE_POOL_SIZE, "2")
                .set(StoreConfig.FLUSH_INTERVAL_COMMIT_LOG, "600000")
                .set(StoreConfig.COMMIT_INTERVAL_COMMIT_LOG, commitInterval)
                .set(StoreConfig.COMMIT_COMMIT_LOG_LEAST_PAGES, "2")
                .set(StoreConfig.COMMIT_COMMIT_LOG_THOROUGH_INTERVAL, thoroughInterval);
    }

    /** Appends 1000-byte messages until {@code bytes} are written; returns how many. */
    private static int appendUntil(MmapMessageStore store, long bytes) {
        int n = 0;
        long end = 0;
        while (end < bytes) {
            var stored = store.append(StoreFixture.message("T", 0, new byte[1000], null, null, null)).join();
            assertEquals(AppendStatus.PUT_OK, stored.status());
            end = stored.endOffset();
            n++;
        }
        return n;
    }
}
