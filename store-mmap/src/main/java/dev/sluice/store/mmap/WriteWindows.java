package dev.sluice.store.mmap;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer's own mappings of a {@link MappedSegment.Writes#MAPPED} segment, {@link #SIZE} bytes each, apart from
 * the whole-file mapping readers use. Each window is unmapped once the writer has left it.
 *
 * <p>Why: before the kernel writes back a dirty page it write-protects every writable page table entry mapping it,
 * with a TLB shootdown per entry; on a VM each is an inter-processor interrupt, that is a VM exit. With the
 * whole file mapped writable that cost the kernel's writeback ~30% of a core for 4 KiB appends (perf, page cache
 * full). A page stored through a window that is gone has no entry left to protect, and the unmap shoots the whole
 * window down at once; readers' faults map pages read-only, which writeback leaves alone. jmh StoreAppendBenchmark,
 * 4 KiB x 1, ASYNC_FLUSH: 531k-546k against 364k-379k msg/s with the page cache full, 128k-130k against 98k-113k
 * with memory fresh from the host.
 *
 * <p>Threads: the writer stores through {@link #put}; the allocator faults pages ahead through {@link #touch}
 * while holding {@link #lockForPrefault}; {@link #retireBelow} (the allocator's prefault, or the flusher) unmaps
 * windows wholly below the write position, which neither of the other two will touch again.
 */
final class WriteWindows {
    static final int SIZE = 4 << 20;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.nativeOrder());

    /** Maps {@code length} bytes of the file at {@code from} for writing. */
    interface Mapper {
        MappedByteBuffer map(long from, int length) throws IOException;
    }

    private final int fileSize;
    private final Mapper mapper;
    private final AtomicReferenceArray<MappedByteBuffer> windows;
    /** Held while windows are faulted ahead or retired, so that no retirement unmaps one a prefault is inside. */
    private final ReentrantLock prefaulting = new ReentrantLock();
    /** Writer only: the window of its last store. */
    private MappedByteBuffer current;
    private int currentIndex = -1;

    WriteWindows(int fileSize, Mapper mapper) {
        this.fileSize = fileSize;
        this.mapper = mapper;
        this.windows = new AtomicReferenceArray<>((fileSize + SIZE - 1) / SIZE);
    }

    /** Writer only: stores {@code length} bytes of {@code src} from {@code from} at {@code at} in the file. */
    void put(int at, ByteBuffer src, int from, int length) throws IOException {
        while (length > 0) {
            int index = at / SIZE;
            if (index != currentIndex) {
                current = window(index);
                currentIndex = index;
            }
            int offset = at - index * SIZE;
            int n = Math.min(length, SIZE - offset);
            current.put(offset, src, from, n);
            at += n;
            from += n;
            length -= n;
        }
    }

    /**
     * Writer only, when its position moved back (truncation): the window it stored into last may have been
     * retired since.
     */
    void forgetCurrent() {
        current = null;
        currentIndex = -1;
    }

    /** Takes the lock {@link #touch} needs. */
    void lockForPrefault() {
        prefaulting.lock();
    }

    void unlockForPrefault() {
        prefaulting.unlock();
    }

    /** With {@link #lockForPrefault} held: write-faults the page at {@code at} (an atomic add of zero). */
    void touch(int at) throws IOException {
        LONGS.getAndAdd(window(at / SIZE), at % SIZE, 0L);
    }

    /**
     * Unmaps the windows wholly below {@code position}, which is at or below the write position. Gives up at once
     * when a prefault on another thread is running: it retires them itself when it starts.
     */
    void retireBelow(int position) {
        if (!prefaulting.tryLock()) {
            return;
        }
        try {
            for (int i = 0; i < position / SIZE; i++) {
                Unmapper.unmap(windows.getAndSet(i, null));
            }
        } finally {
            prefaulting.unlock();
        }
    }

    /** Unmaps every window: nobody stores or faults through them any more. */
    void close() {
        for (int i = 0; i < windows.length(); i++) {
            Unmapper.unmap(windows.getAndSet(i, null));
        }
    }

    private MappedByteBuffer window(int index) throws IOException {
        MappedByteBuffer w = windows.get(index);
        if (w != null) {
            return w;
        }
        long from = (long) index * SIZE;
        MappedByteBuffer mapped = mapper.map(from, (int) Math.min(SIZE, fileSize - from));
        if (windows.compareAndSet(index, null, mapped)) {
            return mapped;
        }
        // The writer and the allocator mapped it at the same time; keep the other one.
        Unmapper.unmap(mapped);
        return windows.get(index);
    }
}
