package dev.sluice.replication.async;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.replication.ReplicationStrategy;
import dev.sluice.replication.Replicator;
import dev.sluice.replication.ha.MasterReplicator;
import dev.sluice.replication.ha.SlaveReplicator;

/** RocketMQ's default HA for ASYNC_MASTER (acknowledge at once, ship in the background) and for every SLAVE. */
public final class AsyncReplicationStrategy implements ReplicationStrategy {
    @Override
    public boolean serves(String brokerRole) {
        return "ASYNC_MASTER".equals(brokerRole) || "SLAVE".equals(brokerRole);
    }

    @Override
    public Replicator create(ReplicationSettings settings) {
        return settings.isSlave() ? new SlaveReplicator(settings)
                : new MasterReplicator(settings, MasterReplicator.AckPolicy.IMMEDIATE);
    }
}
