package dev.sluice.jmh.store;

import dev.sluice.jmh.Dirs;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReadStatus;
import dev.sluice.store.mmap.MmapMessageStore;
import org.apache.rocketmq.store.GetMessageResult;
import org.apache.rocketmq.store.GetMessageStatus;
import org.apache.rocketmq.store.PutMessageStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A consumer catching up: one queue holds {@value #MESSAGES} messages and the benchmark reads them in order,
 * {@value #BATCH} per read (a pull's default batch), starting over at the end. Score = messages read per
 * second. Same data and settings for Sluice's store and Apache RocketMQ 4.9.7's DefaultMessageStore.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED", "-Drocketmq.client.logUseSlf4j=true"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@State(Scope.Benchmark)
public class ConsumeQueueReadBenchmark {
    static final int MESSAGES = 100 * 1024;
    static final int BATCH = 32;

    @Param({"sluice", "apache"})
    public String impl;
    @Param({"1024"})
    public int bodySize;

    private Path dir;
    private MmapMessageStore sluice;
    private Peers.Apache apache;
    private long next;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        dir = Files.createTempDirectory("read-bench");
        try {
            prefill();
        } catch (IOException | RuntimeException | Error e) {
            close(); // JMH skips the tear-down of a failed set-up: release what opened and its files
            throw e;
        }
    }

    private void prefill() throws IOException {
        byte[] body = new byte[bodySize];
        ThreadLocalRandom.current().nextBytes(body);
        if (impl.equals("sluice")) {
            sluice = Peers.sluice(dir, "ASYNC_FLUSH", false);
            var message = Peers.sluiceMessage(body, 0);
            for (int i = 0; i < MESSAGES; i++) {
                AppendStatus s = sluice.append(message).join().status();
                if (s != AppendStatus.PUT_OK) {
                    throw new IllegalStateException("prefill: " + s);
                }
            }
        } else {
            apache = Peers.apache(dir, "ASYNC_FLUSH", false);
            var message = Peers.apacheMessage(body, 0);
            for (int i = 0; i < MESSAGES; i++) {
                PutMessageStatus s = apache.store().putMessage(message).getPutMessageStatus();
                if (s != PutMessageStatus.PUT_OK) {
                    throw new IllegalStateException("prefill: " + s);
                }
            }
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (maxOffset() < MESSAGES) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("queue not dispatched within 60 s: " + maxOffset());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private long maxOffset() {
        return sluice != null ? sluice.maxQueueOffset(Peers.TOPIC, 0)
                : apache.store().getMaxOffsetInQueue(Peers.TOPIC, 0);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (sluice != null) {
            sluice.destroy();
        }
        if (apache != null) {
            apache.close();
        }
        Dirs.deleteTree(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int read() {
        long at = next;
        int count;
        long nextOffset;
        if (sluice != null) {
            try (ReadResult r = sluice.read(Peers.TOPIC, 0, at, BATCH, null)) {
                if (r.status() != ReadStatus.FOUND) {
                    throw new IllegalStateException("read at " + at + ": " + r.status());
                }
                count = r.messages().size();
                nextOffset = r.nextOffset();
            }
        } else {
            GetMessageResult r = apache.store().getMessage("bench", Peers.TOPIC, 0, at, BATCH, null);
            try {
                if (r.getStatus() != GetMessageStatus.FOUND) {
                    throw new IllegalStateException("read at " + at + ": " + r.getStatus());
                }
                count = r.getMessageCount();
                nextOffset = r.getNextBeginOffset();
            } finally {
                r.release();
            }
        }
        next = nextOffset >= MESSAGES ? 0 : nextOffset;
        return count;
    }
}
