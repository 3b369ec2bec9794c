package dev.sluice.store.mmap;

import dev.sluice.store.AppendStatus;
import dev.sluice.store.CommitLogSlice;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReplicationLog;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.StoreException;
import dev.sluice.store.TagFilter;
import dev.sluice.testing.Deadline;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A replica fed a master's raw CommitLog in arbitrary chunks (cutting records anywhere, crashing or shutting down
 * cleanly mid-record) ends byte-identical to the master, and serves the same messages from its own ConsumeQueues.
 */
class ReplicationLogProperties {
    enum Restart { NONE, CRASH, CLOSE }

    @Property(tries = 15)
    void replicaIsByteIdenticalAndReadable(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6000) int maxChunk,
                                           @ForAll Restart midway) throws Exception {
        Path dir = Files.createTempDirectory("replication-log");
        Random random = new Random(seed);
        StoreConfig masterConfig = StoreFixture.smallConfig(dir.resolve("master")).build();
        StoreConfig slaveConfig = StoreFixture.smallConfig(dir.resolve("slave")).build();
        MmapMessageStore master = MmapMessageStore.open(masterConfig, StoreContext.defaults());
        MmapMessageStore slave = MmapMessageStore.open(slaveConfig, StoreContext.defaults());
        try {
            int count = 40 + random.nextInt(60);
            for (int i = 0; i < count; i++) {
                byte[] body = new byte[random.nextInt(1500)];
                random.nextBytes(body);
                assertEquals(AppendStatus.PUT_OK, master.append(StoreFixture.message("T" + random.nextInt(3),
                        random.nextInt(2), body, "tag" + i % 4, "k" + i, "u" + i)).join().status());
            }
            ReplicationLog from = master.replicationLog();
            long restartAt = midway == Restart.NONE ? -1 : from.writtenOffset() / 2;
            while (slave.replicationLog().writtenOffset() < from.writtenOffset()) {
                long at = slave.replicationLog().writtenOffset();
                try (CommitLogSlice slice = from.read(at, 1 + random.nextInt(maxChunk))) {
                    assertNotNull(slice, "master has bytes at " + at);
                    assertEquals(at, slice.offset());
                    slave.replicationLog().append(at, slice.buffer());
                }
                if (restartAt >= 0 && slave.replicationLog().writtenOffset() >= restartAt) {
                    restartAt = -1;
                    long before = slave.replicationLog().writtenOffset();
                    if (midway == Restart.CRASH) {
                        slave.crash();
                    } else {
                        slave.close();
                    }
                    slave = MmapMessageStore.open(slaveConfig, StoreContext.defaults());
                    long recovered = slave.replicationLog().writtenOffset();
                    // A file whose BLANK marker arrived is complete: the zeros after it need not have.
                    assertTrue(recovered <= before || recovered % slaveConfig.mappedFileSizeCommitLog() == 0,
                            "recovered to " + slave.replicationLog().writtenOffset() + " after " + midway + " at " + before);
                }
            }
            assertEquals(from.writtenOffset(), slave.replicationLog().writtenOffset());
            assertNull(from.read(from.writtenOffset(), 10));
            assertSameFiles(masterConfig.storePathCommitLog(), slaveConfig.storePathCommitLog(), from.writtenOffset());

            MmapMessageStore s = slave;
            Deadline.await("the replica dispatches everything", Duration.ofSeconds(10),
                    () -> s.dispatchedOffset() == from.writtenOffset());
            // The master's dispatch runs behind its appends too: its queues are final only once it caught up.
            Deadline.await("the master dispatches everything", Duration.ofSeconds(10),
                    () -> master.dispatchedOffset() == from.writtenOffset());
            for (Map.Entry<String, Set<Integer>> topic : master.queues().entrySet()) {
                for (int queueId : topic.getValue()) {
                    assertEquals(master.maxQueueOffset(topic.getKey(), queueId), slave.maxQueueOffset(topic.getKey(), queueId));
                    assertEquals(records(master, topic.getKey(), queueId), records(slave, topic.getKey(), queueId));
                }
            }
            assertEquals(AppendStatus.SERVICE_NOT_AVAILABLE,
                    slave.append(StoreFixture.message("T0", 0, new byte[1], null, null, null)).join().status());
        } finally {
            master.destroy();
            slave.destroy();
            StoreFixture.deleteTree(dir);
        }
    }

    /**
     * A clean shutdown does not make a replica's last record whole: the rest of it is still on the master. Whatever
     * prefix of it arrived, the replica reopens at its start, so the master sends all of it again.
     */
    @Property(tries = 40)
    void aReplicaClosedMidRecordReopensAtThatRecordsStart(@ForAll @IntRange(min = 1, max = 400) int missing,
                                                          @ForAll boolean crash) throws Exception {
        Path dir = Files.createTempDirectory("replication-log");
        try {
            StoreConfig masterConfig = StoreFixture.smallConfig(dir.resolve("m")).build();
            StoreConfig slaveConfig = StoreFixture.smallConfig(dir.resolve("s")).build();
            try (MmapMessageStore master = MmapMessageStore.open(masterConfig, StoreContext.defaults())) {
                master.append(StoreFixture.message("T", 0, new byte[300], "tag", "key", "u0")).join();
                long last = master.replicationLog().writtenOffset();
                master.append(StoreFixture.message("T", 0, new byte[200], "tag", "k".repeat(300), "u1")).join();
                long end = master.replicationLog().writtenOffset();
                int cut = (int) Math.max(last + 1, end - missing);
                MmapMessageStore slave = MmapMessageStore.open(slaveConfig, StoreContext.defaults());
                try {
                    try (CommitLogSlice slice = master.replicationLog().read(0, cut)) {
                        slave.replicationLog().append(0, slice.buffer());
                    }
                    assertEquals(cut, slave.replicationLog().writtenOffset());
                } catch (Throwable t) {
                    try {
                        slave.close();
                    } catch (Exception e) {
                        t.addSuppressed(e);
                    }
                    throw t;
                }
                if (crash) {
                    slave.crash();
                } else {
                    slave.close();
                }
                try (MmapMessageStore reopened = MmapMessageStore.open(slaveConfig, StoreContext.defaults())) {
                    assertEquals(last, reopened.replicationLog().writtenOffset(),
                            (end - cut) + " of the last record's " + (end - last) + " bytes missing");
                    try (CommitLogSlice rest = master.replicationLog().read(last, (int) (end - last))) {
                        reopened.replicationLog().append(last, rest.buffer());
                    }
                }
                assertSameFiles(masterConfig.storePathCommitLog(), slaveConfig.storePathCommitLog(), end);
            }
        } finally {
            StoreFixture.deleteTree(dir);
        }
    }

    /**
     * A master that lost this replica's last records in a crash and wrote others since ships bytes that do not start a
     * record where the replica's next one should. However they are cut into transfers, the replica refuses them once
     * it can tell, keeps its own whole records, and stays where it was, so it never confirms bytes it cannot serve.
     */
    @Property(tries = 25)
    void aReplicaRefusesAMastersBytesThatDoNotContinueItsRecords(@ForAll long seed,
                                                                 @ForAll @IntRange(min = 1, max = 3000) int maxChunk)
            throws Exception {
        Path dir = Files.createTempDirectory("replication-log");
        Random random = new Random(seed);
        try (MmapMessageStore before = MmapMessageStore.open(StoreFixture.smallConfig(dir.resolve("m1")).build(),
                StoreContext.defaults());
             MmapMessageStore after = MmapMessageStore.open(StoreFixture.smallConfig(dir.resolve("m2")).build(),
                     StoreContext.defaults());
             MmapMessageStore slave = MmapMessageStore.open(StoreFixture.smallConfig(dir.resolve("s")).build(),
                     StoreContext.defaults())) {
            // The master before its crash, and after it: the same first records, then others of other lengths.
            int common = 3 + random.nextInt(10);
            for (int i = 0; i < common; i++) {
                byte[] body = new byte[100 + random.nextInt(900)];
                random.nextBytes(body);
                before.append(StoreFixture.message("T", 0, body, null, "k" + i, "u" + i)).join();
                after.append(StoreFixture.message("T", 0, body, null, "k" + i, "u" + i)).join();
            }
            List<Long> starts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                starts.add(before.replicationLog().writtenOffset());
                before.append(StoreFixture.message("T", 1, new byte[200 + random.nextInt(300)], null, null, null)).join();
            }
            long slaveEnd = before.replicationLog().writtenOffset();
            while (after.replicationLog().writtenOffset() <= slaveEnd + 2000) {
                after.append(StoreFixture.message("T", 2, new byte[555], null, null, null)).join();
            }
            ReplicationLog log = slave.replicationLog();
            copy(before.replicationLog(), log, 0, slaveEnd, maxChunk, random);
            assumeMidRecord(after, slaveEnd);

            StoreException refused = null;
            long at = slaveEnd;
            while (refused == null && at < after.replicationLog().writtenOffset()) {
                try (CommitLogSlice slice = after.replicationLog().read(at, 1 + random.nextInt(maxChunk))) {
                    at = log.append(at, slice.buffer());
                } catch (StoreException e) {
                    refused = e;
                }
            }
            assertNotNull(refused, "bytes from " + slaveEnd + " that start no record were taken");
            assertTrue(refused.getMessage().contains("diverged"), refused.getMessage());
            assertEquals(slaveEnd, log.writtenOffset(), "the replica stays at its last whole record");
            Deadline.await("the replica dispatches its own records", Duration.ofSeconds(10),
                    () -> slave.dispatchedOffset() == slaveEnd);
            assertEquals(5, slave.maxQueueOffset("T", 1));
            // It still continues its own log: the master it came from (had it not crashed) would be taken.
            before.append(StoreFixture.message("T", 1, new byte[50], null, null, null)).join();
            copy(before.replicationLog(), log, slaveEnd, before.replicationLog().writtenOffset(), maxChunk, random);
            assertEquals(before.replicationLog().writtenOffset(), log.writtenOffset());
        } finally {
            StoreFixture.deleteTree(dir);
        }
    }

    private static void copy(ReplicationLog from, ReplicationLog to, long at, long end, int maxChunk, Random random) {
        while (at < end) {
            try (CommitLogSlice slice = from.read(at, (int) Math.min(end - at, 1 + random.nextInt(maxChunk)))) {
                at = to.append(at, slice.buffer());
            }
        }
    }

    /** Whether {@code offset} falls inside one of the store's records (the case the property is about). */
    private static void assumeMidRecord(MmapMessageStore store, long offset) {
        ReplicationLog log = store.replicationLog();
        long at = 0;
        while (at < offset) {
            try (CommitLogSlice slice = log.read(at, 4)) {
                at += slice.buffer().getInt(slice.buffer().position());
            }
        }
        net.jqwik.api.Assume.that(at != offset);
    }

    @Property(tries = 5)
    void appendsThatDoNotContinueTheLogAreRefusedAndChangeNothing(@ForAll @IntRange(min = 1, max = 100) int gap)
            throws Exception {
        Path dir = Files.createTempDirectory("replication-log");
        try {
            StoreConfig config = StoreFixture.smallConfig(dir).build();
            try (MmapMessageStore master = MmapMessageStore.open(StoreFixture.smallConfig(dir.resolve("m")).build(),
                    StoreContext.defaults());
                 MmapMessageStore slave = MmapMessageStore.open(config, StoreContext.defaults())) {
                for (int i = 0; i < 30; i++) {
                    master.append(StoreFixture.message("T", 0, new byte[700], null, null, null)).join();
                }
                ReplicationLog log = slave.replicationLog();
                ByteBuffer some = ByteBuffer.allocate(64);
                StoreException notAFileStart = assertThrows(StoreException.class, () -> log.append(gap, some));
                assertTrue(notAFileStart.getMessage().contains("file boundary"), notAFileStart.getMessage());
                // An empty replica may start at a later file of the master, as the HA protocol's first transfer
                // does.
                long lastFile = master.replicationLog().writtenOffset() / log.fileSize() * log.fileSize();
                assertTrue(lastFile > 0);
                try (CommitLogSlice slice = master.replicationLog().read(lastFile, 100)) {
                    log.append(lastFile, slice.buffer());
                }
                assertEquals(lastFile + 100, log.writtenOffset());
                assertThrows(StoreException.class, () -> log.append(lastFile + 100 + gap, some));
                assertThrows(StoreException.class, () -> log.append(lastFile + 100 - Math.min(gap, 100), some));
                assertThrows(StoreException.class,
                        () -> log.append(lastFile + 100, ByteBuffer.allocate(log.fileSize())));
                assertEquals(lastFile + 100, log.writtenOffset());
            }
        } finally {
            StoreFixture.deleteTree(dir);
        }
    }

    @Property(tries = 3)
    void aStoreOpenedAsReplicaRefusesItsOwnAppendsBeforeAnyReplicatedByte(
            @ForAll @IntRange(min = 1, max = 20) int before) throws Exception {
        Path dir = Files.createTempDirectory("replication-log");
        try {
            try (MmapMessageStore master = MmapMessageStore.open(StoreFixture.smallConfig(dir.resolve("m")).build(),
                    StoreContext.defaults()); MmapMessageStore slave = MmapMessageStore.open(
                    StoreFixture.smallConfig(dir.resolve("s")).build(), StoreContext.defaults().withReplica(true))) {
                for (int i = 0; i < before; i++) {
                    var refused = slave.append(StoreFixture.message("T", 0, new byte[10], null, null, null)).join();
                    assertEquals(AppendStatus.SERVICE_NOT_AVAILABLE, refused.status());
                    assertTrue(refused.remark().contains("replica"), refused.remark());
                }
                assertEquals(0, slave.replicationLog().writtenOffset(), "nothing written locally");
                master.append(StoreFixture.message("T", 0, new byte[100], null, null, null)).join();
                try (CommitLogSlice slice = master.replicationLog().read(0, 1 << 20)) {
                    slave.replicationLog().append(0, slice.buffer());
                }
                assertEquals(master.replicationLog().writtenOffset(), slave.replicationLog().writtenOffset());
            }
        } finally {
            StoreFixture.deleteTree(dir);
        }
    }

    private static List<ByteBuffer> records(MmapMessageStore store, String topic, int queueId) {
        List<ByteBuffer> all = new ArrayList<>();
        long offset = store.minQueueOffset(topic, queueId);
        while (offset < store.maxQueueOffset(topic, queueId)) {
            try (ReadResult read = store.read(topic, queueId, offset, 32, TagFilter.ALL)) {
                for (ByteBuffer m : read.messages()) {
                    ByteBuffer copy = ByteBuffer.allocate(m.remaining());
                    copy.put(m.duplicate()).flip();
                    all.add(copy);
                }
                offset = read.nextOffset();
            }
        }
        return all;
    }

    /** The files holding bytes below {@code end} are the same; a file the writer prepared ahead is ignored. */
    static void assertSameFiles(Path a, Path b, long end) throws IOException {
        List<Path> left = list(a, end);
        List<Path> right = list(b, end);
        assertEquals(left.stream().map(Path::getFileName).toList(), right.stream().map(Path::getFileName).toList());
        for (int i = 0; i < left.size(); i++) {
            assertTrue(Arrays.equals(Files.readAllBytes(left.get(i)), Files.readAllBytes(right.get(i))),
                    "file " + left.get(i).getFileName() + " differs");
        }
    }

    private static List<Path> list(Path dir, long end) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("[0-9]{20}")
                    && Long.parseLong(p.getFileName().toString()) < end).sorted().toList();
        }
    }
}
