package dev.sluice.namesrv;

import dev.sluice.remoting.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Namespaced key/value settings (e.g. ORDER_TOPIC_CONFIG), kept in memory and saved to one JSON file
 * ({@code {"configTable":{namespace:{key:value}}}}, the layout RocketMQ's name server uses) after every change.
 */
final class KvConfigStore {
    private static final Logger LOG = LoggerFactory.getLogger(KvConfigStore.class);

    private final Path file;
    private final Map<String, Map<String, String>> table = new TreeMap<>();

    KvConfigStore(Path file) {
        this.file = file;
    }

    /** Reads the file if it exists; a file that cannot be read stops the start-up rather than losing settings. */
    synchronized void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        Map<String, Object> root = Json.parseObject(Files.readAllBytes(file));
        Object configTable = root.get("configTable");
        if (configTable == null) {
            return;
        }
        Json.asObject(configTable, "configTable").forEach((namespace, entries) -> {
            Map<String, String> values = new TreeMap<>();
            Json.asObject(entries, "namespace " + namespace).forEach((key, value) -> values.put(key, Json.asString(value, key)));
            table.put(namespace, values);
        });
        LOG.info("loaded {} KV config namespaces from {}", table.size(), file);
    }

    synchronized void put(String namespace, String key, String value) {
        table.computeIfAbsent(namespace, n -> new TreeMap<>()).put(key, value);
        save();
    }

    synchronized Optional<String> get(String namespace, String key) {
        return Optional.ofNullable(table.getOrDefault(namespace, Map.of()).get(key));
    }

    synchronized void delete(String namespace, String key) {
        Map<String, String> values = table.get(namespace);
        if (values != null && values.remove(key) != null) {
            if (values.isEmpty()) {
                table.remove(namespace);
            }
            save();
        }
    }

    synchronized Optional<Map<String, String>> namespace(String namespace) {
        Map<String, String> values = table.get(namespace);
        return values == null ? Optional.empty() : Optional.of(Map.copyOf(values));
    }

    /** Written to a temporary file first so a crash mid-write never leaves a truncated file behind. */
    private void save() {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try {
                Files.write(temporary, Json.write(Map.of("configTable", table)).getBytes(StandardCharsets.UTF_8));
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary); // only when the move failed: each save's name is new
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not save KV config to " + file, e);
        }
    }
}
