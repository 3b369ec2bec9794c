package dev.sluice.index.lmdb;

import dev.sluice.store.StoreConfig;
import dev.sluice.store.spi.IndexedKeys;
import dev.sluice.store.spi.KeyIndex;
import dev.sluice.store.spi.KeyIndexFactory;

/**
 * Opens the LMDB key index in {@code <storePathIndex>/lmdb}, mapping {@link StoreConfig#messageIndexMapSize()}
 * bytes at first; the map doubles whenever it fills, so that only sets where growth starts.
 */
public final class LmdbKeyIndexFactory implements KeyIndexFactory {
    @Override
    public KeyIndex open(StoreConfig config, IndexedKeys keys) {
        return LmdbKeyIndex.open(config.storePathIndex(), config.messageIndexMapSize(), keys);
    }
}
