package dev.sluice.namesrv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.remoting.json.JsonException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvConfigStoreTest {
    @TempDir
    Path dir;

    @Test
    void settingsSurviveARestartInRocketMqsFileLayout() throws Exception {
        Path file = dir.resolve("sub/kvConfig.json");
        KvConfigStore store = new KvConfigStore(file);
        store.load();
        store.put("ORDER_TOPIC_CONFIG", "T", "broker-a:8");
        store.put("ns", "k", "v \"quoted\"");
        store.delete("ns", "missing");
        assertEquals("{\"configTable\":{\"ORDER_TOPIC_CONFIG\":{\"T\":\"broker-a:8\"},\"ns\":{\"k\":\"v \\\"quoted\\\"\"}}}",
                Files.readString(file));

        KvConfigStore reloaded = new KvConfigStore(file);
        reloaded.load();
        assertEquals(Optional.of("v \"quoted\""), reloaded.get("ns", "k"));
        assertEquals(Optional.of(Map.of("T", "broker-a:8")), reloaded.namespace("ORDER_TOPIC_CONFIG"));
        reloaded.delete("ns", "k");
        assertEquals(Optional.empty(), reloaded.namespace("ns"));
    }

    @Test
    void aCorruptFileStopsLoadingInsteadOfLosingSettings() throws Exception {
        Path file = dir.resolve("kvConfig.json");
        Files.writeString(file, "{\"configTable\":{", StandardCharsets.UTF_8);
        assertThrows(JsonException.class, () -> new KvConfigStore(file).load());
    }

    /** A save that cannot replace the file (a full disk; here a directory is in its way) leaves no temporary file. */
    @Test
    void aFailedSaveLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("kvConfig.json");
        Files.createDirectories(file.resolve("blocking"));
        KvConfigStore store = new KvConfigStore(file);
        assertThrows(UncheckedIOException.class, () -> store.put("ns", "k", "v"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }
}
