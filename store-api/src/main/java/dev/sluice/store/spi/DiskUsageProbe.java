package dev.sluice.store.spi;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** How full the disk holding a path is. Injectable so retention and disk-full handling are testable. */
@FunctionalInterface
public interface DiskUsageProbe {

    /** The file system's own numbers. */
    DiskUsageProbe FILE_SYSTEM = path -> {
        try {
            FileStore store = Files.getFileStore(path);
            long total = store.getTotalSpace();
            return total <= 0 ? -1 : (double) (total - store.getUsableSpace()) / total;
        } catch (IOException e) {
            return -1;
        }
    };

    /** Used fraction 0..1 of the disk holding {@code path}, or -1 when it cannot be read. */
    double usedRatio(Path path);
}
