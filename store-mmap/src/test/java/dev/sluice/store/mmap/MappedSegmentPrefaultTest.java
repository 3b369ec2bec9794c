package dev.sluice.store.mmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
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
 * for it a lead ahead.
 */
class MappedSegmentPrefaultTest {
    private static final int SIZE = 4 << 20;

    @TempDir
    Path dir;

    /**
     * The toucher keeps faulting in the page just ahead of the writer, so its atomic adds land on words the writer
     * is storing into; a touch that wrote back a stale word would lose the writer's bytes there.
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
                segment.prefault(segment.wrote() + 2 * 4096);
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
        segment.prefault(SIZE);
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
    void theWriterAsksForTheNextPagesOncePerHalfLeadWithOneAskPending() throws IOException {
        int lead = MappedSegment.PREFAULT_LEAD;
        MappedSegment segment = MappedSegment.create(dir, 0, 3 * lead, MappedSegment.Fill.SPARSE,
                MappedSegment.Writes.MAPPED);
        try {
            assertEquals(lead, segment.prefaultDue());
            assertEquals(-1, segment.prefaultDue(), "asked already, nothing written");
            segment.setWrotePosition(lead / 2 + 1);
            assertEquals(-1, segment.prefaultDue(), "the last ask is still pending");
            segment.prefault(lead);
            assertEquals(4096 + lead + lead / 2, segment.prefaultDue(), "from the page above the write position");
            segment.prefault(4096 + lead + lead / 2);
            segment.setWrotePosition(lead);
            assertEquals(-1, segment.prefaultDue(), "still more than half a lead ahead");
            segment.setWrotePosition(2 * lead + 1);
            assertEquals(3 * lead, segment.prefaultDue(), "up to the end of the file, not past it");
            segment.prefault(3 * lead);
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
        segment.prefault(SIZE);
        byte[] onDisk = Files.readAllBytes(segment.path());
        assertArrayEquals(new byte[]{1, 2, 3}, Arrays.copyOf(onDisk, 3));
        assertEquals(SIZE, onDisk.length);
    }
}
