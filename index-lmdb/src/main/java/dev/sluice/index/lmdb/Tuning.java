package dev.sluice.index.lmdb;

/**
 * Shape of the run structure. Tests shrink it so that every path (multi-block runs, merges spanning several
 * transactions, back-pressure, queries over an unindexed tail) runs on a handful of entries.
 *
 * @param blockEntries     entries per block (24 bytes each)
 * @param fanIn            runs of one level merged into one of the next
 * @param stepEntries      entries a merge copies per write transaction
 * @param maxRuns          runs beyond which a put merges itself (or waits for the index's thread)
 * @param runEntries       postings pairs past which the tail becomes a run at once
 * @param maxTailEntries   postings pairs not yet in runs beyond which a put waits for (or builds) a run
 * @param tailMillis       how long a smaller tail may wait before it becomes a run anyway
 * @param background       build runs and merge them on a thread of the index; otherwise puts do it
 */
record Tuning(int blockEntries, int fanIn, int stepEntries, int maxRuns, int runEntries, int maxTailEntries,
              long tailMillis, boolean background) {
    /**
     * 168-entry blocks (4032 bytes: one LMDB overflow page, see {@link Postings}). Runs of up to 128k entries from
     * the tail (3 MB in memory, at most twenty of them) and sixteen runs a merge: under load an entry reaches LMDB
     * in a merge of 2M, and is rewritten about log16(entries / 2M) times more; a query checks the Bloom filters of
     * at most 15 runs a level. 128k-entry runs took 3.1M messages/s where 32k-entry ones took 2.2M
     * (one back-to-back pair of 3M-message loops in 4096-message rounds, on a busy machine: a hint, not a law). The tail a query scans reaches 512k pairs (~20
     * MB) only when the index's thread falls behind.
     */
    static final Tuning DEFAULT = new Tuning(168, 16, 16_384, 120, 131_072, 524_288, 20, true);

    Tuning {
        if (blockEntries < 1 || fanIn < 2 || stepEntries < 1 || maxRuns < fanIn || runEntries < 1
                || maxTailEntries < runEntries || tailMillis < 0) {
            throw new IllegalArgumentException("bad tuning " + this);
        }
    }
}
