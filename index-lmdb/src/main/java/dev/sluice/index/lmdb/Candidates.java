package dev.sluice.index.lmdb;

/** A query's candidates from one source (a run, or the tail), walked newest first: (ts, offset) is the current. */
abstract class Candidates {
    long ts;
    long offset;

    /** Moves to the next older candidate; false when there is none. */
    abstract boolean previous();
}
