package dev.sluice.jmh.index;

import java.util.Random;

/**
 * Pre-generated messages, so that the benchmarks time indexing and not key generation: a few topics, 1-3
 * business keys drawn from a large key space, and a unique key shaped like a client's UNIQ_KEY.
 */
final class KeyMessages {
    static final String[] TOPICS = {"TopicOrders", "TopicPayments", "TopicShipping", "TopicAudit"};

    final int size;
    final String[] topics;
    final String[][] keys;
    final String[] uniqKeys;

    KeyMessages(int size, int keySpace, long seed) {
        this.size = size;
        Random random = new Random(seed);
        topics = new String[size];
        keys = new String[size][];
        uniqKeys = new String[size];
        // A producer's UNIQ_KEY: fixed ip/pid/classloader prefix, then time and a counter, 32 hex digits.
        String prefix = String.format("%08X%04X%08X", random.nextInt(), random.nextInt(0x10000), random.nextInt());
        for (int i = 0; i < size; i++) {
            topics[i] = TOPICS[random.nextInt(TOPICS.length)];
            keys[i] = new String[1 + random.nextInt(3)];
            for (int k = 0; k < keys[i].length; k++) {
                keys[i][k] = "ORDER-" + (1_000_000_000L + random.nextInt(keySpace));
            }
            uniqKeys[i] = prefix + String.format("%08X%04X", i >>> 16, i & 0xFFFF);
        }
    }
}
