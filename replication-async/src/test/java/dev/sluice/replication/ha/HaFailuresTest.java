package dev.sluice.replication.ha;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import dev.sluice.testing.Deadline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** The HA ends survive bad input and failed set-up: bad master addresses, a taken HA port. */
class HaFailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** The system clock, counting reads: each HA tick reads it first, so the count shows ticks still run. */
    private static final class CountingClock extends Clock {
        final AtomicLong reads = new AtomicLong();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            reads.incrementAndGet();
            return System.currentTimeMillis();
        }
    }

    private static ReplicationSettings settings(String role, int port, String master, Clock clock) {
        return new ReplicationSettings(role, "127.0.0.1", port, master, 50, 5000, 8 * 1024, 256L << 20, 3000, 100,
                clock);
    }

    private MmapMessageStore store(String name) throws Exception {
        return MmapMessageStore.open(StoreConfig.builder().storePathRootDir(dir.resolve(name))
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, String.valueOf(256 * 1024)).build(),
                StoreContext.defaults());
    }

    @Test
    void aSlaveGivenABadMasterPortKeepsTickingAndConnectsOnceGivenAGoodOne() throws Exception {
        try (MmapMessageStore masterStore = store("master"); MmapMessageStore slaveStore = store("slave")) {
            HaServer server = new HaServer(settings("ASYNC_MASTER", 0, "", Clock.systemUTC()),
                    masterStore.replicationLog(), offset -> { }).start();
            CountingClock clock = new CountingClock();
            for (String bad : new String[] {"127.0.0.1:99999", "127.0.0.1:port"}) {
                HaClient client = new HaClient(settings("SLAVE", 0, bad, clock), slaveStore.replicationLog());
                try {
                    client.start();
                    // The first tick tries the bad address at once; ticks after it show the schedule lives on.
                    long seen = clock.reads.get();
                    Deadline.await("the slave keeps ticking after trying " + bad, WAIT,
                            () -> clock.reads.get() > seen + 5);
                    client.masterAddress("127.0.0.1:" + server.port());
                    Deadline.await("the slave connects to the good address", WAIT, client::connected);
                } finally {
                    client.close();
                }
            }
            server.close();
        }
    }

    @Test
    void aMasterWhoseHaPortIsTakenReleasesItsThreads() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            HaServer server = new HaServer(settings("ASYNC_MASTER", taken.getLocalPort(), "", Clock.systemUTC()),
                    null, offset -> { });
            Exception e = assertThrows(Exception.class, server::start);
            assertTrue(e instanceof java.net.BindException, e.toString());
            assertTrue(server.terminated(), "the HA event loop groups were shut down");
        }
    }
}
