package dev.sluice.index.lmdb;

import org.lmdbjava.Dbi;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Blocks of runs no descriptor refers to any more (merged, truncated, retained or cancelled), deleted a bounded
 * number per transaction. Lost on a crash; opening finds such blocks again by their run ids.
 *
 * <p>{@link #reclaim} only plans within the transaction; {@link #committed} applies the plan, so a transaction
 * that is aborted and run again (the map grew) starts from the same place.
 */
final class Garbage {
    private final ArrayDeque<long[]> runs = new ArrayDeque<>();
    private final ByteBuffer key = ByteBuffer.allocateDirect(12);
    private int plannedRuns;
    private int plannedBlock;

    /** Blocks [0, blocks) of run {@code runId}, in database {@code db} of those {@link #reclaim} is given. */
    void add(int db, long runId, int blocks) {
        if (blocks > 0) {
            runs.add(new long[] {runId, 0, blocks, db});
        }
    }

    boolean isEmpty() {
        return runs.isEmpty();
    }

    /**
     * Deletes blocks until about {@code budgetEntries} entries are gone.
     *
     * @return entries deleted (a block counts its entries)
     */
    long reclaim(Txn<ByteBuffer> txn, List<Dbi<ByteBuffer>> dbs, long budgetEntries) {
        plannedRuns = 0;
        plannedBlock = -1;
        long deleted = 0;
        for (long[] run : runs) {
            Dbi<ByteBuffer> blocks = dbs.get((int) run[3]);
            int block = (int) run[1];
            while (block < run[2] && deleted < budgetEntries) {
                ByteBuffer k = Run.blockKey(key, run[0], block);
                ByteBuffer value = blocks.get(txn, k);
                if (value != null) {
                    deleted += Run.entries(value);
                    blocks.delete(txn, k);
                }
                block++;
            }
            if (block < run[2]) {
                plannedBlock = block;
                break;
            }
            plannedRuns++;
        }
        return deleted;
    }

    void committed() {
        for (int i = 0; i < plannedRuns; i++) {
            runs.poll();
        }
        if (plannedBlock >= 0 && !runs.isEmpty()) {
            runs.peek()[1] = plannedBlock;
        }
        plannedRuns = 0;
        plannedBlock = -1;
    }

    void clear() {
        runs.clear();
    }
}
