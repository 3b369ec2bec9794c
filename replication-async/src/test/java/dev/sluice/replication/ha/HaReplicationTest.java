package dev.sluice.replication.ha;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.MessageStore;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import dev.sluice.testing.Deadline;
import dev.sluice.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Master and slave stores in this JVM joined by the HA protocol on 127.0.0.1: the slave ends byte-identical to the
 * master (file by file checksums) whatever happens to the connection or to either side in between.
 */
class HaReplicationTest {
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final Random random = new Random(42);
    private int sent;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private StoreConfig config(String name) {
        return StoreConfig.builder().storePathRootDir(dir.resolve(name))
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(256 * 1024))
                .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "6000")
                .build();
    }

    private static ReplicationSettings settings(String role, int port, String master) {
        return ReplicationSettings.defaults(role, port).withBindAddress("127.0.0.1").withHaMasterAddress(master)
                .withIntervals(200, 5000, 200).withTransferBatchSize(8 * 1024);
    }

    private final class Node implements AutoCloseable {
        final MessageStore store;
        final dev.sluice.replication.Replicator replicator;

        Node(String name, dev.sluice.replication.Replicator replicator) throws Exception {
            this.replicator = replicator;
            this.store = MmapMessageStore.open(config(name), StoreContext.defaults().withReplicationHook(replicator.hook()));
            replicator.start(store.replicationLog());
            open.add(this);
        }

        @Override
        public void close() {
            replicator.close();
            store.close();
        }
    }

    private Node master(int port) throws Exception {
        return new Node("master", new MasterReplicator(settings("ASYNC_MASTER", port, ""), MasterReplicator.AckPolicy.IMMEDIATE));
    }

    private Node slave(String masterAddress) throws Exception {
        return new Node("slave", new SlaveReplicator(settings("SLAVE", 0, masterAddress)));
    }

    private void send(MessageStore store, int n) {
        for (int i = 0; i < n; i++) {
            byte[] body = new byte[1 + random.nextInt(3000)];
            random.nextBytes(body);
            int m = sent++;
            AppendStatus status = store.append(AppendRequest.of("T" + m % 3, m % 4, body,
                    "TAGS\u0001t" + m % 5 + "\u0002KEYS\u0001k" + m, 1_700_000_000_000L + m)).join().status();
            assertEquals(AppendStatus.PUT_OK, status);
        }
    }

    private void assertCaughtUp(Node master, Node slave) throws Exception {
        long end = master.store.replicationLog().writtenOffset();
        Deadline.await("the slave holds the master's " + end + " bytes", CATCH_UP,
                () -> slave.store.replicationLog().writtenOffset() == end);
        // An empty slave starts at the master's last file; from there on every file is the same.
        long from = slave.store.minCommitLogOffset();
        assertEquals(checksums(dir.resolve("master"), from, end), checksums(dir.resolve("slave"), from, end));
        Deadline.await("the master hears the slave confirm " + end, CATCH_UP,
                () -> master.replicator.status().replicaOffset() == end);
        assertEquals(0, master.replicator.status().lagBytes());
        Deadline.await("the master dispatched everything", CATCH_UP,
                () -> ((MmapMessageStore) master.store).dispatchedOffset() == end);
        for (var topic : master.store.queues().entrySet()) {
            for (int q : topic.getValue()) {
                long max = master.store.maxQueueOffset(topic.getKey(), q);
                Deadline.await("the slave's queue " + topic.getKey() + "/" + q + " reaches " + max, CATCH_UP,
                        () -> slave.store.maxQueueOffset(topic.getKey(), q) == max);
            }
        }
    }

    /** SHA-256 per CommitLog file starting in [{@code from}, {@code end}). */
    static Map<String, String> checksums(Path storeRoot, long from, long end) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> files = Files.list(storeRoot.resolve("commitlog"))) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.matches("[0-9]{20}") && Long.parseLong(name) >= from && Long.parseLong(name) < end) {
                    sums.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
                }
            }
        }
        return sums;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void anEmptySlaveStartsAtTheMastersLastFileAndFollows() throws Exception {
        Node master = master(0);
        send(master.store, 300);
        long lastFile = master.store.replicationLog().writtenOffset() / (256 * 1024) * (256 * 1024);
        assertTrue(lastFile > 0, "the master rolled files");
        Node slave = slave("127.0.0.1:" + ((MasterReplicator) master.replicator).haPort());
        Deadline.await("the slave starts", CATCH_UP, () -> slave.store.replicationLog().writtenOffset() > 0);
        assertEquals(lastFile, slave.store.minCommitLogOffset());
        send(master.store, 200);
        assertCaughtUp(master, slave);
        assertEquals(1, master.replicator.status().replicas());
        assertEquals(AppendStatus.SERVICE_NOT_AVAILABLE, slave.store.append(AppendRequest.of("T0", 0, new byte[1], null, 1)).join().status());
    }

    @Test
    void networkCutsMidStreamLeaveNoGapsOrDuplicates() throws Exception {
        Node master = master(0);
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", ((MasterReplicator) master.replicator).haPort())) {
            Node slave = slave(proxy.address());
            for (int round = 0; round < 5; round++) {
                send(master.store, 150);
                long before = proxy.relayedBytes();
                Deadline.await("bytes flow through the proxy", CATCH_UP, () -> proxy.relayedBytes() > before);
                proxy.cut();
            }
            send(master.store, 100);
            assertCaughtUp(master, slave);
        }
    }

    @Test
    void slaveAndMasterRestartsResumeWhereTheyStopped() throws Exception {
        int port = freePort();
        Node master = master(port);
        String address = "127.0.0.1:" + port;
        Node slave = slave(address);
        send(master.store, 200);
        // The scenario is a restart mid-stream: a slave stopped before its first transfer would restart empty and,
        // as in RocketMQ, begin at the master's last file, which need not hold a message of every queue.
        Node first = slave;
        Deadline.await("the slave receives bytes before it stops", CATCH_UP,
                () -> first.store.replicationLog().writtenOffset() > 0);
        slave.close();
        open.remove(slave);
        send(master.store, 200);
        slave = slave(address);
        send(master.store, 100);
        assertCaughtUp(master, slave);

        master.close();
        open.remove(master);
        master = master(port);
        send(master.store, 200);
        assertCaughtUp(master, slave);
    }

    @Test
    void aSlaveConnectedButSilentIsBehindByEverything() throws Exception {
        Node master = master(0);
        MasterReplicator m = (MasterReplicator) master.replicator;
        send(master.store, 20);
        // A slave that connects and never reports its offset.
        java.net.Socket silent = new java.net.Socket("127.0.0.1", m.haPort());
        try {
            Deadline.await("the master counts the connection", CATCH_UP, () -> m.status().replicas() == 1);
            assertEquals(master.store.replicationLog().writtenOffset(), m.status().lagBytes());
        } finally {
            silent.close();
        }
    }

    @Test
    void lagIsCountedInBytesAndMessages() throws Exception {
        Node master = master(0);
        MasterReplicator m = (MasterReplicator) master.replicator;
        Node slave = slave("127.0.0.1:" + m.haPort());
        send(master.store, 50);
        assertCaughtUp(master, slave);
        assertEquals(0, m.lagMessages());
        slave.close();
        open.remove(slave);
        long acked = master.store.replicationLog().writtenOffset();
        send(master.store, 123);
        assertEquals(master.store.replicationLog().writtenOffset() - acked, m.status().lagBytes());
        assertEquals(123, m.lagMessages());
    }
}
