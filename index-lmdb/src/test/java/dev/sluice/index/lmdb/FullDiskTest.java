package dev.sluice.index.lmdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.store.spi.IndexBatch;
import dev.sluice.store.spi.KeyIndex;
import dev.sluice.testing.CapturedLog;
import dev.sluice.testing.Deadline;
import dev.sluice.testing.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under the key index. LMDB's writes then fail (ENOSPC, or EIO when the disk cuts a write short); the
 * entries wait in memory, where queries find them, and are written once space frees. Nothing is lost, and the index
 * reopens with every entry.
 */
class FullDiskTest {
    private static final long OFFSET_STEP = 100;

    @TempDir
    Path root;

    @Test
    void entriesPutWhileTheDiskIsFullAreWrittenOnceSpaceFrees() throws Exception {
        Path mount = root.resolve("small");
        Assumptions.assumeTrue(Tmpfs.mount(mount, "32m"), "cannot mount a tmpfs here");
        try {
            Path indexDir = mount.resolve("index");
            TestIndexes.TestLog log = new TestIndexes.TestLog();
            int before = 2000;
            int total = 32_000;
            try (KeyIndex index = open(indexDir, log)) {
                put(index, 0, before);
                Deadline.await("the first entries written", Duration.ofSeconds(30),
                        () -> index.appliedOffset() >= before * OFFSET_STEP);
                Path filler = mount.resolve("filler");
                Tmpfs.fill(filler);

                try (CapturedLog captured = new CapturedLog()) {
                    put(index, before, total);
                    Deadline.await("a write failing on the full disk", Duration.ofSeconds(30),
                            () -> captured.text().contains("Writing key index runs in " + indexDir));
                }
                assertTrue(index.appliedOffset() < total * OFFSET_STEP,
                        "written on a full disk up to " + index.appliedOffset());
                assertAllFound(index, total);

                Files.delete(filler);
                Deadline.await("every entry written once space frees", Duration.ofSeconds(30),
                        () -> index.appliedOffset() >= total * OFFSET_STEP);
                assertAllFound(index, total);
            }
            try (KeyIndex index = open(indexDir, log)) {
                assertEquals(total * OFFSET_STEP, index.appliedOffset());
                assertAllFound(index, total);
            }
        } finally {
            Tmpfs.unmount(mount);
        }
    }

    /** The shipped index, over a CommitLog that outlives it. */
    private static KeyIndex open(Path indexDir, TestIndexes.TestLog log) {
        return new TestIndexes.Logged(new LmdbKeyIndexFactory().open(TestIndexes.config(indexDir, 1 << 20), log), log);
    }

    /** Message i has key "k" + i, store time i and CommitLog offset i * 100. */
    private static void put(KeyIndex index, int from, int to) {
        for (int b = from; b < to; b += 100) {
            IndexBatch batch = new IndexBatch();
            for (int i = b; i < b + 100; i++) {
                batch.add("t", "k" + i, i, i * OFFSET_STEP);
            }
            batch.endOffset((b + 100) * OFFSET_STEP);
            index.apply(batch);
        }
    }

    private static void assertAllFound(KeyIndex index, int count) {
        IntStream.concat(IntStream.range(0, count).filter(i -> i % 997 == 0), IntStream.of(count - 1)).forEach(i ->
                assertEquals(List.of(i * OFFSET_STEP), index.query("t", "k" + i, 10, 0, Long.MAX_VALUE), "k" + i));
    }
}
