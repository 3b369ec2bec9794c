package dev.sluice.jmh.store;

import dev.sluice.jmh.Dirs;
import dev.sluice.jmh.stats.SampledLatency;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.mmap.MmapMessageStore;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.MessageExtBrokerInner;
import org.apache.rocketmq.store.PutMessageResult;
import org.apache.rocketmq.store.PutMessageStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
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

/**
 * Appends to Sluice's store and to Apache RocketMQ 4.9.7's {@link DefaultMessageStore}, same settings, same run.
 * {@code append}: each JMH thread appends one message at a time and waits for its acknowledgement.
 * {@code appendPipelined}: each thread keeps {@value InFlight#SIZE} appends outstanding (the async API), which is
 * where SYNC_FLUSH group commit earns its keep.
 *
 * <p>{@code jmh/bin/run-benchmarks} runs the matrix and writes the report; by hand:
 * <pre>
 * mvn -B -ntp -q -pl jmh -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp jmh/target/classes:$(cat jmh/target/cp.txt) org.openjdk.jmh.Main StoreAppendBenchmark -t 4 \
 *     -p bodySize=128,1024 -p flush=ASYNC_FLUSH
 * </pre>
 *
 * <p>Both stores append at the rate the kernel hands out fresh page cache pages; on a VM whose freed memory goes
 * back to the host, a trial that starts right after another's teardown reuses its pages and runs faster, so
 * compare a pair in both orders ({@code -p impl=sluice,apache} and {@code -p impl=apache,sluice}). Measured
 * before and after Sluice took the page faults off its append lock (1 KiB x 4 ASYNC_FLUSH 0.93x -> 1.82x,
 * 128 B 1.53x -> 2.21x, 4 KiB 0.61x -> 1.67x, 256 in flight 1.01x -> 2.04x): jmh/results/2026-11-21-store-append.md.
 * Where new pages come from reclaiming page cache instead (BenchmarkReport {@code --memory full}), and with the
 * writer's own mappings (WriteWindows), 2.09x-3.65x in every ASYNC_FLUSH cell:
 * jmh/results/2026-11-22-write-windows.md.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED", "-Drocketmq.client.logUseSlf4j=true"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class StoreAppendBenchmark {
    private static final int QUEUES = 8;

    /** One store under test. */
    @State(Scope.Benchmark)
    public static class Store {
        @Param({"sluice", "apache"})
        public String impl;
        @Param({"128", "1024", "4096"})
        public int bodySize;
        @Param({"ASYNC_FLUSH", "SYNC_FLUSH"})
        public String flush;
        @Param({"false"})
        public boolean transientStorePool;

        Path dir;
        MmapMessageStore sluice;
        Peers.Apache apache;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("store-bench");
            if (impl.equals("sluice")) {
                sluice = Peers.sluice(dir, flush, transientStorePool);
            } else {
                apache = Peers.apache(dir, flush, transientStorePool);
            }
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
    }

    /** A message per thread, reused: the peers encode it into their own buffers anyway. */
    @State(Scope.Thread)
    public static class Message {
        AppendRequest sluice;
        MessageExtBrokerInner apache;

        @Setup(Level.Trial)
        public void make(Store store) {
            byte[] body = new byte[store.bodySize];
            ThreadLocalRandom.current().nextBytes(body);
            int queue = ThreadLocalRandom.current().nextInt(QUEUES);
            sluice = Peers.sluiceMessage(body, queue);
            apache = Peers.apacheMessage(body, queue);
        }
    }

    @Benchmark
    public Object append(Store store, Message message, SampledLatency.Sampler latency) {
        long started = latency.start();
        if (store.sluice != null) {
            AppendResult r = store.sluice.append(message.sluice).join();
            latency.stop(started);
            if (r.status() != AppendStatus.PUT_OK) {
                throw new IllegalStateException(r.status() + " " + r.remark());
            }
            return r;
        }
        PutMessageResult r = store.apache.store().putMessage(message.apache);
        latency.stop(started);
        if (r.getPutMessageStatus() != PutMessageStatus.PUT_OK) {
            throw new IllegalStateException(String.valueOf(r.getPutMessageStatus()));
        }
        return r;
    }

    @Benchmark
    public void appendPipelined(Store store, Message message, InFlight inFlight) {
        inFlight.replaceOldest(store.sluice != null ? store.sluice.append(message.sluice)
                : store.apache.store().asyncPutMessage(message.apache));
    }
}
