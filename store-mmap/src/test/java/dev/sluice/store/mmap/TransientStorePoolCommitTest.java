package dev.sluice.store.mmap;

import dev.sluice.store.AppendStatus;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReadStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.TagFilter;
import dev.sluice.testing.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With transientStorePoolEnable, appends reach readers at commitIntervalCommitLog, not at the flush interval. */
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
}
