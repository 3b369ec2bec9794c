package dev.sluice.store.mmap;

import dev.sluice.store.StoreException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code lock} file: one process at a time opens a store directory. The lock is a POSIX record lock, which
 * belongs to the process: closing any channel this JVM has on the file drops it, so a second open in the same JVM
 * is refused before it opens the file at all.
 */
final class StoreLock implements AutoCloseable {
    /** The lock files this JVM holds, by real path. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    static StoreLock acquire(Path root) throws IOException {
        Files.createDirectories(root);
        Path path = root.toRealPath().resolve("lock");
        if (!HELD.add(path)) {
            throw alreadyOpen(root, path);
        }
        try {
            FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                throw alreadyOpen(root, path);
            }
            return new StoreLock(path, ch, lock);
        } catch (IOException | RuntimeException e) {
            HELD.remove(path);
            throw e;
        }
    }

    private static StoreException alreadyOpen(Path root, Path lockFile) {
        return new StoreException("store " + root + " is already open (lock file " + lockFile + " is held)");
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            HELD.remove(path);
        }
    }
}
