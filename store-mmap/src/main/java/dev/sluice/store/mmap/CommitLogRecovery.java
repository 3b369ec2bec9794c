package dev.sluice.store.mmap;

import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.TopicNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Finds where the valid CommitLog ends and cuts everything after it.
 *
 * <p>A record is valid when it is well formed, its PHYSICALOFFSET names where it lies (so stale bytes of an
 * earlier life of the file are not taken for data) and, after a crash with {@code checkCRCOnRecover}, its
 * body CRC matches and its topic and properties are intact. The scan starts at a point known to be durable: after a
 * clean shutdown, the last three files; after a crash, the file holding the checkpoint's flushed offset (or the first
 * file without a checkpoint). The first invalid byte ends the log. Bytes past the checkpoint are read from the files,
 * not their mappings, for they may hold holes (see {@link FileWindow}).
 */
final class CommitLogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(CommitLogRecovery.class);
    /** Zeros where a record would start: the end of what was written, unless whole records follow (a hole). */
    private static final String END_OF_DATA = "zeros";
    /** A record's length and magic code: a file whose first bytes are zero holds no record at its start. */
    private static final int RECORD_START = 8;
    private static final int CLEAN_SHUTDOWN_FILES_CHECKED = 3;
    /** Bytes searched for a record after each non-zero byte found past the data's end before looking for zeros again. */
    private static final int SEARCH_WINDOW = 64 * 1024;
    /** After a crash, how far past the last record (or the checkpoint) more records are looked for. */
    private static final long HOLE_SEARCHED = 64L << 20;

    private CommitLogRecovery() {
    }

    /**
     * @param durableOffset an offset known to be on disk (checkpoint), or -1 if unknown
     * @return the end of the valid log
     */
    static long recover(SegmentedLog log, boolean crashed, long durableOffset, boolean checkCrc) throws IOException {
        List<MappedSegment> segments = log.all();
        if (segments.isEmpty()) {
            return 0;
        }
        for (MappedSegment s : segments) {
            s.setPositions(s.size());
        }
        int start;
        if (!crashed) {
            start = Math.max(0, segments.size() - CLEAN_SHUTDOWN_FILES_CHECKED);
        } else if (durableOffset < 0) {
            start = 0;
        } else {
            start = 0;
            for (int i = 0; i < segments.size(); i++) {
                if (segments.get(i).baseOffset() <= durableOffset) {
                    start = i;
                }
            }
        }
        boolean verifyCrc = crashed && checkCrc;
        CRC32 crc = new CRC32();
        long end = segments.get(start).baseOffset();
        String reason = null;
        // How far past bytes that hold no record to look for more records, and for bytes to clear: not the rest of a
        // mostly empty 1 GiB file, whose every page a read would bring into the page cache (seconds per start).
        long searchEnd = 0;
        for (int i = start; i < segments.size() && reason == null; i++) {
            MappedSegment s = segments.get(i);
            if (s.baseOffset() != end) {
                break;
            }
            FileWindow w = new FileWindow(s, within(s, durableOffset));
            int at = 0;
            if (s.firstNonZero(0, RECORD_START) < 0) {
                reason = END_OF_DATA; // not read through the mapping: see startsWithRecord
            }
            while (true) {
                if (reason != null) {
                    searchEnd = searchEnd(crashed, durableOffset, s.baseOffset() + at);
                    // Whole records after the damage: a hole a lost store left, not the end of what was written.
                    int next = nextRecordAfter(w, s, at + 1, (int) Math.min(s.size(), searchEnd - s.baseOffset()));
                    if (next < 0 && i + 1 < segments.size() && startsWithRecord(segments.get(i + 1))) {
                        next = s.size(); // the hole reaches the file's end; the next file holds records
                    }
                    if (next < 0) {
                        break;
                    }
                    LOG.warn("CommitLog offsets {}..{} hold no whole record ({}): skipped, the records after them kept",
                            s.baseOffset() + at, s.baseOffset() + next, reason);
                    reason = null;
                    at = next;
                    if (at == s.size()) {
                        break;
                    }
                    continue;
                }
                int remaining = s.size() - at;
                ByteBuffer buf = w.hold(at, Resync.HEADER);
                int p = at - w.base();
                if (remaining >= MessageRecordDescriptor.BLANK_LENGTH && Resync.isBlank(buf, p, p + remaining)) {
                    at = s.size();
                    break;
                }
                if (remaining < Resync.HEADER
                        || MessageRecordDescriptor.magic(buf, p) != MessageRecordDescriptor.MAGIC_V1) {
                    reason = isZero(buf, p, p + Math.min(remaining, 8)) ? END_OF_DATA : "not a record";
                    continue;
                }
                if (MessageRecordDescriptor.physicalOffset(buf, p) != s.baseOffset() + at) {
                    reason = "record claims offset " + MessageRecordDescriptor.physicalOffset(buf, p);
                    continue;
                }
                // Its header names this place: the record is read whole only now, so a length of chance bytes is not.
                int length = wholeRecord(w, at, remaining, MessageRecordDescriptor.totalSize(buf, p));
                if (length < 0) {
                    reason = "not a record";
                    continue;
                }
                buf = w.hold(at, length); // as wholeRecord held it: nothing is read again
                p = at - w.base();
                if (verifyCrc && !MessageCodec.crcMatches(buf, p, crc)) {
                    reason = "body CRC mismatch";
                    continue;
                }
                if (crashed && !tailIntact(buf, p, length)) {
                    reason = "torn record tail";
                    continue;
                }
                at += length;
            }
            end = s.baseOffset() + at;
            if (at < s.size()) {
                break;
            }
        }
        cut(log, end, Math.max(end, searchEnd), END_OF_DATA.equals(reason) ? null : reason);
        return end;
    }

    /**
     * Where the search past damage at {@code damage} ends. A clean shutdown's checkpoint holds the exact end of the
     * data: nothing follows it. Otherwise the data may go on past the checkpoint; records are written one after
     * another, so only a hole (a store lost to a full disk) separates more of them, and holes longer than
     * {@link #HOLE_SEARCHED} are not looked past.
     */
    private static long searchEnd(boolean crashed, long durableOffset, long damage) {
        if (!crashed && damage == durableOffset) {
            return damage;
        }
        return Math.max(durableOffset, damage) + HOLE_SEARCHED;
    }

    /**
     * The length of the whole record at {@code at} whose header says it is {@code total} bytes long, or -1 when the
     * bytes there are not one.
     */
    private static int wholeRecord(FileWindow w, int at, int remaining, int total) throws IOException {
        if (total <= 0 || total > remaining) {
            return -1;
        }
        ByteBuffer buf = w.hold(at, total);
        int p = at - w.base();
        return MessageCodec.wellFormedLength(buf, p, p + total);
    }

    /**
     * The next whole record (or BLANK) starting at or after {@code from} and before {@code to} in {@code s} (see
     * {@link Resync}), or -1. Runs of zeros are skipped by reading the file, not the mapping, which faults their
     * pages in one by one (and on tmpfs allocates each).
     */
    private static int nextRecordAfter(FileWindow w, MappedSegment s, int from, int to) throws IOException {
        int p = from;
        while (p < to) {
            int nonZero = s.firstNonZero(p, to);
            if (nonZero < 0) {
                return -1;
            }
            // A record starts with its length, whose high bytes are zero: look from a little before the non-zero byte.
            int windowEnd = (int) Math.min(to, (long) nonZero + SEARCH_WINDOW);
            for (int q = Math.max(p, nonZero - 8); q < windowEnd; q++) {
                ByteBuffer buf = w.hold(q, windowEnd - q + Resync.HEADER);
                int base = w.base();
                int header = Resync.nextHeader(buf, s.baseOffset() + base, q - base, windowEnd - base, buf.limit(),
                        s.size() - base);
                if (header < 0) {
                    break;
                }
                q = header + base;
                if (Resync.isBlank(buf, header, s.size() - base)
                        || wholeRecord(w, q, s.size() - q, MessageRecordDescriptor.totalSize(buf, header)) > 0) {
                    return q;
                }
            }
            p = windowEnd;
        }
        return -1;
    }

    /** {@code offset} as a position in {@code s}, clamped to the file. */
    private static int within(MappedSegment s, long offset) {
        return (int) Math.max(0, Math.min(s.size(), offset - s.baseOffset()));
    }

    /**
     * Whether {@code s} starts with a whole record, read from the file, not the mapping (see {@link FileWindow}): a
     * file created ahead of the writer may be all hole (the broker died at start, restarted after a SIGKILL on a full
     * disk).
     */
    private static boolean startsWithRecord(MappedSegment s) throws IOException {
        if (s.size() < Resync.HEADER || s.firstNonZero(0, RECORD_START) < 0) {
            return false;
        }
        FileWindow w = new FileWindow(s, 0);
        ByteBuffer buf = w.hold(0, Resync.HEADER);
        return MessageRecordDescriptor.magic(buf, 0) == MessageRecordDescriptor.MAGIC_V1
                && MessageRecordDescriptor.physicalOffset(buf, 0) == s.baseOffset()
                && wholeRecord(w, 0, s.size(), MessageRecordDescriptor.totalSize(buf, 0)) > 0;
    }

    /**
     * A file before the last that was cut short outside the store lost its tail: the record the cut went through has
     * its header but zeros for the rest, which a reader would serve (and RocketMQ's client decode out of step). A
     * BLANK marker takes its place, so the file ends where that record began, as a file that could not hold it would;
     * units pointing at it or past it then name no record and are skipped.
     */
    static void sealCutRecord(SegmentedLog log) throws IOException {
        long lost = log.lostFrom();
        MappedSegment s = lost < 0 ? null : log.find(lost);
        if (s == null) {
            return;
        }
        int cut = (int) (lost - s.baseOffset());
        ByteBuffer buf = s.buffer();
        int at = 0;
        while (at < cut) {
            if (cut - at >= MessageRecordDescriptor.BLANK_LENGTH) {
                int size = MessageRecordDescriptor.totalSize(buf, at);
                int magic = MessageRecordDescriptor.magic(buf, at);
                if (magic != MessageRecordDescriptor.MAGIC_V1 || size < Resync.HEADER || size > s.size() - at) {
                    return; // a BLANK (the file ended before the cut), or damage before it: recovery's business
                }
                if (at + size <= cut) {
                    at += size;
                    continue;
                }
            }
            s.overwrite(at, ByteBuffer.allocate(MessageRecordDescriptor.BLANK_LENGTH).putInt(s.size() - at)
                    .putInt(MessageRecordDescriptor.BLANK_MAGIC).flip());
            s.forceAll();
            LOG.warn("{}: the record at CommitLog offset {} was cut with its file's tail; the file now ends before it",
                    log.dir(), s.baseOffset() + at);
            return;
        }
    }

    /** @param dataEnd bytes from here on are zero, or not looked at (see {@link #searchEnd}) */
    private static void cut(SegmentedLog log, long end, long dataEnd, String reason) throws IOException {
        MappedSegment holder = log.find(end);
        long droppedBytes = 0;
        if (holder != null) {
            int from = (int) (end - holder.baseOffset());
            droppedBytes = holder.lastNonZero(from, within(holder, dataEnd)) - from;
        }
        List<MappedSegment> later = log.all().stream().filter(s -> s.baseOffset() > end).toList();
        for (MappedSegment s : later) {
            droppedBytes += s.lastNonZero(0, within(s, dataEnd));
        }
        log.truncate(end, dataEnd);
        if (droppedBytes > 0 || reason != null) {
            LOG.warn("CommitLog {} recovered up to offset {}; dropped {} byte(s) of torn or invalid data after it{}"
                            + " and {} later file(s) {}", log.dir(), end, droppedBytes,
                    reason == null ? "" : " (" + reason + ")", later.size(),
                    later.stream().map(s -> s.path().getFileName().toString()).toList());
        } else {
            LOG.info("CommitLog {} recovered up to offset {}", log.dir(), end);
        }
    }

    /**
     * The body CRC does not cover topic and properties, the last bytes of a record, so a write torn there
     * (zeros) would pass it: the topic must still be a legal name and the properties free of NUL bytes.
     */
    private static boolean tailIntact(ByteBuffer buf, int at, int length) {
        long span = MessageCodec.topicSpan(buf, at);
        int topicAt = at + (int) (span >>> 32);
        int topicLength = (int) span;
        for (int i = topicAt; i < topicAt + topicLength; i++) {
            if (!TopicNames.isLegal(buf.get(i))) {
                return false;
            }
        }
        for (int i = topicAt + topicLength + 2; i < at + length; i++) {
            if (buf.get(i) == 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(ByteBuffer buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

}
