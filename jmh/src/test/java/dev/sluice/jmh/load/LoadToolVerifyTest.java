package dev.sluice.jmh.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the load tool reports as lost must have been lost: not still on its way, nor behind a restarting broker. */
class LoadToolVerifyTest {
    @TempDir
    Path dir;

    /**
     * One queue in memory. A send is stored {@code delayMillis} after its call returned (a oneway send, or a
     * broker that makes a message readable a moment after acknowledging it); sends past {@code keep} are dropped (a
     * tail lost in a crash); the first {@code failures} calls of maxOffset or pull throw (a broker restarting).
     */
    private static final class MemoryDriver implements Driver {
        final List<byte[]> stored = new ArrayList<>();
        final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        final long delayMillis;
        final int keep;
        final AtomicInteger failures;

        MemoryDriver(long delayMillis, int keep, int failures) {
            this.delayMillis = delayMillis;
            this.keep = keep;
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public void createTopic(String topic, int queues) {
        }

        @Override
        public List<Queue> queues(String topic) {
            return List.of(new Queue("b", "127.0.0.1:1", 0));
        }

        @Override
        public CompletableFuture<Void> send(String topic, Queue queue, byte[] body, SendMode mode) {
            byte[] copy = body.clone();
            later.schedule(() -> {
                synchronized (stored) {
                    if (stored.size() < keep) {
                        stored.add(copy);
                    }
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Pulled pull(String topic, Queue queue, long offset, int max) {
            failIfRestarting();
            synchronized (stored) {
                int end = (int) Math.min(stored.size(), offset + max);
                return new Pulled(new ArrayList<>(stored.subList((int) offset, end)), end);
            }
        }

        @Override
        public long maxOffset(String topic, Queue queue) {
            failIfRestarting();
            synchronized (stored) {
                return stored.size();
            }
        }

        private void failIfRestarting() {
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("connect to 127.0.0.1:1 failed");
            }
        }

        @Override
        public void close() {
            later.shutdownNow();
        }
    }

    private static LoadTool tool(Driver driver, String... args) {
        return new LoadTool(LoadTool.Options.parse(args), driver);
    }

    @Test
    void onewaySendsStoredAfterTheirCallReturnedAreNotLost() throws Exception {
        try (MemoryDriver driver = new MemoryDriver(300, Integer.MAX_VALUE, 0)) {
            assertEquals(0, tool(driver, "run", "--mode", "oneway", "--count", "200", "--threads", "2").run());
            assertEquals(200, driver.stored.size());
        }
    }

    @Test
    void aBrokerFailingWhileVerifyingIsAskedAgain() throws Exception {
        try (MemoryDriver driver = new MemoryDriver(0, Integer.MAX_VALUE, 3)) {
            assertEquals(0, tool(driver, "run", "--count", "100", "--threads", "2").run());
        }
    }

    @Test
    void aLostTailIsCountedAgainstTheAcknowledgedSends() throws Exception {
        Path acks = dir.resolve("acks");
        try (MemoryDriver driver = new MemoryDriver(0, 150, 0)) {
            // One thread: the driver keeps the first 150 sends it is given, which are then sequence numbers 0..149
            // (two threads may hand it 150 before 149, and the kept ones would have a gap).
            assertEquals(0, tool(driver, "produce", "--count", "200", "--threads", "1", "--acks", acks.toString())
                    .produceOnly());
            assertEquals(200, LoadTool.readAcks(acks).acknowledged().size());
            driver.later.submit(() -> { }).get(10, TimeUnit.SECONDS); // behind every store

            String[] out = new String[1];
            assertEquals(1, printed(out, () -> tool(driver, "consume", "--acks", acks.toString()).consumeOnly()));
            assertTrue(out[0].contains("acknowledged=200 received=150 distinct=150 duplicates=0 lost=50"), out[0]);
            // Without the acknowledgements, a lost tail is no gap: only the usage text says so.
            assertEquals(0, printed(out, () -> tool(driver, "consume").consumeOnly()));
            assertTrue(out[0].contains("received=150 distinct=150 duplicates=0 missing=0"), out[0]);
        }
    }

    private interface Run {
        int call() throws Exception;
    }

    private static int printed(String[] out, Run run) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            return run.call();
        } finally {
            System.setOut(original);
            out[0] = bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
