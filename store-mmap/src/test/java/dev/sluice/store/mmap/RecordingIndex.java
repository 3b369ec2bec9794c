package dev.sluice.store.mmap;

import dev.sluice.store.spi.IndexBatch;
import dev.sluice.store.spi.IndexedKeys;
import dev.sluice.store.spi.KeyIndex;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A key index that indexes nothing and records what the store tells it and gives it. */
final class RecordingIndex implements KeyIndex {
    /** Minimum offsets retention passed to {@link #deleteBelow}, in order. */
    final List<Long> deletedBelow = new CopyOnWriteArrayList<>();
    /** What the store confirms candidates with. */
    final IndexedKeys keys;

    RecordingIndex(IndexedKeys keys) {
        this.keys = keys;
    }

    @Override
    public long appliedOffset() {
        return Long.MAX_VALUE;
    }

    @Override
    public void apply(IndexBatch batch) {
    }

    @Override
    public List<Long> query(String topic, String key, int maxNum, long beginMillis, long endMillis) {
        return List.of();
    }

    @Override
    public void truncateFrom(long commitLogOffset) {
    }

    @Override
    public boolean deleteBelow(long minCommitLogOffset, int maxEntries) {
        deletedBelow.add(minCommitLogOffset);
        return false;
    }

    @Override
    public void close() {
    }
}
