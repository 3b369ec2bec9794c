package dev.sluice.remoting.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pid file that bin/mqbroker and bin/mqnamesrv write before they exec the JVM, named to it by
 * {@code -Dsluice.pid.file}. A server that exits on its own (a failed start, SIGTERM from anyone) removes it, so no
 * stale file is left for the next start or for mqshutdown to puzzle over; a SIGKILL still leaves it, and both scripts
 * check that the pid it names is really theirs.
 */
public final class PidFile {
    private static final String PROPERTY = "sluice.pid.file";

    private PidFile() {
    }

    /** Removes the pid file if it names this process: a file a later start has taken over is left alone. */
    public static void removeIfOurs() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isEmpty()) {
            return;
        }
        Path file = Path.of(name);
        try {
            if (Files.readString(file).trim().equals(Long.toString(ProcessHandle.current().pid()))) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            // Gone already, or unreadable: the scripts treat a pid file that names no server of theirs as stale.
        }
    }
}
