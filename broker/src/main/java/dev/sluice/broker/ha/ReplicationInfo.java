package dev.sluice.broker.ha;

import dev.sluice.replication.ReplicationStatus;
import dev.sluice.replication.Replicator;
import java.util.Map;

/**
 * Replication state as GET_BROKER_RUNTIME_INFO keys. RocketMQ 4.9.7 reports none for HA (it only logs "Slave fall
 * behind master: N bytes"); these are Sluice's, named after that log line.
 */
public final class ReplicationInfo {
    private final Replicator replicator;

    public ReplicationInfo(Replicator replicator) {
        this.replicator = replicator;
    }

    public void addTo(Map<String, String> info) {
        ReplicationStatus s = replicator.status();
        info.put("haRole", s.role());
        info.put("haConnections", String.valueOf(s.replicas()));
        info.put("haPeers", s.peer());
        if ("SLAVE".equals(s.role())) {
            info.put("haSlaveReportedOffset", String.valueOf(s.replicaOffset()));
        } else {
            info.put("haSlaveAckOffset", String.valueOf(s.replicaOffset()));
            info.put("slaveFallBehindBytes", String.valueOf(s.lagBytes()));
            info.put("slaveFallBehindMessages", String.valueOf(Math.max(0, replicator.lagMessages())));
        }
    }
}
