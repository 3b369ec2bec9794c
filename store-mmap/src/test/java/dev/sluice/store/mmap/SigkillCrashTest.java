package dev.sluice.store.mmap;

import dev.sluice.store.DecodedMessage;
import dev.sluice.store.ReadResult;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;
import dev.sluice.store.TagFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A child JVM appends under SYNC_FLUSH and is killed with SIGKILL at a random moment, again and again in the
 * same store; after every kill, every message it saw acknowledged must be intact, at its offsets.
 */
class SigkillCrashTest {
    private static final int TRIALS = 24;

    @TempDir
    Path dir;

    record Ack(long physical, String topic, int queue, long queueOffset, byte[] body) {
    }

    @Test
    void acknowledgedMessagesSurviveSigkill() throws Exception {
        Random random = new Random();
        long seed = random.nextLong();
        List<Ack> acked = new ArrayList<>();
        for (int trial = 0; trial < TRIALS; trial++) {
            int ackedBefore = acked.size();
            runAndKill(trial, 1 + random.nextInt(400), acked);
            assertTrue(acked.size() > ackedBefore, "trial " + trial + " acknowledged something (seed " + seed + ")");
            verify(acked, "after trial " + trial);
        }
    }

    private void runAndKill(int trial, int killAfterAcks, List<Ack> acked) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), dir.toString(), String.valueOf(trial + 1))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int seen = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    String[] f = line.split(" ");
                    // END: a line the SIGKILL tore (long bodies print in several writes) is no acknowledgement.
                    if (f.length == 7 && f[6].equals("END")) {
                        acked.add(new Ack(Long.parseLong(f[1]), f[2], Integer.parseInt(f[3]), Long.parseLong(f[4]),
                                HexFormat.of().parseHex(f[5])));
                        seen++;
                    }
                }
                if (seen >= killAfterAcks || System.nanoTime() > deadline) {
                    // kill -9 rather than destroyForcibly(), which would also close our end of the pipe.
                    Process kill = new ProcessBuilder("kill", "-9", String.valueOf(child.pid())).start();
                    assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "SIGKILL sent");
                    break;
                }
            }
            // Acks already printed when the signal landed still count: read what the pipe holds.
            while ((line = in.readLine()) != null) {
                String[] f = line.split(" ");
                if (f.length == 7 && f[0].equals("ACK") && f[6].equals("END")) {
                    acked.add(new Ack(Long.parseLong(f[1]), f[2], Integer.parseInt(f[3]), Long.parseLong(f[4]),
                            HexFormat.of().parseHex(f[5])));
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child exited");
        }
    }

    private void verify(List<Ack> acked, String when) {
        StoreConfig config = StoreConfig.builder().storePathRootDir(dir)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, "65536")
                .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "2000").build();
        try (MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults(), false)) {
            for (Ack a : acked) {
                ByteBuffer record = store.lookup(a.physical()).orElseThrow(
                        () -> new AssertionError(when + ": acknowledged message at " + a.physical() + " is gone"));
                DecodedMessage m = StoreFixture.decode(record);
                assertArrayEquals(a.body(), m.body(), when + ": body at " + a.physical());
                assertTrue(m.crcValid());
                assertEquals(a.topic(), m.topic());
                assertEquals(a.queueOffset(), m.queueOffset());
                try (ReadResult r = store.read(a.topic(), a.queue(), a.queueOffset(), 1, TagFilter.ALL)) {
                    assertEquals(1, r.messages().size(), when + ": queue " + a.topic() + "-" + a.queue() + "@" + a.queueOffset());
                    assertEquals(a.physical(), StoreFixture.decode(r.messages().get(0)).physicalOffset());
                }
            }
        }
    }
}
