package dev.sluice.index.lmdb;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;

import java.nio.file.Path;

/**
 * Child process of {@link StoreWithIndexTest}: a store with the LMDB index (found by ServiceLoader) appending
 * keyed messages until killed. Prints READY once open and a line per hundred appends.
 */
public final class StoreChild {
    private StoreChild() {
    }

    public static void main(String[] args) {
        StoreConfig config = StoreWithIndexTest.config(Path.of(args[0]));
        MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults());
        System.out.println("READY");
        long n = Long.parseLong(args[1]) << 32;
        while (true) {
            String keys = "order-" + (n % 97) + " user-" + n;
            store.append(AppendRequest.of("T" + (n % 3), (int) (n % 4), new byte[64],
                    "KEYS\u0001" + keys + "\u0002UNIQ_KEY\u0001U" + n, System.currentTimeMillis())).join();
            if (++n % 100 == 0) {
                System.out.println("APPENDED " + n);
            }
        }
    }
}
