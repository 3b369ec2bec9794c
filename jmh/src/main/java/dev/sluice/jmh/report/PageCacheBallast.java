package dev.sluice.jmh.report;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A file of clean page cache that takes up the memory no process uses, so that a trial's new pages come from
 * reclaiming it, as on a broker whose page cache has long been full of older CommitLog files: {@code --memory full}.
 * With memory free instead, on a VM that hands freed memory back to its host (free page reporting), every new page
 * is a slow first touch of guest memory, and both stores append at the rate the host supplies pages.
 *
 * <p>Before each trial {@link #refill} reads the whole file back, which takes up again the memory the last trial
 * freed when it deleted its files. Linux only (it sizes itself from /proc/meminfo).
 */
final class PageCacheBallast implements AutoCloseable {
    private static final int CHUNK = 4 << 20;

    private final Path file;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);

    private PageCacheBallast(Path file) {
        this.file = file;
    }

    /**
     * Writes and forces a file in {@code dir} of the available memory less {@code leaveFree} bytes (the trial's
     * JVM heap then comes out of the page cache too).
     */
    static PageCacheBallast create(Path dir, long leaveFree) throws IOException {
        long size = availableMemory() - leaveFree;
        if (size <= 0) {
            throw new IOException("less than " + (leaveFree >> 20) + " MiB of memory available; nothing to fill");
        }
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable < size + (16L << 30)) {
            throw new IOException(String.format("%s has %d MiB free; the page-cache ballast needs %d MiB and the "
                    + "trials 16 GiB more", dir, usable >> 20, size >> 20));
        }
        Path file = Files.createTempFile(dir, "sluice-ballast", ".bin");
        file.toFile().deleteOnExit(); // a report stopped with Ctrl-C leaves no file the size of the memory behind
        PageCacheBallast ballast = new PageCacheBallast(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ballast.buffer;
            for (long at = 0; at < size; ) {
                zeros.clear().limit((int) Math.min(CHUNK, size - at));
                at += ch.write(zeros, at);
            }
            ch.force(false); // clean pages: reclaiming them costs no writeback
        } catch (IOException | RuntimeException e) {
            ballast.close();
            throw e;
        }
        return ballast;
    }

    /** Reads the whole file, bringing back into the page cache what the last trial's pages pushed out. */
    void refill() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            for (long at = 0; at < size; ) {
                buffer.clear();
                int n = ch.read(buffer, at);
                if (n < 0) {
                    break;
                }
                at += n;
            }
        }
    }

    long size() throws IOException {
        return Files.size(file);
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
    }

    /** MemAvailable from /proc/meminfo, in bytes. */
    static long availableMemory() throws IOException {
        return parseAvailable(Files.readAllLines(Path.of("/proc/meminfo")));
    }

    static long parseAvailable(List<String> meminfo) throws IOException {
        for (String line : meminfo) {
            if (line.startsWith("MemAvailable:")) {
                String[] parts = line.trim().split("\\s+");
                return Long.parseLong(parts[1]) * 1024;
            }
        }
        throw new IOException("no MemAvailable in /proc/meminfo");
    }
}
