package dev.sluice.index.lmdb;

import org.lmdbjava.Dbi;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;

/** Walks one run's entries of one hash backwards in time, within a query's read transaction. */
final class RunQuery extends Candidates {
    private final Run run;
    private final ByteBuffer descriptor;
    private final Txn<ByteBuffer> txn;
    private final Dbi<ByteBuffer> blocks;
    private final ByteBuffer key;
    private long hash;
    private long begin;
    private ByteBuffer block;
    private int blockNo;
    private int index;

    /** {@code descriptor} is the run's, read in {@code txn}. */
    RunQuery(Run run, ByteBuffer descriptor, Txn<ByteBuffer> txn, Dbi<ByteBuffer> blocks, ByteBuffer key) {
        this.run = run;
        this.descriptor = descriptor;
        this.txn = txn;
        this.blocks = blocks;
        this.key = key;
    }

    /** Moves to the newest entry of {@code hash} at or before {@code end}; false if none is at or after begin. */
    boolean seek(long hash, long begin, long end) {
        this.hash = hash;
        this.begin = begin;
        blockNo = run.floorBlock(descriptor, hash, end, Long.MAX_VALUE);
        if (blockNo < 0) {
            return false;
        }
        fetch();
        int lo = 0;
        int hi = Run.entries(block) - 1;
        index = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Run.compare(Run.hashAt(block, mid), Run.tsAt(block, mid), Run.offsetAt(block, mid),
                    hash, end, Long.MAX_VALUE) <= 0) {
                index = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return index >= 0 && current();
    }

    @Override
    boolean previous() {
        if (--index < 0) {
            if (--blockNo < 0) {
                return false;
            }
            fetch();
            index = Run.entries(block) - 1;
        }
        return current();
    }

    /** Whether the current entry is one of the hash within the window; dead entries (past the limit) are skipped. */
    private boolean current() {
        while (true) {
            if (Run.hashAt(block, index) != hash) {
                return false;
            }
            ts = Run.tsAt(block, index);
            offset = Run.offsetAt(block, index);
            if (ts < begin) {
                return false;
            }
            if (offset < run.limit()) {
                return true;
            }
            if (--index < 0) {
                if (--blockNo < 0) {
                    return false;
                }
                fetch();
                index = Run.entries(block) - 1;
            }
        }
    }

    private void fetch() {
        ByteBuffer b = blocks.get(txn, Run.blockKey(key, run.id(), blockNo));
        if (b == null) {
            throw new IllegalStateException("block " + blockNo + " of run " + run.id() + " is missing");
        }
        // get() hands back the transaction's one value buffer: keep our own view of the block.
        block = Run.blockView(b);
    }
}
