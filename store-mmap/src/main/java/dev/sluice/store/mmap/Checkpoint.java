package dev.sluice.store.mmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The 4096-byte checkpoint file. The first three longs keep RocketMQ's layout; Sluice's own fields follow,
 * guarded by a magic and a CRC so a torn or foreign file is recognised and ignored.
 *
 * <pre>
 *  0 physicMsgTimestamp long    8 logicsMsgTimestamp long   16 indexMsgTimestamp long
 * 24 magic int ("SLCK")        28 version int
 * 32 commitLogFlushedOffset long: every CommitLog byte below it was forced to disk
 * 40 consumeQueueOffset long: every message below it had its ConsumeQueue unit forced to disk
 * 48 crc int: CRC32 of bytes 0..47
 * </pre>
 *
 * Written to a temporary file, forced, and renamed over the old one, so a crash leaves the old or the new.
 */
final class Checkpoint {
    static final int FILE_SIZE = 4096;
    static final int MAGIC = 0x534C434B;
    static final int VERSION = 1;
    private static final int MAGIC_OFFSET = 24;
    private static final int VERSION_OFFSET = 28;
    private static final int COMMIT_LOG_OFFSET = 32;
    private static final int CONSUME_QUEUE_OFFSET = 40;
    private static final int CRC_OFFSET = 48;

    /** What a checkpoint says. {@code valid} is false when the file was missing, torn or foreign. */
    record State(boolean valid, long commitLogFlushedOffset, long consumeQueueOffset) {
        static final State NONE = new State(false, 0, 0);
    }

    private final Path path;

    Checkpoint(Path path) {
        this.path = path;
    }

    State read() throws IOException {
        if (!Files.isRegularFile(path) || Files.size(path) < CRC_OFFSET + 4) {
            return State.NONE;
        }
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(path));
        if (buf.getInt(MAGIC_OFFSET) != MAGIC || buf.getInt(VERSION_OFFSET) != VERSION
                || buf.getInt(CRC_OFFSET) != crc(buf)) {
            return State.NONE;
        }
        return new State(true, buf.getLong(COMMIT_LOG_OFFSET), buf.getLong(CONSUME_QUEUE_OFFSET));
    }

    void write(long commitLogFlushedOffset, long consumeQueueOffset, long physicTime, long logicsTime) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(FILE_SIZE);
        buf.putLong(0, physicTime).putLong(8, logicsTime).putLong(16, logicsTime)
                .putInt(MAGIC_OFFSET, MAGIC).putInt(VERSION_OFFSET, VERSION)
                .putLong(COMMIT_LOG_OFFSET, commitLogFlushedOffset).putLong(CONSUME_QUEUE_OFFSET, consumeQueueOffset);
        buf.putInt(CRC_OFFSET, crc(buf));
        Files.createDirectories(path.toAbsolutePath().getParent());
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // a full disk: the checkpoint keeps its last content, and no partial tmp file stays behind
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException notRemoved) {
                e.addSuppressed(notRemoved);
            }
            throw e;
        }
        Durability.syncDirectory(path.toAbsolutePath().getParent());
    }

    private static int crc(ByteBuffer buf) {
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, CRC_OFFSET);
        return (int) crc.getValue();
    }
}
