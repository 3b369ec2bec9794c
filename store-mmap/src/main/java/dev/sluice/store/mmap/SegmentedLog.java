package dev.sluice.store.mmap;

import dev.sluice.store.StoreException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;

/**
 * The files of one log (the CommitLog, or one ConsumeQueue) in a directory, ordered by base offset.
 * The writer adds at the tail; retention removes at the head; readers look up by offset. Thread-safe.
 */
final class SegmentedLog {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);

    private final Path dir;
    private final int segmentSize;
    private final MappedSegment.Fill fill;
    private final MappedSegment.Writes writes;
    private final ConcurrentSkipListMap<Long, MappedSegment> segments = new ConcurrentSkipListMap<>();
    /**
     * The last of {@link #segments}, kept by every change of it (put, remove, clearSegments: synchronized, so the
     * writer adding and retention removing cannot leave it stale): the writer asks for it on every append, and the
     * map's lastEntry() allocates an entry per call.
     */
    private volatile MappedSegment tail;
    /** The next file, being created in the background so a roll does not wait for it. */
    private CompletableFuture<MappedSegment> prepared;
    private long preparedBase = -1;

    private volatile SpaceGuard guard;
    /** The lowest offset a file before the last lacked when loaded (cut short outside the store), or -1. */
    private long lostFrom = -1;

    /**
     * @param fill          how new files are filled (see {@link MappedSegment.Fill})
     * @param writes        how appends reach the files (see {@link MappedSegment.Writes})
     */
    SegmentedLog(Path dir, int segmentSize, MappedSegment.Fill fill, MappedSegment.Writes writes) {
        this.writes = writes;
        this.dir = dir;
        this.segmentSize = segmentSize;
        this.fill = fill;
    }

    /**
     * Maps every file named by a 20-digit offset. Files with other names are left alone (logged). A file whose
     * offset is not a multiple of the segment size, or that is longer than a segment, or that breaks the chain of
     * consecutive offsets, refuses the load before any file is changed; a shorter file is then extended with zeros.
     */
    void load() throws IOException {
        Files.createDirectories(dir);
        List<Long> offsets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.length() == 20 && name.chars().allMatch(Character::isDigit)) {
                    offsets.add(Long.parseLong(name));
                } else if (name.endsWith(".creating")) {
                    Files.deleteIfExists(file);
                } else if (Files.isRegularFile(file)) {
                    LOG.warn("{}: ignoring file {} (not a segment name)", dir, name);
                }
            }
        }
        offsets.sort(null);
        // Files that do not fit the configured size are refused, never dropped: most likely the size setting changed
        // (mappedFileSize*), and RocketMQ refuses to start then too. Dropping them lost every message they held.
        long expected = -1;
        for (long base : offsets) {
            Path path = dir.resolve(MappedSegment.fileName(base));
            long length = Files.size(path);
            if (base % segmentSize != 0 || length > segmentSize) {
                throw new StoreException(dir + ": file " + path.getFileName() + " (" + length + " bytes) does not fit "
                        + "files of " + segmentSize + " bytes. Was the file size setting (mappedFileSizeCommitLog or "
                        + "mappedFileSizeConsumeQueue) changed? Files keep the size they were made with: set it back. "
                        + "Nothing was changed on disk");
            }
            if (expected >= 0 && base != expected) {
                throw new StoreException(dir + ": no file starts at " + expected + " but " + path.getFileName()
                        + " follows: a file is missing from the middle. Nothing was changed on disk");
            }
            expected = base + segmentSize;
        }
        long lastBase = offsets.isEmpty() ? -1 : offsets.get(offsets.size() - 1);
        for (long base : offsets) {
            Path path = dir.resolve(MappedSegment.fileName(base));
            long length = Files.size(path);
            if (length != segmentSize && base == lastBase) {
                LOG.warn("{}: {} is {} bytes, not {}; extended with zeros, recovery cuts any torn tail",
                        dir, path.getFileName(), length, segmentSize);
            } else if (length != segmentSize) {
                // A file before the last was full: what it lacks is lost, and reads skip what pointed there.
                LOG.error("{}: {} is {} bytes, not {}, yet files follow it: its last {} bytes are lost (the file was "
                        + "cut short outside the store); extended with zeros", dir, path.getFileName(), length,
                        segmentSize, segmentSize - length);
                if (lostFrom < 0) {
                    lostFrom = base + length;
                }
            }
            put(base, MappedSegment.open(path, base, segmentSize, writes));
        }
        MappedSegment last = last();
        if (last != null) {
            last.diskNearlyFull(nearlyFull());
        }
    }

    Path dir() {
        return dir;
    }

    /**
     * The lowest offset from which a file before the last lacked its bytes when {@link #load}ed (it was cut short
     * outside the store and extended with zeros), or -1: what pointed there must not be taken for data.
     */
    long lostFrom() {
        return lostFrom;
    }

    int segmentSize() {
        return segmentSize;
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    MappedSegment first() {
        Map.Entry<Long, MappedSegment> e = segments.firstEntry();
        return e == null ? null : e.getValue();
    }

    MappedSegment last() {
        return tail;
    }

    private synchronized void put(long base, MappedSegment segment) {
        segments.put(base, segment);
        refreshTail();
    }

    private synchronized void clearSegments() {
        segments.clear();
        refreshTail();
    }

    private void refreshTail() {
        Map.Entry<Long, MappedSegment> e = segments.lastEntry();
        tail = e == null ? null : e.getValue();
    }

    /** Start of the first segment not being destroyed, or {@code whenNone} if there is none. Does not copy. */
    long firstAvailableOffset(long whenNone) {
        for (MappedSegment s : segments.values()) {
            if (s.available()) {
                return s.baseOffset();
            }
        }
        return whenNone;
    }

    /** The segment holding {@code offset}, or null. */
    MappedSegment find(long offset) {
        Map.Entry<Long, MappedSegment> e = segments.floorEntry(offset);
        if (e == null || offset >= e.getValue().endOffset()) {
            return null;
        }
        return e.getValue();
    }

    /** The segment holding {@code offset}, acquired; null if absent or being destroyed. */
    MappedSegment acquire(long offset) {
        MappedSegment s = find(offset);
        return s != null && s.acquire() ? s : null;
    }

    /** The segment after {@code segment}, or null. */
    MappedSegment next(MappedSegment segment) {
        Map.Entry<Long, MappedSegment> e = segments.higherEntry(segment.baseOffset());
        return e == null ? null : e.getValue();
    }

    List<MappedSegment> all() {
        return new ArrayList<>(segments.values());
    }

    int count() {
        return segments.size();
    }

    /** Whether the segment at {@code base} is being (or has been) created in the background. */
    boolean isPrepared(long base) {
        return preparedBase == base;
    }

    /**
     * Writer only: creates the segment starting at {@code base}, or takes it if it was prepared. Created here, a
     * PAGE_CACHE file starts sparse: its writer is waiting.
     */
    MappedSegment create(long base) throws IOException {
        MappedSegment s = preparedBase == base ? takePrepared() : null;
        if (s == null) {
            Files.createDirectories(dir);
            s = MappedSegment.create(dir, base, segmentSize,
                    fill == MappedSegment.Fill.PAGE_CACHE ? MappedSegment.Fill.SPARSE : fill, writes);
        }
        s.diskNearlyFull(nearlyFull()); // before its first prefault has looked, the writer may store into it
        put(base, s);
        return s;
    }

    /** Bounds the prefaults of this log (the CommitLog's) by the free space on its disk. */
    void guard(SpaceGuard spaceGuard) {
        this.guard = spaceGuard;
        MappedSegment last = last();
        if (last != null) {
            allowed(last, 0); // a first look at the disk
            last.diskNearlyFull(nearlyFull());
        }
    }

    /**
     * Whether pages are to be allocated by writing zeros: the guard's last look found the disk nearly full, or always
     * for a log without one (ConsumeQueues). A ConsumeQueue's file may live for days after a look found room, and a
     * dispatcher's store the disk cannot back is reported later, from wherever the thread has got to, maybe past the
     * end of its round: the unit stayed a hole, and recovery took the hole for the queue's end. Its units are 20 bytes
     * a message, so writing their zeros first costs little.
     */
    private boolean nearlyFull() {
        SpaceGuard g = guard;
        return g == null || g.nearlyFull();
    }

    /** {@code upTo} within {@code segment}, cut where the disk may have no room left for the pages. */
    private int allowed(MappedSegment segment, int upTo) {
        SpaceGuard g = guard;
        if (g == null) {
            return upTo;
        }
        MappedSegment current = last();
        long allocatedEnd = current == null ? segment.baseOffset()
                : current.baseOffset() + Math.max(current.wrote(), current.prefaulted());
        long limit = g.refresh(allocatedEnd);
        return (int) Math.max(0, Math.min(upTo, limit - segment.baseOffset()));
    }

    /**
     * Writer only: starts creating the segment at {@code base} on {@code executor}. Zero-filling a large file
     * takes long enough that doing it inside a roll would stall every producer.
     */
    void prepare(long base, Executor executor) {
        if (preparedBase == base) {
            return;
        }
        discardPrepared();
        preparedBase = base;
        prepared = CompletableFuture.supplyAsync(() -> {
            try {
                Files.createDirectories(dir);
                return MappedSegment.create(dir, base, segmentSize, fill, writes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, executor);
        if (fill == MappedSegment.Fill.SPARSE) {
            // A separate task, so a roll that comes early takes the file without waiting for its first pages.
            prepared.thenAcceptAsync(s -> s.prefault(allowed(s, MappedSegment.PREFAULT_LEAD), nearlyFull()), executor);
        }
    }

    /**
     * Writer only, after each append to {@code segment}: has {@code executor} fault in the pages ahead of the write
     * position when they are due (see {@link MappedSegment#prefaultDue}). SPARSE logs only: a ZEROED file's pages
     * are there already, and under PAGE_CACHE (group commit) the appends' own page-sized writes bring them in,
     * where faults would bring back the large folios PAGE_CACHE exists to avoid.
     */
    void prefaultAhead(MappedSegment segment, Executor executor) {
        if (fill == MappedSegment.Fill.SPARSE) {
            int upTo = segment.prefaultDue();
            if (upTo >= 0) {
                executor.execute(() -> segment.prefault(allowed(segment, upTo), nearlyFull()));
            }
        }
    }

    private MappedSegment takePrepared() throws IOException {
        CompletableFuture<MappedSegment> f = prepared;
        prepared = null;
        preparedBase = -1;
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }

    /** Drops a prepared file that will not be used (close, truncation). */
    private void discardPrepared() {
        CompletableFuture<MappedSegment> f = prepared;
        prepared = null;
        preparedBase = -1;
        if (f != null) {
            try {
                MappedSegment s = f.join();
                s.close();
                Files.deleteIfExists(s.path());
            } catch (RuntimeException | IOException e) {
                // It never became part of the log; a leftover file is dropped again at the next load.
            }
        }
    }

    /** Forgets a retired segment (it is being or has been destroyed). */
    synchronized void remove(MappedSegment segment) {
        segments.remove(segment.baseOffset(), segment);
        refreshTail();
    }

    /** Deletes the last segment (an empty trailing file found at recovery). */
    void deleteLast() throws IOException {
        MappedSegment last = last();
        if (last != null) {
            remove(last);
            last.close();
            Files.deleteIfExists(last.path());
        }
    }

    /**
     * Cuts the log at {@code offset}: the segment holding it keeps the bytes before it, and is zeroed after
     * it (kept even when that leaves it empty, so the log remembers where it stands); every later segment is
     * deleted.
     *
     * @return the number of bytes that were past the cut in deleted files
     */
    long truncate(long offset) throws IOException {
        return truncate(offset, Long.MAX_VALUE);
    }

    /**
     * {@link #truncate(long)}, for a log whose bytes from {@code dataEnd} on are known to be zero: only those before
     * it are read and cleared.
     */
    long truncate(long offset, long dataEnd) throws IOException {
        discardPrepared();
        long dropped = 0;
        for (MappedSegment s : all()) {
            if (s.baseOffset() > offset) {
                dropped += s.wrote();
                remove(s);
                s.close();
                Files.deleteIfExists(s.path());
            } else if (s.endOffset() > offset) {
                int at = (int) (offset - s.baseOffset());
                s.zeroFrom(at, (int) Math.max(at, Math.min(s.size(), dataEnd - s.baseOffset())));
                s.setPositions(at);
            }
        }
        return dropped;
    }

    /** Total bytes written (the last segment's write position past its base), or 0 when empty. */
    long maxOffset() {
        MappedSegment s = last();
        return s == null ? 0 : s.baseOffset() + s.wrote();
    }

    void close() {
        discardPrepared();
        for (MappedSegment s : segments.values()) {
            s.close();
        }
        clearSegments();
    }

    /** Closes and deletes every file, and the directory if it is then empty. */
    void destroy() throws IOException {
        for (MappedSegment s : all()) {
            s.close();
            Files.deleteIfExists(s.path());
        }
        clearSegments();
        try (DirectoryStream<Path> rest = Files.newDirectoryStream(dir)) {
            if (!rest.iterator().hasNext()) {
                Files.deleteIfExists(dir);
            }
        }
    }
}
