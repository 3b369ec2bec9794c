package dev.sluice.replication.ha;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.MessageStore;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import dev.sluice.testing.Deadline;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.MessageExtBrokerInner;
import org.apache.rocketmq.store.PutMessageStatus;
import org.apache.rocketmq.store.config.BrokerRole;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.store.stats.BrokerStatsManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The HA protocol against Apache RocketMQ 4.9.7's own HAService: a Sluice slave follows an Apache master and an
 * Apache slave follows a Sluice master, each ending with the other's CommitLog byte for byte.
 */
class ApacheInteropTest {
    private static final int FILE_SIZE = 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private record Apache(DefaultMessageStore store, BrokerStatsManager stats) implements AutoCloseable {
        @Override
        public void close() {
            store.shutdown();
            stats.shutdown();
        }
    }

    private Apache apache(String name, BrokerRole role, int haPort) throws Exception {
        MessageStoreConfig config = new MessageStoreConfig();
        config.setStorePathRootDir(dir.resolve(name).toString());
        config.setStorePathCommitLog(dir.resolve(name).resolve("commitlog").toString());
        config.setMappedFileSizeCommitLog(FILE_SIZE);
        config.setBrokerRole(role);
        config.setHaListenPort(haPort);
        config.setMessageIndexEnable(false);
        BrokerStatsManager stats = new BrokerStatsManager("interop", false);
        DefaultMessageStore store = new DefaultMessageStore(config, stats, null, new BrokerConfig());
        assertTrue(store.load());
        store.start();
        return new Apache(store, stats);
    }

    private MmapMessageStore sluice(String name, dev.sluice.replication.Replicator replicator) throws Exception {
        MmapMessageStore store = MmapMessageStore.open(StoreConfig.builder().storePathRootDir(dir.resolve(name))
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(FILE_SIZE)).build(),
                StoreContext.defaults().withReplicationHook(replicator.hook()));
        replicator.start(store.replicationLog());
        return store;
    }

    private static ReplicationSettings settings(String role, String master) {
        return ReplicationSettings.defaults(role, 0).withBindAddress("127.0.0.1").withHaMasterAddress(master)
                .withIntervals(200, 20000, 200);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aSluiceSlaveFollowsAnApacheMaster() throws Exception {
        int haPort = freePort();
        try (Apache master = apache("apache-master", BrokerRole.ASYNC_MASTER, haPort);
             SlaveReplicator replicator = new SlaveReplicator(settings("SLAVE", "127.0.0.1:" + haPort))) {
            MmapMessageStore slave = sluice("sluice-slave", replicator);
            try {
                Random random = new Random(1);
                for (int i = 0; i < 1500; i++) {
                    assertEquals(PutMessageStatus.PUT_OK, master.store().putMessage(apacheMessage(i, random)).getPutMessageStatus());
                }
                long end = master.store().getMaxPhyOffset();
                assertTrue(end > FILE_SIZE, "the master rolled a file");
                Deadline.await("the Sluice slave holds the Apache master's " + end + " bytes", WAIT,
                        () -> slave.replicationLog().writtenOffset() == end);
                long from = slave.minCommitLogOffset();
                assertEquals(HaReplicationTest.checksums(dir.resolve("apache-master"), from, end),
                        HaReplicationTest.checksums(dir.resolve("sluice-slave"), from, end));
                Deadline.await("the slave dispatched what it received", WAIT, () -> slave.dispatchedOffset() == end);
                assertTrue(slave.maxQueueOffset("Interop", 0) > 0);
            } finally {
                slave.close();
            }
        }
    }

    @Test
    void anApacheSlaveFollowsASluiceMaster() throws Exception {
        MasterReplicator replicator = new MasterReplicator(settings("ASYNC_MASTER", ""), MasterReplicator.AckPolicy.IMMEDIATE);
        MessageStore master = sluice("sluice-master", replicator);
        try (Apache slave = apache("apache-slave", BrokerRole.SLAVE, freePort())) {
            slave.store().updateHaMasterAddress("127.0.0.1:" + replicator.haPort());
            Random random = new Random(2);
            for (int i = 0; i < 1500; i++) {
                byte[] body = new byte[1 + random.nextInt(2000)];
                random.nextBytes(body);
                assertEquals(AppendStatus.PUT_OK, master.append(AppendRequest.of("Interop", i % 4, body,
                        "TAGS\u0001t" + i % 3 + "\u0002KEYS\u0001k" + i, 1_700_000_000_000L + i)).join().status());
            }
            long end = master.replicationLog().writtenOffset();
            assertTrue(end > FILE_SIZE, "the master rolled a file");
            Deadline.await("the Apache slave holds the Sluice master's " + end + " bytes", WAIT,
                    () -> slave.store().getMaxPhyOffset() == end);
            long from = slave.store().getMinPhyOffset();
            assertEquals(HaReplicationTest.checksums(dir.resolve("sluice-master"), from, end),
                    HaReplicationTest.checksums(dir.resolve("apache-slave"), from, end));
            Deadline.await("the Sluice master hears the Apache slave confirm " + end, WAIT,
                    () -> replicator.status().replicaOffset() == end);
        } finally {
            replicator.close();
            master.close();
        }
    }

    private static MessageExtBrokerInner apacheMessage(int i, Random random) {
        byte[] body = new byte[1 + random.nextInt(2000)];
        random.nextBytes(body);
        String properties = "TAGS\u0001t" + i % 3 + "\u0002KEYS\u0001k" + i;
        MessageExtBrokerInner m = new MessageExtBrokerInner();
        m.setTopic("Interop");
        m.setQueueId(i % 4);
        m.setBody(body);
        m.setPropertiesString(properties);
        MessageAccessor.setProperties(m, MessageDecoder.string2messageProperties(properties));
        m.setTagsCode(MessageExtBrokerInner.tagsString2tagsCode("t" + i % 3));
        m.setBornTimestamp(1_700_000_000_000L + i);
        m.setBornHost(new InetSocketAddress("127.0.0.1", 40000));
        m.setStoreHost(new InetSocketAddress("127.0.0.1", 10911));
        return m;
    }
}
