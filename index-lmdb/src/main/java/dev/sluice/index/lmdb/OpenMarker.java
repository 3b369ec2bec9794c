package dev.sluice.index.lmdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file present while the index is open, naming the boot of the machine that opened it.
 *
 * <p>The environment runs with {@code MDB_NOSYNC}: a killed process loses nothing (its commits are in the page
 * cache), but a machine that stops before the cache reaches the disk can leave pages of a later transaction
 * over pages the last durable one still uses, which LMDB cannot detect. So an environment left open by an
 * earlier boot is not trusted. Where the boot cannot be identified, every unclean close counts as one.
 */
final class OpenMarker {
    private static final String FILE = "open-since-boot";
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private OpenMarker() {
    }

    /** True when the index in {@code dir} was not closed and may have lost writes to a machine stop. */
    static boolean leftByEarlierBoot(Path dir) {
        try {
            String recorded = Files.readString(dir.resolve(FILE), StandardCharsets.UTF_8);
            String now = currentBoot();
            return now == null || !now.equals(recorded);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Durable before the first unsynced write can reach the disk. */
    static void write(Path dir) {
        String boot = currentBoot();
        byte[] content = (boot == null ? "" : boot).getBytes(StandardCharsets.UTF_8);
        try (FileChannel file = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            file.write(ByteBuffer.wrap(content));
            file.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // Some platforms cannot open or force a directory; the file itself is forced.
        }
    }

    static void remove(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir.resolve(FILE), e);
        }
    }

    private static String currentBoot() {
        try {
            return Files.readString(BOOT_ID, StandardCharsets.US_ASCII).trim();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
