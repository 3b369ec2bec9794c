package dev.sluice.index.lmdb;

/**
 * Shape of the run structure. Tests shrink it so that every path (multi-block runs, merges spanning several
 * transactions, back-pressure) runs on a handful of entries.
 *
 * @param blockEntries     entries per block (24 bytes each)
 * @param fanIn            runs of one level merged into one of the next
 * @param stepEntries      entries a merge copies per write transaction
 * @param maxRuns          runs beyond which a put merges itself instead of leaving it to the background
 * @param backgroundMerges merge on a thread of the index; otherwise one merge step after every put
 */
record Tuning(int blockEntries, int fanIn, int stepEntries, int maxRuns, boolean backgroundMerges) {
    /**
     * 168-entry blocks (4032 bytes: one LMDB overflow page, see {@link Postings}); ten runs a merge, which
     * rewrites a put's entries about log10(entries / batch) times and keeps a query's runs under ten a level.
     */
    static final Tuning DEFAULT = new Tuning(168, 10, 16_384, 120, true);

    Tuning {
        if (blockEntries < 1 || fanIn < 2 || stepEntries < 1 || maxRuns < fanIn) {
            throw new IllegalArgumentException("bad tuning " + this);
        }
    }
}
