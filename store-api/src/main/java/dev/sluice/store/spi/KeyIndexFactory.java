package dev.sluice.store.spi;

import dev.sluice.store.StoreConfig;

/** Opens the key index of a store. Found with {@link java.util.ServiceLoader} unless given explicitly. */
public interface KeyIndexFactory {
    /**
     * Opens (creating or rebuilding if need be) the index under {@code config.storePathIndex()}; {@code keys}
     * reads the store's CommitLog back, for an index that confirms candidates there.
     */
    KeyIndex open(StoreConfig config, IndexedKeys keys);
}
