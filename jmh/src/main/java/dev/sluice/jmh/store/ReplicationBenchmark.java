package dev.sluice.jmh.store;

import dev.sluice.jmh.Dirs;
import dev.sluice.jmh.stats.SampledLatency;
import dev.sluice.replication.ReplicationSettings;
import dev.sluice.replication.Replications;
import dev.sluice.replication.Replicator;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.MessageExtBrokerInner;
import org.apache.rocketmq.store.PutMessageStatus;
import org.apache.rocketmq.store.config.BrokerRole;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.store.stats.BrokerStatsManager;
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
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Appends on a master whose slave runs in the same JVM, replicating over loopback: {@code none} (no slave),
 * {@code async} (ASYNC_MASTER) and {@code sync} (SYNC_MASTER: an append completes once the slave has it).
 * Sluice's replication comes from whatever strategy the class path offers (sluice-replication-async/-sync);
 * Apache RocketMQ 4.9.7's DefaultMessageStore uses its own HA service, same settings, same run. ASYNC_FLUSH on both.
 *
 * <p>{@code appendPipelined}, sync as a share of async in the same run (jmh/results/2026-11-21-replication-sync.md,
 * 2 loaded cores): Sluice 0.79-0.94 before the HA changes of that day and 0.99-1.26 after with async running first;
 * 0.75-0.80 before and 0.68-0.85 after with sync first (the trial that runs second gets the pages the first one
 * freed, so compare both orders: {@code -p replication=sync,async}). Apache 4.9.7: 0.42-0.54. Those runs sent bursts
 * of 256; with 256 kept in flight ({@link InFlight}): 1.05 async first, 0.75-0.81 sync first, Apache 0.45-0.52
 * (jmh/results/2026-11-21-in-flight-window.md). In async the slave falls
 * behind without bound (1-2 GB after 8 s), so async measures the master alone, while sync waits for the whole
 * pipeline, on the same two cores.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED", "-Drocketmq.client.logUseSlf4j=true"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class ReplicationBenchmark {

    /** A master and, unless {@code none}, its slave. */
    @State(Scope.Benchmark)
    public static class Cluster {
        @Param({"sluice", "apache"})
        public String impl;
        @Param({"1024"})
        public int bodySize;
        @Param({"none", "async", "sync"})
        public String replication;

        Path dir;
        MmapMessageStore sluice;
        MmapMessageStore sluiceSlave;
        Replicator masterReplicator;
        Replicator slaveReplicator;
        DefaultMessageStore apache;
        DefaultMessageStore apacheSlave;
        BrokerStatsManager stats;

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = Files.createTempDirectory("repl-bench");
            int haPort = freePort();
            try {
                if (impl.equals("sluice")) {
                    openSluice(haPort);
                } else {
                    openApache(haPort);
                }
                awaitReplicaReady();
            } catch (Exception | Error e) {
                close(); // JMH skips the tear-down of a failed set-up: release what opened and its files
                throw e;
            }
        }

        private void openSluice(int haPort) throws IOException {
            if (replication.equals("none")) {
                sluice = Peers.sluice(dir.resolve("master"), "ASYNC_FLUSH", false);
                return;
            }
            String role = replication.equals("sync") ? "SYNC_MASTER" : "ASYNC_MASTER";
            masterReplicator = Replications.create(ReplicationSettings.defaults(role, haPort).withBindAddress("127.0.0.1"));
            sluice = MmapMessageStore.open(config(dir.resolve("master")),
                    StoreContext.defaults().withReplicationHook(masterReplicator.hook()));
            start(masterReplicator, sluice);
            slaveReplicator = Replications.create(ReplicationSettings.defaults("SLAVE", freePort())
                    .withBindAddress("127.0.0.1").withHaMasterAddress("127.0.0.1:" + haPort));
            sluiceSlave = MmapMessageStore.open(config(dir.resolve("slave")),
                    StoreContext.defaults().withReplicationHook(slaveReplicator.hook()));
            start(slaveReplicator, sluiceSlave);
        }

        private static void start(Replicator replicator, MmapMessageStore store) {
            try {
                replicator.start(store.replicationLog());
            } catch (Exception e) {
                throw new IllegalStateException("replication did not start: " + e, e);
            }
        }

        private static StoreConfig config(Path root) {
            return StoreConfig.builder().storePathRootDir(root)
                    .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(Peers.FILE_SIZE))
                    .set(StoreConfig.MESSAGE_INDEX_ENABLE, "false")
                    .build();
        }

        private void openApache(int haPort) throws Exception {
            stats = new BrokerStatsManager("bench", false);
            BrokerRole role = switch (replication) {
                case "sync" -> BrokerRole.SYNC_MASTER;
                default -> BrokerRole.ASYNC_MASTER;
            };
            apache = apacheStore(dir.resolve("master"), role, haPort);
            if (!replication.equals("none")) {
                apacheSlave = apacheStore(dir.resolve("slave"), BrokerRole.SLAVE, freePort());
                apacheSlave.updateHaMasterAddress("127.0.0.1:" + haPort);
            }
        }

        private DefaultMessageStore apacheStore(Path root, BrokerRole role, int haPort) throws Exception {
            MessageStoreConfig config = new MessageStoreConfig();
            config.setStorePathRootDir(root.toString());
            config.setStorePathCommitLog(root.resolve("commitlog").toString());
            config.setMappedFileSizeCommitLog(Peers.FILE_SIZE);
            config.setFlushDiskType(FlushDiskType.ASYNC_FLUSH);
            config.setMessageIndexEnable(false);
            config.setBrokerRole(role);
            config.setHaListenPort(haPort);
            DefaultMessageStore store = new DefaultMessageStore(config, stats, null, new BrokerConfig());
            if (!store.load()) {
                throw new IOException("Apache store did not load from " + root);
            }
            store.start();
            return store;
        }

        /** Appends until one is acknowledged PUT_OK (a SYNC_MASTER refuses until its slave is connected). */
        private void awaitReplicaReady() {
            AppendRequest probe = Peers.sluiceMessage(new byte[bodySize], 0);
            MessageExtBrokerInner apacheProbe = Peers.apacheMessage(new byte[bodySize], 0);
            await(() -> sluice != null ? sluice.append(probe).join().status() == AppendStatus.PUT_OK
                    : apache.putMessage(apacheProbe).getPutMessageStatus() == PutMessageStatus.PUT_OK);
            if (sluiceSlave != null) {
                await(() -> sluiceSlave.replicationLog().writtenOffset() >= sluice.replicationLog().writtenOffset());
            }
            if (apacheSlave != null) {
                await(() -> apacheSlave.getMaxPhyOffset() >= apache.getMaxPhyOffset());
            }
        }

        private static void await(BooleanSupplier condition) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the slave did not connect within 60 s");
                }
                LockSupport.parkNanos(50_000_000);
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (masterReplicator != null) {
                masterReplicator.close();
            }
            if (slaveReplicator != null) {
                slaveReplicator.close();
            }
            for (MmapMessageStore s : new MmapMessageStore[] {sluice, sluiceSlave}) {
                if (s != null) {
                    s.destroy();
                }
            }
            for (DefaultMessageStore s : new DefaultMessageStore[] {apacheSlave, apache}) {
                if (s != null) {
                    s.shutdown();
                    s.destroy();
                }
            }
            if (stats != null) {
                stats.shutdown();
            }
            Dirs.deleteTree(dir);
        }
    }

    /** A message per thread, reused. */
    @State(Scope.Thread)
    public static class Message {
        AppendRequest sluice;
        MessageExtBrokerInner apache;

        @Setup(Level.Trial)
        public void make(Cluster cluster) {
            byte[] body = new byte[cluster.bodySize];
            ThreadLocalRandom.current().nextBytes(body);
            int queue = ThreadLocalRandom.current().nextInt(8);
            sluice = Peers.sluiceMessage(body, queue);
            apache = Peers.apacheMessage(body, queue);
        }
    }

    @Benchmark
    public Object append(Cluster cluster, Message message, SampledLatency.Sampler latency) {
        long started = latency.start();
        if (cluster.sluice != null) {
            AppendStatus s = cluster.sluice.append(message.sluice).join().status();
            latency.stop(started);
            if (s != AppendStatus.PUT_OK) {
                throw new IllegalStateException(String.valueOf(s));
            }
            return s;
        }
        PutMessageStatus s = cluster.apache.putMessage(message.apache).getPutMessageStatus();
        latency.stop(started);
        if (s != PutMessageStatus.PUT_OK) {
            throw new IllegalStateException(String.valueOf(s));
        }
        return s;
    }

    @Benchmark
    public void appendPipelined(Cluster cluster, Message message, InFlight inFlight) {
        inFlight.replaceOldest(cluster.sluice != null ? cluster.sluice.append(message.sluice)
                : cluster.apache.asyncPutMessage(message.apache));
    }
}
