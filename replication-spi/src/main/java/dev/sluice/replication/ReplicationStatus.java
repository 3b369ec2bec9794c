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

    /**
     * Bytes the replica is behind. A connected replica that has confirmed nothing yet is behind by everything: it
     * must not look caught up in the moment between its connection and its first report. With none connected and
     * none ever confirmed there is nothing to be behind: 0.
     */
    public long lagBytes() {
        if (replicaOffset < 0) {
            return replicas > 0 ? Math.max(0, localOffset) : 0;
        }
        return Math.max(0, localOffset - replicaOffset);
    }
}
