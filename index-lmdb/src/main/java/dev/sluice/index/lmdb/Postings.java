package dev.sluice.index.lmdb;

import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Every (name, timestamp) indexed per message, in chunks of consecutive messages in the {@code postings}
 * database keyed by the chunk's first CommitLog offset (8 bytes, sign-flipped so bytewise order is numeric
 * order). Chunks never overlap and are appended in offset order, so truncation and retention work from either
 * end. A chunk fills about one 4 KiB page ({@link #CHUNK_BYTES}, unless one message alone is larger): LMDB
 * stores it as a single overflow page, allocated like any page. Values of several pages need contiguous free
 * pages, which LMDB often takes from the untouched end of the file (a page fault each), and values of half a page
 * leave leaf pages 30% empty; both measured 15-30% more CPU per put.
 *
 * <pre>
 * +0       messages n  int
 * +4       keys        int        (name, timestamp) pairs in the chunk
 * +8       offsets     n × long   ascending
 * +8+8n    ends        n × int    end of each message's pairs, relative to the pairs
 * +8+12n   pairs       nameLength(2) ‖ name ‖ timestamp(8) ‖ nameHash(8), message after message
 * </pre>
 *
 * Not thread-safe: the writer owns one builder, and each query its own lookups.
 */
final class Postings {
    private static final int HEADER = 8;
    /** One overflow page holds 4080 bytes; a chunk may pass this by one message. */
    static final int CHUNK_BYTES = 3800;

    private long[] offsets = new long[256];
    /** End of each message's pairs in {@link #pairs}. */
    private int[] ends = new int[256];
    /** Pairs up to and including each message. */
    private int[] keyEnds = new int[256];
    /** First message of each chunk. */
    private int[] chunkStarts = new int[16];
    private int chunks;
    private int messages;
    private int keys;
    private ByteBuffer pairs = ByteBuffer.allocateDirect(64 << 10);
    private ByteBuffer chunk = ByteBuffer.allocateDirect(64 << 10);

    void clear() {
        messages = 0;
        keys = 0;
        chunks = 0;
        pairs.clear();
    }

    int chunks() {
        return chunks;
    }

    /** The last offset added; only when some pair was. */
    long lastOffset() {
        return offsets[messages - 1];
    }

    long firstOffset(int chunk) {
        return offsets[chunkStarts[chunk]];
    }

    /**
     * Adds a pair; offsets must not decrease. The name's hash travels with it, so that building runs from the
     * postings reads no name (measured: copying names back out and hashing them was ~40% of the index thread).
     */
    void add(long offset, byte[] name, int length, long timestamp, long hash) {
        if (messages == 0 || offsets[messages - 1] != offset) {
            if (messages == offsets.length) {
                offsets = Arrays.copyOf(offsets, messages * 2);
                ends = Arrays.copyOf(ends, messages * 2);
                keyEnds = Arrays.copyOf(keyEnds, messages * 2);
            }
            if (chunks == 0 || bytes(chunks - 1, messages) >= CHUNK_BYTES) {
                if (chunks == chunkStarts.length) {
                    chunkStarts = Arrays.copyOf(chunkStarts, chunks * 2);
                }
                chunkStarts[chunks++] = messages;
            }
            offsets[messages++] = offset;
        }
        if (pairs.remaining() < 2 + length + 16) {
            pairs = grow(pairs, pairs.position() + 2 + length + 16);
        }
        pairs.putShort((short) length).put(name, 0, length).putLong(timestamp).putLong(hash);
        ends[messages - 1] = pairs.position();
        keyEnds[messages - 1] = ++keys;
    }

    /** Bytes of chunk {@code c} holding messages up to {@code end}. */
    private int bytes(int c, int end) {
        int from = chunkStarts[c];
        return HEADER + (end - from) * 12 + ends[end - 1] - pairsStart(from);
    }

    private int pairsStart(int message) {
        return message == 0 ? 0 : ends[message - 1];
    }

    /** Chunk {@code c}'s value, valid until the next call. */
    ByteBuffer encode(int c) {
        int from = chunkStarts[c];
        int to = c + 1 < chunks ? chunkStarts[c + 1] : messages;
        int size = bytes(c, to);
        if (chunk.capacity() < size) {
            chunk = ByteBuffer.allocateDirect(Math.max(size, chunk.capacity() * 2));
        }
        int base = pairsStart(from);
        chunk.clear();
        chunk.putInt(to - from).putInt(keyEnds[to - 1] - (from == 0 ? 0 : keyEnds[from - 1]));
        for (int i = from; i < to; i++) {
            chunk.putLong(offsets[i]);
        }
        for (int i = from; i < to; i++) {
            chunk.putInt(ends[i] - base);
        }
        chunk.put(pairs.duplicate().position(base).limit(ends[to - 1]));
        return chunk.flip();
    }

    /** Loads the messages of {@code value} below {@code limit}, to write them back as a shorter chunk. */
    void loadBelow(ByteBuffer value, long limit) {
        clear();
        int at = value.position();
        int n = messages(value);
        int pairsAt = at + HEADER + n * 12;
        for (int i = 0; i < n && offsetAt(value, i) < limit; i++) {
            int from = i == 0 ? 0 : endAt(value, n, i - 1);
            int to = endAt(value, n, i);
            for (int p = pairsAt + from; p < pairsAt + to; ) {
                int length = Short.toUnsignedInt(value.getShort(p));
                byte[] name = new byte[length];
                value.get(p + 2, name);
                add(offsetAt(value, i), name, length, value.getLong(p + 2 + length), value.getLong(p + 10 + length));
                p += 2 + length + 16;
            }
        }
    }

    static int messages(ByteBuffer value) {
        return value.getInt(value.position());
    }

    static int keys(ByteBuffer value) {
        return value.getInt(value.position() + 4);
    }

    static long offsetAt(ByteBuffer value, int i) {
        return value.getLong(value.position() + HEADER + i * 8);
    }

    static long lastOffset(ByteBuffer value) {
        return offsetAt(value, messages(value) - 1);
    }

    /** What {@link #forEachPair} hands over: the name is {@code nameLength} bytes at {@code nameAt} in the value. */
    interface PairVisitor {
        void pair(long offset, ByteBuffer value, int nameAt, int nameLength, long timestamp, long hash);
    }

    /** Every (offset, name, timestamp) of a chunk, in offset order. */
    static void forEachPair(ByteBuffer value, PairVisitor visitor) {
        int n = messages(value);
        int pairsAt = value.position() + HEADER + n * 12;
        int p = pairsAt;
        for (int i = 0; i < n; i++) {
            long offset = offsetAt(value, i);
            int to = pairsAt + endAt(value, n, i);
            while (p < to) {
                int length = Short.toUnsignedInt(value.getShort(p));
                visitor.pair(offset, value, p + 2, length, value.getLong(p + 2 + length),
                        value.getLong(p + 10 + length));
                p += 2 + length + 16;
            }
        }
    }

    private static int endAt(ByteBuffer value, int n, int i) {
        return value.getInt(value.position() + HEADER + n * 8 + i * 4);
    }

    /**
     * Whether the message at {@code offset} was indexed under (name, timestamp). {@code cursor} is on the
     * postings database of the caller's transaction; {@code key} an 8-byte scratch buffer.
     */
    static boolean contain(Cursor<ByteBuffer> cursor, ByteBuffer key, long offset, byte[] name, int length,
                           long timestamp) {
        boolean found = cursor.get(IndexKeys.offsetKey(key, offset), GetOp.MDB_SET_RANGE);
        if (!found || IndexKeys.offset(cursor.key()) != offset) {
            if (!(found ? cursor.prev() : cursor.last())) {
                return false;
            }
        }
        ByteBuffer value = cursor.val();
        int n = messages(value);
        int i = indexOf(value, n, offset);
        if (i < 0) {
            return false;
        }
        int pairsAt = value.position() + HEADER + n * 12;
        int to = pairsAt + endAt(value, n, i);
        for (int p = pairsAt + (i == 0 ? 0 : endAt(value, n, i - 1)); p < to; ) {
            int l = Short.toUnsignedInt(value.getShort(p));
            if (l == length && value.getLong(p + 2 + l) == timestamp && sameBytes(value, p + 2, name, length)) {
                return true;
            }
            p += 2 + l + 16;
        }
        return false;
    }

    private static int indexOf(ByteBuffer value, int n, long offset) {
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long o = offsetAt(value, mid);
            if (o < offset) {
                lo = mid + 1;
            } else if (o > offset) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    static boolean sameBytes(ByteBuffer buf, int at, byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (buf.get(at + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer grow(ByteBuffer buf, int needed) {
        ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(needed, buf.capacity() * 2));
        bigger.put(buf.flip());
        return bigger;
    }
}
