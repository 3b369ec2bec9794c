package dev.sluice.index.lmdb;

import dev.sluice.store.spi.IndexBatch;

import java.util.Random;

/** Dispatch batches derived from a seed, so that a killed child's work can be replayed by the test. */
final class CrashScript {
    static final String[] TOPICS = {"orders", "payments", "audit"};
    static final int KEY_SPACE = 300;
    private final long seed;

    CrashScript(long seed) {
        this.seed = seed;
    }

    /** Batch {@code number}, starting at CommitLog offset {@code start}: 32-256 messages of 1-3 keys and a uniq key. */
    IndexBatch batch(int number, long start) {
        Random random = new Random(seed * 1_000_003L + number);
        IndexBatch batch = new IndexBatch();
        long offset = start;
        int messages = 32 + random.nextInt(225);
        for (int m = 0; m < messages; m++) {
            String topic = TOPICS[random.nextInt(TOPICS.length)];
            long timestamp = 1_700_000_000_000L + number * 1_000L + m;
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                batch.add(topic, "key-" + random.nextInt(KEY_SPACE), timestamp, offset);
            }
            batch.add(topic, uniqKey(number, m), timestamp, offset);
            offset += 100 + random.nextInt(400);
        }
        batch.endOffset(offset);
        return batch;
    }

    static String uniqKey(int batch, int message) {
        return "uniq-" + batch + "-" + message;
    }
}
