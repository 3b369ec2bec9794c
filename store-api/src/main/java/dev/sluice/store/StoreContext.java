package dev.sluice.store;

import dev.sluice.store.spi.DiskUsageProbe;
import dev.sluice.store.spi.FlushPolicy;
import dev.sluice.store.spi.KeyIndexFactory;
import dev.sluice.store.spi.ReplicationHook;

import java.time.Clock;

/**
 * What a store is given besides its configuration: time, disk probe and plug-ins. Immutable; the
 * {@code with*} methods return changed copies.
 *
 * @param clock            all store time comes from here (store timestamps, retention, flush intervals)
 * @param diskUsage        disk usage for retention and disk-full decisions
 * @param flushPolicy      CommitLog flush policy, or null to derive it from {@code flushDiskType}
 * @param keyIndexFactory  key index, or null to find one with ServiceLoader (none found: no index)
 * @param replicationHook  master-side replication acknowledgements
 * @param dispatchListener told about every message that becomes readable
 * @param replica          the store is a slave's copy of its master's CommitLog: it refuses its own appends
 *                         ({@link MessageStore#append}, SERVICE_NOT_AVAILABLE) from the moment it opens, so nothing
 *                         written locally before replication starts can fork the log
 */
public record StoreContext(Clock clock, DiskUsageProbe diskUsage, FlushPolicy flushPolicy,
                           KeyIndexFactory keyIndexFactory, ReplicationHook replicationHook,
                           DispatchListener dispatchListener, boolean replica) {

    /** The system clock and disk, policies from the configuration, no replication. */
    public static StoreContext defaults() {
        return new StoreContext(Clock.systemDefaultZone(), DiskUsageProbe.FILE_SYSTEM, null, null,
                ReplicationHook.NONE, DispatchListener.NONE, false);
    }

    public StoreContext withClock(Clock c) {
        return new StoreContext(c, diskUsage, flushPolicy, keyIndexFactory, replicationHook, dispatchListener, replica);
    }

    public StoreContext withDiskUsage(DiskUsageProbe p) {
        return new StoreContext(clock, p, flushPolicy, keyIndexFactory, replicationHook, dispatchListener, replica);
    }

    public StoreContext withFlushPolicy(FlushPolicy p) {
        return new StoreContext(clock, diskUsage, p, keyIndexFactory, replicationHook, dispatchListener, replica);
    }

    public StoreContext withKeyIndexFactory(KeyIndexFactory f) {
        return new StoreContext(clock, diskUsage, flushPolicy, f, replicationHook, dispatchListener, replica);
    }

    public StoreContext withReplicationHook(ReplicationHook h) {
        return new StoreContext(clock, diskUsage, flushPolicy, keyIndexFactory, h, dispatchListener, replica);
    }

    public StoreContext withDispatchListener(DispatchListener l) {
        return new StoreContext(clock, diskUsage, flushPolicy, keyIndexFactory, replicationHook, l, replica);
    }

    public StoreContext withReplica(boolean r) {
        return new StoreContext(clock, diskUsage, flushPolicy, keyIndexFactory, replicationHook, dispatchListener, r);
    }
}
