package dev.sluice.store.mmap;

import dev.sluice.store.AppendResult;
import dev.sluice.store.StoreContext;
import dev.sluice.store.spi.IndexedKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the store tells a key index about a candidate: exactly the keys the dispatcher indexed for it. */
class CommitLogKeysTest {
    @TempDir
    Path dir;

    @Test
    void confirmsOnlyAMessagesOwnKeysTopicAndStoreTime() {
        AtomicReference<RecordingIndex> index = new AtomicReference<>();
        StoreContext context = StoreContext.defaults().withKeyIndexFactory((config, keys) -> {
            index.set(new RecordingIndex(keys));
            return index.get();
        });
        try (MmapMessageStore store = MmapMessageStore.open(StoreFixture.smallConfig(dir).build(), context)) {
            AppendResult first = store.append(StoreFixture.message("T", 0, "one".getBytes(), null, "a b", "U1")).join();
            AppendResult second = store.append(StoreFixture.message("T", 0, "two".getBytes(), null, null, "U2")).join();
            IndexedKeys keys = index.get().keys;
            long at = first.commitLogOffset();
            long ts = first.storeTimestamp();

            assertTrue(keys.holds(at, ts, "T", "a"));
            assertTrue(keys.holds(at, ts, "T", "b"));
            assertTrue(keys.holds(at, ts, "T", "U1"));
            assertTrue(keys.holds(second.commitLogOffset(), second.storeTimestamp(), "T", "U2"));

            assertFalse(keys.holds(at, ts, "T", "a b"), "KEYS is split on spaces");
            assertFalse(keys.holds(at, ts, "T", "U2"), "another message's key");
            assertFalse(keys.holds(at, ts, "Other", "a"), "another topic");
            assertFalse(keys.holds(at, ts + 1, "T", "a"), "another store time");
            assertFalse(keys.holds(at + 1, ts, "T", "a"), "not where a message starts");
            assertFalse(keys.holds(store.maxCommitLogOffset(), ts, "T", "a"), "past the end");
            assertFalse(keys.holds(1L << 40, ts, "T", "a"), "no such file");
        }
    }
}
