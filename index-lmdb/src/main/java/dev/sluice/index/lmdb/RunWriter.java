package dev.sluice.index.lmdb;

import org.lmdbjava.Dbi;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds one run from entries given in order. Blocks fill in memory and go into LMDB when {@link #flush} is
 * called in a write transaction, so a merge or a pool's sort runs without holding the writer; nothing refers to
 * the blocks until {@link #finish} writes the descriptor. Blocks are always appended: a run's id is larger than
 * those of every run before it in its database.
 */
final class RunWriter {
    private static final PutFlags[] APPEND = {PutFlags.MDB_APPEND};

    private final int blockBytes;
    private final ByteBuffer key = ByteBuffer.allocateDirect(12);
    private final List<ByteBuffer> full = new ArrayList<>();
    private final ArrayDeque<ByteBuffer> spare = new ArrayDeque<>();
    private ByteBuffer block;
    private long id = -1;
    private int level;
    private long[] fences = new long[3 * 8];
    private long[] bloom;
    private int blocks;
    private int blocksWritten;
    private long count;
    private long minOffset;
    private long maxOffset;
    private long minTs;
    private long maxTs;

    RunWriter(int blockEntries) {
        this.blockBytes = blockEntries * Run.ENTRY;
        this.block = newBlock();
    }

    private ByteBuffer newBlock() {
        return ByteBuffer.allocateDirect(blockBytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Starts another run of at most {@code entries} entries with this writer's buffers. */
    void reset(long runId, int runLevel, long entries) {
        id = runId;
        level = runLevel;
        bloom = new long[Run.bloomWords(entries)];
        spare.addAll(full);
        full.clear();
        block.clear();
        blocks = 0;
        blocksWritten = 0;
        count = 0;
        minOffset = Long.MAX_VALUE;
        maxOffset = Long.MIN_VALUE;
        minTs = Long.MAX_VALUE;
        maxTs = Long.MIN_VALUE;
    }

    long id() {
        return id;
    }

    /** Blocks in LMDB so far, which a cancelled run leaves behind as garbage. */
    int blocksWritten() {
        return blocksWritten;
    }

    void add(long hash, long ts, long offset) {
        if (block.position() == 0) {
            if (fences.length == blocks * 3) {
                fences = Arrays.copyOf(fences, fences.length * 2);
            }
            fences[blocks * 3] = hash;
            fences[blocks * 3 + 1] = ts;
            fences[blocks * 3 + 2] = offset;
            blocks++;
        }
        block.putLong(hash).putLong(ts).putLong(offset);
        Run.addToBloom(bloom, hash);
        count++;
        minOffset = Math.min(minOffset, offset);
        maxOffset = Math.max(maxOffset, offset);
        minTs = Math.min(minTs, ts);
        maxTs = Math.max(maxTs, ts);
        if (!block.hasRemaining()) {
            full.add(block.flip());
            block = spare.isEmpty() ? newBlock() : spare.poll().clear();
        }
    }

    /**
     * Puts the full blocks. Their in-memory state advances only in {@link #flushed}, after the commit: a
     * transaction aborted for a full map runs again from the same place.
     */
    void flush(Txn<ByteBuffer> txn, Dbi<ByteBuffer> blockDb) {
        int no = blocksWritten;
        for (ByteBuffer b : full) {
            blockDb.put(txn, Run.blockKey(key, id, no), b.duplicate(), APPEND);
            no++;
        }
    }

    /** The blocks {@link #flush} put are committed. */
    void flushed() {
        blocksWritten += full.size();
        spare.addAll(full);
        full.clear();
    }

    /**
     * Puts every block left, the partial one included, and the descriptor; call {@link #flushed} after the
     * commit.
     *
     * @return the run, or null when it holds no entry
     */
    Run finish(Txn<ByteBuffer> txn, Dbi<ByteBuffer> blockDb, Dbi<ByteBuffer> runDb) {
        if (block.position() > 0) {
            full.add(block.flip());
            block = spare.isEmpty() ? newBlock() : spare.poll().clear();
        }
        flush(txn, blockDb);
        if (count == 0) {
            return null;
        }
        runDb.put(txn, Run.runKey(key, id),
                Run.encode(level, count, minOffset, maxOffset, minTs, maxTs, fences, blocks, bloom));
        return new Run(id, level, count, minOffset, maxOffset, minTs, maxTs, Long.MAX_VALUE, blocks, bloom.length);
    }
}
