package dev.sluice.store.mmap;

/** A unit of background work: a thread calls {@link #doWork()} in a loop; a test can call it directly. */
interface Agent {
    /** Does what is due now; returns how much (0 = nothing, the runner may idle). */
    int doWork() throws Exception;

    /** How long the runner idles after a round that did nothing, in ms. */
    long idleMillis();

    String name();
}
