package dev.sluice.broker.metadata;

import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the broker's JSON metadata files (topics.json, consumerOffset.json, ...). Written the RocketMQ way, so a
 * crash at any moment leaves a whole file: new content goes to {@code <file>.tmp} and is synced, the previous content
 * is kept as {@code <file>.bak}, then the tmp file is renamed over the file. Loading falls back to the .bak copy
 * when the file is missing, empty or not JSON.
 */
public final class JsonFile {
    private static final Logger LOG = LoggerFactory.getLogger(JsonFile.class);

    private final Path file;
    private final Path tmp;
    private final Path bak;

    public JsonFile(Path file) {
        this.file = file;
        this.tmp = file.resolveSibling(file.getFileName() + ".tmp");
        this.bak = file.resolveSibling(file.getFileName() + ".bak");
    }

    public Path path() {
        return file;
    }

    /** The file's JSON object, else the backup's, else empty when neither exists. */
    public Optional<Map<String, Object>> load() throws IOException {
        Optional<Map<String, Object>> main = read(file);
        if (main.isPresent()) {
            return main;
        }
        Optional<Map<String, Object>> backup = read(bak);
        backup.ifPresent(b -> LOG.warn("{} is missing or unreadable; loaded its backup {}", file, bak));
        return backup;
    }

    /**
     * Replaces the content atomically; the text is the caller's JSON. When that fails (a full disk), the tmp file
     * written for it is removed, and the file keeps its content.
     */
    public synchronized void write(String json) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            if (Files.exists(file)) {
                Files.copy(file, bak, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                if (Files.isRegularFile(tmp, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(tmp);
                }
            } catch (IOException notRemoved) {
                e.addSuppressed(notRemoved);
            }
            throw e;
        }
    }

    private static Optional<Map<String, Object>> read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            // What a torn write or a damaged disk leaves: damaged like any other unreadable JSON.
            LOG.warn("{} is not UTF-8 text ({}); ignoring it", path, e.toString());
            return Optional.empty();
        }
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.asObject(Json.parse(text), path.getFileName().toString()));
        } catch (JsonException e) {
            LOG.warn("{} is not valid JSON ({}); ignoring it", path, e.getMessage());
            return Optional.empty();
        }
    }
}
