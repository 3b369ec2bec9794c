package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;
import dev.sluice.store.spi.KeyIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A child JVM applies scripted batches as fast as it can and is killed with SIGKILL at a random moment, three
 * times over the same index. After each kill the index's applied offset is a batch end, it answers exactly what
 * the script's batches up to that offset say, and once the batches from there to the last one the child
 * reported are dispatched again (as the store does from its CommitLog) it answers what those say. The killed
 * children leave no copy of LMDB's native library in their temp directory ({@link NativeCopy}).
 */
class CrashRecoveryTest {
    private static final long SEED = System.nanoTime();
    /** Small, so that the map grows while the child runs and may be killed doing so. */
    private static final long CHILD_MAP = 256 << 10;

    @TempDir
    Path root;

    @Test
    void killedMidBatchRecoversToTheLastCommittedBatch() throws Exception {
        Path indexDir = root.resolve("index");
        Random random = new Random(SEED);
        long applied = 0;
        for (int round = 0; round < 3; round++) {
            long lastReported = runChildAndKill(indexDir, applied, 5 + random.nextInt(60), random.nextInt(40));
            String context = "seed " + SEED + ", round " + round;
            TestIndexes.TestLog log = new TestIndexes.TestLog();
            long end;
            try (KeyIndex index = TestIndexes.open(indexDir, CHILD_MAP, TestIndexes.CHILD_RUNS, log)) {
                long durable = index.appliedOffset();
                // The child may have applied a batch it was killed before reporting.
                end = Math.max(durable, lastReported);
                recordScript(log, end);
                assertAgreesWithScript(index, durable, context);
                redispatch(index, durable, end);
                assertAgreesWithScript(index, end, context + ", re-dispatched");
            }
            try (KeyIndex index = TestIndexes.open(indexDir, CHILD_MAP, TestIndexes.CHILD_RUNS, log)) {
                applied = index.appliedOffset();
                assertEquals(end, applied, context + ": a closed index holds everything it was given");
            }
        }
        assertEquals(List.of(), copiesOfTheLibrary(root.resolve("child-tmp")), "left in the children's temp directory");
        assertTrue(copiesOfTheLibrary(indexDir.resolve(NativeCopy.DIR)).size() <= 1,
                "each start removes the copies killed processes left in the index directory");
    }

    private static List<Path> copiesOfTheLibrary(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(NativeCopy.PREFIX)).toList();
        }
    }

    /** @return the last end offset the child printed */
    private long runChildAndKill(Path indexDir, long expectedStart, int batches, int extraMillis) throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Path stderr = root.resolve("child-stderr.txt");
        Path tmp = Files.createDirectories(root.resolve("child-tmp"));
        Process child = new ProcessBuilder(javaBin.toString(), "-Xmx256m", "-Djava.io.tmpdir=" + tmp,
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                indexDir.toString(), Long.toString(SEED), Long.toString(CHILD_MAP))
                .redirectError(stderr.toFile())
                .start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("reader failed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        long lastReported = -1;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String first = lines.poll(60, TimeUnit.SECONDS);
            assertEquals("ready " + expectedStart, first, () -> "child did not resume at the applied offset; "
                    + "stderr: " + read(stderr));
            for (int seen = 0; seen < batches; ) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("child reported " + seen + " of " + batches + " batches in 60 s; stderr: " + read(stderr));
                }
                lastReported = parse(line);
                seen++;
            }
            // The child runs on between reports; a few ms more moves the kill to an arbitrary point of a batch.
            long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(extraMillis);
            while (System.nanoTime() < killAt) {
                Thread.onSpinWait();
            }
        } finally {
            // SIGKILL through the handle: Process.destroyForcibly also closes our end of the pipe, losing lines
            // the child printed before it died.
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(!reader.isAlive(), "child's stdout did not close");
        for (String line : lines) {
            lastReported = parse(line);
        }
        assertEquals(137, child.exitValue(), "child was not killed by SIGKILL; stderr: " + read(stderr));
        return lastReported;
    }

    /** The CommitLog the child wrote up to {@code end}: the script's batches. */
    private static void recordScript(TestIndexes.TestLog log, long end) {
        CrashScript script = new CrashScript(SEED);
        long start = 0;
        for (int number = 0; start < end; number++) {
            IndexBatch batch = script.batch(number, start);
            log.record(batch);
            start = batch.endOffset();
        }
    }

    private static void redispatch(KeyIndex index, long from, long to) {
        CrashScript script = new CrashScript(SEED);
        long start = 0;
        for (int number = 0; start < to; number++) {
            IndexBatch batch = script.batch(number, start);
            if (batch.endOffset() > from) {
                index.apply(batch);
            }
            start = batch.endOffset();
        }
    }

    private static long parse(String line) {
        if (!line.startsWith("applied ")) {
            throw new AssertionError("unexpected child output: " + line);
        }
        return Long.parseLong(line.substring("applied ".length()));
    }

    private static void assertAgreesWithScript(KeyIndex index, long applied, String context) {
        CrashScript script = new CrashScript(SEED);
        IndexModel model = new IndexModel();
        List<String> uniqKeys = new ArrayList<>();
        long start = 0;
        for (int number = 0; start < applied; number++) {
            IndexBatch batch = script.batch(number, start);
            model.apply(batch);
            start = batch.endOffset();
            uniqKeys.add(CrashScript.uniqKey(number, 0));
        }
        assertEquals(applied, start, context + ": applied offset is not the end of a batch");
        // One past the last batch: its entries must be absent even if the child was killed committing it.
        uniqKeys.add(CrashScript.uniqKey(uniqKeys.size(), 0));
        for (String topic : CrashScript.TOPICS) {
            for (int k = 0; k < CrashScript.KEY_SPACE; k++) {
                assertQuery(index, model, topic, "key-" + k, context);
            }
            for (String uniq : uniqKeys) {
                assertQuery(index, model, topic, uniq, context);
            }
        }
    }

    private static void assertQuery(KeyIndex index, IndexModel model, String topic, String key, String context) {
        assertEquals(model.query(topic, key, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE),
                index.query(topic, key, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE),
                () -> context + ": " + topic + "/" + key);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
