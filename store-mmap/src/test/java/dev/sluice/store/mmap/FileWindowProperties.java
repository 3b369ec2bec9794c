package dev.sluice.store.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the mix of mapped and channel reads and however holds cross the channel's windows, a held buffer shows
 * the file's bytes where {@link FileWindow#base()} says they are, up to its limit.
 */
class FileWindowProperties {
    /** Three channel windows and a bit: holds cross their ends. */
    private static final int SIZE = (3 << 20) + 4096;

    record Hold(int at, int length) {
    }

    @Property(tries = 60)
    void aHeldBufferShowsTheFilesBytes(@ForAll("mappedEnds") int mappedEnd, @ForAll("holds") List<Hold> holds)
            throws IOException {
        Path dir = Files.createTempDirectory("file-window");
        MappedSegment s = MappedSegment.create(dir, 0, SIZE, MappedSegment.Fill.SPARSE, MappedSegment.Writes.MAPPED);
        try {
            ByteBuffer content = ByteBuffer.allocate(SIZE);
            for (int i = 0; i < SIZE; i++) {
                content.put(i, byteAt(i));
            }
            try (FileChannel out = FileChannel.open(s.path(), StandardOpenOption.WRITE)) {
                while (content.hasRemaining()) {
                    out.write(content, content.position());
                }
            }
            FileWindow w = new FileWindow(s, mappedEnd);
            for (Hold h : holds) {
                ByteBuffer buf = w.hold(h.at(), h.length());
                int end = Math.min(SIZE, h.at() + h.length());
                assertTrue(w.base() <= h.at() && end - w.base() <= buf.limit(), h + " held from " + w.base()
                        + " to " + (w.base() + buf.limit()));
                for (int p = h.at(); p < end; p++) {
                    assertEquals(byteAt(p), buf.get(p - w.base()), h + " at " + p);
                }
            }
        } finally {
            s.destroy(0, 0);
            Files.deleteIfExists(dir);
        }
    }

    private static byte byteAt(int position) {
        return (byte) (position * 31 + (position >>> 9));
    }

    @Provide
    Arbitrary<Integer> mappedEnds() {
        return Arbitraries.oneOf(Arbitraries.of(0, SIZE), Arbitraries.integers().between(0, SIZE));
    }

    @Provide
    Arbitrary<List<Hold>> holds() {
        Arbitrary<Integer> at = Arbitraries.oneOf(Arbitraries.integers().between(0, SIZE - 1),
                Arbitraries.integers().between(-64, 64).map(d -> Math.max(0, Math.min(SIZE - 1, (1 << 20) + d))));
        Arbitrary<Integer> length = Arbitraries.oneOf(Arbitraries.integers().between(0, 64),
                Arbitraries.integers().between(0, 3 << 19));
        return Combinators.combine(at, length).as(Hold::new).list().ofMinSize(1).ofMaxSize(8);
    }
}
