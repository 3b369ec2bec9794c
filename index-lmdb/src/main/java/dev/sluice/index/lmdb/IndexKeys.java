package dev.sluice.index.lmdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte layouts of the index databases.
 *
 * <p>{@code entries}: {@code name ‖ ts ‖ offset} with an empty value, where {@code name} encodes (topic, key).
 * LMDB sorts keys bytewise, so one (topic, key) is a contiguous run ordered by time, then offset: a query
 * walks it backwards from the window's end and gets newest first without sorting.
 *
 * <p>{@code postings}: {@code offset} → every (name, ts) indexed for the message at that offset, so that
 * truncation and retention find entries by offset without scanning {@code entries}.
 */
final class IndexKeys {
    /** LMDB's compiled-in maximum key size (lmdbjava ships it unchanged). */
    static final int MAX_KEY = 511;
    private static final int SUFFIX = 16;
    private static final int MAX_NAME = MAX_KEY - SUFFIX;
    /** Never a literal topic length: literal names are at most {@link #MAX_NAME} bytes. */
    private static final short DIGEST_MARK = (short) 0xFFFF;

    private IndexKeys() {
    }

    /**
     * Length-prefixed so that no name is a prefix of another one: a run of entries then never holds
     * entries of a different key. Names too long for an LMDB key are replaced by a SHA-256 digest.
     */
    static byte[] name(String topic, String key) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int length = 4 + t.length + k.length;
        if (length <= MAX_NAME) {
            return ByteBuffer.allocate(length).putShort((short) t.length).put(t).putShort((short) k.length).put(k)
                    .array();
        }
        MessageDigest sha = sha256();
        sha.update(ByteBuffer.allocate(4).putInt(t.length).array());
        sha.update(t);
        sha.update(k);
        return ByteBuffer.allocate(2 + 32).putShort(DIGEST_MARK).put(sha.digest()).array();
    }

    /** Bytewise order of the result equals signed order of {@code v}. */
    private static long ordered(long v) {
        return v ^ Long.MIN_VALUE;
    }

    static ByteBuffer entryKey(ByteBuffer dst, byte[] name, long timestamp, long offset) {
        dst.clear();
        dst.put(name).putLong(ordered(timestamp)).putLong(ordered(offset));
        return dst.flip();
    }

    static ByteBuffer offsetKey(ByteBuffer dst, long offset) {
        dst.clear();
        dst.putLong(ordered(offset));
        return dst.flip();
    }

    /** Whether an entries key belongs to {@code name}. */
    static boolean hasName(ByteBuffer entryKey, byte[] name) {
        if (entryKey.remaining() != name.length + SUFFIX) {
            return false;
        }
        int base = entryKey.position();
        for (int i = 0; i < name.length; i++) {
            if (entryKey.get(base + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    static long entryTimestamp(ByteBuffer entryKey) {
        return ordered(entryKey.getLong(entryKey.limit() - SUFFIX));
    }

    static long entryOffset(ByteBuffer entryKey) {
        return ordered(entryKey.getLong(entryKey.limit() - 8));
    }

    static long offset(ByteBuffer offsetKey) {
        return ordered(offsetKey.getLong(offsetKey.position()));
    }

    /** One (name, timestamp) indexed for a message. */
    record Posting(byte[] name, long timestamp) {
        boolean sameAs(byte[] otherName, long otherTimestamp) {
            return timestamp == otherTimestamp && java.util.Arrays.equals(name, otherName);
        }
    }

    static int postingsSize(List<Posting> postings) {
        int size = 0;
        for (Posting p : postings) {
            size += 2 + p.name().length + 8;
        }
        return size;
    }

    static ByteBuffer encodePostings(ByteBuffer dst, List<Posting> postings) {
        dst.clear();
        for (Posting p : postings) {
            dst.putShort((short) p.name().length).put(p.name()).putLong(p.timestamp());
        }
        return dst.flip();
    }

    static List<Posting> decodePostings(ByteBuffer value) {
        ByteBuffer v = value.duplicate();
        List<Posting> postings = new ArrayList<>(4);
        while (v.hasRemaining()) {
            byte[] name = new byte[Short.toUnsignedInt(v.getShort())];
            v.get(name);
            postings.add(new Posting(name, v.getLong()));
        }
        return postings;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
