package dev.sluice.index.lmdb;

/**
 * The 64-bit hash that stands for a (topic, key) pair in runs and pools. The index keeps no names: every
 * candidate is confirmed in the CommitLog ({@link dev.sluice.store.spi.IndexedKeys}), so a collision costs a
 * read there, never a wrong answer.
 */
final class IndexKeys {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;

    private IndexKeys() {
    }

    /** A hash of (topic, key) in two steps, so that a batch hashes each topic once. Tests substitute colliding ones. */
    interface NameHash {
        /** State after the topic, for {@link #hash(long, String)}. */
        long topic(String topic);

        long hash(long topicState, String key);

        default long hash(String topic, String key) {
            return hash(topic(topic), key);
        }
    }

    /**
     * A multiply-rotate hash (xxHash-like) over the chars, four to a word in two independent lanes (so that the
     * multiplications overlap), each string led by its length so that ("ab", "c") and ("a", "bc") differ. Hashing
     * chars needs no UTF-8 encoding: names are never stored. Stored in runs: it must not change within a format.
     */
    static final NameHash HASH = new NameHash() {
        @Override
        public long topic(String topic) {
            return mix(P2, topic);
        }

        @Override
        public long hash(long topicState, String key) {
            long h = mix(topicState, key);
            h ^= h >>> 33;
            h *= P2;
            h ^= h >>> 29;
            h *= P1;
            return h ^ h >>> 32;
        }
    };

    private static long mix(long seed, String s) {
        int n = s.length();
        long a = Long.rotateLeft(seed ^ n * P1, 27) * P2;
        long b = seed + P1;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            a = Long.rotateLeft(a ^ word(s, i) * P2, 31) * P1;
            b = Long.rotateLeft(b ^ word(s, i + 4) * P2, 31) * P1;
        }
        if (i + 4 <= n) {
            a = Long.rotateLeft(a ^ word(s, i) * P2, 31) * P1;
            i += 4;
        }
        for (; i < n; i++) {
            b = Long.rotateLeft(b ^ s.charAt(i) * P1, 11) * P2;
        }
        return Long.rotateLeft(a, 17) * P1 ^ b;
    }

    private static long word(String s, int i) {
        return s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32
                | (long) s.charAt(i + 3) << 48;
    }
}
