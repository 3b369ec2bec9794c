package dev.sluice.store.mmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link MappedSegment#prefault} runs beside the writer and after close without changing a byte, and the writer asks
 * for it a lead ahead. The writer's {@link WriteWindows} are retired behind it and come back after a truncation.
 */
class MappedSegmentPrefaultTest {
    /** Two whole write windows and part of a third. */
    private static final int SIZE = 2 * WriteWindows.SIZE + (WriteWindows.SIZE >> 1) + 4096;

    @TempDir
    Path dir;

    /**
     * The toucher keeps faulting in the page just ahead of the writer, so its atomic adds land on words the writer
     * is storing into; a touch that wrote back a stale word would lose the writer's bytes there. A flusher retires
     * the windows the writer has left meanwhile, as the store's does.
     */
    @ParameterizedTest
    @EnumSource(MappedSegment.Writes.class)
    void prefaultBesideTheWriterLeavesTheFileAsWritten(MappedSegment.Writes writes) throws Exception {
        MappedSegment segment = MappedSegment.create(dir, 0, SIZE, MappedSegment.Fill.SPARSE, writes);
        byte[] expected = new byte[SIZE];
        Random random = new Random(7);
        int at = 0;
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> toucher = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                segment.prefault(segment.wrote() + 2 * 4096, false);
            }
        });
        CompletableFuture<Void> flusher = CompletableFuture.runAsync(() -> {
            while (!done.get()) {
                try {
                    segment.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        while (true) {
            int length = 1 + random.nextInt(2 * 4096);
            if (at + length > SIZE - 1000) {
                break;
            }
            byte[] chunk = new byte[length];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, expected, at, length);
            segment.append(ByteBuffer.wrap(chunk));
            at += length;
        }
        done.set(true);
        toucher.get(30, TimeUnit.SECONDS);
        flusher.get(30, TimeUnit.SECONDS);
        segment.prefault(SIZE, false);
        segment.flush();

        byte[] mapped = new byte[SIZE];
        segment.buffer().get(0, mapped);
        assertArrayEquals(expected, mapped, "the mapping");
        assertEquals(at, segment.wrote());
        Path file = segment.path();
        segment.close();
        assertArrayEquals(expected, Files.readAllBytes(file), "the file");
    }

    @Test
    void aFlushUnmapsTheWindowsTheWriterHasLeft() throws IOException {
        MappedSegment segment = MappedSegment.create(dir, 0, SIZE, MappedSegment.Fill.SPARSE,
                MappedSegment.Writes.MAPPED);
        try {
            int window = WriteWindows.SIZE;
            segment.append(ByteBuffer.wrap(new byte[2 * window + 100]));
            assertEquals(2L * SIZE, mappedBytes(segment.path()), "the file, and the three windows that cover it");
            segment.flush();
            assertEquals((long) SIZE + SIZE - 2 * window, mappedBytes(segment.path()),
                    "the file and the writer's window, the last and shorter one");
        } finally {
            segment.close();
        }
        assertEquals(0, mappedBytes(segment.path()));
    }

    /** The sum of this process's mappings of {@code file}, whether or not the kernel merged adjacent ones. */
    private static long mappedBytes(Path file) throws IOException {
        long sum = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.endsWith(" " + file)) {
                String[] range = line.substring(0, line.indexOf(' ')).split("-");
                sum += Long.parseUnsignedLong(range[1], 16) - Long.parseUnsignedLong(range[0], 16);
            }
        }
        return sum;
    }

    /**
     * The writer's last store ended at a window's end, and a flush retired that window; after a truncation into
     * it, the writer stores through a new mapping of it, not through the unmapped one (which would crash the JVM).
     */
    @Test
    void aTruncatedWriterStoresIntoARetiredWindowAgain() throws IOException {
        MappedSegment segment = MappedSegment.create(dir, 0, SIZE, MappedSegment.Fill.SPARSE,
                MappedSegment.Writes.MAPPED);
        byte[] first = new byte[WriteWindows.SIZE];
        Arrays.fill(first, (byte) 1);
        segment.append(ByteBuffer.wrap(first));
        segment.flush();
        segment.setPositions(100);
        segment.append(ByteBuffer.wrap(new byte[]{7, 8, 9}));
        segment.flush();
        Path file = segment.path();
        segment.close();
        byte[] onDisk = Files.readAllBytes(file);
        assertArrayEquals(new byte[]{1, 7, 8, 9, 1}, Arrays.copyOfRange(onDisk, 99, 104));
    }

    @Test
    void theWriterAsksForTheNextPagesOncePerHalfLeadWithOneAskPending() throws IOException {
        int lead = MappedSegment.PREFAULT_LEAD;
        MappedSegment segment = MappedSegment.create(dir, 0, 3 * lead, MappedSegment.Fill.SPARSE,
                MappedSegment.Writes.MAPPED);
        try {
            assertEquals(lead, segment.prefaultDue());
            assertEquals(-1, segment.prefaultDue(), "asked already, nothing written");
            segment.setWrotePosition(lead / 2 + 1);
            assertEquals(-1, segment.prefaultDue(), "the last ask is still pending");
            segment.prefault(lead, false);
            assertEquals(4096 + lead + lead / 2, segment.prefaultDue(), "from the page above the write position");
            segment.prefault(4096 + lead + lead / 2, false);
            segment.setWrotePosition(lead);
            assertEquals(-1, segment.prefaultDue(), "still more than half a lead ahead");
            segment.setWrotePosition(2 * lead + 1);
            assertEquals(3 * lead, segment.prefaultDue(), "up to the end of the file, not past it");
            segment.prefault(3 * lead, false);
            assertEquals(-1, segment.prefaultDue(), "the whole file is asked for");
        } finally {
            segment.close();
        }
    }

    @Test
    void prefaultOfAClosedSegmentTouchesNothing() throws IOException {
        MappedSegment segment = MappedSegment.create(dir, 0, SIZE, MappedSegment.Fill.SPARSE,
                MappedSegment.Writes.MAPPED);
        segment.append(ByteBuffer.wrap(new byte[]{1, 2, 3}));
        segment.flush();
        segment.close();
        // The mapping is gone: a read through it would crash the JVM, not fail the test.
        segment.prefault(SIZE, false);
        byte[] onDisk = Files.readAllBytes(segment.path());
        assertArrayEquals(new byte[]{1, 2, 3}, Arrays.copyOf(onDisk, 3));
        assertEquals(SIZE, onDisk.length);
    }
}
