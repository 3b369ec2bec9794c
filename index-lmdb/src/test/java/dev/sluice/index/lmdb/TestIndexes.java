package dev.sluice.index.lmdb;

import dev.sluice.store.StoreConfig;
import dev.sluice.store.spi.KeyIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Opening indexes the way the store does, and cleaning up after jqwik tries (which have no @TempDir). */
final class TestIndexes {
    /** Small, so that tests make the map grow. */
    static final long SMALL_MAP = 64 << 10;
    /**
     * Runs of a few entries: four-entry blocks, runs of six or more postings pairs (never by age), merges of three
     * runs five entries a transaction, so that a handful of batches exercises multi-block runs, queries over a
     * tail, merges spanning puts, and back-pressure.
     */
    static final Tuning TINY_RUNS = new Tuning(4, 3, 5, 12, 6, 12, Long.MAX_VALUE / 2_000_000, false);
    /** Tiny runs built and merged by the index's own thread, concurrently with everything else. */
    static final Tuning TINY_BACKGROUND = new Tuning(4, 3, 5, 12, 6, 12, 1, true);
    /** Every put's postings become a run at once, in the put, and every two runs are merged into LMDB. */
    static final Tuning RUN_PER_PUT = new Tuning(168, 2, 16_384, 120, 1, 1, 0, false);
    /** Small runs built in the background: a killed child dies inside run builds and merges as often as in puts. */
    static final Tuning CHILD_RUNS = new Tuning(64, 3, 100, 20, 200, 800, 5, true);

    private TestIndexes() {
    }

    static StoreConfig config(Path indexDir, long mapSize) {
        return StoreConfig.builder().storePathRootDir(indexDir.getParent())
                .set(StoreConfig.STORE_PATH_INDEX, indexDir.toString())
                .set(StoreConfig.MESSAGE_INDEX_MAP_SIZE, Long.toString(mapSize)).build();
    }

    static KeyIndex open(Path indexDir, long mapSize) {
        return new LmdbKeyIndexFactory().open(config(indexDir, mapSize));
    }

    static KeyIndex open(Path indexDir, long mapSize, Tuning tuning) {
        return LmdbKeyIndex.open(indexDir, mapSize, IndexKeys::hash, tuning);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
