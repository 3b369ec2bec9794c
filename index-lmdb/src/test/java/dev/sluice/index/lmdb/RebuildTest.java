package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;
import dev.sluice.store.spi.KeyIndex;
import dev.sluice.testing.CapturedLog;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An index that is gone or cannot be trusted opens empty at applied offset 0, says so, and works again. */
class RebuildTest {
    @TempDir
    Path root;
    Path indexDir;
    Path envDir;

    @BeforeEach
    void indexSomething() {
        indexDir = root.resolve("index");
        envDir = indexDir.resolve(LmdbKeyIndex.ENV_DIR);
        try (KeyIndex index = TestIndexes.open(indexDir, 64 << 20, TestIndexes.RUN_PER_PUT)) {
            index.apply(batch(0, 500));
            index.apply(batch(500, 1000));
            assertEquals(1000, index.appliedOffset());
        }
    }

    @Test
    void deletedDirectoryStartsEmpty() {
        TestIndexes.deleteRecursively(envDir);
        assertRebuilt("No key index in " + envDir);
    }

    /** Overwrites data.mdb from its start: whole file, its meta pages only, a short or an empty file. */
    @ParameterizedTest
    @ValueSource(ints = {-1, 8192, 10, 0})
    void garbageDataFileIsRebuilt(int garbageBytes) throws IOException {
        Path data = envDir.resolve("data.mdb");
        int length = garbageBytes < 0 ? (int) Files.size(data) : garbageBytes;
        byte[] garbage = new byte[length];
        new Random(length).nextBytes(garbage);
        try (FileChannel file = FileChannel.open(data, StandardOpenOption.WRITE)) {
            if (garbageBytes <= 10) {
                file.truncate(0);
            }
            file.write(ByteBuffer.wrap(garbage), 0);
        }
        assertRebuilt(garbageBytes == 0 ? "No key index in " + envDir : "Key index in " + envDir + " is corrupt");
    }

    @Test
    void indexLeftOpenByAnEarlierBootIsRebuilt() throws IOException {
        Files.writeString(envDir.resolve("open-since-boot"), "a-boot-that-is-over");
        assertRebuilt("left open by an earlier boot");
    }

    /** An index from before entries were keyed by hash: its entries could not be found, so it starts over. */
    @Test
    void indexOfAnEarlierFormatIsRebuilt() {
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(3).open(envDir.toFile())) {
            Dbi<ByteBuffer> meta = env.openDbi("meta");
            meta.put(direct("format".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                    direct(ByteBuffer.allocate(8).putLong(LmdbKeyIndex.FORMAT - 1).array()));
        }
        assertRebuilt("has format " + (LmdbKeyIndex.FORMAT - 1) + ", this version writes format "
                + LmdbKeyIndex.FORMAT);
    }

    /** A run descriptor in another layout (here one word short, as before runs carried Bloom filters). */
    @Test
    void runDescriptorOfAnotherLayoutIsRebuilt() {
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(5).open(envDir.toFile())) {
            Dbi<ByteBuffer> runs = env.openDbi("runs");
            List<byte[][]> shortened = new java.util.ArrayList<>();
            try (org.lmdbjava.Txn<ByteBuffer> txn = env.txnRead();
                 org.lmdbjava.CursorIterable<ByteBuffer> all = runs.iterate(txn)) {
                for (org.lmdbjava.CursorIterable.KeyVal<ByteBuffer> kv : all) {
                    byte[] key = new byte[kv.key().remaining()];
                    kv.key().duplicate().get(key);
                    byte[] value = new byte[kv.val().remaining() - 8];
                    kv.val().duplicate().get(value);
                    shortened.add(new byte[][] {key, value});
                }
            }
            assertFalse(shortened.isEmpty(), "the index holds a run");
            for (byte[][] kv : shortened) {
                runs.put(direct(kv[0]), direct(kv[1]));
            }
        }
        assertRebuilt("Key index in " + envDir + " is corrupt");
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    private void assertRebuilt(String expectedLog) {
        String log;
        try (CapturedLog captured = new CapturedLog(); KeyIndex index = TestIndexes.open(indexDir, 1 << 20)) {
            log = captured.text();
            assertEquals(0, index.appliedOffset());
            assertEquals(List.of(), index.query("t", "k", 10, 0, Long.MAX_VALUE));
            index.apply(batch(0, 500));
            assertEquals(List.of(0L), index.query("t", "k", 10, 0, Long.MAX_VALUE));
        }
        assertTrue(log.contains(expectedLog), () -> "log lacks '" + expectedLog + "': " + log);
        assertFalse(Files.exists(envDir.resolve("open-since-boot")), "closed cleanly");
        try (KeyIndex index = TestIndexes.open(indexDir, 1 << 20)) {
            assertEquals(500, index.appliedOffset(), "the rebuilt index persists");
        }
    }

    private static IndexBatch batch(long offset, long end) {
        IndexBatch batch = new IndexBatch();
        batch.add("t", "k", 1_000, offset);
        batch.endOffset(end);
        return batch;
    }
}
