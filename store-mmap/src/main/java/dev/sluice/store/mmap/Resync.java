package dev.sluice.store.mmap;

import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageRecordDescriptor;
import java.nio.ByteBuffer;

/**
 * Finds where whole records start again after bytes that are none: a store lost to a full disk leaves a hole of zeros
 * inside what was written, and the records after it are whole. Dispatch and recovery go on from there rather than
 * stop at the hole for good, as RocketMQ's dispatch skips ahead too.
 */
final class Resync {
    private Resync() {
    }

    /**
     * The first record starting at or after {@code from} and before {@code searchEnd}, and ending by {@code limit}, in
     * a CommitLog file's buffer: well formed and stamped with its own CommitLog offset (a record's PHYSICALOFFSET
     * field), or the BLANK that fills the file's end; chance bytes will be neither. -1 when there is none.
     */
    static int nextRecord(ByteBuffer buf, long base, int from, int searchEnd, int limit) {
        int p = from;
        while (p < searchEnd && p + MessageRecordDescriptor.BLANK_LENGTH <= limit) {
            if (p + 8 <= limit && buf.getLong(p) == 0) {
                // A record's magic (bytes 4-7) has no zero byte, so none starts in the next four positions.
                p += 4;
                continue;
            }
            int magic = MessageRecordDescriptor.magic(buf, p);
            if (magic == MessageRecordDescriptor.BLANK_MAGIC
                    && MessageRecordDescriptor.totalSize(buf, p) == buf.capacity() - p) {
                return p;
            }
            if (magic == MessageRecordDescriptor.MAGIC_V1 && limit - p >= 36
                    && MessageRecordDescriptor.physicalOffset(buf, p) == base + p
                    && MessageCodec.wellFormedLength(buf, p, limit) > 0) {
                return p;
            }
            p++;
        }
        return -1;
    }
}
