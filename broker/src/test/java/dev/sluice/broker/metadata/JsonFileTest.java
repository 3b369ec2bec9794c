package dev.sluice.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFileTest {
    @TempDir
    Path dir;

    /**
     * A write that fails after its tmp file was written (a full disk; here the backup copy cannot replace a directory)
     * leaves the file as it was and removes the tmp file, which a restart on a full disk used to leave behind.
     */
    @Test
    void aFailedWriteKeepsTheFileAndRemovesItsTmpFile() throws Exception {
        JsonFile json = new JsonFile(dir.resolve("topics.json"));
        json.write("{\"n\":1}");
        Files.createDirectories(dir.resolve("topics.json.bak").resolve("blocking"));

        assertThrows(IOException.class, () -> json.write("{\"n\":2}"));

        assertFalse(Files.exists(dir.resolve("topics.json.tmp")), "tmp file left behind");
        assertEquals(Map.of("n", 1L), json.load().orElseThrow());
    }

    /** A file damaged into bytes that are not UTF-8 is read like any other damaged file: from its backup. */
    @Test
    void aFileThatIsNotUtf8IsReadFromItsBackup() throws Exception {
        JsonFile json = new JsonFile(dir.resolve("consumerOffset.json"));
        json.write("{\"n\":1}");
        json.write("{\"n\":2}");
        Files.write(dir.resolve("consumerOffset.json"), new byte[] {(byte) 0xff, (byte) 0xfe, '{', (byte) 0xc3});

        assertEquals(Map.of("n", 1L), json.load().orElseThrow());
    }

    /**
     * Both copies damaged: starting without what they held would lose it (topics, offsets), so loading fails, naming
     * both, as RocketMQ's broker refuses to start. A damaged file without a backup starts empty, as RocketMQ's does.
     */
    @Test
    void aDamagedFileWhoseBackupIsDamagedTooIsRefused() throws Exception {
        JsonFile json = new JsonFile(dir.resolve("topics.json"));
        Files.writeString(dir.resolve("topics.json"), "{\"topicConfigTable\":");
        assertEquals(java.util.Optional.empty(), json.load(), "no backup: nothing to load");

        Files.write(dir.resolve("topics.json.bak"), new byte[] {(byte) 0xff, 1, 2});
        IOException refused = assertThrows(IOException.class, json::load);
        assertTrue(refused.getMessage().contains("topics.json is not valid JSON")
                && refused.getMessage().contains("topics.json.bak is not UTF-8"), refused.getMessage());

        Files.delete(dir.resolve("topics.json"));
        refused = assertThrows(IOException.class, json::load);
        assertTrue(refused.getMessage().contains("topics.json is missing or empty"), refused.getMessage());
    }
}
