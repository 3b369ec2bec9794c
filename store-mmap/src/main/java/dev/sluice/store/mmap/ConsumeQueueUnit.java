package dev.sluice.store.mmap;

import java.nio.ByteBuffer;

/**
 * The 20-byte ConsumeQueue unit. Queue offset N lives at byte N &times; 20 of the queue.
 *
 * <pre>
 *  0 commitLogOffset long   8 size int   12 tagCode long
 * </pre>
 *
 * A slot before a queue's first real unit holds the filler (0, 0x7FFFFFFF, 0); an all-zero slot is
 * unwritten.
 */
final class ConsumeQueueUnit {
    static final int SIZE = 20;
    static final int COMMIT_LOG_OFFSET = 0;
    static final int MESSAGE_SIZE = 8;
    static final int TAG_CODE = 12;
    static final int FILLER_SIZE = Integer.MAX_VALUE;

    private ConsumeQueueUnit() {
    }

    static long commitLogOffset(ByteBuffer buf, int at) {
        return buf.getLong(at + COMMIT_LOG_OFFSET);
    }

    static int messageSize(ByteBuffer buf, int at) {
        return buf.getInt(at + MESSAGE_SIZE);
    }

    static long tagCode(ByteBuffer buf, int at) {
        return buf.getLong(at + TAG_CODE);
    }

    /** A unit that points at a message (not unwritten, not a filler). */
    static boolean isMessage(ByteBuffer buf, int at) {
        int size = messageSize(buf, at);
        return size > 0 && size != FILLER_SIZE && commitLogOffset(buf, at) >= 0;
    }

    static boolean isUnwritten(ByteBuffer buf, int at) {
        return messageSize(buf, at) == 0 && commitLogOffset(buf, at) == 0 && tagCode(buf, at) == 0;
    }

    static ByteBuffer write(ByteBuffer scratch, long commitLogOffset, int size, long tagCode) {
        scratch.clear();
        scratch.putLong(commitLogOffset).putInt(size).putLong(tagCode).flip();
        return scratch;
    }
}
