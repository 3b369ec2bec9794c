package dev.sluice.store.mmap;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A CommitLog file's bytes as recovery checks them. Below {@code mappedEnd}, durable data whose every page is
 * allocated, they are read through the mapping; from there on through the file's channel, a window at a time. Past
 * the durable data a file may hold holes (a commit torn by a full disk), and on tmpfs a read of a hole through the
 * mapping allocates a page, which a full disk cannot supply: the JVM then fails with an InternalError, and the broker
 * could not start. The channel reads a hole as zeros and allocates nothing.
 */
final class FileWindow {
    /** Bytes read through the channel at a time, unless one record needs more. */
    private static final int WINDOW = 1 << 20;

    private final MappedSegment segment;
    private final int mappedEnd;
    private ByteBuffer window = ByteBuffer.allocateDirect(0);
    private int windowBase;
    private int base;

    /** @param mappedEnd bytes before this position are read through the mapping */
    FileWindow(MappedSegment segment, int mappedEnd) {
        this.segment = segment;
        this.mappedEnd = mappedEnd;
    }

    /**
     * A buffer holding the file's bytes from {@code at} to {@code at + length} (or the file's end), where the byte at
     * file position p is at index p - {@link #base()}. The buffer's limit is where the bytes it holds end.
     */
    ByteBuffer hold(int at, int length) throws IOException {
        int end = (int) Math.min(segment.size(), (long) at + length);
        if (end <= mappedEnd) {
            base = 0;
            return segment.buffer();
        }
        if (at < windowBase || end > windowBase + window.limit()) {
            int size = Math.min(segment.size() - at, Math.max(WINDOW, end - at));
            if (window.capacity() < size) {
                window = ByteBuffer.allocateDirect(size);
            }
            window.clear().limit(size);
            segment.readFile(window, at);
            window.clear().limit(size);
            windowBase = at;
        }
        base = windowBase;
        return window;
    }

    /** The file position of index 0 of the buffer the last {@link #hold} returned. */
    int base() {
        return base;
    }
}
