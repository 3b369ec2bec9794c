package dev.sluice.index.lmdb;

import java.nio.ByteBuffer;

/**
 * One immutable sorted run: its entries live in blocks of the {@code blocks} database, its descriptor in
 * {@code runs}. Runs are written once (by a dispatch batch or a merge) and deleted whole.
 *
 * <pre>
 * entry (24 bytes, in a block):   hash(8) ‖ storeTimestamp(8) ‖ commitLogOffset(8), big-endian,
 *                                  ordered by signed hash, then timestamp, then offset
 * blocks key (12 bytes):          runId(8) ‖ blockNumber(4)        → entries, in order
 * runs key (8 bytes):             runId                            → descriptor:
 *   +0  level      int    0 for a dispatch batch, one more than its inputs for a merge
 *   +4  blocks     int
 *   +8  count      long   entries
 *   +16 minOffset  long   +24 maxOffset  long   +32 minTs  long   +40 maxTs  long
 *   +48 bloomWords int    +52 reserved int
 *   +56 fences     blocks × 24: the first entry of every block
 *   then bloom     bloomWords × 8: a Bloom filter of the run's hashes, {@value #BLOOM_BITS} bits an entry
 * </pre>
 *
 * A query skips runs whose Bloom filter rules its hash out (most runs hold few keys), binary-searches the
 * fences of the others in memory and reads one block each. Entries carry no name: the
 * postings confirm every candidate, so a run may keep entries that truncation or retention made stale.
 */
record Run(long id, int level, long count, long minOffset, long maxOffset, long minTs, long maxTs,
           long[] fences, long[] bloom) {
    static final int ENTRY = 24;
    static final int BLOOM_BITS = 10;
    private static final int BLOOM_PROBES = 5;
    private static final int HEADER = 56;

    int blocks() {
        return fences.length / 3;
    }

    /**
     * @throws LmdbKeyIndex.CorruptIndexException when the descriptor is not exactly as long as its header says (one
     * written in another layout), so the index is rebuilt instead of failing the store's open
     */
    static Run decode(long id, ByteBuffer v) {
        int at = v.position();
        int length = v.remaining();
        int blocks = length >= HEADER ? v.getInt(at + 4) : -1;
        int bloomWords = length >= HEADER ? v.getInt(at + 48) : -1;
        if (blocks < 0 || bloomWords < 0 || HEADER + blocks * (long) ENTRY + bloomWords * 8L != length) {
            throw new LmdbKeyIndex.CorruptIndexException("run " + id + " has a " + length + "-byte descriptor for "
                    + blocks + " blocks and " + bloomWords + " Bloom words");
        }
        long[] fences = new long[blocks * 3];
        for (int i = 0; i < fences.length; i++) {
            fences[i] = v.getLong(at + HEADER + i * 8);
        }
        long[] bloom = new long[bloomWords];
        int bloomAt = at + HEADER + fences.length * 8;
        for (int i = 0; i < bloom.length; i++) {
            bloom[i] = v.getLong(bloomAt + i * 8);
        }
        return new Run(id, v.getInt(at), v.getLong(at + 8), v.getLong(at + 16), v.getLong(at + 24),
                v.getLong(at + 32), v.getLong(at + 40), fences, bloom);
    }

    int descriptorSize() {
        return HEADER + fences.length * 8 + bloom.length * 8;
    }

    ByteBuffer encode(ByteBuffer dst) {
        dst.clear();
        dst.putInt(level).putInt(blocks()).putLong(count).putLong(minOffset).putLong(maxOffset)
                .putLong(minTs).putLong(maxTs).putInt(bloom.length).putInt(0);
        for (long f : fences) {
            dst.putLong(f);
        }
        for (long b : bloom) {
            dst.putLong(b);
        }
        return dst.flip();
    }

    /** Words of a Bloom filter for {@code entries} entries. */
    static int bloomWords(long entries) {
        return (int) Math.min(1 << 26, Math.max(1, (entries * BLOOM_BITS + 63) / 64));
    }

    /** Probes by double hashing on the two halves of the (already well mixed) 64-bit hash. */
    static void addToBloom(long[] bloom, long hash) {
        long bits = (long) bloom.length * 64;
        long h1 = hash >>> 32;
        long h2 = hash & 0xFFFFFFFFL | 1;
        for (int i = 0; i < BLOOM_PROBES; i++) {
            long bit = Long.remainderUnsigned(h1 + i * h2, bits);
            bloom[(int) (bit >>> 6)] |= 1L << bit;
        }
    }

    boolean mightContain(long hash) {
        long bits = (long) bloom.length * 64;
        long h1 = hash >>> 32;
        long h2 = hash & 0xFFFFFFFFL | 1;
        for (int i = 0; i < BLOOM_PROBES; i++) {
            long bit = Long.remainderUnsigned(h1 + i * h2, bits);
            if ((bloom[(int) (bit >>> 6)] & 1L << bit) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The last block whose first entry is at or before (hash, ts, offset), or -1. */
    int floorBlock(long hash, long ts, long offset) {
        int lo = 0;
        int hi = blocks() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (compare(fences[mid * 3], fences[mid * 3 + 1], fences[mid * 3 + 2], hash, ts, offset) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    static int compare(long hashA, long tsA, long offsetA, long hashB, long tsB, long offsetB) {
        int c = Long.compare(hashA, hashB);
        if (c == 0) {
            c = Long.compare(tsA, tsB);
        }
        return c != 0 ? c : Long.compare(offsetA, offsetB);
    }

    static long hashAt(ByteBuffer block, int i) {
        return block.getLong(block.position() + i * ENTRY);
    }

    static long tsAt(ByteBuffer block, int i) {
        return block.getLong(block.position() + i * ENTRY + 8);
    }

    static long offsetAt(ByteBuffer block, int i) {
        return block.getLong(block.position() + i * ENTRY + 16);
    }

    static int entries(ByteBuffer block) {
        return block.remaining() / ENTRY;
    }

    static ByteBuffer blockKey(ByteBuffer dst, long runId, int block) {
        dst.clear();
        dst.putLong(runId).putInt(block);
        return dst.flip();
    }

    static ByteBuffer runKey(ByteBuffer dst, long runId) {
        dst.clear();
        dst.putLong(runId);
        return dst.flip();
    }
}
