package dev.sluice.replication.sync;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.replication.ReplicationStrategy;
import dev.sluice.replication.Replicator;
import dev.sluice.replication.ha.MasterReplicator;

/** SYNC_MASTER: RocketMQ's HA, with sends acknowledged once a slave confirmed them (see {@link GroupAcks}). */
public final class SyncReplicationStrategy implements ReplicationStrategy {
    @Override
    public boolean serves(String brokerRole) {
        return "SYNC_MASTER".equals(brokerRole);
    }

    @Override
    public Replicator create(ReplicationSettings settings) {
        return new MasterReplicator(settings, new GroupAcks(settings.haSlaveFallbehindMax(), settings.slaveTimeout(),
                settings.clock()));
    }
}
