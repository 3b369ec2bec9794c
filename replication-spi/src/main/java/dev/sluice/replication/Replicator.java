package dev.sluice.replication;

import dev.sluice.store.ReplicationLog;
import dev.sluice.store.spi.ReplicationHook;

/**
 * One broker's replication. Created before the store opens (the store needs its {@link #hook()}), started once the
 * store is open, closed before the store closes.
 */
public interface Replicator extends AutoCloseable {

    /** What the store asks after each append on a master; {@link ReplicationHook#NONE} where nothing waits. */
    ReplicationHook hook();

    /** Starts shipping (master) or fetching (slave) the CommitLog of the opened store. */
    void start(ReplicationLog log) throws Exception;

    /**
     * Slave: the master's HA address ({@code host:port}) as the name server reported it. Ignored by masters, and
     * by slaves configured with {@code haMasterAddress}. Null or empty means the master is gone.
     */
    default void masterAddress(String haAddress) {
    }

    /** The port this replicator accepts replicas on once started (its name server {@code haServerAddr}), or 0. */
    default int haPort() {
        return 0;
    }

    /** Progress, for runtime information and tests. */
    ReplicationStatus status();

    /** Master: messages (CommitLog records) the furthest slave lacks; -1 when not known. Walks record headers. */
    default long lagMessages() {
        return -1;
    }

    /** Stops, releasing sockets and threads; pending acknowledgements complete (as timed out). Idempotent. */
    @Override
    void close();
}
