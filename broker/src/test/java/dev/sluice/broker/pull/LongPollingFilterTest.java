package dev.sluice.broker.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.broker.client.Subscription;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A held pull with an SQL92 selector is woken only by a message its selector takes, as RocketMQ's hold service checks
 * the arriving message's properties: otherwise every message of a busy queue would cost the consumer a pull that
 * finds nothing it wants.
 */
class LongPollingFilterTest {
    private static final String TOPIC = "HeldSqlTopic";

    @TempDir
    Path dir;

    @Test
    void aHeldSqlPullIsWokenOnlyByAMessageItsSelectorTakes() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        AtomicReference<LongPolling> polling = new AtomicReference<>();
        StoreConfig config = StoreConfig.builder().storePathRootDir(dir)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(1 << 20))
                .set(StoreConfig.MESSAGE_INDEX_ENABLE, "false")
                .build();
        MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults().withDispatchListener(
                (topic, queueId, maxOffset, tagCode, record) -> {
                    LongPolling p = polling.get();
                    if (p != null) {
                        p.onDispatched(topic, queueId, maxOffset, tagCode, record);
                    }
                }));
        try {
            // Resumed on the dispatcher's own thread: the queue's end it sees then says which message woke it.
            LongPolling longPolling = new LongPolling(store, timer, Runnable::run);
            polling.set(longPolling);
            CompletableFuture<Long> resumedAtEnd = new CompletableFuture<>();
            Subscription sql = Subscription.parse(TOPIC, "a = 'yes'", "SQL92", 1);
            longPolling.park(new LongPolling.Parked(TOPIC, 0, 0, sql.filter(),
                    () -> resumedAtEnd.complete(store.maxQueueOffset(TOPIC, 0))), 30_000);

            for (String a : new String[] {"no", "yes"}) {
                AppendStatus status = store.append(AppendRequest.of(TOPIC, 0, a.getBytes(), "a\u0001" + a,
                        System.currentTimeMillis())).join().status();
                assertEquals(AppendStatus.PUT_OK, status);
            }
            assertEquals(2L, resumedAtEnd.get(10, TimeUnit.SECONDS), "woken by the second message, not the first");
        } finally {
            store.close();
            timer.shutdownNow();
        }
    }
}
