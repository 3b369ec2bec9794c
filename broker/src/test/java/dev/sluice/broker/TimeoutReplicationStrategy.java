package dev.sluice.broker;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.replication.ReplicationStatus;
import dev.sluice.replication.ReplicationStrategy;
import dev.sluice.replication.Replicator;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.ReplicationLog;
import dev.sluice.store.spi.ReplicationHook;
import java.util.concurrent.CompletableFuture;

/**
 * A third party's strategy for {@link ReplicationPluginTest}: outranks the built-in ASYNC_MASTER one and answers every
 * send FLUSH_SLAVE_TIMEOUT, which a client sees. Only a jar's service entry makes it a strategy.
 */
public final class TimeoutReplicationStrategy implements ReplicationStrategy {
    @Override
    public boolean serves(String brokerRole) {
        return "ASYNC_MASTER".equals(brokerRole);
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Replicator create(ReplicationSettings settings) {
        return new Replicator() {
            @Override
            public ReplicationHook hook() {
                return (endOffset, wait) -> CompletableFuture.completedFuture(AppendStatus.FLUSH_SLAVE_TIMEOUT);
            }

            @Override
            public void start(ReplicationLog log) {
            }

            @Override
            public ReplicationStatus status() {
                return new ReplicationStatus(settings.brokerRole(), 0, 0, -1, "third-party");
            }

            @Override
            public void close() {
            }
        };
    }
}
