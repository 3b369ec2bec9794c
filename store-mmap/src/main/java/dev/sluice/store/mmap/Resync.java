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
    /** A record's bytes up to and including its PHYSICALOFFSET field. */
    static final int HEADER = MessageRecordDescriptor.PHYSICAL_OFFSET_OFFSET + 8;

    private Resync() {
    }

    /**
     * The first record starting at or after {@code from} and before {@code searchEnd}, and ending by {@code limit}, in
     * a CommitLog file's buffer: well formed and stamped with its own CommitLog offset (a record's PHYSICALOFFSET
     * field), or the BLANK that fills the file's end; chance bytes will be neither. -1 when there is none.
     */
    static int nextRecord(ByteBuffer buf, long base, int from, int searchEnd, int limit) {
        for (int p = from; ; p++) {
            p = nextHeader(buf, base, p, searchEnd, limit, buf.capacity());
            if (p < 0 || isBlank(buf, p, buf.capacity()) || MessageCodec.wellFormedLength(buf, p, limit) > 0) {
                return p;
            }
        }
    }

    /**
     * The first place at or after {@code from} and before {@code searchEnd} where a record's header, read by
     * {@code limit}, names this place as its CommitLog offset, or the BLANK that fills the file's end does; -1 when
     * there is none. Whether the record that follows is whole is the caller's to check.
     *
     * @param base the CommitLog offset of index 0 of {@code buf}
     * @param fileEnd the index where the file ends
     */
    static int nextHeader(ByteBuffer buf, long base, int from, int searchEnd, int limit, int fileEnd) {
        int p = from;
        while (p < searchEnd && p + MessageRecordDescriptor.BLANK_LENGTH <= limit) {
            if (p + 8 <= limit && buf.getLong(p) == 0) {
                // A record's magic (bytes 4-7) has no zero byte, so none starts in the next four positions.
                p += 4;
                continue;
            }
            if (isBlank(buf, p, fileEnd)) {
                return p;
            }
            if (MessageRecordDescriptor.magic(buf, p) == MessageRecordDescriptor.MAGIC_V1 && limit - p >= HEADER
                    && MessageRecordDescriptor.physicalOffset(buf, p) == base + p) {
                return p;
            }
            p++;
        }
        return -1;
    }

    /** Whether the BLANK that fills a file's end from its place to {@code fileEnd} starts at {@code p}. */
    static boolean isBlank(ByteBuffer buf, int p, int fileEnd) {
        return MessageRecordDescriptor.magic(buf, p) == MessageRecordDescriptor.BLANK_MAGIC
                && MessageRecordDescriptor.totalSize(buf, p) == fileEnd - p;
    }
}
