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

    /**
     * The file's JSON object, else the backup's, else empty when neither holds anything (missing or empty), as
     * RocketMQ loads its config files.
     *
     * @throws IOException when the file holds nothing readable and its backup holds something unreadable: starting
     *                     without what they held (topics, offsets) would lose it, so the broker refuses, as RocketMQ's
     */
    public Optional<Map<String, Object>> load() throws IOException {
        String damaged = null;
        try {
            Optional<Map<String, Object>> main = read(file);
            if (main.isPresent()) {
                return main;
            }
        } catch (Unreadable e) {
            damaged = e.getMessage();
        }
        Optional<Map<String, Object>> backup;
        try {
            backup = read(bak);
        } catch (Unreadable e) {
            throw new IOException(file + (damaged == null ? " is missing or empty" : " " + damaged) + ", and its "
                    + "backup " + bak + " " + e.getMessage() + ": repair or remove them (the broker would start without "
                    + "what they held)");
        }
        if (backup.isPresent()) {
            LOG.warn("{} {}; loaded its backup {}", file, damaged == null ? "is missing or empty" : damaged, bak);
        } else if (damaged != null) {
            LOG.error("{} {} and has no backup: starting without what it held", file, damaged);
        }
        return backup;
    }

    /** A file that holds something, but not a JSON object this can read (a torn write, a damaged disk). */
    private static final class Unreadable extends Exception {
        Unreadable(String why) {
            super(why, null, false, false);
        }
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

    /** @return empty when the file is missing or holds only blanks */
    private static Optional<Map<String, Object>> read(Path path) throws IOException, Unreadable {
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new Unreadable("is not UTF-8 text (" + e + ")");
        }
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.asObject(Json.parse(text), path.getFileName().toString()));
        } catch (JsonException e) {
            throw new Unreadable("is not valid JSON (" + e.getMessage() + ")");
        }
    }
}
