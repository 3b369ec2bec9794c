package dev.sluice.index.lmdb;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where lmdbjava unpacks its native library. By default it writes a fresh copy into {@code java.io.tmpdir} at every
 * start and deletes it only when the JVM exits normally, so each broker killed with SIGKILL, or crashing, leaves
 * 300 KB in /tmp for good. The first index a JVM opens has the copy made in its own directory instead, and removes
 * the copies that killed predecessors left there. An operator's own choice of lmdbjava property is left alone.
 */
final class NativeCopy {
    private static final Logger LOG = LoggerFactory.getLogger(NativeCopy.class);
    static final String DIR = "native";
    static final String EXTRACT_DIR_PROPERTY = "lmdbjava.extract.dir";
    /** lmdbjava's prefix for the copies it unpacks. */
    static final String PREFIX = "lmdbjava-native-library-";
    private static final List<String> OPERATOR_CHOICES =
            List.of(EXTRACT_DIR_PROPERTY, "lmdbjava.native.lib", "lmdbjava.embedded.lib");
    private static boolean placed;
    /** Room for the copy (about 300 KB) and then some. */
    private static final long MIN_FREE = 4L << 20;

    private NativeCopy() {
    }

    /** Call before anything touches lmdbjava: it reads the property once, when it loads the library. */
    static synchronized void placeIn(Path indexDir) {
        if (placed) {
            return;
        }
        placed = true;
        if (OPERATOR_CHOICES.stream().anyMatch(p -> System.getProperty(p) != null)) {
            return;
        }
        Path dir = indexDir.resolve(DIR);
        try {
            Files.createDirectories(dir);
            if (Files.getFileStore(dir).getUsableSpace() < MIN_FREE) {
                // A copy that cannot be written would fail lmdbjava's class initialisation, and with it the start.
                LOG.warn("the disk of {} is (nearly) full; lmdbjava unpacks LMDB's native library into java.io.tmpdir",
                        dir);
                return;
            }
            // Only this store's processes use the directory, one at a time, so every copy here is a dead one's.
            try (DirectoryStream<Path> left = Files.newDirectoryStream(dir, PREFIX + "*")) {
                for (Path copy : left) {
                    Files.deleteIfExists(copy);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot use {} for LMDB's native library ({}); lmdbjava unpacks it into java.io.tmpdir", dir,
                    e.toString());
            return;
        }
        System.setProperty(EXTRACT_DIR_PROPERTY, dir.toString());
    }
}
