package dev.sluice.replication.ha;

import dev.sluice.replication.ReplicationSettings;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.mmap.MmapMessageStore;
import dev.sluice.testing.CapturedLog;
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
import java.util.List;
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
    void aSlaveBelowTheMastersOldestFileIsDisconnected() throws Exception {
        try (MmapMessageStore origin = store("origin"); MmapMessageStore master = store("master")) {
            for (int i = 0; i < 300; i++) {
                origin.append(dev.sluice.store.AppendRequest.of("T", 0, new byte[2000], null, 1)).join();
            }
            // The master holds only the origin's last file, as after retention removed the older ones.
            long lastFile = origin.replicationLog().writtenOffset() / (256 * 1024) * (256 * 1024);
            assertTrue(lastFile > 0);
            try (dev.sluice.store.CommitLogSlice slice = origin.replicationLog().read(lastFile, 1000)) {
                master.replicationLog().append(lastFile, slice.buffer());
            }
            assertEquals(lastFile, master.replicationLog().minOffset());
            // Housekeeping longer than the wait: a close can only come from the offset check, not from silence.
            ReplicationSettings patient = new ReplicationSettings("ASYNC_MASTER", "127.0.0.1", 0, "", 50,
                    10 * WAIT.toMillis(), 8 * 1024, 256L << 20, 3000, 100, Clock.systemUTC());
            HaServer server = new HaServer(patient, master.replicationLog(), offset -> { }).start();
            try (CapturedLog log = new CapturedLog()) {
                // Without the check the master would send heartbeats forever; it closes the connection instead.
                assertRefused(server, 100);
                // The slave reconnects every second: the master says why once, not each time.
                assertRefused(server, 100);
                List<String> logged = log.text().lines().filter(l -> l.contains("SlaveConnection")).toList();
                assertEquals(1, logged.size(), String.join("\n", logged));
                assertTrue(logged.get(0).contains("ERROR") && logged.get(0).contains("retains only from"),
                        logged.get(0));
            } finally {
                server.close();
            }
        }
    }

    /**
     * A slave whose log forked from the master's (the master's store replaced, or cut back by a crash) holds bytes
     * this master never had. Refused while its offset is past the master's end, it must stay refused once the
     * master's log grows past that offset: shipping from there spliced the master's bytes onto the slave's,
     * mid-record. A slave resuming mid-record in what the master held or shipped (after a cut connection) is served.
     */
    @Test
    void aSlaveWithBytesThisMasterNeverHadStaysRefusedWhenTheLogGrowsPastIt() throws Exception {
        try (MmapMessageStore master = store("master")) {
            long second = append(master);
            append(master);
            ReplicationSettings patient = new ReplicationSettings("ASYNC_MASTER", "127.0.0.1", 0, "", 50,
                    10 * WAIT.toMillis(), 8 * 1024, 256L << 20, 3000, 100, Clock.systemUTC());
            HaServer server = new HaServer(patient, master.replicationLog(), offset -> { }).start();
            try {
                long endAtStart = master.replicationLog().writtenOffset();
                assertServedFrom(server, second + 100);
                assertRefused(server, endAtStart + 500);
                while (master.replicationLog().writtenOffset() < endAtStart + 5000) {
                    append(master);
                }
                assertRefused(server, endAtStart + 500);
                assertRefused(server, endAtStart + 700);
                assertServedFrom(server, endAtStart);
            } finally {
                server.close();
            }
        }
    }

    /** The refused slave counts connections closed unanswered, which makes it warn; its log is left alone. */
    @Test
    void aRefusedSlaveSeesItsConnectionsClosedUnansweredAndKeepsItsLog() throws Exception {
        try (MmapMessageStore origin = store("origin"); MmapMessageStore master = store("master");
                MmapMessageStore slaveStore = store("slave")) {
            copyFiveRecords(origin, slaveStore);
            append(master);
            long slaveEnd = slaveStore.replicationLog().writtenOffset();
            HaServer server = new HaServer(settings("ASYNC_MASTER", 0, "", Clock.systemUTC()),
                    master.replicationLog(), offset -> { }).start();
            try (CapturedLog log = new CapturedLog()) {
                HaClient client = new HaClient(settings("SLAVE", 0, "127.0.0.1:" + server.port(), Clock.systemUTC()),
                        slaveStore.replicationLog()).start();
                try {
                    Deadline.await("the slave counts refused connections", WAIT,
                            () -> client.connectionsClosedUnheard() >= 3);
                    assertEquals(slaveEnd, slaveStore.replicationLog().writtenOffset(), "nothing was shipped to it");
                } finally {
                    client.close();
                    server.close();
                }
                // The master says so once, not with two lines for each of the slave's attempts (one a second).
                List<String> logged = log.text().lines().filter(l -> l.contains("HaServer")
                        || l.contains("SlaveConnection")).filter(l -> !l.contains("HA service listening")).toList();
                assertEquals(1, logged.size(), String.join("\n", logged));
                assertTrue(logged.get(0).contains("ERROR") && logged.get(0).contains("diverged"), logged.get(0));
            }
        }
    }

    /**
     * A master that lost the slave's last records in a crash, wrote others and restarted holds more than the slave
     * at its start, so it serves the slave from its end, mid-record in its own new bytes. The slave refuses those
     * bytes, keeps its records, never confirms past them (a SYNC_MASTER would count it in sync), and says why once
     * although it reconnects again and again.
     */
    @Test
    void aSlaveRefusesAMastersBytesThatDoNotContinueItsRecords() throws Exception {
        try (MmapMessageStore origin = store("origin"); MmapMessageStore master = store("master");
                MmapMessageStore slaveStore = store("slave")) {
            copyFiveRecords(origin, slaveStore);
            long slaveEnd = slaveStore.replicationLog().writtenOffset();
            while (master.replicationLog().writtenOffset() < slaveEnd + 10_000) {
                master.append(dev.sluice.store.AppendRequest.of("T", 0, new byte[1500], null, 1)).join();
            }
            AtomicLong confirmed = new AtomicLong(-1);
            HaServer server = new HaServer(settings("ASYNC_MASTER", 0, "", Clock.systemUTC()),
                    master.replicationLog(), offset -> confirmed.accumulateAndGet(offset, Math::max)).start();
            try (CapturedLog log = new CapturedLog()) {
                HaClient client = new HaClient(settings("SLAVE", 0, "127.0.0.1:" + server.port(), Clock.systemUTC()),
                        slaveStore.replicationLog()).start();
                try {
                    Deadline.await("the slave has come back for the master's bytes three times", WAIT,
                            () -> log.text().lines().filter(l -> l.contains("shipping from")).count() >= 3);
                } finally {
                    client.close();
                    server.close();
                }
                // Once it stopped: while a transfer is being checked, the log's end counts its bytes for a moment.
                assertEquals(slaveEnd, slaveStore.replicationLog().writtenOffset());
                assertEquals(slaveEnd, confirmed.get(), "what the master heard from the slave");
                List<String> errors = log.text().lines().filter(l -> l.contains("HaClient") && l.contains("ERROR"))
                        .toList();
                assertEquals(1, errors.size(), String.join("\n", errors));
                assertTrue(errors.get(0).contains("diverged"), errors.get(0));
                // Nor does each new attempt say it connected and was closed: only the first one does.
                List<String> chatter = log.text().lines().filter(l -> l.contains("HaClient") && l.contains("INFO"))
                        .toList();
                assertTrue(chatter.size() <= 2, String.join("\n", chatter));
            }
        }
    }

    /** A slave holding five records of a log its master does not have. */
    private static void copyFiveRecords(MmapMessageStore origin, MmapMessageStore slave) {
        for (int i = 0; i < 5; i++) {
            append(origin);
        }
        try (dev.sluice.store.CommitLogSlice slice = origin.replicationLog().read(0, 256 * 1024)) {
            slave.replicationLog().append(0, slice.buffer());
        }
    }

    /** @return where the next record will start */
    private static long append(MmapMessageStore store) {
        return store.append(dev.sluice.store.AppendRequest.of("T", 0, new byte[2000], null, 1)).join().endOffset();
    }

    private static void assertRefused(HaServer server, long offset) throws Exception {
        try (java.net.Socket slave = report(server, offset)) {
            byte[] buf = new byte[4096];
            Deadline.await("the master closes the connection of a slave at " + offset, WAIT,
                    () -> slave.getInputStream().read(buf) < 0);
        }
    }

    private static void assertServedFrom(HaServer server, long offset) throws Exception {
        try (java.net.Socket slave = report(server, offset)) {
            java.io.DataInputStream in = new java.io.DataInputStream(slave.getInputStream());
            assertEquals(offset, in.readLong(), "the transfer starts where the slave stands");
            assertTrue(in.readInt() > 0, "and carries the bytes after it");
        }
    }

    /** A raw slave connection that has reported {@code offset}. */
    private static java.net.Socket report(HaServer server, long offset) throws java.io.IOException {
        java.net.Socket slave = new java.net.Socket("127.0.0.1", server.port());
        slave.setSoTimeout((int) WAIT.toMillis());
        slave.getOutputStream().write(java.nio.ByteBuffer.allocate(8).putLong(offset).array());
        slave.getOutputStream().flush();
        return slave;
    }

    @Test
    void aMasterWhoseHaPortIsTakenReleasesItsThreads() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                MmapMessageStore master = store("master")) {
            HaServer server = new HaServer(settings("ASYNC_MASTER", taken.getLocalPort(), "", Clock.systemUTC()),
                    master.replicationLog(), offset -> { });
            Exception e = assertThrows(IllegalStateException.class, server::start);
            assertTrue(e.getCause() instanceof java.net.BindException, e.toString());
            assertTrue(e.getMessage().contains("HA port " + taken.getLocalPort() + " (haListenPort)"), e.getMessage());
            assertTrue(server.terminated(), "the HA event loop groups were shut down");
        }
    }
}
