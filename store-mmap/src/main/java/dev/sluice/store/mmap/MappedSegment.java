package dev.sluice.store.mmap;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fixed-size file of a {@link SegmentedLog}, memory-mapped, named by the 20-digit offset of its first byte.
 *
 * <p>Three positions: written (by the single writer), committed (equal to written unless a transient
 * pool buffer is in front of the file) and flushed (forced to disk). Readers see bytes below
 * {@link #readable()}.
 *
 * <p>Lifetime is reference counted: the segment holds one reference of its own; readers {@link #acquire()}
 * and {@link #release()}. The mapping is unmapped only when the count reaches zero, so a forced destroy
 * (see {@link #destroy}) deletes the file but never unmaps memory a reader is inside.
 */
final class MappedSegment {
    private static final int PAGE = 4096;
    /** Pages {@link #prefault} touches between looks at the write position. */
    private static final int PREFAULT_CHECK_PAGES = 256;
    /** Bytes {@link #allocate} writes at a time, and the most a writer waits for when the allocator holds it. */
    private static final int ALLOCATION_CHUNK = 1 << 20;
    /** Zeros {@link #allocate} writes; never written to. */
    private static final ByteBuffer ZERO_CHUNK = ByteBuffer.allocateDirect(ALLOCATION_CHUNK).asReadOnlyBuffer();
    /** How far past its store a writer that caught up with the allocated pages allocates itself. */
    private static final int WRITER_ALLOCATION = 64 << 10;
    /** How far ahead of the writer {@link #prefault} brings pages in (see {@link #prefaultDue}). */
    static final int PREFAULT_LEAD = 32 << 20;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.nativeOrder());
    /** Bytes {@link #firstNonZero} and {@link #lastNonZero} read at a time, compared with {@link #ZEROS}. */
    private static final int SCAN_CHUNK = 256 << 10;
    private static final byte[] ZEROS = new byte[SCAN_CHUNK];

    private final Path path;
    private final long baseOffset;
    private final int size;
    /** Replaced only by the writer, when an interrupt closed it (see {@link #writeFully}). */
    private volatile FileChannel channel;
    private final MappedByteBuffer mapped;
    private final Writes writes;
    /** The writer's mappings under {@link Writes#MAPPED}, else null. */
    private final WriteWindows windows;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile ByteBuffer writeBuffer;
    private TransientStorePool pool;
    private volatile int wrote;
    private volatile int committed;
    private volatile int flushed;
    private volatile boolean available = true;
    private volatile boolean fileDeleted;
    private volatile boolean sealed;
    private long firstDestroyAttempt;
    /** Writer only: the end of the pages the writer last asked {@link #prefault} for. */
    private int prefaultAsked;
    /** Where the last {@link #prefault} stopped. */
    private volatile int prefaulted;
    /** Set by the writer when it asks for a prefault, cleared when that prefault has run (however far it got). */
    private volatile boolean prefaultPending;
    /**
     * Stores into the mapping stay below it; the writer moves it past a store before making the store. A store into
     * a page of a sparse file faults the page in, and when the disk has no room that fault fails unseen: the JVM
     * reports it later, as an InternalError of whatever the thread runs next, so an append could be acknowledged
     * without its bytes. A write(2) fails at once (ENOSPC) instead, and a page it allocated cannot fail a later store
     * for lack of room. So while the disk is {@link #nearlyFull}, pages are {@link #allocate}d by writing zeros
     * before anything stores into them; otherwise faults allocate them, as they are cheaper (writing the zeros cost
     * 40% of the append rate of 1 KiB and 4 KiB appends with fresh guest memory, the copy taking half of all CPU).
     */
    private volatile int allocated;
    /** Pages are allocated by writing zeros, not by faults; set from the disk's free space (see {@link #prefault}). */
    private volatile boolean nearlyFull;
    private final Object allocation = new Object();
    /** Where {@link #prefault} puts what it read, so the reads are not optimised away. */
    @SuppressWarnings("unused")
    private int prefaultSink;

    private MappedSegment(Path path, long baseOffset, int size, FileChannel channel, MappedByteBuffer mapped,
                          Writes writes) {
        this.writes = writes;
        this.path = path;
        this.baseOffset = baseOffset;
        this.size = size;
        this.channel = channel;
        this.mapped = mapped;
        this.windows = writes == Writes.MAPPED ? new WriteWindows(size, this::mapForWriting) : null;
    }

    /** File name for a base offset: 20 digits, zero padded. */
    static String fileName(long baseOffset) {
        return String.format("%020d", baseOffset);
    }

    /** How appends reach the file. */
    enum Writes {
        /**
         * Stores into mappings of their own ({@link WriteWindows}), unmapped once the writer has left them;
         * {@link #prefault} write-faults the pages ahead through them.
         */
        MAPPED,
        /**
         * Stores into the mapping, for small units (ConsumeQueues); {@link #prefault} write-faults the pages ahead,
         * allocating them first while the disk is nearly full (see {@link #allocated}). A write fault on a page the
         * disk cannot supply has crashed the JVM (SIGBUS outside the JVM's handling of faulting buffer access).
         * (Read faults ahead cost the broker a fifth of its send rate: compare-with-apache, ASYNC_FLUSH, ~24k
         * against ~30k TPS.)
         */
        MAPPED_UNITS,
        /**
         * Every append through the channel (pwrite), for group commit: a force that writes back pages dirtied
         * through a mapping must write-protect each of them again (so the next store faults and marks it dirty), and
         * that made forces twice as long (jmh appendPipelined, SYNC_FLUSH, 1 KiB: ~790 us per ~157 KB force through
         * the mapping, ~340 us per ~114 KB with channel writes; ~140k -> ~240k msg/s).
         */
        CHANNEL,
        /**
         * Into a transientStorePool buffer, committed through the channel; {@link #prefault} read-faults the pages
         * ahead, as the commits need no writable mapping (write faults ahead cost them 9-16%: jmh StoreAppendBenchmark
         * with the pool, 4 threads, 1 KiB and 128 B). A file that gets no pool buffer takes stores into the mapping.
         */
        POOLED
    }

    /** How a new file's pages come to be before the writer reaches them. */
    enum Fill {
        /**
         * A sparse file; the allocator faults its pages in a little ahead of the writer ({@link #prefault}).
         * Faults on the mapping bring pages in as large folios (readahead), and a store dirties its whole folio.
         */
        SPARSE,
        /**
         * RocketMQ's warmMapedFileEnable: zeros written and forced, so the disk holds the whole file. A full disk
         * shows up here, as an IOException, not as a fault on a mapped page; every byte is written twice.
         */
        ZEROED,
        /**
         * Zeros written one page per write(2) and not forced: each page cache page is its own small folio, so a
         * force writes back only the pages appended since the last one. For group commit (SYNC_FLUSH): over large
         * folios a force every ~10 KB wrote 60x that to the device (and ~1.7 MB a force in a broker run), and took
         * twice as long. Pages the writer has not reached within the kernel's dirty expiry are written once more.
         */
        PAGE_CACHE
    }

    /** Creates a new file, filled as {@code fill} says. */
    static MappedSegment create(Path dir, long baseOffset, int size, Fill fill, Writes writes)
            throws IOException {
        Path path = dir.resolve(fileName(baseOffset));
        Path tmp = dir.resolve(fileName(baseOffset) + ".creating");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            if (fill != Fill.SPARSE) {
                // A write's length sets the size of the folios it creates: one page at a time for PAGE_CACHE.
                ByteBuffer zeros = ByteBuffer.allocateDirect(Math.min(size, fill == Fill.ZEROED ? 1 << 20 : PAGE));
                long pos = 0;
                while (pos < size) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), size - pos));
                    pos += ch.write(zeros, pos);
                }
                if (fill == Fill.ZEROED) {
                    ch.force(true);
                }
            }
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        MappedSegment segment = open(path, baseOffset, size, writes);
        if (fill != Fill.SPARSE) {
            segment.allocated = size;
        }
        return segment;
    }

    /**
     * Maps an existing file, extending it with zeros to {@code size} if it is shorter.
     *
     * @param writes how appends reach the file. Readers always read the mapping: it shares the page cache a channel
     *               write lands in, and the write position moves only after the write.
     */
    static MappedSegment open(Path path, long baseOffset, int size, Writes writes) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            return new MappedSegment(path, baseOffset, size, ch, mapped, writes);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    long baseOffset() {
        return baseOffset;
    }

    int size() {
        return size;
    }

    long endOffset() {
        return baseOffset + size;
    }

    /** Puts writes through an off-heap pool buffer (transientStorePoolEnable) if the pool has one free. */
    void useWriteBuffer(TransientStorePool from) {
        ByteBuffer buffer = from.borrow();
        if (buffer != null) {
            this.pool = from;
            this.writeBuffer = buffer;
        }
    }

    int wrote() {
        return wrote;
    }

    int flushed() {
        return flushed;
    }

    /** Bytes readers may see: everything written, or committed when writes go through a pool buffer. */
    int readable() {
        return writeBuffer == null ? wrote : committed;
    }

    int remaining() {
        return size - wrote;
    }

    /**
     * Writer only: copies {@code src} (position to limit, not consumed) at the write position. The position
     * moves only once every byte is in place, so readers never see a partly written record.
     *
     * @throws IOException when the channel write fails (a full disk); nothing became readable
     */
    void append(ByteBuffer src) throws IOException {
        int length = src.remaining();
        int at = wrote;
        ByteBuffer target = writeBuffer;
        if (target != null) {
            target.put(at, src, src.position(), length);
        } else if (writes == Writes.CHANNEL) {
            writeFully(src, at);
        } else if (windows != null) {
            allocateFor(at + length);
            windows.put(at, src, src.position(), length);
        } else {
            allocateFor(at + length);
            mapped.put(at, src, src.position(), length);
        }
        wrote = at + length;
    }

    /** Writer only: makes room for a store up to {@code end} below {@link #allocated}. */
    private void allocateFor(int end) throws IOException {
        if (end > allocated) {
            if (nearlyFull) {
                allocate(Math.min(size, pageAbove(end) + WRITER_ALLOCATION));
            } else {
                claim(pageAbove(end)); // the store's own faults allocate its pages
            }
        }
    }

    /** Whether the disk is nearly full, as its owner last saw: see {@link #allocated}. */
    void diskNearlyFull(boolean nearlyFull) {
        this.nearlyFull = nearlyFull;
    }

    /** Moves {@link #allocated} up to {@code upTo}, for pages faults allocate. */
    private void claim(int upTo) {
        synchronized (allocation) {
            if (upTo > allocated) {
                allocated = upTo;
            }
        }
    }

    /**
     * Allocates the file's pages up to {@code upTo} by writing zeros over them, from where the allocated pages (or
     * the written bytes) end: below that it writes nothing, and above it the writer stores nothing until this has
     * moved {@link #allocated} past its store. Writer and allocator take turns, a chunk at a time.
     *
     * @throws IOException when the disk has no room; the chunks written before stay allocated
     */
    private void allocate(int upTo) throws IOException {
        while (true) {
            synchronized (allocation) {
                int from = Math.max(allocated, pageAbove(wrote));
                if (from >= upTo) {
                    return;
                }
                int length = Math.min(ALLOCATION_CHUNK, upTo - from);
                uninterrupted(ch -> {
                    ByteBuffer zeros = ZERO_CHUNK.duplicate().limit(length);
                    for (int done = 0; done < length; ) {
                        done += ch.write(zeros, from + done);
                    }
                    return null;
                });
                allocated = from + length;
            }
        }
    }

    /** Writes all of {@code src} at {@code at} through the channel, leaving its position alone. */
    private void writeFully(ByteBuffer src, int at) throws IOException {
        int from = src.position();
        try {
            uninterrupted(ch -> {
                src.position(from);
                for (int done = 0; done < src.limit() - from; ) {
                    done += ch.write(src, at + done);
                }
                return null;
            });
        } finally {
            src.position(from);
        }
    }

    private MappedByteBuffer mapForWriting(long from, int length) throws IOException {
        MappedByteBuffer window = uninterrupted(ch -> ch.map(FileChannel.MapMode.READ_WRITE, from, length));
        if (window.capacity() != length) {
            throw new ClosedChannelException(); // FileChannel.map maps nothing on a channel closed meanwhile
        }
        return window;
    }

    private interface ChannelCall<T> {
        T call(FileChannel channel) throws IOException;
    }

    /**
     * Runs {@code call} on the channel, again from the start on a reopened one if an interrupt closed it. An
     * interrupt of the calling thread would close the channel every later append needs (FileChannel is
     * interruptible): a pending interrupt is set aside for the call and restored after.
     */
    private <T> T uninterrupted(ChannelCall<T> call) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return call.call(channel);
                } catch (ClosedByInterruptException e) {
                    interrupted |= Thread.interrupted();
                    reopen();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized void reopen() throws IOException {
        if (refs.get() <= 0) {
            throw new ClosedChannelException();
        }
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /**
     * Writer only: the end of the pages the next {@link #prefault} should reach, once the writer has come within
     * half of {@link #PREFAULT_LEAD} of the pages asked for last time and that prefault is done; otherwise -1. So
     * a prefault runs about every 16 MiB written, and no more than one is pending.
     */
    int prefaultDue() {
        int asked = prefaultAsked;
        if (asked >= size || wrote + PREFAULT_LEAD / 2 < asked || prefaultPending) {
            return -1;
        }
        prefaultAsked = (int) Math.min(size, (long) pageAbove(wrote) + PREFAULT_LEAD);
        prefaultPending = true;
        return prefaultAsked;
    }

    /** How far the pages have been faulted in (not counting the writer's own faults). */
    int prefaulted() {
        return prefaulted;
    }

    /**
     * Faults in every page from the write position up to {@code upTo}, for writing where the writer stores into the
     * mapping ({@link Writes#MAPPED}, {@link Writes#MAPPED_UNITS}), so that its stores into them fault no more.
     * Without it the writer's first store into each page faults, and the kernel brings in a page cache page while
     * the writer holds the append lock (profiled at ~45% of all CPU of 1 KiB appends). A write fault, not a read: a
     * read-faulted page is mapped read-only, and the writer's first store into it faults again to make it writable;
     * with host memory cheap, read faults ahead lost half the rate of 4 KiB appends (jmh StoreAppendBenchmark 4096
     * ASYNC_FLUSH, 196k against 475k msg/s), and with first touches of guest memory slow they were no faster. Each
     * touch is an atomic add of zero, which cannot lose a byte the writer stores into the same word after
     * overtaking this. The pages it dirties are zeros the writer is about to overwrite; the lead bounds them (and
     * the disk space their blocks reserve). While the disk is nearly full, pages are {@link #allocate}d first, a
     * chunk at a time. Skips ahead when the writer overtakes it; stops when the segment is closed, or at a chunk the
     * disk has no room for.
     *
     * @param diskNearlyFull the disk's free space is low: allocate the pages by writing zeros before they are faulted
     *                       in, and have the writer do so too (see {@link #allocated})
     */
    void prefault(int upTo, boolean diskNearlyFull) {
        if (!acquire()) {
            prefaultPending = false;
            return;
        }
        int at = Math.max(prefaulted, pageAbove(wrote));
        // A channel writer's writes allocate its pages: they are read-faulted, like a pool's, but not on a nearly full
        // disk, where a read fault can fail too (tmpfs allocates a page for it) and nothing needs it.
        boolean forWrites = writes == Writes.MAPPED || writes == Writes.MAPPED_UNITS;
        int end = forWrites || !diskNearlyFull ? Math.min(upTo, size) : at;
        boolean allocating = forWrites && diskNearlyFull;
        nearlyFull = diskNearlyFull; // also for a pool's file without a buffer, whose writer stores into the mapping
        int sum = 0;
        if (windows != null) {
            windows.lockForPrefault();
        }
        try {
            if (windows != null) {
                windows.retireBelow(wrote);
            }
            for (int n = 0; at < end; at += PAGE, n++) {
                if (n % PREFAULT_CHECK_PAGES == 0) {
                    if (!available) {
                        return;
                    }
                    at = Math.max(at, pageAbove(wrote));
                    if (at >= end) {
                        break;
                    }
                    int chunkEnd = Math.min(end, at + PREFAULT_CHECK_PAGES * PAGE);
                    if (allocating) {
                        allocate(chunkEnd);
                    } else if (forWrites) {
                        claim(chunkEnd);
                    }
                }
                if (windows != null) {
                    windows.touch(at); // for writing, through the writer's window
                } else if (forWrites) {
                    LONGS.getAndAdd(mapped, at, 0L);
                } else {
                    sum += mapped.get(at);
                }
            }
            prefaultSink = sum;
        } catch (InternalError | IOException e) {
            // No room for the next chunk (or no mapping): the writer allocates its pages itself, and refuses the
            // append that finds no room.
        } finally {
            if (windows != null) {
                windows.unlockForPrefault();
            }
            prefaulted = Math.max(at, end);
            prefaultPending = false;
            release();
        }
    }

    private static int pageAbove(int position) {
        return (position + PAGE - 1) & -PAGE;
    }

    /** Writer only: marks bytes up to {@code position} as written (after a BLANK marker: the whole file). */
    void setWrotePosition(int position) {
        wrote = position;
    }

    /** Writer only: sets positions after recovery or truncation. */
    void setPositions(int position) {
        if (windows != null) {
            windows.forgetCurrent();
        }
        wrote = position;
        committed = position;
        flushed = position;
    }

    /** Writer only: overwrites bytes at a position below the write position (ConsumeQueue slot repair). */
    void overwrite(int at, ByteBuffer src) {
        mapped.put(at, src, src.position(), src.remaining());
    }

    /**
     * Zeroes the file from {@code from} to its last non-zero byte before {@code to} (used when a torn tail is cut
     * off); the caller knows bytes from {@code to} on are zero, and writing zeros there would allocate a sparse
     * file's every block. Only pages holding a non-zero byte are written: a page that reads as zeros may be a hole
     * (a commit torn by a full disk), and on tmpfs a store into a hole allocates a page the full disk cannot supply.
     */
    void zeroFrom(int from, int to) throws IOException {
        int end = lastNonZero(from, to);
        byte[] page = new byte[PAGE];
        for (int at = from; at < end; ) {
            int n = Math.min(end, (at / PAGE + 1) * PAGE) - at;
            readFile(page, at, n);
            if (Arrays.mismatch(page, 0, n, ZEROS, 0, n) >= 0) {
                mapped.put(at, ZEROS, 0, n);
            }
            at += n;
        }
        if (end > from) {
            mapped.force(from, end - from);
        }
    }

    /**
     * One past the last non-zero byte at or after {@code from} and before {@code to}, or {@code from} if there is
     * none. Like {@link #firstNonZero}, it reads the file: the mapping and the channel share one page cache.
     */
    int lastNonZero(int from, int to) throws IOException {
        byte[] chunk = new byte[Math.max(0, Math.min(SCAN_CHUNK, to - from))];
        for (int end = to; end > from; ) {
            int start = Math.max(from, end - SCAN_CHUNK);
            int n = end - start;
            readFile(chunk, start, n);
            if (Arrays.mismatch(chunk, 0, n, ZEROS, 0, n) >= 0) {
                int i = n - 1;
                while (chunk[i] == 0) {
                    i--;
                }
                return start + i + 1;
            }
            end = start;
        }
        return from;
    }

    /**
     * The first non-zero byte at or after {@code from} and before {@code to}, or -1. It reads the file rather than
     * the mapping, which would map in every page of a sparse file's empty tail one fault at a time.
     */
    int firstNonZero(int from, int to) throws IOException {
        byte[] chunk = new byte[Math.max(0, Math.min(SCAN_CHUNK, to - from))];
        for (int at = from; at < to; at += SCAN_CHUNK) {
            int n = Math.min(SCAN_CHUNK, to - at);
            readFile(chunk, at, n);
            int i = Arrays.mismatch(chunk, 0, n, ZEROS, 0, n);
            if (i >= 0) {
                return at + i;
            }
        }
        return -1;
    }

    /** Reads {@code length} bytes at {@code at}; bytes past the file's end (not yet allocated) read as zeros. */
    void readFile(byte[] into, int at, int length) throws IOException {
        readFile(ByteBuffer.wrap(into, 0, length), at);
    }

    /** Fills {@code into} from its position to its limit with the file's bytes from {@code at}, as above. */
    void readFile(ByteBuffer into, int at) throws IOException {
        int start = into.position();
        while (into.hasRemaining()) {
            if (channel.read(into, at + into.position() - start) < 0) {
                while (into.hasRemaining()) {
                    into.put((byte) 0);
                }
                break;
            }
        }
    }

    /**
     * Pool mode: writes the pool buffer's new bytes to the file, and hands the buffer back once the
     * segment is sealed and fully committed.
     */
    void commit() throws IOException {
        ByteBuffer buffer = writeBuffer;
        if (buffer == null) {
            return;
        }
        int end = wrote;
        int from = committed;
        if (end > from) {
            ByteBuffer chunk = buffer.duplicate();
            chunk.limit(end).position(from);
            while (chunk.hasRemaining()) {
                channel.write(chunk, chunk.position());
            }
            committed = end;
        }
        if (sealed && committed == wrote) {
            writeBuffer = null;
            pool.giveBack(buffer);
        }
    }

    /** Writer only: no more writes will come (the log rolled past this segment). */
    void seal() {
        sealed = true;
    }

    /** Forces everything readable to disk; returns the new flushed position. */
    int flush() throws IOException {
        int target = readable();
        int from = flushed;
        if (target > from) {
            if (windows != null) {
                windows.retireBelow(wrote);
            }
            if (pool == null) {
                // Also forces bytes written through the channel: msync(MS_SYNC) syncs the file range, and the
                // mapping and the channel share one page cache.
                mapped.force(from, target - from);
            } else {
                // Bytes arrived through the channel, not the mapping.
                channel.force(false);
            }
            flushed = target;
        }
        return target;
    }

    /** Forces the whole file, whatever the positions say (after recovery). */
    void forceAll() throws IOException {
        int target = readable();
        mapped.force();
        channel.force(false);
        flushed = target;
    }

    /**
     * A view of {@code length} bytes at {@code position}, valid while the caller holds a reference.
     */
    ByteBuffer slice(int position, int length) {
        return mapped.slice(position, length);
    }

    /** The mapping, for callers that hold a reference and read many records. */
    ByteBuffer buffer() {
        return mapped;
    }

    /** Takes a reader reference; false when the segment is being destroyed. */
    boolean acquire() {
        while (true) {
            int r = refs.get();
            if (r <= 0 || !available) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            unmapAndClose();
        }
    }

    boolean available() {
        return available;
    }

    int references() {
        return refs.get();
    }

    boolean fileDeleted() {
        return fileDeleted;
    }

    /**
     * Retires the segment. The first call stops new readers and drops the segment's own reference; the
     * file is deleted once no reader holds it. If readers still do after {@code forceAfterMillis} since the
     * first call, the file is deleted anyway; the memory stays mapped until the last reader releases it.
     *
     * @return true once the file is gone from disk
     */
    boolean destroy(long nowMillis, long forceAfterMillis) throws IOException {
        if (available) {
            available = false;
            firstDestroyAttempt = nowMillis;
            release();
        }
        if (refs.get() > 0 && nowMillis - firstDestroyAttempt < forceAfterMillis) {
            return false;
        }
        deleteFile();
        return true;
    }

    /** Closes without deleting (store shutdown); waits for nobody: callers have stopped every reader. */
    void close() {
        if (available) {
            available = false;
            release();
        }
    }

    private synchronized void deleteFile() throws IOException {
        if (!fileDeleted) {
            Files.deleteIfExists(path);
            fileDeleted = true;
        }
    }

    private synchronized void unmapAndClose() {
        Unmapper.unmap(mapped);
        if (windows != null) {
            windows.close();
        }
        ByteBuffer buffer = writeBuffer;
        if (buffer != null && pool != null) {
            writeBuffer = null;
            pool.giveBack(buffer);
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing is lost: every write already went to the mapping or was committed.
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
