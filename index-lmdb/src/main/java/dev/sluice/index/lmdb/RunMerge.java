package dev.sluice.index.lmdb;

import org.lmdbjava.Dbi;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Merges runs into one, a bounded number of entries a step. A step reads the inputs in a read transaction and
 * merges into the output's blocks in memory, without the writer; the index then writes those blocks in a short
 * write transaction. Entries below the retention floor and dead ones (past an input's limit) are left out. The inputs stay readable until the
 * transaction that writes the output's descriptor deletes theirs. Only one thread at a time steps a merge.
 *
 * <p>The inputs' current entries sit in parallel arrays under a heap of input numbers: the merge loop touches
 * no object but its buffers.
 */
final class RunMerge {
    final List<Run> inputs;
    private final RunWriter output;
    private final ByteBuffer key = ByteBuffer.allocateDirect(12);
    private final ByteBuffer[] blocks;
    private final int[] blockNo;
    private final int[] index;
    private final int[] size;
    private final long[] hash;
    private final long[] ts;
    private final long[] offset;
    private final long[] limit;
    /** Inputs not yet exhausted, the smallest current (hash, ts, offset) on top. */
    private final int[] heap;
    private int heapSize;
    private boolean started;
    /** Set by the merge thread, under the index's writer, while it steps this merge without the writer. */
    boolean stepping;
    private List<Dbi<ByteBuffer>> blockDbs;

    RunMerge(List<Run> inputs, long outputId, int blockEntries) {
        this.inputs = List.copyOf(inputs);
        int level = 0;
        long entries = 0;
        for (Run r : inputs) {
            level = Math.max(level, r.level() + 1);
            entries += r.count();
        }
        this.output = new RunWriter(blockEntries);
        output.reset(outputId, level, entries);
        int n = inputs.size();
        blocks = new ByteBuffer[n];
        blockNo = new int[n];
        index = new int[n];
        size = new int[n];
        hash = new long[n];
        ts = new long[n];
        offset = new long[n];
        heap = new int[n];
        limit = new long[n];
        for (int i = 0; i < n; i++) {
            limit[i] = inputs.get(i).limit();
        }
    }

    RunWriter output() {
        return output;
    }

    /**
     * Merges up to {@code budget} entries into the output, leaving out those below {@code floor}. Blocks are
     * fetched again in every transaction: a grown map moves them.
     *
     * @return whether every input is merged
     */
    boolean step(Txn<ByteBuffer> txn, List<Dbi<ByteBuffer>> blockDbs, long floor, int budget) {
        this.blockDbs = blockDbs;
        java.util.Arrays.fill(blocks, null);
        if (!started) {
            started = true;
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i).blocks() > 0) {
                    fetch(txn, i);
                    cache(i);
                    push(i);
                }
            }
        }
        for (int copied = 0; heapSize > 0 && copied < budget; copied++) {
            int i = heap[0];
            if (offset[i] >= floor && offset[i] < limit[i]) {
                output.add(hash[i], ts[i], offset[i]);
            }
            if (!advance(txn, i)) {
                heap[0] = heap[--heapSize];
            }
            siftDown();
        }
        return heapSize == 0;
    }

    private boolean advance(Txn<ByteBuffer> txn, int i) {
        if (++index[i] == size[i]) {
            if (++blockNo[i] == inputs.get(i).blocks()) {
                return false;
            }
            index[i] = 0;
            fetch(txn, i);
        } else if (blocks[i] == null) {
            fetch(txn, i);
        }
        cache(i);
        return true;
    }

    private void fetch(Txn<ByteBuffer> txn, int i) {
        Run run = inputs.get(i);
        ByteBuffer b = blockDbs.get(run.blockDb()).get(txn, Run.blockKey(key, run.id(), blockNo[i]));
        if (b == null) {
            throw new IllegalStateException("block " + blockNo[i] + " of run " + run.id() + " is missing");
        }
        blocks[i] = Run.blockView(b);
        size[i] = Run.entries(blocks[i]);
    }

    private void cache(int i) {
        ByteBuffer b = blocks[i];
        hash[i] = Run.hashAt(b, index[i]);
        ts[i] = Run.tsAt(b, index[i]);
        offset[i] = Run.offsetAt(b, index[i]);
    }

    private boolean less(int a, int b) {
        return Run.compare(hash[a], ts[a], offset[a], hash[b], ts[b], offset[b]) < 0;
    }

    private void push(int input) {
        int at = heapSize++;
        heap[at] = input;
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (!less(heap[at], heap[parent])) {
                break;
            }
            int t = heap[parent];
            heap[parent] = heap[at];
            heap[at] = t;
            at = parent;
        }
    }

    private void siftDown() {
        int at = 0;
        int top = heap[0];
        while (true) {
            int l = 2 * at + 1;
            if (l >= heapSize) {
                break;
            }
            int child = l + 1 < heapSize && less(heap[l + 1], heap[l]) ? l + 1 : l;
            if (!less(heap[child], top)) {
                break;
            }
            heap[at] = heap[child];
            at = child;
        }
        if (heapSize > 0) {
            heap[at] = top;
        }
    }
}
