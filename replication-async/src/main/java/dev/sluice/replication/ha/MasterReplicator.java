package dev.sluice.replication.ha;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.replication.ReplicationStatus;
import dev.sluice.replication.Replicator;
import dev.sluice.store.ReplicationLog;
import dev.sluice.store.spi.ReplicationHook;

import java.util.concurrent.CompletableFuture;

/**
 * A master: serves slaves on the HA port. Acknowledges according to its {@link AckPolicy}: at once for
 * ASYNC_MASTER, after the slave's confirmation for SYNC_MASTER (replication-sync).
 */
public class MasterReplicator implements Replicator {

    /** When a send may be acknowledged, given the HA server's progress. */
    public interface AckPolicy extends AutoCloseable {
        /** ASYNC_MASTER: never waits. */
        AckPolicy IMMEDIATE = new AckPolicy() {
            @Override
            public CompletableFuture<dev.sluice.store.AppendStatus> onAppended(HaServer server, long endOffset, boolean wait) {
                return ReplicationHook.NONE.onAppended(endOffset, wait);
            }

            @Override
            public void acked(long offset) {
            }

            @Override
            public void close() {
            }
        };

        CompletableFuture<dev.sluice.store.AppendStatus> onAppended(HaServer server, long endOffset, boolean wait);

        /** A slave confirmed everything below {@code offset}. Called on the HA thread. */
        void acked(long offset);

        @Override
        void close();
    }

    private final ReplicationSettings settings;
    private final AckPolicy policy;
    private volatile HaServer server;
    private volatile ReplicationLog log;
    private volatile RecordCounter counter;
    private final ReplicationHook hook;

    public MasterReplicator(ReplicationSettings settings, AckPolicy policy) {
        this.settings = settings;
        this.policy = policy;
        this.hook = (endOffset, wait) -> {
            HaServer s = server;
            if (s == null) {
                return ReplicationHook.NONE.onAppended(endOffset, wait);
            }
            s.appended(endOffset);
            return policy.onAppended(s, endOffset, wait);
        };
    }

    @Override
    public ReplicationHook hook() {
        return hook;
    }

    @Override
    public void start(ReplicationLog log) throws Exception {
        this.log = log;
        this.counter = new RecordCounter(log);
        this.server = new HaServer(settings, log, policy::acked).start();
    }

    /** The bound HA port (differs from the setting when that was 0). */
    @Override
    public int haPort() {
        HaServer s = server;
        return s == null ? 0 : s.port();
    }

    @Override
    public ReplicationStatus status() {
        HaServer s = server;
        ReplicationLog l = log;
        if (s == null || l == null) {
            return new ReplicationStatus(settings.brokerRole(), 0, 0, -1, "");
        }
        long acked = s.ackedOffset();
        long written = l.writtenOffset();
        return new ReplicationStatus(settings.brokerRole(), s.connectedSlaves(), written, acked,
                String.join(",", s.slaveAddresses()));
    }

    /** Messages the furthest slave lacks (0 when no slave ever confirmed anything). */
    @Override
    public long lagMessages() {
        ReplicationStatus status = status();
        RecordCounter c = counter;
        return c == null || status.replicaOffset() < 0 ? 0 : c.between(status.replicaOffset(), status.localOffset());
    }

    @Override
    public void close() {
        policy.close();
        HaServer s = server;
        if (s != null) {
            s.close();
        }
    }
}
