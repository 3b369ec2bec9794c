package dev.sluice.store.mmap;

/**
 * Keeps the pages just ahead of the CommitLog's write position faulted in. New files are sparse, so the first
 * store to each page costs a page fault (page allocation, zeroing, block reservation); taken by the writer,
 * that cost sits inside the append lock and every producer queues behind it. This agent takes it instead.
 * The window is small, so it does not dirty much more memory than the writer is about to dirty anyway.
 * Not used with a transient store pool, whose writes land in an already resident buffer.
 */
final class PageToucher implements Agent {
    static final int WINDOW = 16 << 20;

    private final SegmentedLog log;
    private MappedSegment touching;
    private int touchedUpTo;

    PageToucher(SegmentedLog log) {
        this.log = log;
    }

    @Override
    public String name() {
        return "commitlog-page-toucher";
    }

    @Override
    public long idleMillis() {
        return 1;
    }

    @Override
    public int doWork() {
        MappedSegment s = log.last();
        if (s == null || !s.acquire()) {
            return 0;
        }
        try {
            if (s != touching) {
                touching = s;
                touchedUpTo = 0;
            }
            int wrote = s.wrote();
            // Start past the writer's current page: that one is already resident.
            int from = Math.max(touchedUpTo, (wrote / MappedSegment.PAGE_SIZE + 1) * MappedSegment.PAGE_SIZE);
            int to = (int) Math.min(s.size(), (long) wrote + WINDOW);
            if (from >= to) {
                return 0;
            }
            int reached = s.prefault(from, to);
            touchedUpTo = reached < to ? s.size() : reached;
            return reached > from ? 1 : 0;
        } finally {
            s.release();
        }
    }
}
