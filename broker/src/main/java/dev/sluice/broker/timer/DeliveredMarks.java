package dev.sluice.broker.timer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One bit per message of the timer queue: set once the message has been delivered to its real topic. Kept in files of
 * {@value #CHUNK_BYTES} bytes ({@code 8 × CHUNK_BYTES} messages each) named by the 20-digit queue offset they start at.
 * A file whose every bit is set and that is not the newest is deleted, so the files on disk start near the oldest
 * message still waiting: the place recovery rescans from. Not thread-safe.
 */
final class DeliveredMarks implements AutoCloseable {
    static final int CHUNK_BYTES = 64 * 1024;
    static final long CHUNK_BITS = CHUNK_BYTES * 8L;

    private final Path dir;
    private final TreeMap<Long, Chunk> chunks = new TreeMap<>();
    private final ByteBuffer one = ByteBuffer.allocate(1);

    private static final class Chunk {
        final FileChannel channel;
        final byte[] bits = new byte[CHUNK_BYTES];
        int marked;

        Chunk(FileChannel channel) {
            this.channel = channel;
        }
    }

    /**
     * @param firstOffset where a new set of marks starts (the timer queue's lowest offset) when there are no files;
     *                    chunks are always contiguous from there, so an offset below the oldest one is delivered
     */
    DeliveredMarks(Path dir, long firstOffset) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.matches("\\d{20}")) {
                    open(Long.parseLong(name));
                }
            }
        }
        if (chunks.isEmpty()) {
            open(base(firstOffset));
        }
    }

    /** Where recovery starts scanning: the first offset of the oldest chunk. */
    long scanStart() {
        return chunks.firstKey();
    }

    boolean isMarked(long offset) {
        Chunk chunk = chunks.get(base(offset));
        if (chunk == null) {
            // Chunks before the oldest were complete; after the newest nothing was marked yet.
            return offset < chunks.firstKey();
        }
        int bit = (int) (offset - base(offset));
        return (chunk.bits[bit >>> 3] & (1 << (bit & 7))) != 0;
    }

    /** Marks one offset delivered; writes through to the file (the page cache survives a process crash). */
    void mark(long offset) throws IOException {
        long base = base(offset);
        Chunk chunk = chunks.get(base);
        if (chunk == null) {
            if (offset < chunks.firstKey()) {
                return;
            }
            for (long next = chunks.lastKey() + CHUNK_BITS; next <= base; next += CHUNK_BITS) {
                chunk = open(next);
            }
        }
        int bit = (int) (offset - base);
        int at = bit >>> 3;
        byte before = chunk.bits[at];
        byte after = (byte) (before | (1 << (bit & 7)));
        if (before == after) {
            return;
        }
        chunk.bits[at] = after;
        chunk.marked++;
        one.clear();
        one.put(after).flip();
        chunk.channel.write(one, at);
        if (chunk.marked == CHUNK_BITS) {
            dropCompleteChunks();
        }
    }

    /** Deletes complete chunks from the oldest up, keeping the newest so the files always say where to resume. */
    private void dropCompleteChunks() throws IOException {
        List<Long> done = new ArrayList<>();
        for (var e : chunks.entrySet()) {
            if (e.getValue().marked != CHUNK_BITS || e.getKey().equals(chunks.lastKey())) {
                break;
            }
            done.add(e.getKey());
        }
        for (long base : done) {
            chunks.remove(base).channel.close();
            Files.deleteIfExists(dir.resolve(name(base)));
        }
    }

    /** Flushes the marks to disk. */
    void force() throws IOException {
        for (Chunk chunk : chunks.values()) {
            chunk.channel.force(false);
        }
    }

    private Chunk open(long base) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(name(base)), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        Chunk chunk = new Chunk(channel);
        ByteBuffer into = ByteBuffer.wrap(chunk.bits);
        while (into.hasRemaining() && channel.read(into, into.position()) > 0) {
            // read until the file's end; a short file is a chunk whose later bytes were never written (all zero)
        }
        for (byte b : chunk.bits) {
            chunk.marked += Integer.bitCount(b & 0xFF);
        }
        chunks.put(base, chunk);
        return chunk;
    }

    private static long base(long offset) {
        return offset - Math.floorMod(offset, CHUNK_BITS);
    }

    private static String name(long base) {
        return String.format("%020d", base);
    }

    @Override
    public void close() throws IOException {
        force();
        for (Chunk chunk : chunks.values()) {
            chunk.channel.close();
        }
        chunks.clear();
    }
}
