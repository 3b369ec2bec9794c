package dev.sluice.store.mmap;

import dev.sluice.store.CommitLogSlice;
import dev.sluice.store.ReplicationLog;
import dev.sluice.store.StoreException;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@link ReplicationLog} over the mmap CommitLog. Reads hand out views of the mapped file holding a reference, so a
 * network write can go from the page cache to the socket without a heap copy.
 */
final class RawCommitLog implements ReplicationLog {
    private final CommitLog commitLog;

    RawCommitLog(CommitLog commitLog) {
        this.commitLog = commitLog;
    }

    @Override
    public int fileSize() {
        return commitLog.segments().segmentSize();
    }

    @Override
    public long writtenOffset() {
        return commitLog.maxOffset();
    }

    @Override
    public long minOffset() {
        return commitLog.minOffset();
    }

    @Override
    public CommitLogSlice read(long offset, int maxBytes) {
        long readable = commitLog.readableOffset();
        if (offset >= readable || maxBytes <= 0) {
            return null;
        }
        MappedSegment segment = commitLog.segments().acquire(offset);
        if (segment == null) {
            return null;
        }
        int pos = (int) (offset - segment.baseOffset());
        int limit = (int) Math.min(segment.readable(), readable - segment.baseOffset());
        int length = Math.min(maxBytes, limit - pos);
        if (length <= 0) {
            segment.release();
            return null;
        }
        return new Slice(offset, segment.slice(pos, length).asReadOnlyBuffer(), segment);
    }

    @Override
    public long append(long offset, ByteBuffer bytes) {
        try {
            return commitLog.appendReplicated(offset, bytes);
        } catch (IOException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    private static final class Slice implements CommitLogSlice {
        private final long offset;
        private final ByteBuffer buffer;
        private MappedSegment segment;

        Slice(long offset, ByteBuffer buffer, MappedSegment segment) {
            this.offset = offset;
            this.buffer = buffer;
            this.segment = segment;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public ByteBuffer buffer() {
            return buffer;
        }

        @Override
        public synchronized void close() {
            if (segment != null) {
                segment.release();
                segment = null;
            }
        }
    }
}
