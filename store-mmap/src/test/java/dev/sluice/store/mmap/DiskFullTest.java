package dev.sluice.store.mmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.ReadResult;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.StoreException;
import dev.sluice.store.TagFilter;
import dev.sluice.store.spi.DiskUsageProbe;
import dev.sluice.testing.CapturedLog;
import dev.sluice.testing.Deadline;
import dev.sluice.testing.Tmpfs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A full disk. A store into a mapped page the disk cannot supply is lost silently (the JVM reports it later, from
 * wherever the thread has got to), so appends stop a reserve short of the disk's end, with a refusal that says so;
 * while the disk is nearly full, pages are allocated by writing zeros before anything stores into them, so space
 * another process takes costs a refusal, not an append; and a hole such a store once left in the CommitLog is skipped
 * by dispatch, so the records after it are delivered.
 */
class DiskFullTest {
    @TempDir
    Path dir;

    @Test
    void appendsStopAReserveShortOfTheDiskAndResumeWhenSpaceFrees() throws IOException {
        AtomicLong usable = new AtomicLong(1L << 30);
        DiskUsageProbe disk = halfUsedDisk(usable::get);
        StoreConfig config = StoreFixture.smallConfig(dir).build();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults().withDiskUsage(disk), false)) {
            assertEquals(AppendStatus.PUT_OK, append(store, 0).status());
            // Less free than the reserve: pages already faulted in ahead may still be written, no others.
            usable.set(SpaceGuard.MAX_RESERVE - 1);
            List<Integer> taken = new ArrayList<>(List.of(0));
            AppendResult refused = null;
            try (CapturedLog log = new CapturedLog()) {
                for (int i = 1; i < 200 && refused == null; i++) {
                    AppendResult r = append(store, i);
                    if (r.status() == AppendStatus.PUT_OK) {
                        taken.add(i);
                    } else {
                        refused = r;
                    }
                }
                assertEquals(AppendStatus.SERVICE_NOT_AVAILABLE, append(store, 999).status(), "still refused");
                assertEquals(1, errorLines(log, "logged once until an append fits again"), log.text());
            }
            assertTrue(refused != null, "appends go on past the reserve");
            assertEquals(AppendStatus.SERVICE_NOT_AVAILABLE, refused.status());
            assertTrue(refused.remark().startsWith("disk full: a write up to CommitLog offset "), refused.remark());
            usable.set(1L << 30);
            assertEquals(AppendStatus.PUT_OK, append(store, 1000).status(), "space freed: appends resume");
            taken.add(1000);
            store.dispatcher().catchUp();
            assertEquals(taken, bodies(store, taken.size() + 1));
        }
    }

    /** Bytes of zeros where a record was written, as a store lost to a full disk leaves them. */
    @Test
    void dispatchSkipsAHoleInTheCommitLogAndDeliversTheRecordsAfterIt() throws IOException {
        StoreConfig config = StoreFixture.smallConfig(dir).build();
        List<AppendResult> appended = new ArrayList<>();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults(), false)) {
            for (int i = 0; i < 4; i++) {
                appended.add(append(store, i));
            }
            AppendResult lost = appended.get(1);
            Path file = config.storePathCommitLog().resolve(String.format("%020d", 0));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(lost.wroteBytes()), lost.commitLogOffset());
            }
            store.dispatcher().catchUp();
            assertEquals(List.of(0, 2, 3), bodies(store, 4));
        }
        // The next open dispatches the same CommitLog again, from scratch, and opens.
        deleteConsumeQueues(config);
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults(), false)) {
            store.dispatcher().catchUp();
            assertEquals(List.of(0, 2, 3), bodies(store, 4));
        }
    }

    /**
     * A whole CommitLog file of zeros between files of records (damage, or stores lost to a full disk): recovery after
     * a crash keeps the records after it, and dispatch must pass it too. It waited at the file's start, where no
     * record follows within the file, and the store never opened again.
     */
    @Test
    void aCommitLogFileOfZerosBetweenFilesOfRecordsIsPassedByRecoveryAndDispatch() throws IOException {
        StoreConfig config = StoreFixture.smallConfig(dir).build();
        int fileSize = config.mappedFileSizeCommitLog();
        List<Integer> kept = new ArrayList<>();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults(), false)) {
            for (int i = 0; store.maxCommitLogOffset() < 3L * fileSize; i++) {
                if (append(store, i).commitLogOffset() / fileSize != 1) {
                    kept.add(i);
                }
            }
        }
        Path second = config.storePathCommitLog().resolve(String.format("%020d", fileSize));
        try (FileChannel ch = FileChannel.open(second, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(fileSize), 0);
        }
        deleteConsumeQueues(config);
        Files.createFile(config.storePathRootDir().resolve("abort"));
        for (int open = 0; open < 2; open++) {
            try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults(), false)) {
                assertEquals(kept, bodies(store, kept.size() + 1), "open " + open);
            }
        }
    }

    /**
     * A ConsumeQueue unit a lost store left as zeros holds no message: reads skip it and serve the messages around
     * it (a pull over it failed with an IndexOutOfBoundsException, and so did every retry of the consumer's).
     */
    @Test
    void aReadSkipsAQueueUnitALostStoreLeftAsZeros() throws IOException {
        StoreConfig config = StoreFixture.smallConfig(dir).build();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults(), false)) {
            for (int i = 0; i < 3; i++) {
                append(store, i);
            }
            store.dispatcher().catchUp();
            Path queueFile = config.storePathConsumeQueue().resolve("T").resolve("0")
                    .resolve(MappedSegment.fileName(0));
            try (FileChannel ch = FileChannel.open(queueFile, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(ConsumeQueueUnit.SIZE), ConsumeQueueUnit.SIZE);
            }
            assertEquals(List.of(0, 2), bodies(store, 3));
        }
    }

    /**
     * Units a lost store left as zeros between written ones, across a page: recovery keeps the units after them
     * (it took the zeros for the queue's end, and every later message was gone from the consumers' view) and
     * re-dispatches the CommitLog from before them to write them again.
     */
    @Test
    void recoveryRewritesQueueUnitsALostStoreLeftAsZeros() throws IOException {
        StoreConfig config = StoreFixture.smallConfig(dir)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(4 << 20))
                .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "60000").build();
        int count = 300; // 6,000 bytes of units: two pages
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults(), false)) {
            for (int i = 0; i < count; i++) {
                append(store, i);
            }
            store.dispatcher().catchUp();
        }
        Path queueFile = config.storePathConsumeQueue().resolve("T").resolve("0").resolve(MappedSegment.fileName(0));
        try (FileChannel ch = FileChannel.open(queueFile, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(150 * ConsumeQueueUnit.SIZE), 100L * ConsumeQueueUnit.SIZE);
        }
        for (int reopen = 0; reopen < 2; reopen++) {
            try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults(), false)) {
                assertEquals(count, store.maxQueueOffset("T", 0));
                assertEquals(IntStream.range(0, count).boxed().toList(), bodies(store, count + 1));
            }
        }
    }

    /**
     * On a real small disk (a tmpfs, when this test may mount one): every append acknowledged before the refusal is
     * there, also after a reopen on the full disk and one after space frees, and no fault was reported on any thread.
     */
    @Test
    void onARealFullDiskEveryAcknowledgedAppendIsReadable() throws Exception {
        Path mount = mountSmallDisk();
        try {
            StoreConfig config = smallDiskConfig(mount).build();
            int acked;
            try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults())) {
                acked = appendUntilRefused(store);
                awaitDispatched(store, acked);
                assertEquals(acked, bodies(store, acked).size());
            }
            // It opens while the disk is still full: recovery reads no page past the data, each of which tmpfs would
            // have to allocate.
            assertReopensWithAll(config, acked);
            // Space frees (here: the disk grows), then the store opens again.
            grow(mount);
            assertReopensWithAll(config, acked);
        } finally {
            unmount(mount);
        }
    }

    /**
     * Another process takes the disk's last space after the store looked at it: here the store's every look finds
     * the disk nearly full but with hundreds of MiB free, so the space guard does not stop the writer and allocator
     * short of the disk's end. The append that finds no room is refused, every one acknowledged before it is there,
     * and appends resume once space frees. With a transient store pool of a buffer for every file the disk holds,
     * only commits write to the disk: the acknowledged bytes of a commit that finds no room wait in their buffer.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aDiskFilledBehindTheStoresBackLosesNoAcknowledgedAppend(boolean pool) throws Exception {
        Path mount = mountSmallDisk();
        try {
            DiskUsageProbe roomToSpare = halfUsedDisk(() -> SpaceGuard.NEARLY_FULL - 1);
            StoreConfig config = smallDiskConfig(mount)
                    .set(StoreConfig.TRANSIENT_STORE_POOL_ENABLE, String.valueOf(pool))
                    .set(StoreConfig.TRANSIENT_STORE_POOL_SIZE, "10")
                    .build();
            int acked;
            StoreContext context = StoreContext.defaults().withDiskUsage(roomToSpare);
            try (MmapMessageStore store = MmapMessageStore.open(config, context)) {
                try (CapturedLog log = new CapturedLog()) {
                    acked = appendUntilRefused(store);
                    // The refusal is in the broker's log, once, not only in what the clients are told.
                    assertEquals(AppendStatus.SERVICE_NOT_AVAILABLE, append(store, acked).status(), "still refused");
                    String logged = pool ? "acknowledged bytes wait in the pool" : "refusing appends until space frees";
                    Deadline.await("the refusal logged", Duration.ofSeconds(10), () -> errorLines(log, logged) > 0);
                    assertEquals(1, errorLines(log, logged), log.text());
                }
                // The CommitLog took the whole disk, leaving the ConsumeQueues none: they are written once space frees.
                grow(mount);
                int next = acked;
                Deadline.await("appends resume", Duration.ofSeconds(30),
                        () -> append(store, next).status() == AppendStatus.PUT_OK);
            }
            assertReopensWithAll(config, acked + 1);
        } finally {
            unmount(mount);
        }
    }

    /**
     * A read fault ahead can fail on a full disk too (tmpfs allocates a page for it), and its late report has failed
     * the next file's creation: on a nearly full disk, a pool's file is not faulted in ahead at all. With room, it is.
     */
    @Test
    void aPoolsFileIsNotFaultedInAheadOnANearlyFullDisk() throws Exception {
        Path mount = mountSmallDisk();
        try {
            int size = 8 << 20;
            long before = Files.getFileStore(mount).getUsableSpace();
            MappedSegment nearlyFull = MappedSegment.create(mount, 0, size, MappedSegment.Fill.SPARSE,
                    MappedSegment.Writes.POOLED);
            try {
                nearlyFull.prefault(size, true);
                assertEquals(before, Files.getFileStore(mount).getUsableSpace(), "pages faulted in");
            } finally {
                nearlyFull.destroy(0, 0);
            }
            MappedSegment withRoom = MappedSegment.create(mount, size, size, MappedSegment.Fill.SPARSE,
                    MappedSegment.Writes.POOLED);
            try {
                withRoom.prefault(size, false);
                assertTrue(Files.getFileStore(mount).getUsableSpace() <= before - size, "pages not faulted in");
            } finally {
                withRoom.destroy(0, 0);
            }
        } finally {
            unmount(mount);
        }
    }

    /**
     * A pool's file that got no buffer takes the writer's stores into the mapping: on a nearly full disk they are
     * allocated first too, so a store the disk has no room for is an IOException, not a fault.
     */
    @Test
    void aPoolsFileWithoutABufferRefusesAStoreTheFullDiskHasNoRoomFor() throws Exception {
        Path mount = mountSmallDisk();
        try {
            Tmpfs.fill(mount.resolve("filler"));
            int size = 1 << 20;
            MappedSegment segment = MappedSegment.create(mount, 0, size, MappedSegment.Fill.SPARSE,
                    MappedSegment.Writes.POOLED);
            try {
                segment.prefault(size, true);
                assertThrows(IOException.class, () -> segment.append(ByteBuffer.allocate(1000)));
                assertEquals(0, segment.wrote());
            } finally {
                segment.destroy(0, 0);
            }
        } finally {
            unmount(mount);
        }
    }

    /** Lines logged at ERROR that contain {@code text}. */
    private static long errorLines(CapturedLog log, String text) {
        return log.text().lines().filter(l -> l.contains(" ERROR ") && l.contains(text)).count();
    }

    /**
     * A SIGKILL while the disk is full can leave the file created ahead of the writer all hole, and tmpfs would have
     * to allocate a page for any read of it through its mapping. Opened on the still full disk, the store says it
     * has no room (its checkpoint cannot be written) instead of dying of a fault; once space frees it opens with
     * every acknowledged append.
     */
    @Test
    void aStoreKilledOnAFullDiskRefusesToOpenOnItAndOpensOnceSpaceFrees() throws Exception {
        Path mount = mountSmallDisk();
        try {
            StoreConfig config = smallDiskConfig(mount).build();
            int acked = 2000;
            appendAndCrash(config, acked);
            // As the allocator leaves it when the full disk gives it no page: created, nothing allocated.
            Path next = config.storePathCommitLog().resolve(MappedSegment.fileName(4 << 20));
            Files.deleteIfExists(next);
            try (RandomAccessFile hole = new RandomAccessFile(next.toFile(), "rw")) {
                hole.setLength(4 << 20);
            }
            assertRefusedWhileFullThenReopensWithAll(mount, config, acked);
        } finally {
            unmount(mount);
        }
    }

    /**
     * A commit of a transient store pool's buffer torn by the full disk leaves the first bytes of a record after the
     * acknowledged ones, and hole after them. Recovery reads past the durable data through the file, not the mapping,
     * so the record's length, which reaches into the hole, does not make it read a page the disk cannot supply, and
     * the cut clears only pages that hold bytes.
     */
    @Test
    void aStoreKilledOnAFullDiskWithATornRecordReachingIntoAHoleOpensOnceSpaceFrees() throws Exception {
        Path mount = mountSmallDisk();
        try {
            StoreConfig config = smallDiskConfig(mount).build();
            int acked = 2000;
            int end = (int) appendAndCrash(config, acked);
            Path file = config.storePathCommitLog().resolve(MappedSegment.fileName(0));
            ByteBuffer data = ByteBuffer.allocate(end);
            try (FileChannel in = FileChannel.open(file)) {
                while (data.hasRemaining() && in.read(data, data.position()) > 0) {
                    // reads the acknowledged bytes whole
                }
            }
            ByteBuffer torn = ByteBuffer.allocate(128).put(data.array(), 0, 128).flip();
            int bodyLengthAt = MessageRecordDescriptor.bodyLengthOffset(MessageRecordDescriptor.sysFlag(torn, 0));
            int longerBy = 8192 - torn.getInt(bodyLengthAt); // its topic's length two pages on, in the hole
            torn.putInt(bodyLengthAt, 8192).putInt(0, torn.getInt(0) + longerBy);
            MessageRecordDescriptor.stamp(torn, 0, acked, end, System.currentTimeMillis());
            Files.delete(file);
            try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
                sparse.setLength(4 << 20);
                sparse.getChannel().write(data.flip(), 0);
                sparse.getChannel().write(torn, end);
                // and further on, bytes of an earlier record: cut too, without a store into the hole between
                sparse.getChannel().write(ByteBuffer.wrap(data.array(), 0, 128), end + 4 * 4096);
            }
            assertRefusedWhileFullThenReopensWithAll(mount, config, acked);
        } finally {
            unmount(mount);
        }
    }

    /** Appends {@code count} numbered messages, then crashes the store; returns where its CommitLog ends. */
    private static long appendAndCrash(StoreConfig config, int count) {
        MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults());
        try {
            for (int i = 0; i < count; i++) {
                assertEquals(AppendStatus.PUT_OK, append(store, i).status());
            }
            return store.maxCommitLogOffset();
        } finally {
            store.crash();
        }
    }

    /**
     * With the disk filled, opening the store fails with "no space" (its checkpoint cannot be written), not a fault,
     * and leaves no partial checkpoint file behind; once space frees it opens with every acknowledged append.
     */
    private static void assertRefusedWhileFullThenReopensWithAll(Path mount, StoreConfig config, int acked)
            throws Exception {
        Tmpfs.fill(mount.resolve("filler"));
        StoreException refused = assertThrows(StoreException.class,
                () -> MmapMessageStore.open(config, StoreContext.defaults()).close());
        assertTrue(refused.getMessage().contains("No space left on device"), refused.getMessage());
        Path tmp = config.storeCheckpoint().resolveSibling(config.storeCheckpoint().getFileName() + ".tmp");
        assertFalse(Files.exists(tmp), "the failed checkpoint write left " + tmp);
        grow(mount);
        assertReopensWithAll(config, acked);
    }

    /**
     * A ConsumeQueue file is hole past its units. Recovered on a full tmpfs, where a read of a hole through the mapping
     * allocates a page the disk cannot supply, it finds where its units end without such a read: here the unit after
     * the last one reaches into the file's second page, a hole.
     */
    @Test
    void aConsumeQueueRecoversOnAFullDiskWhereItsUnitsEndAtAHole() throws Exception {
        Path mount = mountSmallDisk();
        try {
            Path queueDir = Files.createDirectories(mount.resolve("queue"));
            int units = 4096 / ConsumeQueueUnit.SIZE; // 204: the next unit's last bytes lie in the second page
            try (RandomAccessFile file = new RandomAccessFile(queueDir.resolve(MappedSegment.fileName(0)).toFile(),
                    "rw")) {
                ByteBuffer unit = ByteBuffer.allocate(ConsumeQueueUnit.SIZE);
                for (int i = 0; i < units; i++) {
                    file.getChannel().write(ConsumeQueueUnit.write(unit, 1000L * i, 100, 7), (long) i * unit.capacity());
                }
                file.setLength(60_000);
            }
            Tmpfs.fill(mount.resolve("filler"));
            ConsumeQueue queue = new ConsumeQueue("T", 0, queueDir, 60_000, new ReentrantLock());
            try {
                queue.segments().load();
                queue.recover(0, 1000L * units);
                assertEquals(units, queue.maxOffset());
            } finally {
                queue.close();
            }
        } finally {
            unmount(mount);
        }
    }

    /**
     * The disk fills at once while it had room (another process takes everything left): the ConsumeQueue files were
     * made while the disk had more than a GiB free. Their pages are still allocated by writing zeros before the
     * dispatcher stores into them, so the full disk stops dispatch with an error it retries, instead of losing a
     * store unseen and leaving a hole in the queue (which recovery then took for the queue's end: everything after it
     * was gone from the consumers' view). Once space frees, every acknowledged message is delivered, also after a
     * reopen.
     */
    @Test
    void aDiskThatFillsAtOnceLeavesNoHoleInAConsumeQueue() throws Exception {
        Path mount = mountDisk("2g");
        try {
            // Files of 30,000 units: the dispatcher's allocation ahead (64 KiB) does not reach their end.
            StoreConfig config = smallDiskConfig(mount)
                    .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "600000").build();
            int acked = 0;
            try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults())) {
                for (; acked < 10; acked++) {
                    assertEquals(AppendStatus.PUT_OK, append(store, acked).status());
                }
                awaitDispatched(store, acked);
                try (CapturedLog log = new CapturedLog()) {
                    shrinkToWhatIsUsed(mount);
                    // Stored into CommitLog pages faulted in ahead; the queue's next pages have no room.
                    for (; acked < 5000; acked++) {
                        assertEquals(AppendStatus.PUT_OK, append(store, acked).status());
                    }
                    Deadline.await("dispatch stopped by the full disk", Duration.ofSeconds(10),
                            () -> log.text().contains("dispatcher failed"));
                    grow(mount);
                    awaitDispatched(store, acked);
                    // A store the disk could not back is reported as an InternalError, later, from wherever the
                    // thread has got to: not necessarily inside the dispatch round it belongs to.
                    assertFalse(log.text().contains("InternalError"), log.text());
                }
                assertEquals(IntStream.range(0, acked).boxed().toList(), bodies(store, acked + 1));
            }
            assertReopensWithAll(config, acked);
        } finally {
            unmount(mount);
        }
    }

    /**
     * The disk's size becomes what its files use now: it is full. The store's allocator may be taking pages as this
     * looks, which fails the shrink: it looks again.
     */
    private static void shrinkToWhatIsUsed(Path mount) throws Exception {
        Deadline.await("the disk shrunk to what is used", Duration.ofSeconds(10), () -> {
            java.nio.file.FileStore disk = Files.getFileStore(mount);
            return Tmpfs.resize(mount, (disk.getTotalSpace() - disk.getUsableSpace()) / 1024 + "k");
        });
        assertTrue(Files.getFileStore(mount).getUsableSpace() < 4096, "still room on " + mount);
    }

    /** A 1 TiB disk, half used as retention sees it, with {@code usable} bytes free as the space guard sees it. */
    private static DiskUsageProbe halfUsedDisk(LongSupplier usable) {
        return new DiskUsageProbe() {
            @Override
            public double usedRatio(Path path) {
                return 0.5;
            }

            @Override
            public long usableBytes(Path path) {
                return usable.getAsLong();
            }

            @Override
            public long totalBytes(Path path) {
                return 1L << 40;
            }
        };
    }

    /** A 24 MiB tmpfs under the test's directory; skips the test where it cannot be mounted. */
    private Path mountSmallDisk() throws Exception {
        return mountDisk("24m");
    }

    /** A tmpfs of {@code size} under the test's directory; skips the test where it cannot be mounted. */
    private Path mountDisk(String size) throws Exception {
        Path mount = dir.resolve("small");
        Assumptions.assumeTrue(Tmpfs.mount(mount, size), "cannot mount a tmpfs here");
        return mount;
    }

    /** Space frees: the small disk grows to 64 MiB. */
    private static void grow(Path mount) throws Exception {
        assertTrue(Tmpfs.resize(mount, "64m"), "cannot grow " + mount);
    }

    private static void unmount(Path mount) throws Exception {
        Tmpfs.unmount(mount);
    }

    private static StoreConfig.Builder smallDiskConfig(Path mount) {
        return StoreConfig.builder().storePathRootDir(mount.resolve("store"))
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(4 << 20))
                .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "60000")
                .set(StoreConfig.MESSAGE_INDEX_ENABLE, "false")
                // else retention deletes files the moment the full disk's store opens, as RocketMQ does
                .set(StoreConfig.CLEAN_FILE_FORCIBLY_ENABLE, "false")
                // retention's disk check lifts a refusal once space frees: soon, not in 10 s
                .set(StoreConfig.CLEAN_RESOURCE_INTERVAL, "200");
    }

    /**
     * Appends numbered messages to the 24 MiB disk until one is refused as "disk full"; returns how many were not.
     * Past the disk's size only a transient store pool's buffers (4 MiB each) can hold acknowledged bytes.
     */
    private static int appendUntilRefused(MmapMessageStore store) {
        for (int i = 0; i < 100_000; i++) {
            AppendResult r = append(store, i);
            if (r.status() != AppendStatus.PUT_OK) {
                assertTrue(r.remark().startsWith("disk full"), r.remark());
                assertTrue(i > 1000, i + " appended on a 24 MiB disk");
                return i;
            }
        }
        throw new AssertionError("100,000 appends of 1 KB on a 24 MiB disk, none refused");
    }

    private static AppendResult append(MmapMessageStore store, int n) {
        byte[] body = new byte[1000];
        ByteBuffer.wrap(body).putInt(n);
        return store.append(StoreFixture.message("T", 0, body, "TagA", null, null)).join();
    }

    /** Opens the store and checks that queue T-0 delivers messages 0 to {@code count} - 1 in order, and no more. */
    private static void assertReopensWithAll(StoreConfig config, int count) throws Exception {
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults())) {
            awaitDispatched(store, count);
            assertEquals(IntStream.range(0, count).boxed().toList(), bodies(store, count + 1));
        }
    }

    /** The numbers of the messages queue T-0 delivers from its start. */
    private static List<Integer> bodies(MmapMessageStore store, int max) {
        List<Integer> numbers = new ArrayList<>();
        long offset = 0;
        while (numbers.size() < max) {
            try (ReadResult r = store.read("T", 0, offset, 32, TagFilter.ALL)) {
                if (r.messages().isEmpty()) {
                    if (r.nextOffset() == offset) {
                        break;
                    }
                } else {
                    for (ByteBuffer m : r.messages()) {
                        numbers.add(ByteBuffer.wrap(StoreFixture.decode(m).body()).getInt(0));
                    }
                }
                offset = r.nextOffset();
            }
        }
        return numbers;
    }

    private static void awaitDispatched(MmapMessageStore store, int count) throws Exception {
        dev.sluice.testing.Deadline.await(count + " dispatched", java.time.Duration.ofSeconds(30),
                () -> store.maxQueueOffset("T", 0) >= count);
    }

    private static void deleteConsumeQueues(StoreConfig config) throws IOException {
        StoreFixture.deleteTree(config.storePathConsumeQueue());
        Files.deleteIfExists(config.storePathRootDir().resolve("checkpoint"));
    }
}
