package dev.sluice.store.mmap;

import dev.sluice.testing.Deadline;

import dev.sluice.testing.MutableClock;

import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.KeyQueryResult;
import dev.sluice.store.MessageStore;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReadStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.StoreException;
import dev.sluice.store.TagFilter;
import dev.sluice.store.spi.ReplicationHook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The MessageStore contract beyond append and read: time look-ups, plug-ins, rebuilds, damage, lifecycle. */
class StoreBehaviourTest {
    @TempDir
    Path dir;

    private StoreConfig config() {
        return StoreFixture.smallConfig(dir).build();
    }

    private static List<AppendResult> fill(MmapMessageStore store, MutableClock clock, int n) {
        List<AppendResult> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clock.advance(1000);
            results.add(store.append(StoreFixture.message("T", 0, ("m" + i).getBytes(), i % 2 == 0 ? "A" : "B", null, null)).join());
        }
        return results;
    }

    @Test
    void offsetsByStoreTime() throws Exception {
        MutableClock clock = new MutableClock(1_000_000);
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults().withClock(clock))) {
            List<AppendResult> r = fill(store, clock, 50);
            Deadline.await("dispatch", Duration.ofSeconds(10), () -> store.maxQueueOffset("T", 0) == 50);
            assertEquals(r.get(10).storeTimestamp(), store.storeTimeAt("T", 0, 10));
            assertEquals(10, store.queueOffsetByTime("T", 0, r.get(10).storeTimestamp()));
            assertEquals(11, store.queueOffsetByTime("T", 0, r.get(10).storeTimestamp() + 1));
            assertEquals(0, store.queueOffsetByTime("T", 0, 0));
            assertEquals(50, store.queueOffsetByTime("T", 0, Long.MAX_VALUE));
            assertEquals(r.get(0).storeTimestamp(), store.earliestMessageTime());
            assertEquals(-1, store.storeTimeAt("T", 0, 50));
            try (ReadResult tagged = store.read("T", 0, 0, 10, code -> code == "B".hashCode())) {
                assertEquals(10, tagged.messages().size(), "tag filter on the ConsumeQueue's hash");
                assertEquals(20, tagged.nextOffset(), "after the tenth B, at offset 19");
            }
        }
    }

    @Test
    void replicationHookDecidesTheAcknowledgement() {
        CompletableFuture<dev.sluice.store.AppendStatus> slave = new CompletableFuture<>();
        ReplicationHook hook = (end, wait) -> wait ? slave : CompletableFuture.completedFuture(AppendStatus.PUT_OK);
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults().withReplicationHook(hook))) {
            CompletableFuture<AppendResult> f = store.append(StoreFixture.message("T", 0, new byte[5], null, null, null));
            assertFalse(f.isDone(), "waits for the replica");
            slave.complete(AppendStatus.FLUSH_SLAVE_TIMEOUT);
            AppendResult r = f.join();
            assertEquals(AppendStatus.FLUSH_SLAVE_TIMEOUT, r.status());
            assertTrue(r.commitLogOffset() >= 0);
        }
    }

    @Test
    void queryWithoutAnIndexSaysItIsDisabled() {
        StoreConfig c = StoreFixture.smallConfig(dir).set(StoreConfig.MESSAGE_INDEX_ENABLE, "false").build();
        try (MmapMessageStore store = MmapMessageStore.open(c, StoreContext.defaults())) {
            KeyQueryResult r = store.queryByKey("T", "k", 10, 0, Long.MAX_VALUE);
            assertFalse(r.indexEnabled());
            assertTrue(r.commitLogOffsets().isEmpty());
        }
    }

    @Test
    void deletedConsumeQueuesAreRebuiltFromTheCommitLog() throws IOException {
        MutableClock clock = new MutableClock(1_000_000);
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults().withClock(clock))) {
            fill(store, clock, 300);
        }
        StoreFixture.deleteTree(dir.resolve("consumequeue"));
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults())) {
            assertEquals(300, store.maxQueueOffset("T", 0));
            try (ReadResult r = store.read("T", 0, 299, 1, TagFilter.ALL)) {
                assertEquals("m299", new String(StoreFixture.decode(r.messages().get(0)).body()));
            }
        }
    }

    /** A ConsumeQueue file cut short outside the store loses no message: its units are rewritten from the CommitLog. */
    @Test
    void aConsumeQueueFileCutShortIsRewrittenFromTheCommitLog() throws IOException {
        MutableClock clock = new MutableClock(1_000_000);
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults().withClock(clock))) {
            fill(store, clock, 300);
        }
        Path second = dir.resolve("consumequeue/T/0/00000000000000000400");
        try (FileChannel channel = FileChannel.open(second, StandardOpenOption.WRITE)) {
            channel.truncate(200); // 10 of its 20 units
        }
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults())) {
            assertEquals(300, store.maxQueueOffset("T", 0));
            try (ReadResult r = store.read("T", 0, 0, 300, TagFilter.ALL)) {
                assertEquals(300, r.messages().size());
                for (int i = 0; i < 300; i++) {
                    assertEquals("m" + i, new String(StoreFixture.decode(r.messages().get(i)).body()));
                }
            }
        }
    }

    /** A unit zeroed outside the store, below the queue's end, is skipped by reads and reported once. */
    @Test
    void aZeroedConsumeQueueUnitIsSkippedAndReportedOnce() throws Exception {
        MutableClock clock = new MutableClock(1_000_000);
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults().withClock(clock))) {
            fill(store, clock, 100);
        }
        try (FileChannel channel = FileChannel.open(dir.resolve("consumequeue/T/0/00000000000000000000"),
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(20), 5 * 20L);
        }
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults());
             dev.sluice.testing.CapturedLog log = new dev.sluice.testing.CapturedLog()) {
            for (int pass = 0; pass < 2; pass++) {
                try (ReadResult r = store.read("T", 0, 0, 10, TagFilter.ALL)) {
                    List<String> bodies = r.messages().stream()
                            .map(m -> new String(StoreFixture.decode(m).body())).toList();
                    assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m6", "m7", "m8", "m9", "m10"), bodies);
                }
            }
            List<String> reported = log.text().lines().filter(l -> l.contains("holds zeros")).toList();
            assertEquals(1, reported.size(), String.join("\n", reported));
            assertTrue(reported.get(0).contains("T-0: unit 5"), reported.get(0));
            assertTrue(reported.get(0).endsWith("delete " + dir.resolve("consumequeue")), reported.get(0));
        }
        // The advice works: every queue is rebuilt, the skipped message with it.
        StoreFixture.deleteTree(dir.resolve("consumequeue"));
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults());
             ReadResult r = store.read("T", 0, 0, 10, TagFilter.ALL)) {
            assertEquals(10, r.messages().size());
            assertEquals("m5", new String(StoreFixture.decode(r.messages().get(5)).body()));
        }
    }

    /**
     * A CommitLog file before the last cut short outside the store lost what it held past the cut; the record the
     * cut went through kept its header. Reads serve every whole record and none of the lost ones, torn or zero.
     */
    @Test
    void aCommitLogFileCutShortServesNoRecordItLost() throws IOException {
        MutableClock clock = new MutableClock(1_000_000);
        List<AppendResult> appended;
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults().withClock(clock))) {
            appended = fill(store, clock, 600);
        }
        long fileSize = config().mappedFileSizeCommitLog();
        long middle = fileSize + fileSize / 2;
        AppendResult torn = appended.stream().filter(a -> a.commitLogOffset() <= middle && a.endOffset() > middle)
                .findFirst().orElseThrow();
        // Through the record's body: its header (length, offsets, queue) stays whole.
        long cut = torn.commitLogOffset() + 60;
        assertTrue(cut < torn.endOffset());
        try (FileChannel channel = FileChannel.open(dir.resolve("commitlog").resolve(String.format("%020d", fileSize)),
                StandardOpenOption.WRITE)) {
            channel.truncate(cut - fileSize);
        }
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults())) {
            List<Long> served = new ArrayList<>();
            long next = 0;
            while (next < 600) {
                try (ReadResult r = store.read("T", 0, next, 32, TagFilter.ALL)) {
                    for (ByteBuffer m : r.messages()) {
                        var message = StoreFixture.decode(m);
                        assertEquals("m" + message.queueOffset(), new String(message.body()), "a whole message");
                        served.add(message.queueOffset());
                    }
                    next = r.nextOffset();
                }
            }
            for (AppendResult a : appended) {
                boolean lost = a.endOffset() > cut && a.commitLogOffset() < 2 * fileSize;
                assertEquals(!lost, served.contains(a.queueOffset()), "message " + a.queueOffset() + (lost ? " lost" : ""));
            }
        }
    }

    @Test
    void garbageAndStrayFilesNeverStopTheStoreFromOpening() throws IOException {
        MutableClock clock = new MutableClock(1_000_000);
        long end;
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults().withClock(clock))) {
            fill(store, clock, 400);
            end = store.maxCommitLogOffset();
        }
        Path commitLog = dir.resolve("commitlog");
        List<Path> files;
        try (var s = Files.list(commitLog)) {
            files = s.sorted().toList();
        }
        assertTrue(files.size() >= 3);
        Path third = files.get(2);
        byte[] garbage = new byte[(int) Files.size(third)];
        new Random(7).nextBytes(garbage);
        Files.write(third, garbage);
        Files.writeString(commitLog.resolve("README.txt"), "not a segment");
        Files.write(dir.resolve("checkpoint"), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve("abort"), "");
        try (RandomAccessFile cq = new RandomAccessFile(dir.resolve("consumequeue/T/0/00000000000000000000").toFile(), "rw")) {
            cq.seek(40);
            cq.write(garbage, 0, 100);
        }
        long thirdBase = Long.parseLong(third.getFileName().toString());
        try (dev.sluice.testing.CapturedLog log = new dev.sluice.testing.CapturedLog();
             MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults())) {
            assertTrue(log.text().lines().anyMatch(l -> l.contains("WARN") && l.contains("checkpoint")
                    && l.contains("not one this store wrote")), log.text());
            assertEquals(thirdBase, store.maxCommitLogOffset(), "every valid message before the damage is kept");
            assertTrue(thirdBase < end);
            long max = store.maxQueueOffset("T", 0);
            assertTrue(max > 0);
            try (ReadResult r = store.read("T", 0, 0, (int) max, TagFilter.ALL)) {
                assertEquals(max, r.messages().size(), "queue rebuilt consistently with the CommitLog");
                for (int i = 0; i < r.messages().size(); i++) {
                    assertEquals("m" + i, new String(StoreFixture.decode(r.messages().get(i)).body()));
                }
            }
            AppendResult next = store.append(StoreFixture.message("T", 0, "after".getBytes(), null, null, null)).join();
            assertEquals(AppendStatus.PUT_OK, next.status());
            assertEquals(max, next.queueOffset());
            assertTrue(Files.exists(commitLog.resolve("README.txt")), "files that are not ours are left alone");
        }
    }

    /**
     * Opening with another file size (mappedFileSizeCommitLog or mappedFileSizeConsumeQueue changed in the
     * properties file) is refused, as RocketMQ refuses it, and leaves every file as it was: it used to drop the files
     * that did not fit, and with them what they held. Nor does it leave an abort file, which made the next open
     * recover as after a crash.
     */
    @Test
    void anotherFileSizeIsRefusedAndChangesNothingOnDisk() throws Exception {
        MutableClock clock = new MutableClock(1_000_000);
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults().withClock(clock))) {
            fill(store, clock, 400);
            Deadline.await("dispatch", Duration.ofSeconds(10), () -> store.maxQueueOffset("T", 0) == 400);
        }
        Map<Path, Long> before = fileSizes(dir);
        assertTrue(before.keySet().stream().filter(p -> p.startsWith(dir.resolve("commitlog"))).count() >= 3);
        // twice the sizes StoreFixture.smallConfig sets
        for (String[] change : new String[][] {{StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, "32768"},
                {StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "800"}}) {
            String key = change[0];
            StoreConfig changed = StoreFixture.smallConfig(dir).set(key, change[1]).build();
            StoreException refused = assertThrows(StoreException.class,
                    () -> MmapMessageStore.open(changed, StoreContext.defaults()).close());
            assertTrue(refused.getMessage().contains("set it back"), refused.getMessage());
            assertEquals(before, fileSizes(dir), "after opening with another " + key);
            assertFalse(Files.exists(dir.resolve("abort")), "no abort file to send the next open into crash recovery");
        }
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults())) {
            assertEquals(400, store.maxQueueOffset("T", 0), "every message is still there");
        }
    }

    /** Every file under {@code root} but the lock and abort markers, with its size. */
    private static Map<Path, Long> fileSizes(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            Map<Path, Long> sizes = new TreeMap<>();
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (!name.equals("lock") && !name.equals("abort")) {
                    sizes.put(p, Files.size(p));
                }
            }
            return sizes;
        }
    }

    @Test
    void oneProcessAtATimeAndDestroyRemovesEverything() throws IOException {
        MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults());
        StoreException e = assertThrows(StoreException.class, () -> MmapMessageStore.open(config(), StoreContext.defaults()));
        assertTrue(e.getMessage().contains("already open"), e.getMessage());
        store.append(StoreFixture.message("T", 0, new byte[5], null, null, null)).join();
        store.destroy();
        assertFalse(Files.exists(dir.resolve("commitlog")));
        assertFalse(Files.exists(dir.resolve("consumequeue")));
        assertFalse(Files.exists(dir.resolve("abort")));
        AppendResult afterClose = store.append(StoreFixture.message("T", 0, new byte[5], null, null, null)).join();
        assertEquals(AppendStatus.SERVICE_NOT_AVAILABLE, afterClose.status());
    }

    /**
     * The lock is the process's: a refused second open in the same JVM must not drop it (closing any channel on the
     * lock file would), so another process is still refused.
     */
    @Test
    void aRefusedSecondOpenInTheSameJvmStillKeepsOtherProcessesOut() throws Exception {
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults())) {
            assertThrows(StoreException.class, () -> MmapMessageStore.open(config(), StoreContext.defaults()));
            assertThrows(StoreException.class, () -> MmapMessageStore.open(StoreFixture.smallConfig(
                    dir.resolve("..").resolve(dir.getFileName())).build(), StoreContext.defaults()), "another spelling");
            String other = openInAnotherProcess();
            assertTrue(other.startsWith("REFUSED ") && other.contains("is already open"), other);
        }
        assertEquals("OPENED", openInAnotherProcess(), "after close the store is free");
        MmapMessageStore.open(config(), StoreContext.defaults()).close();
    }

    private String openInAnotherProcess() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                OpenChild.class.getName(), dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child exited");
            return new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aFailedOpenReleasesEverythingAndCanBeRetried() {
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults())) {
            store.append(StoreFixture.message("T", 0, "kept".getBytes(), null, null, null)).join();
        }
        StoreContext broken = StoreContext.defaults().withKeyIndexFactory((c, keys) -> {
            throw new IllegalStateException("index unavailable");
        });
        StoreException e = assertThrows(StoreException.class, () -> MmapMessageStore.open(config(), broken));
        assertTrue(e.getMessage().contains("index unavailable"), e.getMessage());
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults())) {
            assertEquals(1, store.maxQueueOffset("T", 0), "the lock was released and nothing was lost");
        }
    }

    /**
     * Damage a read must not serve as a message of the queue: a unit pointing at another queue's record, and a record
     * whose header is gone (zeros). Both are skipped; the rest is served.
     */
    @Test
    void aReadSkipsAUnitPointingAtAnotherQueuesRecordAndARecordWithoutItsHeader() throws Exception {
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults())) {
            List<AppendResult> t0 = new ArrayList<>();
            List<AppendResult> t1 = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                t0.add(store.append(StoreFixture.message("T", 0, ("zero-" + i).getBytes(), null, null, null)).join());
                t1.add(store.append(StoreFixture.message("T", 1, ("one-" + i).getBytes(), null, null, null)).join());
            }
            Deadline.await("dispatch", Duration.ofSeconds(10), () -> store.maxQueueOffset("T", 1) == 3);
            Path queueFile = dir.resolve("consumequeue").resolve("T").resolve("1").resolve(String.format("%020d", 0));
            try (FileChannel ch = FileChannel.open(queueFile, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(12).putLong(t0.get(1).commitLogOffset()).putInt(t0.get(1).wroteBytes())
                        .flip(), ConsumeQueueUnit.SIZE);
            }
            AppendResult torn = t1.get(2);
            Path commitLog = dir.resolve("commitlog").resolve(String.format("%020d", 0));
            try (FileChannel ch = FileChannel.open(commitLog, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(20), torn.commitLogOffset());
            }
            try (ReadResult r = store.read("T", 1, 0, 32, TagFilter.ALL)) {
                assertEquals(List.of("one-0"), r.messages().stream()
                        .map(m -> new String(StoreFixture.decode(m).body())).toList());
                assertEquals(3, r.nextOffset());
            }
            try (ReadResult r = store.read("T", 0, 0, 32, TagFilter.ALL)) {
                assertEquals(3, r.messages().size(), "the other queue is whole");
            }
        }
    }

    @Test
    void readStatusesAtTheEdges() throws Exception {
        MutableClock clock = new MutableClock(1_000_000);
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults().withClock(clock))) {
            try (ReadResult r = store.read("nope", 0, 0, 1, TagFilter.ALL)) {
                assertEquals(ReadStatus.NO_MESSAGE_IN_QUEUE, r.status());
            }
            fill(store, clock, 3);
            Deadline.await("dispatch", Duration.ofSeconds(10), () -> store.maxQueueOffset("T", 0) == 3);
            try (ReadResult r = store.read("T", 0, 3, 1, TagFilter.ALL)) {
                assertEquals(ReadStatus.NO_NEW_MESSAGE, r.status());
                assertEquals(3, r.nextOffset());
            }
            try (ReadResult r = store.read("T", 0, 9, 1, TagFilter.ALL)) {
                assertEquals(ReadStatus.OFFSET_ILLEGAL, r.status());
                assertEquals(3, r.nextOffset());
            }
            try (ReadResult r = store.read("T", 0, -1, 1, TagFilter.ALL)) {
                assertEquals(ReadStatus.OFFSET_ILLEGAL, r.status());
            }
        }
    }

    @Test
    void aFilteredReadLooksPastRefusedEntriesUpToTheScanLimit() throws Exception {
        int refused = MessageStore.FILTER_SCAN_UNITS + 200;
        try (MmapMessageStore store = MmapMessageStore.open(config(), StoreContext.defaults())) {
            for (int i = 0; i < refused + 5; i++) {
                store.append(StoreFixture.message("T", 0, ("m" + i).getBytes(), i < refused ? "B" : "A", null, null));
            }
            Deadline.await("dispatch", Duration.ofSeconds(10), () -> store.maxQueueOffset("T", 0) == refused + 5);
            TagFilter tagA = code -> code == "A".hashCode();
            try (ReadResult r = store.read("T", 0, 0, 32, tagA)) {
                assertEquals(ReadStatus.NO_MATCHED_MESSAGE, r.status());
                assertEquals(MessageStore.FILTER_SCAN_UNITS, r.nextOffset(), "stops at the scan limit");
            }
            try (ReadResult r = store.read("T", 0, MessageStore.FILTER_SCAN_UNITS, 32, tagA)) {
                assertEquals(ReadStatus.FOUND, r.status());
                assertEquals(5, r.messages().size(), "every A, however many B entries come first");
                assertEquals(refused + 5, r.nextOffset());
            }
            try (ReadResult r = store.read("T", 0, refused - 3, 2, tagA)) {
                assertEquals(2, r.messages().size());
                assertEquals(refused + 2, r.nextOffset(), "the first entry not looked at");
                for (ByteBuffer m : r.messages()) {
                    assertEquals("A", StoreFixture.decode(m).property("TAGS"));
                }
            }
        }
    }

}
