package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;
import dev.sluice.store.spi.KeyIndex;
import dev.sluice.store.spi.KeyIndexFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Semantics the model property relies on, stated once by example. */
class LmdbKeyIndexTest {
    @TempDir
    Path root;

    @Test
    void newestFirstWithinAnInclusiveWindowAtMostMaxNum() {
        try (KeyIndex index = TestIndexes.open(root.resolve("index"), TestIndexes.SMALL_MAP)) {
            IndexBatch batch = new IndexBatch();
            batch.add("t", "k", 10, 100);
            batch.add("t", "k", 20, 200);
            batch.add("t", "k", 20, 300);
            batch.add("t", "k", 30, 400);
            batch.add("t", "k", 40, Long.MAX_VALUE);
            batch.endOffset(500);
            index.apply(batch);

            assertEquals(List.of(400L, 300L, 200L), index.query("t", "k", 10, 20, 30));
            assertEquals(List.of(400L, 300L), index.query("t", "k", 2, 20, 30));
            assertEquals(List.of(Long.MAX_VALUE), index.query("t", "k", 10, 40, 40));
            assertEquals(List.of(), index.query("t", "k", 10, 31, 39));
            assertEquals(List.of(), index.query("t", "k", 10, 30, 20));
            assertEquals(List.of(), index.query("t", "k", 0, 0, Long.MAX_VALUE));
        }
    }

    @Test
    void topicAndKeyBoundariesAndOverlongKeysStayApart() {
        String longKey = "x".repeat(1000);
        try (KeyIndex index = TestIndexes.open(root.resolve("index"), TestIndexes.SMALL_MAP)) {
            IndexBatch batch = new IndexBatch();
            batch.add("ab", "c", 1, 1);
            batch.add("a", "bc", 1, 2);
            batch.add("a", longKey, 1, 3);
            batch.add("a", longKey + "y", 1, 4);
            batch.endOffset(5);
            index.apply(batch);

            assertEquals(List.of(1L), index.query("ab", "c", 10, 0, 10));
            assertEquals(List.of(2L), index.query("a", "bc", 10, 0, 10));
            assertEquals(List.of(3L), index.query("a", longKey, 10, 0, 10));
            assertEquals(List.of(4L), index.query("a", longKey + "y", 10, 0, 10));
        }
    }

    @Test
    void mapGrowsInsteadOfFailingWrites() {
        // Runs written by every put, so that the applied offset follows the puts and the map has to grow.
        try (KeyIndex index = TestIndexes.open(root.resolve("index"), TestIndexes.SMALL_MAP,
                TestIndexes.RUN_PER_PUT)) {
            long offset = 0;
            for (int b = 0; b < 20; b++) {
                IndexBatch batch = new IndexBatch();
                for (int m = 0; m < 500; m++, offset += 100) {
                    batch.add("t", "key-" + m % 50, offset, offset);
                    batch.add("t", "uniq-" + offset, offset, offset);
                }
                batch.endOffset(offset);
                index.apply(batch);
            }
            assertEquals(offset, index.appliedOffset());
            assertEquals(200, index.query("t", "key-7", Integer.MAX_VALUE, 0, Long.MAX_VALUE).size());
            assertEquals(List.of(123_400L), index.query("t", "uniq-123400", 1, 0, Long.MAX_VALUE));
        }
    }

    @Test
    void mapSizeComesFromStoreConfig() {
        Path indexDir = root.resolve("index");
        try (KeyIndex index = new LmdbKeyIndexFactory().open(TestIndexes.config(indexDir, 3 << 20),
                new TestIndexes.TestLog())) {
            assertEquals(3 << 20, ((LmdbKeyIndex) index).mapSize());
        }
        assertThrows(dev.sluice.store.ConfigException.class, () -> TestIndexes.config(indexDir, 1000));
    }

    @Test
    void closedIndexRefusesWork() {
        KeyIndex index = TestIndexes.open(root.resolve("index"), TestIndexes.SMALL_MAP);
        index.close();
        assertThrows(IllegalStateException.class, () -> index.query("t", "k", 1, 0, 1));
        assertThrows(IllegalStateException.class, () -> index.apply(new IndexBatch()));
    }

    @Test
    void serviceLoaderFindsTheFactory() {
        assertTrue(ServiceLoader.load(KeyIndexFactory.class).stream()
                .anyMatch(p -> p.type() == LmdbKeyIndexFactory.class));
    }
}
