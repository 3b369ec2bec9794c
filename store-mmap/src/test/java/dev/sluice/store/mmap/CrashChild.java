package dev.sluice.store.mmap;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendStatus;
import dev.sluice.store.StoreConfig;
import dev.sluice.store.StoreContext;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child process of {@link SigkillCrashTest}: appends under SYNC_FLUSH from several threads until killed, and
 * prints one line per acknowledged message: {@code ACK <physical> <topic> <queueId> <queueOffset> <bodyHex>}.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        StoreConfig config = StoreConfig.builder().storePathRootDir(root)
                .set(StoreConfig.FLUSH_DISK_TYPE, "SYNC_FLUSH")
                .set(StoreConfig.WARM_MAPED_FILE_ENABLE, String.valueOf(seed % 2 == 0))
                .set(StoreConfig.MAPPED_FILE_SIZE_COMMIT_LOG, "65536")
                .set(StoreConfig.MAPPED_FILE_SIZE_CONSUME_QUEUE, "2000")
                .set(StoreConfig.DISK_MAX_USED_SPACE_RATIO, "95")
                .set(StoreConfig.DISK_SPACE_WARNING_LEVEL_RATIO, "1.0")
                .set(StoreConfig.DISK_SPACE_CLEAN_FORCIBLY_RATIO, "1.0")
                .set(StoreConfig.CLEAN_FILE_FORCIBLY_ENABLE, "false")
                .build();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        MmapMessageStore store = MmapMessageStore.open(config, StoreContext.defaults());
        out.println("READY");
        AtomicLong counter = new AtomicLong(seed << 20);
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                Random random = new Random(seed * 31 + thread);
                while (true) {
                    long n = counter.getAndIncrement();
                    // Some span a page or more: the CommitLog writes those through its channel, not the mapping.
                    byte[] body = new byte[random.nextInt(8) == 0 ? 4096 + random.nextInt(2048) : 8 + random.nextInt(600)];
                    random.nextBytes(body);
                    java.nio.ByteBuffer.wrap(body).putLong(0, n);
                    String topic = "T" + random.nextInt(3);
                    int queue = random.nextInt(4);
                    AppendRequest m = AppendRequest.of(topic, queue, body, "KEYS\u0001k" + n, System.currentTimeMillis());
                    var r = store.append(m).join();
                    if (r.status() == AppendStatus.PUT_OK) {
                        synchronized (out) {
                            out.println("ACK " + r.commitLogOffset() + " " + topic + " " + queue + " " + r.queueOffset()
                                    + " " + java.util.HexFormat.of().formatHex(body) + " END");
                        }
                    }
                }
            });
            writer.setDaemon(false);
            writer.start();
        }
    }
}
