package dev.sluice.replication;

import java.time.Clock;

/**
 * What a strategy is configured with, under RocketMQ's key names (spec §15, §16).
 *
 * @param brokerRole              ASYNC_MASTER, SYNC_MASTER or SLAVE
 * @param bindAddress             local address the master's HA port binds
 * @param haListenPort            master's HA port; 0 binds an ephemeral port (tests), see {@link Replicator#status()}
 * @param haMasterAddress         slave: fixed master HA address, or empty to use the name server's answer
 * @param haSendHeartbeatInterval ms between a slave's offset reports when idle, and a master's empty transfers
 * @param haHousekeepingInterval  ms without traffic after which either side drops the connection
 * @param haTransferBatchSize     most CommitLog bytes in one transfer
 * @param haSlaveFallbehindMax    SYNC_MASTER: lag in bytes from which a slave no longer counts as in sync
 * @param slaveTimeout            SYNC_MASTER: ms a send waits for the slave's confirmation
 * @param reconnectInterval       slave: ms between connection attempts (RocketMQ: 5000)
 * @param clock                   time source
 */
public record ReplicationSettings(String brokerRole, String bindAddress, int haListenPort, String haMasterAddress,
                                  long haSendHeartbeatInterval, long haHousekeepingInterval, int haTransferBatchSize,
                                  long haSlaveFallbehindMax, long slaveTimeout, long reconnectInterval, Clock clock) {

    /** RocketMQ 4.9.x defaults for a role, HA on {@code haListenPort}. */
    public static ReplicationSettings defaults(String brokerRole, int haListenPort) {
        return new ReplicationSettings(brokerRole, "0.0.0.0", haListenPort, "", 5000, 20000, 32768,
                256L * 1024 * 1024, 3000, 5000, Clock.systemDefaultZone());
    }

    public ReplicationSettings withHaMasterAddress(String address) {
        return new ReplicationSettings(brokerRole, bindAddress, haListenPort, address, haSendHeartbeatInterval,
                haHousekeepingInterval, haTransferBatchSize, haSlaveFallbehindMax, slaveTimeout, reconnectInterval, clock);
    }

    public ReplicationSettings withBindAddress(String address) {
        return new ReplicationSettings(brokerRole, address, haListenPort, haMasterAddress, haSendHeartbeatInterval,
                haHousekeepingInterval, haTransferBatchSize, haSlaveFallbehindMax, slaveTimeout, reconnectInterval, clock);
    }

    public ReplicationSettings withIntervals(long heartbeat, long housekeeping, long reconnect) {
        return new ReplicationSettings(brokerRole, bindAddress, haListenPort, haMasterAddress, heartbeat, housekeeping,
                haTransferBatchSize, haSlaveFallbehindMax, slaveTimeout, reconnect, clock);
    }

    public ReplicationSettings withSync(long fallbehindMax, long timeout) {
        return new ReplicationSettings(brokerRole, bindAddress, haListenPort, haMasterAddress, haSendHeartbeatInterval,
                haHousekeepingInterval, haTransferBatchSize, fallbehindMax, timeout, reconnectInterval, clock);
    }

    public ReplicationSettings withTransferBatchSize(int bytes) {
        return new ReplicationSettings(brokerRole, bindAddress, haListenPort, haMasterAddress, haSendHeartbeatInterval,
                haHousekeepingInterval, bytes, haSlaveFallbehindMax, slaveTimeout, reconnectInterval, clock);
    }

    public boolean isSlave() {
        return "SLAVE".equals(brokerRole);
    }
}
