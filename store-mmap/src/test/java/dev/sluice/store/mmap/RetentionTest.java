package dev.sluice.store.mmap;

import dev.sluice.testing.Deadline;
import dev.sluice.testing.MutableClock;

import dev.sluice.store.AppendResult;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReadStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.TagFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/** One test per retention knob, with the retention agent driven by hand. */
class RetentionTest {
    private static final int FILE_SIZE = 4096;
    private static final long HOUR = 3_600_000L;
    /** 11:00 UTC today: outside the default deleteWhen (04). */
    private static final long NOON = ZonedDateTime.now(ZoneOffset.UTC).withHour(11).withMinute(0).withSecond(0)
            .withNano(0).toInstant().toEpochMilli();

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(NOON);
    private final double[] disk = {0.10};
    private RecordingIndex index;
    private MmapMessageStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private void open(UnaryOperator<StoreConfig.Builder> settings) {
        StoreConfig.Builder b = StoreFixture.smallConfig(dir)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(FILE_SIZE))
                .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "40")
                .set(StoreConfig.FILE_RESERVED_TIME, "2");
        StoreConfig config = settings.apply(b).build();
        store = MmapMessageStore.open(config, StoreContext.defaults().withClock(clock).withDiskUsage(p -> disk[0])
                .withKeyIndexFactory((c, keys) -> index = new RecordingIndex(keys)), false);
    }

    /** Appends until the CommitLog has {@code files} full files plus the active one. */
    private void fill(int files) throws IOException {
        while (commitLogFiles().size() <= files) {
            AppendResult r = store.append(StoreFixture.message("T", 0, new byte[900], "TagA", "k", null)).join();
            assertEquals(AppendStatus.PUT_OK, r.status());
        }
        store.commitLogFlusher().flushAll();
        store.dispatcher().catchUp();
    }

    /** CommitLog files the log has reached (not the next one, created ahead of time). */
    private List<Path> commitLogFiles() throws IOException {
        long end = store.maxCommitLogOffset();
        try (var s = Files.list(dir.resolve("commitlog"))) {
            return s.filter(p -> p.getFileName().toString().length() == 20)
                    .filter(p -> Long.parseLong(p.getFileName().toString()) <= end).sorted().toList();
        }
    }

    /** Sets every CommitLog file's modification time to {@code hoursAgo} before the clock. */
    private void age(double hoursAgo) throws IOException {
        for (Path p : commitLogFiles()) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(clock.millis() - (long) (hoursAgo * HOUR)));
        }
    }

    private void pass() throws IOException {
        store.retention().doWork();
    }

    @Test
    void deleteWhenHoursGateTimeBasedDeletion() throws IOException {
        open(b -> b.set(StoreConfig.DELETE_WHEN, "01;02;03"));
        fill(3);
        age(5);
        pass();
        assertEquals(4, commitLogFiles().size(), "11:00 is not a delete hour");
        clock.set(NOON - 9 * HOUR);
        age(5);
        pass();
        assertEquals(1, commitLogFiles().size(), "02:00 is one of '01;02;03': every expired file but the newest goes");
        assertEquals(3L * FILE_SIZE, store.minCommitLogOffset());
    }

    @Test
    void fileReservedTimeKeepsYoungFilesAndStopsAtTheFirst() throws IOException {
        open(b -> b.set(StoreConfig.DELETE_WHEN, "11"));
        fill(4);
        List<Path> files = commitLogFiles();
        Files.setLastModifiedTime(files.get(0), FileTime.fromMillis(clock.millis() - 3 * HOUR));
        Files.setLastModifiedTime(files.get(1), FileTime.fromMillis(clock.millis() - HOUR));
        Files.setLastModifiedTime(files.get(2), FileTime.fromMillis(clock.millis() - 3 * HOUR));
        pass();
        assertEquals(files.subList(1, files.size()), commitLogFiles(),
                "only the expired first file goes; the young second one stops the pass");
    }

    @Test
    void aRunningStoreTakesNewRetentionSettingsAndMaxMessageSize() throws IOException {
        open(b -> b);
        fill(3);
        age(5);
        pass();
        assertEquals(4, commitLogFiles().size(), "11:00 is not the default delete hour 04");

        StoreConfig changed = StoreFixture.smallConfig(dir).set(StoreConfig.DELETE_WHEN, "11")
                .set(StoreConfig.FILE_RESERVED_TIME, "6").set(StoreConfig.MAX_MESSAGE_SIZE, "512").build();
        store.reconfigure(changed);
        pass();
        assertEquals(4, commitLogFiles().size(), "the hour now matches, but 5 hours old is within 6");
        store.reconfigure(StoreFixture.smallConfig(dir).set(StoreConfig.DELETE_WHEN, "11")
                .set(StoreConfig.FILE_RESERVED_TIME, "4").set(StoreConfig.MAX_MESSAGE_SIZE, "512").build());
        pass();
        assertEquals(1, commitLogFiles().size(), "5 hours old is past 4: every expired file but the newest goes");

        AppendResult tooBig = store.append(StoreFixture.message("T", 0, new byte[900], "TagA", "k", null)).join();
        assertEquals(AppendStatus.MESSAGE_ILLEGAL, tooBig.status(), "900 bytes are over the new maxMessageSize");
        assertEquals(AppendStatus.PUT_OK,
                store.append(StoreFixture.message("T", 0, new byte[100], "TagA", "k", null)).join().status());
    }

    @Test
    void diskMaxUsedSpaceRatioTriggersDeletionAtAnyHour() throws IOException {
        open(b -> b.set(StoreConfig.DISK_MAX_USED_SPACE_RATIO, "60"));
        fill(2);
        age(5);
        disk[0] = 0.55;
        pass();
        assertEquals(3, commitLogFiles().size(), "below diskMaxUsedSpaceRatio, not the hour: nothing goes");
        disk[0] = 0.65;
        pass();
        assertEquals(1, commitLogFiles().size(), "above it, expired files go");
    }

    @Test
    void aboveCleanForciblyRatioUnexpiredFilesGoToo() throws IOException {
        open(b -> b);
        fill(2);
        age(0.1);
        disk[0] = 0.80;
        pass();
        assertEquals(3, commitLogFiles().size(), "above 75% only expired files go");
        disk[0] = 0.86;
        pass();
        assertEquals(1, commitLogFiles().size(), "above diskSpaceCleanForciblyRatio 0.85 unexpired files go");
    }

    @Test
    void forcedCleaningCanBeSwitchedOff() throws IOException {
        open(b -> b.set(StoreConfig.CLEAN_FILE_FORCIBLY_ENABLE, "false"));
        fill(2);
        age(0.1);
        disk[0] = 0.86;
        pass();
        assertEquals(3, commitLogFiles().size());
    }

    @Test
    void fullDiskRefusesAppendsUntilSpaceFrees() throws IOException {
        open(b -> b.set(StoreConfig.DISK_SPACE_WARNING_LEVEL_RATIO, "92"));
        fill(1);
        long end = store.maxCommitLogOffset();
        disk[0] = 0.93;
        pass();
        AppendResult refused = store.append(StoreFixture.message("T", 0, new byte[10], null, null, null)).join();
        assertEquals(AppendStatus.SERVICE_NOT_AVAILABLE, refused.status());
        assertTrue(refused.remark().contains("disk full"), refused.remark());
        assertEquals(end, store.maxCommitLogOffset(), "nothing written while refused");
        disk[0] = 0.50;
        pass();
        assertEquals(AppendStatus.PUT_OK,
                store.append(StoreFixture.message("T", 0, new byte[10], null, null, null)).join().status());
    }

    /**
     * A consumer at the old minimum, reading while retention removes ConsumeQueue files one by one (with a pause
     * between), is told each time that the offset moved, and where to: a read over a removed file answered "no
     * matched message" at the offset asked, so the consumer asked again, until the pass ended.
     */
    @Test
    void aReadAtTheOldMinimumWhileQueueFilesGoIsToldTheOffsetMoved() throws Exception {
        open(b -> b.set(StoreConfig.DELETE_CONSUME_QUEUE_FILES_INTERVAL, "50"));
        fill(3);
        age(5);
        store.requestDeletion();
        AtomicBoolean done = new AtomicBoolean();
        Thread pass = new Thread(() -> {
            try {
                pass();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                done.set(true);
            }
        });
        pass.start();
        List<String> stuck = new ArrayList<>();
        try {
            Deadline.await("the pass ends", Duration.ofSeconds(30), () -> {
                try (ReadResult r = store.read("T", 0, 0, 1, TagFilter.ALL)) {
                    if (r.status() != ReadStatus.FOUND && r.nextOffset() == 0) {
                        stuck.add(r.status() + " next " + r.nextOffset() + " min " + r.minOffset());
                    }
                }
                return done.get();
            });
        } finally {
            pass.join(30_000);
        }
        assertTrue(store.minQueueOffset("T", 0) > 0, "queue files went");
        assertEquals(List.of(), stuck, "reads that gave the consumer nowhere to go");
    }

    @Test
    void atMostTenFilesPerPassWithAPauseBetweenDeletions() throws IOException {
        open(b -> b.set(StoreConfig.DELETE_COMMIT_LOG_FILES_INTERVAL, "30"));
        fill(13);
        age(5);
        disk[0] = 0.80;
        long started = System.nanoTime();
        pass();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(14 - 10, commitLogFiles().size(), "ten files per pass");
        assertTrue(tookMillis >= 9 * 30, "paused between deletions, took " + tookMillis + " ms");
        pass();
        assertEquals(1, commitLogFiles().size());
    }

    @Test
    void fileHeldByAReaderIsDestroyedOnlyAfterTheForcedInterval() throws IOException {
        open(b -> b.set(StoreConfig.DESTROY_MAPED_FILE_INTERVAL_FORCIBLY, "120000"));
        fill(2);
        age(5);
        disk[0] = 0.80;
        Path first = commitLogFiles().get(0);
        try (ReadResult held = store.read("T", 0, 0, 1, TagFilter.ALL)) {
            byte[] before = StoreFixture.decode(held.messages().get(0)).body();
            pass();
            assertTrue(Files.exists(first), "a file a reader holds is not deleted");
            assertEquals(FILE_SIZE, store.minCommitLogOffset(), "but it is already gone for new readers");
            try (ReadResult r = store.read("T", 0, 0, 1, TagFilter.ALL)) {
                assertEquals(ReadStatus.OFFSET_MOVED, r.status());
                assertEquals(store.minQueueOffset("T", 0), r.nextOffset());
            }
            clock.advance(119_000);
            pass();
            assertTrue(Files.exists(first), "not before destroyMapedFileIntervalForcibly");
            clock.advance(2_000);
            pass();
            assertFalse(Files.exists(first), "destroyed anyway after the interval");
            DecodedMessage still = StoreFixture.decode(held.messages().get(0));
            assertArrayEquals(before, still.body(), "the reader still reads intact bytes: nothing was unmapped under it");
        }
    }

    @Test
    void hangedFileIsRetriedEveryRedeleteInterval() throws IOException {
        open(b -> b.set(StoreConfig.DESTROY_MAPED_FILE_INTERVAL_FORCIBLY, "1000")
                .set(StoreConfig.REDELETE_HANGED_FILE_INTERVAL, "60000"));
        fill(1);
        age(5);
        disk[0] = 0.80;
        Path first = commitLogFiles().get(0);
        ReadResult held = store.read("T", 0, 0, 1, TagFilter.ALL);
        pass();
        assertTrue(Files.exists(first));
        disk[0] = 0.10;
        clock.advance(30_000);
        pass();
        assertTrue(Files.exists(first), "no deletion is due and the redelete interval has not passed");
        clock.advance(31_000);
        pass();
        assertFalse(Files.exists(first), "retried after redeleteHangedFileInterval");
        held.close();
    }

    @Test
    void queuesAndIndexFollowTheCommitLogMinimum() throws IOException {
        open(b -> b);
        fill(3);
        long maxBefore = store.maxQueueOffset("T", 0);
        int cqFilesBefore = cqFiles();
        age(5);
        disk[0] = 0.80;
        pass();
        long min = store.minCommitLogOffset();
        assertEquals(3L * FILE_SIZE, min);
        assertTrue(cqFiles() < cqFilesBefore, "ConsumeQueue files below the minimum are deleted");
        long queueMin = store.minQueueOffset("T", 0);
        try (ReadResult r = store.read("T", 0, queueMin, 1, TagFilter.ALL)) {
            assertEquals(ReadStatus.FOUND, r.status());
            assertTrue(StoreFixture.decode(r.messages().get(0)).physicalOffset() >= min);
        }
        try (ReadResult r = store.read("T", 0, queueMin - 1, 1, TagFilter.ALL)) {
            assertEquals(ReadStatus.OFFSET_MOVED, r.status(), "never garbage below the minimum");
            assertEquals(queueMin, r.nextOffset());
        }
        assertEquals(maxBefore, store.maxQueueOffset("T", 0));
        assertEquals(List.of(min), index.deletedBelow, "the index is told the new minimum");
    }

    @Test
    void operatorRequestDeletesOutsideTheHours() throws IOException {
        open(b -> b);
        fill(2);
        age(5);
        pass();
        assertEquals(3, commitLogFiles().size());
        store.requestDeletion();
        pass();
        assertEquals(1, commitLogFiles().size());
    }

    private int cqFiles() throws IOException {
        try (var s = Files.list(dir.resolve("consumequeue").resolve("T").resolve("0"))) {
            return (int) s.count();
        }
    }
}
