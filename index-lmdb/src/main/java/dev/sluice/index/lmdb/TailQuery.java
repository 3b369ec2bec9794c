package dev.sluice.index.lmdb;

import java.util.Arrays;

/**
 * A query's matches among the entries no run in LMDB holds yet (the {@link TailPool}s), found by scanning the
 * hash's bucket of each pool and sorted newest first.
 */
final class TailQuery extends Candidates {
    private long[] found = new long[16];
    private int size;
    private int at;

    /** The matches of {@code hash} with ts in [begin, end] and offset at or past floor, or null if none. */
    static TailQuery scan(TailPool[] pools, long hash, long begin, long end, long floor) {
        TailQuery q = new TailQuery();
        for (TailPool p : pools) {
            p.find(hash, begin, end, floor, q);
        }
        return q.size == 0 ? null : q.sorted();
    }

    void add(long ts, long offset) {
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
