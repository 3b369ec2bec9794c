package dev.sluice.store.mmap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** {@link MappedSegment#prefault} runs beside the writer and after close without changing a byte. */
class MappedSegmentPrefaultTest {
    private static final int SIZE = 4 << 20;

    @TempDir
    Path dir;

    @Test
    void prefaultBesideTheWriterLeavesTheFileAsWritten() throws Exception {
        MappedSegment segment = MappedSegment.create(dir, 0, SIZE, MappedSegment.Fill.SPARSE,
                MappedSegment.CHANNEL_WRITES_OF_A_PAGE);
        byte[] expected = new byte[SIZE];
        Random random = new Random(7);
        int at = 0;
        CompletableFuture<Void> toucher = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 20; i++) {
                segment.prefault();
            }
        });
        // Sizes on both sides of CHANNEL_WRITES_OF_A_PAGE, so mapped stores and channel writes both race it.
        while (true) {
            int length = 1 + random.nextInt(2 * MappedSegment.CHANNEL_WRITES_OF_A_PAGE);
            if (at + length > SIZE - 1000) {
                break;
            }
            byte[] chunk = new byte[length];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, expected, at, length);
            segment.append(ByteBuffer.wrap(chunk));
            at += length;
        }
        toucher.get(30, TimeUnit.SECONDS);
        segment.prefault();
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
    void prefaultOfAClosedSegmentTouchesNothing() throws IOException {
        MappedSegment segment = MappedSegment.create(dir, 0, SIZE, MappedSegment.Fill.SPARSE,
                MappedSegment.CHANNEL_WRITES_NONE);
        segment.append(ByteBuffer.wrap(new byte[]{1, 2, 3}));
        segment.flush();
        segment.close();
        // The mapping is gone: a read through it would crash the JVM, not fail the test.
        segment.prefault();
        byte[] onDisk = Files.readAllBytes(segment.path());
        assertArrayEquals(new byte[]{1, 2, 3}, Arrays.copyOf(onDisk, 3));
        assertEquals(SIZE, onDisk.length);
    }
}
