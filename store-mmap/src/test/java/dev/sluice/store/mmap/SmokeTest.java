package dev.sluice.store.mmap;

import dev.sluice.testing.Deadline;

import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReadStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.TagFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class SmokeTest {
    @TempDir
    Path dir;

    @Test
    void appendsReadsAndReopens() throws Exception {
        StoreConfig config = StoreFixture.smallConfig(dir).build();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults())) {
            for (int i = 0; i < 500; i++) {
                AppendResult r = store.append(StoreFixture.message("T", i % 2, ("m" + i).getBytes(StandardCharsets.UTF_8),
                        i % 3 == 0 ? "A" : "B", "k" + i, null)).join();
                assertEquals(AppendStatus.PUT_OK, r.status(), r.remark());
                assertEquals(i / 2, r.queueOffset());
            }
            Deadline.await("dispatch", Duration.ofSeconds(10), () -> store.maxQueueOffset("T", 1) == 250);
            try (ReadResult rr = store.read("T", 0, 0, 32, TagFilter.ALL)) {
                assertEquals(ReadStatus.FOUND, rr.status());
                assertEquals(32, rr.messages().size());
                DecodedMessage first = StoreFixture.decode(rr.messages().get(0));
                assertEquals("m0", new String(first.body(), StandardCharsets.UTF_8));
                assertTrue(first.crcValid());
            }
        }
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults())) {
            assertEquals(250, store.maxQueueOffset("T", 0));
            AppendResult r = store.append(StoreFixture.message("T", 0, new byte[10], null, null, null)).join();
            assertEquals(250, r.queueOffset());
        }
    }
}
