package dev.sluice.index.lmdb;

import dev.sluice.store.StoreConfig;
import dev.sluice.store.spi.IndexBatch;
import dev.sluice.store.spi.IndexedKeys;
import dev.sluice.store.spi.KeyIndex;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** Opening indexes the way the store does, and cleaning up after jqwik tries (which have no @TempDir). */
final class TestIndexes {
    /** Small, so that tests make the map grow. */
    static final long SMALL_MAP = 64 << 10;
    /**
     * Runs of a few entries: four-entry blocks, pools of six or more entries (never written by age), merges of
     * three runs five entries a transaction, so that a handful of batches exercises multi-block runs, queries over
     * pools, merges spanning puts, and back-pressure.
     */
    static final Tuning TINY_RUNS = new Tuning(4, 3, 5, 12, 6, 12, Long.MAX_VALUE / 2_000_000, false);
    /** Tiny runs built and merged by the index's own thread, concurrently with everything else. */
    static final Tuning TINY_BACKGROUND = new Tuning(4, 3, 5, 12, 6, 12, 1, true);
    /** Every put's entries become a run at once, in the put, and every two runs are merged. */
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

    /** The shipped index, opened as the store opens it, over a log of what it is given. */
    static KeyIndex open(Path indexDir, long mapSize) {
        TestLog log = new TestLog();
        return new Logged(new LmdbKeyIndexFactory().open(config(indexDir, mapSize), log), log);
    }

    /** An index of another shape over a log of what it is given. */
    static KeyIndex open(Path indexDir, long mapSize, Tuning tuning) {
        TestLog log = new TestLog();
        return new Logged(open(indexDir, mapSize, tuning, log), log);
    }

    /** An index of another shape over {@code log}, which the caller keeps as the store keeps its CommitLog. */
    static LmdbKeyIndex open(Path indexDir, long mapSize, Tuning tuning, TestLog log) {
        return LmdbKeyIndex.open(indexDir, mapSize, IndexKeys.HASH, log, tuning);
    }

    /**
     * The CommitLog as an index's tests know it: the (topic, key, store time) of each offset, from the batches
     * given to the index. Truncation forgets offsets, as the store's truncation does.
     */
    static final class TestLog implements IndexedKeys {
        private final Map<Long, Set<List<Object>>> messages = new ConcurrentHashMap<>();

        void record(IndexBatch batch) {
            for (int i = 0; i < batch.size(); i++) {
                messages.computeIfAbsent(batch.commitLogOffset(i), o -> ConcurrentHashMap.newKeySet())
                        .add(List.of(batch.topic(i), batch.key(i), batch.storeTimestamp(i)));
            }
        }

        void truncateFrom(long offset) {
            messages.keySet().removeIf(o -> o >= offset);
        }

        void deleteBelow(long offset) {
            messages.keySet().removeIf(o -> o < offset);
        }

        @Override
        public boolean holds(long commitLogOffset, long storeTimestamp, String topic, String key) {
            Set<List<Object>> keys = messages.get(commitLogOffset);
            return keys != null && keys.contains(List.of(topic, key, storeTimestamp));
        }
    }

    /** An index whose log records what it is given, for tests that drive the index alone. */
    record Logged(KeyIndex index, TestLog log) implements KeyIndex {
        @Override
        public long appliedOffset() {
            return index.appliedOffset();
        }

        @Override
        public void apply(IndexBatch batch) {
            log.record(batch);
            index.apply(batch);
        }

        @Override
        public List<Long> query(String topic, String key, int maxNum, long beginMillis, long endMillis) {
            return index.query(topic, key, maxNum, beginMillis, endMillis);
        }

        @Override
        public void truncateFrom(long commitLogOffset) {
            log.truncateFrom(commitLogOffset);
            index.truncateFrom(commitLogOffset);
        }

        @Override
        public boolean deleteBelow(long minCommitLogOffset, int maxEntries) {
            return index.deleteBelow(minCommitLogOffset, maxEntries);
        }

        @Override
        public void close() {
            index.close();
        }
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
