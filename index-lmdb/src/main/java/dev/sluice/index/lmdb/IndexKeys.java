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
 * <p>{@code entries}: {@code hash ‖ ts ‖ offset} (24 bytes) with an empty value, where {@code hash} is a 64-bit
 * hash of the name that encodes (topic, key). LMDB sorts keys bytewise, so one hash is a contiguous run ordered
 * by time, then offset: a query walks it backwards from the window's end and gets newest first without sorting.
 * Fixed 24-byte keys fit about twice as many entries in a page as the names did, which halves the pages a
 * batch of random inserts copies.
 *
 * <p>{@code postings}: {@code offset} → every (name, ts) indexed for the message at that offset. Truncation and
 * retention find entries by offset through it without scanning {@code entries}, and a query checks each
 * candidate's name in it, so two names sharing a hash never mix.
 */
final class IndexKeys {
    static final int ENTRY_KEY = 24;
    /** Bounds a postings value; longer names are digested. */
    private static final int MAX_NAME = 495;
    /** Never a literal topic length: literal names are at most {@link #MAX_NAME} bytes. */
    private static final short DIGEST_MARK = (short) 0xFFFF;
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;

    private IndexKeys() {
    }

    /**
     * Length-prefixed so that no two (topic, key) pairs share a name. Names longer than {@link #MAX_NAME} bytes
     * are replaced by a SHA-256 digest.
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

    /** A 64-bit multiply-rotate hash (xxHash-like); collisions cost a postings check, never a wrong answer. */
    static long hash(byte[] name) {
        long h = P2 ^ name.length * P1;
        int i = 0;
        for (; i + 8 <= name.length; i += 8) {
            h = Long.rotateLeft(h ^ Long.rotateLeft(longAt(name, i) * P2, 31) * P1, 27) * P1 + P2;
        }
        for (; i < name.length; i++) {
            h = Long.rotateLeft(h ^ (name[i] & 0xFF) * P1, 11) * P2;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P1;
        return h ^ h >>> 32;
    }

    private static long longAt(byte[] b, int i) {
        long v = 0;
        for (int j = 0; j < 8; j++) {
            v = v << 8 | (b[i + j] & 0xFF);
        }
        return v;
    }

    /** Bytewise order of the result equals signed order of {@code v}. */
    private static long ordered(long v) {
        return v ^ Long.MIN_VALUE;
    }

    static ByteBuffer entryKey(ByteBuffer dst, long hash, long timestamp, long offset) {
        dst.clear();
        dst.putLong(hash).putLong(ordered(timestamp)).putLong(ordered(offset));
        return dst.flip();
    }

    /** Orders entries as LMDB does: by hash bytes, then timestamp, then offset. */
    static int compareEntries(long hashA, long tsA, long offsetA, long hashB, long tsB, long offsetB) {
        int c = Long.compareUnsigned(hashA, hashB);
        if (c == 0) {
            c = Long.compare(tsA, tsB);
        }
        return c != 0 ? c : Long.compare(offsetA, offsetB);
    }

    static ByteBuffer offsetKey(ByteBuffer dst, long offset) {
        dst.clear();
        dst.putLong(ordered(offset));
        return dst.flip();
    }

    static long entryHash(ByteBuffer entryKey) {
        return entryKey.getLong(entryKey.position());
    }

    static long entryTimestamp(ByteBuffer entryKey) {
        return ordered(entryKey.getLong(entryKey.position() + 8));
    }

    static long entryOffset(ByteBuffer entryKey) {
        return ordered(entryKey.getLong(entryKey.position() + 16));
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

    /** Whether a postings value holds (name, timestamp), read in place: queries call it once per candidate. */
    static boolean postingsContain(ByteBuffer value, byte[] name, long timestamp) {
        int at = value.position();
        while (at < value.limit()) {
            int length = Short.toUnsignedInt(value.getShort(at));
            if (length == name.length && value.getLong(at + 2 + length) == timestamp
                    && sameBytes(value, at + 2, name)) {
                return true;
            }
            at += 2 + length + 8;
        }
        return false;
    }

    private static boolean sameBytes(ByteBuffer buf, int at, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (buf.get(at + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
