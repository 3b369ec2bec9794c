package dev.sluice.replication;

/**
 * A way to replicate a broker's CommitLog, for one or more broker roles. Strategies are found with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.sluice.replication.ReplicationStrategy} entry in a
 * jar on the class path), so neither the store nor the broker knows any of them; see {@link Replications}.
 */
public interface ReplicationStrategy {

    /** Whether this strategy serves a {@code brokerRole}: {@code ASYNC_MASTER}, {@code SYNC_MASTER} or {@code SLAVE}. */
    boolean serves(String brokerRole);

    /** When several strategies serve a role the highest priority wins; Sluice's own answer 0. */
    default int priority() {
        return 0;
    }

    /** A replicator for one broker; it starts working at {@link Replicator#start}. */
    Replicator create(ReplicationSettings settings);
}
