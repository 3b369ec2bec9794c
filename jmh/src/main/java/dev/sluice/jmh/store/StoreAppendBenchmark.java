package dev.sluice.jmh.store;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.MessageExtBrokerInner;
import org.apache.rocketmq.store.PutMessageResult;
import org.apache.rocketmq.store.PutMessageStatus;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.store.stats.BrokerStatsManager;
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
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Appends to Sluice's store and to Apache RocketMQ 4.9.7's {@link DefaultMessageStore}, same settings, same run.
 * {@code append}: each JMH thread appends one message at a time and waits for its acknowledgement.
 * {@code appendPipelined}: each thread keeps {@value #IN_FLIGHT} appends outstanding (the async API), which is
 * where SYNC_FLUSH group commit earns its keep.
 *
 * <pre>
 * mvn -B -ntp -pl jmh -am install -DskipTests
 * mvn -B -ntp -q -pl jmh dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp jmh/target/classes:$(cat jmh/target/cp.txt) org.openjdk.jmh.Main StoreAppendBenchmark -t 4 \
 *     -p bodySize=128,1024 -p flush=ASYNC_FLUSH
 * </pre>
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED", "-Drocketmq.client.logUseSlf4j=true"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class StoreAppendBenchmark {
    static final int IN_FLIGHT = 256;
    private static final int FILE_SIZE = 256 << 20;
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
        DefaultMessageStore apache;
        BrokerStatsManager stats;

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = Files.createTempDirectory("store-bench");
            if (impl.equals("sluice")) {
                StoreConfig config = StoreConfig.builder().storePathRootDir(dir)
                        .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(FILE_SIZE))
                        .set(StoreConfig.FLUSH_DISK_TYPE, flush)
                        .set(StoreConfig.TRANSIENT_STORE_POOL_ENABLE, String.valueOf(transientStorePool))
                        .set(StoreConfig.MESSAGE_INDEX_ENABLE, "false")
                        .build();
                sluice = MmapMessageStore.open(config, StoreContext.defaults());
            } else {
                MessageStoreConfig config = new MessageStoreConfig();
                config.setStorePathRootDir(dir.toString());
                config.setStorePathCommitLog(dir.resolve("commitlog").toString());
                config.setMappedFileSizeCommitLog(FILE_SIZE);
                config.setFlushDiskType(FlushDiskType.valueOf(flush));
                config.setTransientStorePoolEnable(transientStorePool);
                config.setMessageIndexEnable(false);
                stats = new BrokerStatsManager("bench", false);
                apache = new DefaultMessageStore(config, stats, null, new BrokerConfig());
                if (!apache.load()) {
                    throw new IllegalStateException("Apache store did not load");
                }
                apache.start();
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (sluice != null) {
                sluice.destroy();
            }
            if (apache != null) {
                apache.shutdown();
                apache.destroy();
                stats.shutdown();
            }
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
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
            String properties = "TAGS\u0001TagA\u0002KEYS\u0001order-1\u0002UNIQ_KEY\u00017F0000010001B4AAC2A2";
            sluice = AppendRequest.of("BenchmarkTest", queue, body, properties, System.currentTimeMillis());
            apache = new MessageExtBrokerInner();
            apache.setTopic("BenchmarkTest");
            apache.setQueueId(queue);
            apache.setBody(body);
            apache.setPropertiesString(properties);
            org.apache.rocketmq.common.message.MessageAccessor.setProperties(apache,
                    MessageDecoder.string2messageProperties(properties));
            apache.setTagsCode(MessageExtBrokerInner.tagsString2tagsCode("TagA"));
            apache.setBornTimestamp(System.currentTimeMillis());
            apache.setBornHost(new InetSocketAddress("127.0.0.1", 40000));
            apache.setStoreHost(new InetSocketAddress("127.0.0.1", 10911));
        }
    }

    @Benchmark
    public Object append(Store store, Message message) {
        if (store.sluice != null) {
            AppendResult r = store.sluice.append(message.sluice).join();
            if (r.status() != AppendStatus.PUT_OK) {
                throw new IllegalStateException(r.status() + " " + r.remark());
            }
            return r;
        }
        PutMessageResult r = store.apache.putMessage(message.apache);
        if (r.getPutMessageStatus() != PutMessageStatus.PUT_OK) {
            throw new IllegalStateException(String.valueOf(r.getPutMessageStatus()));
        }
        return r;
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public void appendPipelined(Store store, Message message) {
        CompletableFuture<?>[] pending = new CompletableFuture<?>[IN_FLIGHT];
        for (int i = 0; i < IN_FLIGHT; i++) {
            pending[i] = store.sluice != null ? store.sluice.append(message.sluice)
                    : store.apache.asyncPutMessage(message.apache);
        }
        CompletableFuture.allOf(pending).join();
    }
}
