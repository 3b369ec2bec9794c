package dev.sluice.replication.ha;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.replication.ReplicationStatus;
import dev.sluice.replication.Replicator;
import dev.sluice.store.ReplicationLog;
import dev.sluice.store.spi.ReplicationHook;

/** A slave: follows its master's CommitLog over HA. It takes no sends, so its hook never waits. */
public final class SlaveReplicator implements Replicator {
    private final ReplicationSettings settings;
    private final boolean fixedMaster;
    private volatile HaClient client;
    private volatile String pendingAddress;

    public SlaveReplicator(ReplicationSettings settings) {
        this.settings = settings;
        this.fixedMaster = settings.haMasterAddress() != null && !settings.haMasterAddress().isBlank();
    }

    @Override
    public ReplicationHook hook() {
        return ReplicationHook.NONE;
    }

    @Override
    public synchronized void start(ReplicationLog log) {
        client = new HaClient(settings, log).start();
        if (pendingAddress != null) {
            client.masterAddress(pendingAddress);
        }
    }

    @Override
    public synchronized void masterAddress(String haAddress) {
        if (fixedMaster) {
            return;
        }
        if (client == null) {
            pendingAddress = haAddress;
        } else {
            client.masterAddress(haAddress);
        }
    }

    @Override
    public ReplicationStatus status() {
        HaClient c = client;
        if (c == null) {
            return new ReplicationStatus(settings.brokerRole(), 0, 0, -1, "");
        }
        return new ReplicationStatus(settings.brokerRole(), c.connected() ? 1 : 0, c.reportedOffset(),
                c.reportedOffset(), c.masterAddress());
    }

    @Override
    public void close() {
        HaClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
