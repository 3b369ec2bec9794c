package dev.sluice.store.mmap;

import dev.sluice.store.spi.DiskUsageProbe;
import java.nio.file.Path;

/**
 * Keeps CommitLog writes off pages the disk may have no room for. A store into a mapped page that the file system
 * cannot supply raises SIGBUS, which the JVM turns into an InternalError thrown later, after the store has silently
 * not happened: an append would report success for bytes that are not there, and the records after it would sit
 * behind a hole. So appends, and the allocator's faults ahead, stay below a limit: the CommitLog offset up to which
 * pages are already allocated, plus what the disk reports free, less a reserve for the ConsumeQueues, the index and
 * other writers between two looks. Our own allocations lower the free space and raise the allocated offset alike, so
 * the limit holds still until something else takes or frees space. Once less than {@link #NEARLY_FULL} is free, the
 * pages are allocated by writing zeros before any store (see MappedSegment's {@code allocated}), whose ENOSPC is
 * seen at once: then another process taking the space between two looks costs a refusal, not a lost append.
 */
final class SpaceGuard {
    /** At most this much, and at most an eighth of the disk, is kept free. */
    static final long MAX_RESERVE = 64L << 20;

    private final DiskUsageProbe disk;
    private final Path dir;
    /**
     * Free space below which pages are allocated by writing zeros. Another process would have to take this much
     * between two looks (one per prefault round, ~16 MiB of appends) for a fault to find the disk full.
     */
    static final long NEARLY_FULL = 1L << 30;

    private volatile long limit = Long.MAX_VALUE;
    private volatile boolean nearlyFull;

    SpaceGuard(DiskUsageProbe disk, Path dir) {
        this.disk = disk;
        this.dir = dir;
    }

    /** Whether the last {@link #refresh} found less than {@link #NEARLY_FULL} free. */
    boolean nearlyFull() {
        return nearlyFull;
    }

    /** The CommitLog offset writes must stay below, as of the last {@link #refresh}. */
    long limit() {
        return limit;
    }

    /**
     * Looks at the disk again (one statvfs).
     *
     * @param allocatedEnd the CommitLog offset below which every page is already allocated
     * @return the new limit; unlimited when the disk does not say how much is free
     */
    long refresh(long allocatedEnd) {
        long usable = disk.usableBytes(dir);
        nearlyFull = usable >= 0 && usable < NEARLY_FULL;
        if (usable < 0) {
            limit = Long.MAX_VALUE;
        } else {
            long total = disk.totalBytes(dir);
            long reserve = total > 0 ? Math.min(MAX_RESERVE, total / 8) : MAX_RESERVE;
            limit = allocatedEnd + Math.max(0, usable - reserve);
        }
        return limit;
    }

    /** Why a write up to {@code end} is refused (the disk's numbers), for the refusal's message. */
    String refusal(long end) {
        return "disk full: a write up to CommitLog offset " + end + " would pass " + limit + ", where only the reserve"
                + " kept free on " + dir + " is left (" + disk.usableBytes(dir) + " bytes usable); appends resume once"
                + " space frees";
    }
}
