package dev.sluice.index.lmdb;

/**
 * Shape of the run structure. Tests shrink it so that every path (multi-block runs, merges spanning several
 * transactions, back-pressure, queries over pools) runs on a handful of entries.
 *
 * @param blockEntries     entries per block (24 bytes each)
 * @param fanIn            runs of one level merged into one of the next
 * @param stepEntries      entries a merge copies per write transaction
 * @param maxRuns          runs beyond which a put waits for merges (or merges itself)
 * @param runEntries       entries past which the active pool is frozen and written as a run
 * @param maxTailEntries   entries in frozen pools beyond which a put waits for them to be written
 * @param tailMillis       how long a smaller pool may wait before it is written anyway
 * @param background       write pools and merge runs on a thread of the index; otherwise puts do it
 */
record Tuning(int blockEntries, int fanIn, int stepEntries, int maxRuns, int runEntries, int maxTailEntries,
              long tailMillis, boolean background) {
    /**
     * 168-entry blocks (4032 bytes: one LMDB overflow page; values of several pages need contiguous free pages,
     * which LMDB often takes from the untouched end of the file). Pools of 512k entries (12 MB, 256 buckets of
     * ~2k) become runs in one write each. Sixteen runs a merge, and runs of more than a pool's worth only past
     * 256 runs: a merge writes every entry again, which halved the sustained put rate once merges ran (see
     * KeyIndexBenchmark), while a query pays one descriptor read and Bloom probe per run in its time window
     * (p99 130-220 us over ~150 runs, 80M entries). A crash loses a few pools at most, or half a second of a
     * quiet index, which the store re-dispatches.
     */
    static final Tuning DEFAULT = new Tuning(168, 16, 16_384, 512, 1 << 19, 1 << 20, 500, true);
    Tuning {
        if (blockEntries < 1 || fanIn < 2 || stepEntries < 1 || maxRuns < fanIn || runEntries < 1
                || maxTailEntries < runEntries || tailMillis < 0) {
            throw new IllegalArgumentException("bad tuning " + this);
        }
    }
}
