package dev.sluice.index.lmdb;

import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A query's matches among the postings no run covers yet (the tail, at most {@link Tuning#maxTailEntries()}
 * pairs), found by scanning them and sorted newest first.
 */
final class TailQuery extends Candidates {
    private long[] found = new long[16];
    private int size;
    private int at;

    /**
     * Scans the chunks at or past {@code covered} for (name, timestamp in [begin, end]).
     *
     * @return the matches, or null when there are none
     */
    static TailQuery scan(Cursor<ByteBuffer> postings, ByteBuffer key, long covered, byte[] name, int length,
                          long hash, long begin, long end) {
        TailQuery q = new TailQuery();
        for (boolean more = postings.get(IndexKeys.offsetKey(key, covered), GetOp.MDB_SET_RANGE); more;
             more = postings.next()) {
            Postings.forEachPair(postings.val(), (offset, value, nameAt, nameLength, ts, pairHash) -> {
                if (pairHash == hash && nameLength == length && ts >= begin && ts <= end
                        && Postings.sameBytes(value, nameAt, name, length)) {
                    q.add(ts, offset);
                }
            });
        }
        return q.size == 0 ? null : q.sorted();
    }

    private void add(long ts, long offset) {
        if (size * 2 == found.length) {
            found = Arrays.copyOf(found, found.length * 2);
        }
        found[size * 2] = ts;
        found[size * 2 + 1] = offset;
        size++;
    }

    /** Oldest first in the array, so that {@link #previous} walks it from the end. */
    private TailQuery sorted() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Run.compare(0, found[a * 2], found[a * 2 + 1], 0, found[b * 2],
                found[b * 2 + 1]));
        long[] sortedPairs = new long[size * 2];
        for (int i = 0; i < size; i++) {
            sortedPairs[i * 2] = found[order[i] * 2];
            sortedPairs[i * 2 + 1] = found[order[i] * 2 + 1];
        }
        found = sortedPairs;
        at = size;
        previous();
        return this;
    }

    @Override
    boolean previous() {
        if (--at < 0) {
            return false;
        }
        ts = found[at * 2];
        offset = found[at * 2 + 1];
        return true;
    }
}
