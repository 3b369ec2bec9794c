package dev.sluice.client.consumer;

import dev.sluice.client.MessageQueue;
import dev.sluice.remoting.json.Json;
import dev.sluice.remoting.json.JsonException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A broadcasting consumer's offsets, in a JSON file of its own ({@code {"offsets":{"topic@broker@queueId":n}}}),
 * replaced atomically on every persist so a crash leaves the old or the new file, never half of one.
 */
final class FileOffsetStore implements OffsetStore {
    private final Path file;
    private final Map<MessageQueue, Long> offsets = new ConcurrentHashMap<>();

    FileOffsetStore(Path file) {
        this.file = file;
        load();
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            Map<String, Object> root = Json.parseObject(Files.readAllBytes(file));
            Map<String, Object> table = Json.asObject(root.get("offsets"), "offsets");
            for (Map.Entry<String, Object> e : table.entrySet()) {
                String[] parts = e.getKey().split("@");
                if (parts.length != 3) {
                    throw new JsonException("offset key is not topic@broker@queueId");
                }
                offsets.put(new MessageQueue(parts[0], parts[1], Integer.parseInt(parts[2])), Json.asLong(e.getValue(), "offset"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the offset file " + file, e);
        } catch (JsonException | NumberFormatException e) {
            throw new IllegalStateException("the offset file " + file + " is corrupt: " + e.getMessage(), e);
        }
    }

    @Override
    public long read(MessageQueue queue) {
        return offsets.getOrDefault(queue, -1L);
    }

    @Override
    public void update(MessageQueue queue, long offset) {
        offsets.put(queue, offset);
    }

    @Override
    public synchronized void persist(Collection<MessageQueue> queues) {
        Map<String, Object> table = new TreeMap<>();
        offsets.forEach((q, offset) -> table.put(q.topic() + "@" + q.brokerName() + "@" + q.queueId(), offset));
        byte[] text = Json.writeStandard(Map.of("offsets", table)).getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            // Forced before the rename, so a power loss leaves the old file or the new one, never an empty one.
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(text);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the offset file " + file, e);
        }
    }

    @Override
    public void forget(MessageQueue queue) {
        // a broadcasting consumer keeps every queue's offset: queues come back when routes change back
    }
}
