package dev.sluice.replication.sync;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.replication.Replications;
import dev.sluice.replication.Replicator;
import dev.sluice.replication.ha.MasterReplicator;
import dev.sluice.replication.ha.SlaveReplicator;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.MessageStore;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import dev.sluice.testing.Deadline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * SYNC_MASTER through the strategy ServiceLoader finds: sends complete only once a slave holds them, one confirmation
 * completes a whole group, and a missing, silent or far-behind slave turns into the RocketMQ statuses.
 */
class SyncReplicationTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private record Node(MessageStore store, Replicator replicator) {
    }

    private Node node(String name, ReplicationSettings settings) throws Exception {
        Replicator replicator = Replications.create(settings);
        MessageStore store = MmapMessageStore.open(StoreConfig.builder().storePathRootDir(dir.resolve(name))
                        .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(1024 * 1024)).build(),
                StoreContext.defaults().withReplicationHook(replicator.hook()));
        replicator.start(store.replicationLog());
        open.add(store);
        open.add(replicator);
        return new Node(store, replicator);
    }

    private static ReplicationSettings settings(String role, String master, long fallbehindMax, long timeout) {
        return ReplicationSettings.defaults(role, 0).withBindAddress("127.0.0.1").withHaMasterAddress(master)
                .withIntervals(200, 5000, 200).withSync(fallbehindMax, timeout);
    }

    private Node master(long fallbehindMax, long timeout) throws Exception {
        Node master = node("master", settings("SYNC_MASTER", "", fallbehindMax, timeout));
        assertInstanceOf(MasterReplicator.class, master.replicator());
        return master;
    }

    private static String haAddress(Node master) {
        return "127.0.0.1:" + ((MasterReplicator) master.replicator()).haPort();
    }

    private static CompletableFuture<AppendResult> send(MessageStore store, int i) {
        return store.append(AppendRequest.of("T", i % 4, ("message " + i).getBytes(), "KEYS\u0001k" + i, 1_700_000_000_000L));
    }

    @Test
    void withoutASlaveSendsAreStoredButAnsweredSlaveNotAvailable() throws Exception {
        Node master = master(256L << 20, 3000);
        AppendResult r = send(master.store(), 0).join();
        assertEquals(AppendStatus.SLAVE_NOT_AVAILABLE, r.status());
        assertTrue(r.commitLogOffset() >= 0);
        AppendResult noWait = master.store().append(AppendRequest.of("T", 0, new byte[1], "WAIT\u0001false", 1)).join();
        assertEquals(AppendStatus.PUT_OK, noWait.status(), "WAIT=false never waits for a slave");
    }

    @Test
    void everyAcknowledgedSendIsAlreadyOnTheSlave() throws Exception {
        Node master = master(256L << 20, 3000);
        Node slave = node("slave", settings("SLAVE", haAddress(master), 0, 0));
        assertInstanceOf(SlaveReplicator.class, slave.replicator());
        Deadline.await("the slave connects", Duration.ofSeconds(10), () -> master.replicator().status().replicas() == 1);
        ExecutorService producers = Executors.newFixedThreadPool(8);
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<AppendStatus>> all = new ArrayList<>();
        try {
            for (int i = 0; i < 2000; i++) {
                int n = i;
                all.add(CompletableFuture.supplyAsync(() -> send(master.store(), n), producers)
                        .thenCompose(f -> f).thenApply(r -> {
                            long held = slave.store().replicationLog().writtenOffset();
                            if (r.status() == AppendStatus.PUT_OK && held < r.endOffset()) {
                                violations.add("acknowledged " + r.endOffset() + " while the slave held " + held);
                            }
                            return r.status();
                        }));
            }
            for (CompletableFuture<AppendStatus> f : all) {
                assertEquals(AppendStatus.PUT_OK, f.join());
            }
        } finally {
            producers.shutdownNow();
        }
        assertTrue(violations.isEmpty(), violations.toString());
    }

    @Test
    void oneConfirmationCompletesEverySendBelowIt_andSilenceTimesOut() throws Exception {
        Node master = master(256L << 20, 400);
        try (Socket fake = new Socket("127.0.0.1", ((MasterReplicator) master.replicator()).haPort())) {
            DataOutputStream out = new DataOutputStream(fake.getOutputStream());
            long start = master.store().replicationLog().writtenOffset();
            out.writeLong(start);
            out.flush();
            Deadline.await("the fake slave is heard", Duration.ofSeconds(10),
                    () -> master.replicator().status().replicaOffset() == start);
            List<CompletableFuture<AppendResult>> waiting = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                waiting.add(send(master.store(), i));
            }
            long end = master.store().replicationLog().writtenOffset();
            assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone), "nothing completes before a confirmation");
            // Read what the master ships, then confirm it all in one report.
            DataInputStream in = new DataInputStream(fake.getInputStream());
            long got = start;
            while (got < end) {
                long offset = in.readLong();
                int size = in.readInt();
                assertEquals(got, offset);
                in.skipNBytes(size);
                got += size;
            }
            out.writeLong(end);
            out.flush();
            for (CompletableFuture<AppendResult> f : waiting) {
                assertEquals(AppendStatus.PUT_OK, f.join().status());
            }
            // The fake slave goes silent: the next send waits slaveTimeout and is answered FLUSH_SLAVE_TIMEOUT.
            long before = System.nanoTime();
            assertEquals(AppendStatus.FLUSH_SLAVE_TIMEOUT, send(master.store(), 99).join().status());
            assertTrue(System.nanoTime() - before >= 300_000_000L, "waited about slaveTimeout");
        }
    }

    @Test
    void aSlaveTooFarBehindDoesNotCount() throws Exception {
        Node master = master(4096, 3000);
        try (Socket fake = new Socket("127.0.0.1", ((MasterReplicator) master.replicator()).haPort())) {
            DataOutputStream out = new DataOutputStream(fake.getOutputStream());
            out.writeLong(0);
            out.flush();
            Deadline.await("the fake slave is heard", Duration.ofSeconds(10),
                    () -> master.replicator().status().replicas() == 1 && master.replicator().status().replicaOffset() == 0);
            List<AppendStatus> statuses = new ArrayList<>();
            for (int i = 0; i < 200 && !statuses.contains(AppendStatus.SLAVE_NOT_AVAILABLE); i++) {
                CompletableFuture<AppendResult> f = send(master.store(), i);
                if (master.store().replicationLog().writtenOffset() >= 4096) {
                    statuses.add(f.join().status());
                }
            }
            assertTrue(statuses.contains(AppendStatus.SLAVE_NOT_AVAILABLE), statuses.toString());
        }
    }
}
