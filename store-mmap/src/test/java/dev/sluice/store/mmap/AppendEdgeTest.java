package dev.sluice.store.mmap;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.spi.FlushPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** Refusals of bad messages, flush timeouts and group commit. */
class AppendEdgeTest {
    @TempDir
    Path dir;
    private MmapMessageStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private void open(StoreConfig.Builder b, StoreContext ctx) {
        store = MmapMessageStore.open(b.build(), ctx);
    }

    private void assertRefused(AppendRequest m, AppendStatus status, String remarkPart) {
        long end = store.maxCommitLogOffset();
        AppendResult r = store.append(m).join();
        assertEquals(status, r.status());
        assertTrue(r.remark().contains(remarkPart), r.remark());
        assertEquals(-1, r.commitLogOffset());
        assertEquals(end, store.maxCommitLogOffset(), "the log is untouched");
    }

    @Test
    void badMessagesAreRefusedAndTheLogIsUntouched() {
        open(StoreFixture.smallConfig(dir).set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, "65536"), StoreContext.defaults());
        store.append(StoreFixture.message("T", 0, new byte[10], null, null, null)).join();
        assertRefused(StoreFixture.message("T", 0, new byte[4097], null, null, null), AppendStatus.MESSAGE_ILLEGAL,
                "maxMessageSize");
        assertRefused(StoreFixture.message("T".repeat(128), 0, new byte[1], null, null, null),
                AppendStatus.MESSAGE_ILLEGAL, "127");
        assertRefused(StoreFixture.message("bad topic!", 0, new byte[1], null, null, null),
                AppendStatus.MESSAGE_ILLEGAL, "illegal character");
        assertRefused(StoreFixture.message("T", -1, new byte[1], null, null, null), AppendStatus.MESSAGE_ILLEGAL,
                "queueId");
        String longProps = "KEYS\u0001" + "k".repeat(32_763);
        assertRefused(AppendRequest.of("T", 0, new byte[1], longProps, 0), AppendStatus.PROPERTIES_SIZE_EXCEEDED,
                "32767");
        assertEquals(AppendStatus.PUT_OK,
                store.append(AppendRequest.of("T", 0, new byte[1], "KEYS\u0001" + "k".repeat(32_762), 0)).join().status(),
                "exactly 32767 bytes of properties is fine");
        List<AppendRequest> mixed = List.of(StoreFixture.message("T", 0, new byte[1], null, null, null),
                StoreFixture.message("U", 0, new byte[1], null, null, null));
        assertEquals(AppendStatus.MESSAGE_ILLEGAL, store.appendBatch(mixed).join().status());
    }

    @Test
    void anInterruptedProducerLeavesTheCommitLogWritable() {
        open(StoreFixture.smallConfig(dir), StoreContext.defaults());
        List<AppendResult> results = new ArrayList<>();
        byte[] body = new byte[4096];
        for (int i = 0; i < 8; i++) {
            body[0] = (byte) i;
            // Page-sized records go through the file channel, which an interrupt would close for good. The first
            // append creates the first file in the calling thread (later ones are prepared in the background), and
            // creating a file is still interruptible: that one runs uninterrupted.
            if (i > 0) {
                Thread.currentThread().interrupt();
            }
            results.add(store.append(StoreFixture.message("T", 0, body.clone(), null, null, null)).join());
            assertEquals(i > 0, Thread.interrupted(), "the interrupt is still pending after append " + i);
        }
        for (int i = 0; i < results.size(); i++) {
            AppendResult r = results.get(i);
            assertEquals(AppendStatus.PUT_OK, r.status(), r.remark());
            ByteBuffer record = store.lookup(r.commitLogOffset()).orElseThrow();
            assertEquals(r.wroteBytes(), record.remaining());
            byte[] stored = StoreFixture.decode(record).body();
            assertEquals(4096, stored.length);
            assertEquals((byte) i, stored[0], "record " + i + " holds its own body");
        }
    }

    @Test
    void syncFlushThatCannotFlushAnswersFlushDiskTimeout() {
        FlushPolicy neverForces = new FlushPolicy() {
            @Override
            public boolean acknowledgeAfterFlush() {
                return true;
            }

            @Override
            public long flushTimeoutMillis() {
                return 50;
            }

            @Override
            public long checkIntervalMillis() {
                return 5;
            }

            @Override
            public boolean shouldForce(long dirtyBytes, long millisSinceFullForce, boolean waiters) {
                return false;
            }
        };
        open(StoreFixture.smallConfig(dir), StoreContext.defaults().withFlushPolicy(neverForces));
        AppendResult r = store.append(StoreFixture.message("T", 0, new byte[10], null, null, null))
                .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        assertEquals(AppendStatus.FLUSH_DISK_TIMEOUT, r.status());
        assertTrue(r.commitLogOffset() >= 0, "the message is stored, only not known durable");
        AppendResult noWait = store.append(new AppendRequest("T", 0, 0, ByteBuffer.wrap(new byte[1]),
                "WAIT\u0001false".getBytes(), 0, 0, new byte[] {127, 0, 0, 1}, 0, 0, 0)).join();
        assertEquals(AppendStatus.PUT_OK, noWait.status(), "WAIT=false does not wait for the flush");
    }

    @Test
    void groupCommitSharesOneForceAmongWaitingAppends() {
        AtomicInteger forces = new AtomicInteger();
        FlushPolicy group = FlushPolicy.groupCommit(5000);
        FlushPolicy counting = new FlushPolicy() {
            @Override
            public boolean acknowledgeAfterFlush() {
                return true;
            }

            @Override
            public long flushTimeoutMillis() {
                return group.flushTimeoutMillis();
            }

            @Override
            public long checkIntervalMillis() {
                return group.checkIntervalMillis();
            }

            @Override
            public boolean shouldForce(long dirtyBytes, long millisSinceFullForce, boolean waiters) {
                boolean force = group.shouldForce(dirtyBytes, millisSinceFullForce, waiters);
                if (force) {
                    forces.incrementAndGet();
                }
                return force;
            }
        };
        store = MmapMessageStore.open(StoreFixture.smallConfig(dir).set(StoreConfig.FLUSH_DISK_TYPE, "SYNC_FLUSH").build(),
                StoreContext.defaults().withFlushPolicy(counting), false);
        List<CompletableFuture<AppendResult>> pending = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            pending.add(store.append(StoreFixture.message("T", i % 4, new byte[50], null, null, null)));
        }
        assertTrue(pending.stream().noneMatch(CompletableFuture::isDone), "nothing acknowledged before a force");
        store.commitLogFlusher().doWork();
        for (CompletableFuture<AppendResult> f : pending) {
            assertTrue(f.isDone());
            assertEquals(AppendStatus.PUT_OK, f.join().status());
        }
        assertEquals(1, forces.get(), "one force acknowledged all 200 waiting appends");
    }

    @Test
    void appendsFromManyThreadsGetDenseOffsets() throws Exception {
        open(StoreFixture.smallConfig(dir).set(StoreConfig.FLUSH_DISK_TYPE, "SYNC_FLUSH"), StoreContext.defaults());
        int threads = 8;
        int each = 200;
        List<Thread> workers = new ArrayList<>();
        List<Long> offsets = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    AppendResult r = store.append(StoreFixture.message("T", 0, new byte[20], null, null, null)).join();
                    assertEquals(AppendStatus.PUT_OK, r.status());
                    offsets.add(r.queueOffset());
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join(Duration.ofSeconds(60).toMillis());
            assertFalse(w.isAlive());
        }
        assertEquals(threads * each, offsets.size());
        assertEquals(threads * each, offsets.stream().distinct().count());
        assertEquals(threads * each - 1, offsets.stream().mapToLong(Long::longValue).max().orElseThrow());
    }
}
