package dev.sluice.jmh.report;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The ballast sizes itself from MemAvailable, which /proc/meminfo gives in KiB. */
class PageCacheBallastTest {
    @Test
    void availableMemoryIsMemAvailableInBytes() throws IOException {
        List<String> meminfo = List.of("MemTotal:       24684000 kB", "MemFree:         2835000 kB",
                "MemAvailable:   23521000 kB", "Buffers:            1000 kB");
        assertEquals(23_521_000L * 1024, PageCacheBallast.parseAvailable(meminfo));
    }

    @Test
    void aKernelWithoutMemAvailableIsRefused() {
        assertThrows(IOException.class, () -> PageCacheBallast.parseAvailable(List.of("MemTotal: 1000 kB")));
    }
}
