package dev.sluice.index.lmdb;

import dev.sluice.store.StoreConfig;
import dev.sluice.store.spi.KeyIndex;
import dev.sluice.store.spi.KeyIndexFactory;

/**
 * Opens the LMDB key index in {@code <storePathIndex>/lmdb}.
 *
 * <p>The initial map size comes from the system property {@value #MAP_SIZE_PROPERTY} (bytes, default 64 MiB)
 * until StoreConfig has a key for it; the map doubles whenever it fills, so this only sets where growth starts.
 */
public final class LmdbKeyIndexFactory implements KeyIndexFactory {
    public static final String MAP_SIZE_PROPERTY = "sluice.index.mapSize";
    public static final long DEFAULT_MAP_SIZE = 64L << 20;

    private final long initialMapSize;

    /** Used by {@link java.util.ServiceLoader}. */
    public LmdbKeyIndexFactory() {
        this(Long.getLong(MAP_SIZE_PROPERTY, DEFAULT_MAP_SIZE));
    }

    public LmdbKeyIndexFactory(long initialMapSize) {
        if (initialMapSize < 1 << 16) {
            throw new IllegalArgumentException("map size " + initialMapSize + " is below 64 KiB");
        }
        this.initialMapSize = initialMapSize;
    }

    @Override
    public KeyIndex open(StoreConfig config) {
        return LmdbKeyIndex.open(config.storePathIndex(), initialMapSize);
    }
}
