package dev.sluice.store.mmap;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A late fault report (an InternalError thrown wherever the allocator thread has got to) costs no task: the one in
 * hand runs again, and the ones queued behind it still run, in order.
 */
class AllocatorThreadTest {
    @Test
    void aTaskHitByALateFaultRunsAgainAndTheNextFileStillComes() throws Exception {
        AllocatorThread allocator = new AllocatorThread("test-allocator");
        try {
            AtomicInteger runs = new AtomicInteger();
            List<String> order = new CopyOnWriteArrayList<>();
            allocator.execute(() -> {
                order.add("prefault " + runs.incrementAndGet());
                if (runs.get() == 1) {
                    throw new InternalError("a fault occurred in a recent unsafe memory access operation");
                }
            });
            CompletableFuture<String> nextFile = CompletableFuture.supplyAsync(() -> {
                order.add("create");
                return "00000000001073741824";
            }, allocator);
            assertEquals("00000000001073741824", nextFile.get(10, TimeUnit.SECONDS));
            assertEquals(List.of("prefault 1", "prefault 2", "create"), order);
        } finally {
            allocator.shutdownNow();
        }
    }

    @Test
    void aTaskThatKeepsFailingIsDroppedAfterItsAttemptsAndTheRestRun() throws Exception {
        AllocatorThread allocator = new AllocatorThread("test-allocator");
        try {
            AtomicInteger runs = new AtomicInteger();
            allocator.execute(() -> {
                runs.incrementAndGet();
                throw new IllegalStateException("always");
            });
            CompletableFuture<Integer> after = CompletableFuture.supplyAsync(runs::get, allocator);
            assertEquals(AllocatorThread.ATTEMPTS, after.get(10, TimeUnit.SECONDS));
        } finally {
            allocator.shutdownNow();
        }
    }

    @Test
    void aClosedAllocatorRefusesTasks() {
        AllocatorThread allocator = new AllocatorThread("test-allocator");
        allocator.shutdownNow();
        assertThrows(RejectedExecutionException.class, () -> allocator.execute(() -> { }));
    }
}
