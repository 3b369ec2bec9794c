package dev.sluice.store.mmap;

import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.StoreException;
import java.nio.file.Path;

/** Child process of {@link StoreBehaviourTest}: tries to open the store in {@code args[0]}, prints how it went. */
public final class OpenChild {
    private OpenChild() {
    }

    public static void main(String[] args) {
        StoreConfig config = StoreFixture.smallConfig(Path.of(args[0])).build();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults())) {
            System.out.println("OPENED");
        } catch (StoreException e) {
            System.out.println("REFUSED " + e.getMessage());
        }
    }
}
