package dev.sluice.broker.timer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The delivered marks against a set: what was marked reads back marked, and nothing else does, before and after the
 * files are reopened (a restart); a chunk completely marked is deleted once a later one exists, and recovery then
 * starts after it.
 */
class DeliveredMarksProperties {

    @Property(tries = 60)
    void marksSurviveReopeningAndNothingElseIsMarked(
            @ForAll @LongRange(min = 0, max = 3 * DeliveredMarks.CHUNK_BITS) long first,
            @ForAll @Size(max = 200) List<@LongRange(min = 0, max = 3 * DeliveredMarks.CHUNK_BITS) Long> relative,
            @ForAll @Size(max = 50) List<@LongRange(min = 0, max = 3 * DeliveredMarks.CHUNK_BITS) Long> probes)
            throws IOException {
        Path dir = Files.createTempDirectory("marks");
        try {
            Set<Long> marked = new HashSet<>();
            try (DeliveredMarks marks = new DeliveredMarks(dir, first)) {
                assertTrue(marks.scanStart() <= first);
                for (long r : relative) {
                    marks.mark(first + r);
                    marked.add(first + r);
                }
                check(marks, marked, first, relative, probes);
            }
            try (DeliveredMarks reopened = new DeliveredMarks(dir, 0)) {
                assertTrue(reopened.scanStart() <= first, "recovery starts at or before the first offset");
                check(reopened, marked, first, relative, probes);
            }
        } finally {
            delete(dir);
        }
    }

    private static void check(DeliveredMarks marks, Set<Long> marked, long first, List<Long> relative,
                              List<Long> probes) {
        for (long r : relative) {
            assertTrue(marks.isMarked(first + r));
        }
        for (long p : probes) {
            assertEquals(marked.contains(first + p), marks.isMarked(first + p), "offset " + (first + p));
        }
    }

    @Test
    void aCompleteChunkIsDroppedOnceALaterOneExistsAndRecoveryStartsAfterIt() throws IOException {
        Path dir = Files.createTempDirectory("marks");
        try {
            try (DeliveredMarks marks = new DeliveredMarks(dir, 0)) {
                marks.mark(DeliveredMarks.CHUNK_BITS + 5);
                for (long o = 0; o < DeliveredMarks.CHUNK_BITS; o++) {
                    marks.mark(o);
                }
                assertEquals(DeliveredMarks.CHUNK_BITS, marks.scanStart());
                assertTrue(marks.isMarked(17), "offsets of a dropped chunk were all delivered");
            }
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(List.of(String.format("%020d", DeliveredMarks.CHUNK_BITS)),
                        files.map(f -> f.getFileName().toString()).toList());
            }
            try (DeliveredMarks reopened = new DeliveredMarks(dir, 0)) {
                assertEquals(DeliveredMarks.CHUNK_BITS, reopened.scanStart());
                assertTrue(reopened.isMarked(DeliveredMarks.CHUNK_BITS + 5));
                assertFalse(reopened.isMarked(DeliveredMarks.CHUNK_BITS + 6));
            }
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
