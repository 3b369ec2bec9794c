package dev.sluice.store.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk's used share, as retention reads it, is the one df reports (and RocketMQ acts on). */
class DiskUsageProbeTest {
    @TempDir
    Path dir;

    @Test
    void theUsedRatioIsDfs() throws Exception {
        Process df = new ProcessBuilder("df", "-P", dir.toString()).redirectErrorStream(true).start();
        String output = new String(df.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(df.waitFor(30, TimeUnit.SECONDS), "df finished");
        assertEquals(0, df.exitValue(), output);
        List<String> lines = output.lines().toList();
        // POSIX format: filesystem, size, used, available, capacity (used / (used + available), rounded up), mount.
        String[] fields = lines.get(lines.size() - 1).trim().split("\\s+");
        int capacity = Integer.parseInt(fields[4].replace("%", ""));

        double ratio = DiskUsageProbe.FILE_SYSTEM.usedRatio(dir);
        // Other processes write meanwhile, and df counts in 1 KiB blocks: a point either way.
        assertEquals(capacity, Math.ceil(ratio * 100), 1.0, "df said " + fields[4] + ", the probe " + ratio);
    }
}
