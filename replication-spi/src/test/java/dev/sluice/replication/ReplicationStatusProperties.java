package dev.sluice.replication;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lag a master reports for its slaves (GET_BROKER_RUNTIME_INFO's slaveFallBehindBytes). */
class ReplicationStatusProperties {

    @Property
    void aConfirmedOffsetLeavesTheRestBehind(@ForAll @LongRange(min = 0, max = 1L << 40) long local,
                                             @ForAll @LongRange(min = 0, max = 1L << 40) long confirmed,
                                             @ForAll @IntRange(min = 0, max = 3) int replicas) {
        assertEquals(Math.max(0, local - confirmed),
                new ReplicationStatus("SYNC_MASTER", replicas, local, confirmed, "").lagBytes());
    }

    @Property
    void aConnectedSlaveThatConfirmedNothingIsBehindByEverything(
            @ForAll @LongRange(min = 0, max = 1L << 40) long local, @ForAll @IntRange(min = 1, max = 3) int replicas) {
        assertEquals(local, new ReplicationStatus("ASYNC_MASTER", replicas, local, -1, "").lagBytes());
    }

    @Property
    void withoutSlavesThatEverConfirmedNothingIsBehind(@ForAll @LongRange(min = 0, max = 1L << 40) long local) {
        assertEquals(0, new ReplicationStatus("ASYNC_MASTER", 0, local, -1, "").lagBytes());
    }
}
