package dev.sluice.store.mmap;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Makes directory entries (new, renamed, deleted files) durable. */
final class Durability {
    private Durability() {
    }

    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open or sync a directory; the rename is still atomic there.
        }
    }
}
