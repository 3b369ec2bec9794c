package dev.sluice.index.lmdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The indexed name of a (topic, key) pair and its 64-bit hash.
 *
 * <p>A name is {@code topicLength(2) ‖ topic ‖ keyLength(2) ‖ key} in UTF-8, so that no two pairs share one;
 * names longer than {@link #MAX_NAME} bytes become {@code 0xFFFF ‖ SHA-256(topicLength(4) ‖ topic ‖ key)}.
 * Sorted runs hold only hashes; postings hold names, and every answer is checked against them.
 */
final class IndexKeys {
    /** Bounds a name in postings; longer names are digested. */
    static final int MAX_NAME = 495;
    /** Room for any name this class writes. */
    static final int NAME_BUFFER = MAX_NAME + 1;
    /** Never a literal topic length: literal names are at most {@link #MAX_NAME} bytes. */
    private static final short DIGEST_MARK = (short) 0xFFFF;
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private IndexKeys() {
    }

    /** A hash of the first {@code length} bytes of a name. Tests substitute ones that collide. */
    interface NameHash {
        long hash(byte[] name, int length);
    }

    /**
     * Writes the name of ({@code topic}, {@code key}) into {@code dst} (at least {@link #NAME_BUFFER} bytes) and
     * returns its length. {@code topicBytes} is the topic in UTF-8, which callers reuse across a batch.
     */
    static int name(byte[] topicBytes, String key, byte[] dst) {
        // getBytes takes the JDK's vectorized path for Latin-1 strings; a per-char loop measured twice as slow.
        return nameOf(topicBytes, key.getBytes(StandardCharsets.UTF_8), dst);
    }

    static byte[] topicBytes(String topic) {
        return topic.getBytes(StandardCharsets.UTF_8);
    }

    private static int nameOf(byte[] t, byte[] k, byte[] dst) {
        int length = 4 + t.length + k.length;
        if (length > MAX_NAME) {
            return digest(t, k, dst);
        }
        dst[0] = (byte) (t.length >>> 8);
        dst[1] = (byte) t.length;
        System.arraycopy(t, 0, dst, 2, t.length);
        int at = 2 + t.length;
        dst[at] = (byte) (k.length >>> 8);
        dst[at + 1] = (byte) k.length;
        System.arraycopy(k, 0, dst, at + 2, k.length);
        return length;
    }

    private static int digest(byte[] t, byte[] k, byte[] dst) {
        MessageDigest sha = sha256();
        sha.update(ByteBuffer.allocate(4).putInt(t.length).array());
        sha.update(t);
        sha.update(k);
        ByteBuffer.wrap(dst).putShort(DIGEST_MARK).put(sha.digest());
        return 2 + 32;
    }

    /** A 64-bit multiply-rotate hash (xxHash-like); collisions cost a postings check, never a wrong answer. */
    static long hash(byte[] name, int length) {
        long h = P2 ^ length * P1;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            h = Long.rotateLeft(h ^ Long.rotateLeft(longAt(name, i) * P2, 31) * P1, 27) * P1 + P2;
        }
        for (; i < length; i++) {
            h = Long.rotateLeft(h ^ (name[i] & 0xFF) * P1, 11) * P2;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P1;
        return h ^ h >>> 32;
    }

    private static long longAt(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    /** Bytewise order of the result (as an LMDB key) equals signed order of {@code v}. */
    static long ordered(long v) {
        return v ^ Long.MIN_VALUE;
    }

    static ByteBuffer offsetKey(ByteBuffer dst, long offset) {
        dst.clear();
        dst.putLong(ordered(offset));
        return dst.flip();
    }

    static long offset(ByteBuffer offsetKey) {
        return ordered(offsetKey.getLong(offsetKey.position()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
