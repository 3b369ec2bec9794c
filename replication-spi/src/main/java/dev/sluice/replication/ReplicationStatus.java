package dev.sluice.replication;

/**
 * A replicator's progress.
 *
 * @param role          the broker role served
 * @param replicas      connected peers: slaves on a master, 1 or 0 on a slave (connected to its master or not)
 * @param localOffset   CommitLog bytes held here (master: written; slave: received)
 * @param replicaOffset master: the furthest offset a slave confirmed (-1 if none ever did);
 *                      slave: the offset last reported to the master
 * @param peer          master: the slaves' addresses; slave: the master's HA address, or empty
 */
public record ReplicationStatus(String role, int replicas, long localOffset, long replicaOffset, String peer) {

    /** Bytes the replica is behind (0 when it is not known to be behind, or none is connected). */
    public long lagBytes() {
        return replicaOffset < 0 ? 0 : Math.max(0, localOffset - replicaOffset);
    }
}
