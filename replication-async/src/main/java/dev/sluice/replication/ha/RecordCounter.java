package dev.sluice.replication.ha;

import dev.sluice.store.CommitLogSlice;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.ReplicationLog;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the CommitLog records between two offsets by walking record headers (one int per record), remembering a
 * mark every MiB so repeated questions about a moving window only walk what is new. For the lag in messages.
 */
final class RecordCounter {
    private static final long MARK_EVERY = 1 << 20;
    private static final int MAX_MARKS = 4096;
    private static final int READ = 1 << 20;

    private final ReplicationLog log;
    /** Record boundary → records before it, counted from the first mark. */
    private final TreeMap<Long, Long> marks = new TreeMap<>();

    RecordCounter(ReplicationLog log) {
        this.log = log;
    }

    /** Records that end in ({@code from}, {@code to}]: those a replica at {@code from} lacks, up to {@code to}. */
    synchronized long between(long from, long to) {
        if (to <= from) {
            return 0;
        }
        // From first: a restart of the counting happens there, so both counts share one origin.
        long before = completeBefore(from);
        return completeBefore(to) - before;
    }

    /** Records (relative to the first mark) ending at or before {@code x}. */
    private long completeBefore(long x) {
        Map.Entry<Long, Long> mark = marks.floorEntry(x);
        if (mark == null) {
            // Every file starts with a record: restart counting there.
            marks.clear();
            long fileStart = x - x % log.fileSize();
            marks.put(fileStart, 0L);
            mark = marks.firstEntry();
        }
        long at = mark.getKey();
        long count = mark.getValue();
        long lastMark = at;
        while (at < x) {
            CommitLogSlice slice = log.read(at, READ);
            if (slice == null) {
                break;
            }
            try {
                ByteBuffer buf = slice.buffer();
                int pos = 0;
                while (pos + MessageRecordDescriptor.BLANK_LENGTH <= buf.remaining()) {
                    int size = MessageRecordDescriptor.totalSize(buf, pos);
                    if (MessageRecordDescriptor.magic(buf, pos) == MessageRecordDescriptor.BLANK_MAGIC) {
                        long fileEnd = at + pos + size;
                        if (fileEnd > x) {
                            return count;
                        }
                        at = fileEnd;
                        pos = -1;
                        break;
                    }
                    if (size < MessageRecordDescriptor.BLANK_LENGTH || at + pos + size > x) {
                        return count;
                    }
                    pos += size;
                    count++;
                }
                if (pos >= 0) {
                    if (pos == 0) {
                        return count;
                    }
                    at += pos;
                }
            } finally {
                slice.close();
            }
            if (at - lastMark >= MARK_EVERY) {
                marks.put(at, count);
                lastMark = at;
                if (marks.size() > MAX_MARKS) {
                    marks.pollFirstEntry();
                }
            }
        }
        return count;
    }
}
