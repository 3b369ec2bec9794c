package dev.sluice.store.mmap;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.StoreConfig;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Shared helpers for store tests: small files, message building. */
final class StoreFixture {
    private StoreFixture() {
    }

    /** A config with small files so tests roll and retain many of them. */
    static StoreConfig.Builder smallConfig(Path root) {
        return StoreConfig.builder()
                .storePathRootDir(root)
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, "16384")
                .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "400")
                .set(StoreConfig.MAX_MESSAGE_SIZE, "4096")
                .set(StoreConfig.DELETE_COMMIT_LOG_FILES_INTERVAL, "0")
                .set(StoreConfig.DELETE_CONSUME_QUEUE_FILES_INTERVAL, "0")
                .set(StoreConfig.FLUSH_INTERVAL_COMMIT_LOG, "5")
                .set(StoreConfig.FLUSH_INTERVAL_CONSUME_QUEUE, "5");
    }

    static AppendRequest message(String topic, int queueId, byte[] body, String tags, String keys, String uniq) {
        StringBuilder props = new StringBuilder();
        if (tags != null) {
            props.append(MessageProperties.TAGS).append('\u0001').append(tags);
        }
        if (keys != null) {
            props.append(props.isEmpty() ? "" : "\u0002").append(MessageProperties.KEYS).append('\u0001').append(keys);
        }
        if (uniq != null) {
            props.append(props.isEmpty() ? "" : "\u0002").append(MessageProperties.UNIQ_KEY).append('\u0001').append(uniq);
        }
        return AppendRequest.of(topic, queueId, body, props.toString(), 1_700_000_000_000L);
    }

    static DecodedMessage decode(ByteBuffer record) {
        return MessageCodec.decode(record, record.position());
    }

    /** Deletes a test's directory tree; jqwik tries have no @TempDir. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
