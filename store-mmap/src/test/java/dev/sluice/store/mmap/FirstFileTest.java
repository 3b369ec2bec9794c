package dev.sluice.store.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.testing.Deadline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An empty store starts its first CommitLog file in the background, as it does every later one; a replica does not. */
class FirstFileTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyStoreHasItsFirstFileReadyBeforeTheFirstAppend() throws Exception {
        StoreConfig config = StoreFixture.smallConfig(dir).set(StoreConfig.FLUSH_DISK_TYPE, "SYNC_FLUSH").build();
        Path first = config.storePathCommitLog().resolve(MappedSegment.fileName(0));
        MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults());
        try {
            assertTrue(store.commitLog().segments().isPrepared(0));
            Deadline.await("the first file is created", Duration.ofSeconds(30), () -> Files.exists(first));
            AppendResult r = store.append(StoreFixture.message("T", 0, new byte[100], null, null, null)).join();
            assertEquals(AppendStatus.PUT_OK, r.status());
            assertEquals(0, r.commitLogOffset());
            assertEquals(config.mappedFileSizeCommitLog(), Files.size(first));
        } finally {
            store.close();
        }
    }

    @Test
    void aReplicaWaitsForItsMastersFirstOffset() {
        StoreConfig config = StoreFixture.smallConfig(dir).set(StoreConfig.FLUSH_DISK_TYPE, "SYNC_FLUSH").build();
        MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults().withReplica(true));
        try {
            assertFalse(store.commitLog().segments().isPrepared(0));
        } finally {
            store.close();
        }
    }
}
