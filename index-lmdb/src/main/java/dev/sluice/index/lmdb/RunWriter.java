package dev.sluice.index.lmdb;

import org.lmdbjava.Dbi;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Writes one run from entries given in order, a block at a time. A merge feeds it over several write
 * transactions; nothing refers to its blocks until {@link #finish} writes the descriptor.
 */
final class RunWriter {
    private long id = -1;
    private int level;
    private final PutFlags[] blockFlags;
    private final ByteBuffer block;
    private final ByteBuffer key = ByteBuffer.allocateDirect(12);
    private long[] fences = new long[3 * 8];
    private long[] bloom;
    private int blocks;
    private long count;
    private long minOffset = Long.MAX_VALUE;
    private long maxOffset = Long.MIN_VALUE;
    private long minTs = Long.MAX_VALUE;
    private long maxTs = Long.MIN_VALUE;

    /** {@code append}: the run's id is the largest there is, so its blocks go at the end of the database. */
    RunWriter(ByteBuffer block, boolean append) {
        this.block = block.clear();
        this.blockFlags = append ? new PutFlags[] {PutFlags.MDB_APPEND} : new PutFlags[0];
    }

    /** Starts another run of at most {@code entries} entries with this writer's buffers. */
    void reset(long runId, int runLevel, long entries) {
        id = runId;
        level = runLevel;
        bloom = new long[Run.bloomWords(entries)];
        block.clear();
        blocks = 0;
        count = 0;
        minOffset = Long.MAX_VALUE;
        maxOffset = Long.MIN_VALUE;
        minTs = Long.MAX_VALUE;
        maxTs = Long.MIN_VALUE;
    }

    long id() {
        return id;
    }

    /** Blocks written so far, which a cancelled run leaves behind as garbage. */
    int blocksWritten() {
        return blocks;
    }

    void add(Txn<ByteBuffer> txn, Dbi<ByteBuffer> blockDb, long hash, long ts, long offset) {
        if (block.position() == 0) {
            if (fences.length == blocks * 3) {
                fences = Arrays.copyOf(fences, fences.length * 2);
            }
            fences[blocks * 3] = hash;
            fences[blocks * 3 + 1] = ts;
            fences[blocks * 3 + 2] = offset;
        }
        block.putLong(hash).putLong(ts).putLong(offset);
        Run.addToBloom(bloom, hash);
        count++;
        minOffset = Math.min(minOffset, offset);
        maxOffset = Math.max(maxOffset, offset);
        minTs = Math.min(minTs, ts);
        maxTs = Math.max(maxTs, ts);
        if (!block.hasRemaining()) {
            flush(txn, blockDb);
        }
    }

    private void flush(Txn<ByteBuffer> txn, Dbi<ByteBuffer> blockDb) {
        if (block.position() == 0) {
            return;
        }
        block.flip();
        if (!blockDb.put(txn, Run.blockKey(key, id, blocks), block, blockFlags)) {
            throw new IllegalStateException("block " + blocks + " of run " + id + " exists already");
        }
        block.clear();
        blocks++;
    }

    /** Writes the last block and the descriptor; returns the run, or null when it holds no entry. */
    Run finish(Txn<ByteBuffer> txn, Dbi<ByteBuffer> blockDb, Dbi<ByteBuffer> runDb) {
        flush(txn, blockDb);
        if (count == 0) {
            return null;
        }
        Run run = new Run(id, level, count, minOffset, maxOffset, minTs, maxTs, Arrays.copyOf(fences, blocks * 3),
                bloom);
        ByteBuffer descriptor = run.encode(ByteBuffer.allocateDirect(run.descriptorSize()));
        runDb.put(txn, Run.runKey(key, id), descriptor);
        return run;
    }
}
