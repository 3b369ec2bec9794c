package dev.sluice.jmh.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** --warmup: every send is counted as sent, only those begun after the warm-up are measured. */
class LoadToolWarmupTest {

    /** Answers every send after a millisecond and notes when it was called. */
    private static final class SlowDriver implements Driver {
        final ConcurrentLinkedQueue<Long> sendCalls = new ConcurrentLinkedQueue<>();

        @Override
        public void createTopic(String topic, int queues) {
        }

        @Override
        public List<Queue> queues(String topic) {
            return List.of(new Queue("b", "127.0.0.1:1", 0));
        }

        @Override
        public CompletableFuture<Void> send(String topic, Queue queue, byte[] body, SendMode mode) {
            sendCalls.add(System.nanoTime());
            try {
                TimeUnit.MILLISECONDS.sleep(1); // the broker's round trip this fake stands for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CompletableFuture.failedFuture(e);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Pulled pull(String topic, Queue queue, long offset, int max) {
            return new Pulled(List.of(), offset);
        }

        @Override
        public long maxOffset(String topic, Queue queue) {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void sendsBegunDuringTheWarmupAreSentButNotMeasured() throws Exception {
        SlowDriver driver = new SlowDriver();
        LoadTool tool = new LoadTool(LoadTool.Options.parse(new String[] {
                "produce", "--threads", "2", "--warmup", "1", "--duration", "1", "--interval", "1"}), driver);
        LoadTool.Produced p = tool.produce(driver.queues("t"));

        long afterWarmup = driver.sendCalls.stream().filter(t -> t >= tool.measureFrom).count();
        assertEquals(driver.sendCalls.size(), p.sentCount(), "every send counts as sent");
        assertTrue(afterWarmup > 0 && afterWarmup < driver.sendCalls.size(),
                afterWarmup + " of " + driver.sendCalls.size() + " sends after the warm-up");
        // The tool stamps a send just before calling the driver, so a send can straddle the boundary.
        assertTrue(Math.abs(p.measuredCount() - afterWarmup) <= 2,
                p.measuredCount() + " measured, " + afterWarmup + " called after the warm-up");
    }

    @Test
    void warmupIsZeroOrAPositiveNumberOfSeconds() {
        assertEquals(0, LoadTool.Options.parse(new String[] {"-n", "127.0.0.1:9876"}).warmupSeconds);
        assertEquals(0, LoadTool.Options.parse(new String[] {"--warmup", "0"}).warmupSeconds);
        assertEquals(15, LoadTool.Options.parse(new String[] {"--warmup", "15"}).warmupSeconds);
        assertThrows(IllegalArgumentException.class, () -> LoadTool.Options.parse(new String[] {"--warmup", "-1"}));
        assertThrows(IllegalArgumentException.class, () -> LoadTool.Options.parse(new String[] {"--warmup", "soon"}));
    }
}
