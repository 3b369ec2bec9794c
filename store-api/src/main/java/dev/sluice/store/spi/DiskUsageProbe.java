package dev.sluice.store.spi;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** How full the disk holding a path is. Injectable so retention and disk-full handling are testable. */
@FunctionalInterface
public interface DiskUsageProbe {

    /**
     * The file system's own numbers. Used is what df calls used, against what df calls the size: used plus what
     * this process may still use, so blocks reserved for root count as neither (RocketMQ's ratio too).
     */
    DiskUsageProbe FILE_SYSTEM = new DiskUsageProbe() {
        @Override
        public double usedRatio(Path path) {
            try {
                FileStore store = Files.getFileStore(path);
                long used = store.getTotalSpace() - store.getUnallocatedSpace();
                long size = used + store.getUsableSpace();
                return size <= 0 ? -1 : (double) used / size;
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public long usableBytes(Path path) {
            try {
                return Files.getFileStore(path).getUsableSpace();
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public long totalBytes(Path path) {
            try {
                return Files.getFileStore(path).getTotalSpace();
            } catch (IOException e) {
                return -1;
            }
        }
    };

    /** Used fraction 0..1 of the disk holding {@code path}, or -1 when it cannot be read. */
    double usedRatio(Path path);

    /**
     * Bytes still free for this process on the disk holding {@code path}, or -1 when unknown. The store keeps its
     * writes within them: a store into a mapped page the disk has no room for is lost silently. By default unknown.
     */
    default long usableBytes(Path path) {
        return -1;
    }

    /** Size of the disk holding {@code path} in bytes, or -1 when unknown (the default). */
    default long totalBytes(Path path) {
        return -1;
    }
}
