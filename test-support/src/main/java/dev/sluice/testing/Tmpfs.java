package dev.sluice.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small real disk for full-disk tests: a tmpfs mounted on a directory of the test's (needs root; where it cannot
 * be mounted, the test is to be skipped).
 */
public final class Tmpfs {
    private Tmpfs() {
    }

    /** Mounts a tmpfs of {@code size} ("24m", "2g") on {@code dir}, creating it; false where that is refused. */
    public static boolean mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        return run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    }

    /** Gives the mounted tmpfs a new size; false where that is refused (smaller than what its files use). */
    public static boolean resize(Path dir, String size) throws IOException, InterruptedException {
        return run("mount", "-o", "remount,size=" + size, dir.toString());
    }

    /** Unmounts it, lazily: files a store still has open do not keep it mounted. */
    public static void unmount(Path dir) throws IOException, InterruptedException {
        run("umount", "-l", dir.toString());
    }

    /** Writes zeros to {@code file} until the disk has no room left. */
    public static void fill(Path file) throws IOException {
        byte[] chunk = new byte[1 << 16];
        try (var out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException noSpace) {
            // the disk is full
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }
}
