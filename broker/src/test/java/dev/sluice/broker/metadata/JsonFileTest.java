package dev.sluice.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
