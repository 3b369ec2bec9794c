package dev.sluice.index.lmdb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One immutable sorted run: its entries live in blocks of the {@code blocks} database, its descriptor in
 * {@code runs}. Runs are written once (from a frozen {@link TailPool} or by a merge) and deleted whole.
 *
 * <pre>
 * entry (24 bytes, in a block):   hash(8) ‖ storeTimestamp(8) ‖ commitLogOffset(8), little-endian (the
 *                                  machine's order: no byte swaps in merges), ordered by signed hash, then
 *                                  timestamp, then offset
 * blocks key (12 bytes):          runId(8) ‖ blockNumber(4)        → entries, in order; in {@code blocks} for
 *                                  runs of level 0 (pools), in {@code merged} for the others
 * runs key (8 bytes):             runId                            → descriptor:
 *   +0  level      int    0 for a pool, one more than its inputs for a merge
 *   +4  blocks     int
 *   +8  count      long   entries
 *   +16 minOffset  long   +24 maxOffset  long   +32 minTs  long   +40 maxTs  long
 *   +48 bloomWords int    +52 reserved int
 *   +56 limit      long   entries at or past this offset are dead (truncation cut the CommitLog there)
 *   +64 fences     blocks × 24: the first entry of every block
 *   then bloom     bloomWords × 8: a blocked Bloom filter of the run's hashes, {@value #BLOOM_BITS} bits an
 *                  entry: a hash sets {@value #BLOOM_PROBES} bits of one 64-bit word
 * </pre>
 * The descriptor is big-endian.
 *
 * A query reads the descriptor of each run whose time range meets its window, skips the run when its Bloom
 * filter rules the hash out (most runs hold few keys), binary-searches the fences of the others and reads one
 * block each. Fences and filters are read in place, in the query's transaction: in the heap they would take
 * 1.3 bytes per entry indexed. Entries carry no name: the
 * CommitLog confirms every candidate. Truncation lowers a run's limit instead of rewriting it; retention's
 * floor is applied by queries, and by merges, which leave out dead entries.
 */
record Run(long id, int level, long count, long minOffset, long maxOffset, long minTs, long maxTs,
           long limit, int blocks, int bloomWords) {
    static final int ENTRY = 24;
    static final int BLOOM_BITS = 10;
    private static final int BLOOM_PROBES = 5;
    private static final int HEADER = 64;

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
        return new Run(id, v.getInt(at), v.getLong(at + 8), v.getLong(at + 16), v.getLong(at + 24),
                v.getLong(at + 32), v.getLong(at + 40), v.getLong(at + 56), blocks, bloomWords);
    }

    /** Which blocks database holds this run's blocks: 0 {@code blocks}, 1 {@code merged}. */
    int blockDb() {
        return level == 0 ? 0 : 1;
    }

    /** This run with entries at or past {@code offset} dead. */
    Run cutAt(long offset) {
        return new Run(id, level, count, minOffset, maxOffset, minTs, maxTs, Math.min(limit, offset), blocks,
                bloomWords);
    }

    /** A copy of this run's descriptor {@code v} with its limit lowered to {@code offset}. */
    static ByteBuffer withLimit(ByteBuffer v, long offset) {
        ByteBuffer copy = ByteBuffer.allocateDirect(v.remaining()).put(v.duplicate()).flip();
        copy.putLong(56, Math.min(copy.getLong(56), offset));
        return copy;
    }

    /** The descriptor of a run with these fences (three longs a block) and Bloom words. */
    static ByteBuffer encode(int level, long count, long minOffset, long maxOffset, long minTs, long maxTs,
                             long[] fences, int blocks, long[] bloom) {
        ByteBuffer dst = ByteBuffer.allocateDirect(HEADER + blocks * ENTRY + bloom.length * 8);
        dst.putInt(level).putInt(blocks).putLong(count).putLong(minOffset).putLong(maxOffset)
                .putLong(minTs).putLong(maxTs).putInt(bloom.length).putInt(0).putLong(Long.MAX_VALUE);
        for (int i = 0; i < blocks * 3; i++) {
            dst.putLong(fences[i]);
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

    /**
     * One word per hash, picked by its top 32 bits (multiply-shift, no division), and bits in it by 6-bit slices
     * of the low ones: one memory access a probe. The double-hashed probes across the whole filter this replaced
     * (a division each) were a quarter of the merge thread's time.
     */
    static void addToBloom(long[] bloom, long hash) {
        bloom[bloomWord(bloom, hash)] |= bloomMask(hash);
    }

    /** Whether the Bloom filter in descriptor {@code d} (this run's) may hold {@code hash}. */
    boolean mightContain(ByteBuffer d, long hash) {
        long mask = bloomMask(hash);
        int word = bloomWord(bloomWords, hash);
        return (d.getLong(d.position() + HEADER + blocks * ENTRY + word * 8) & mask) == mask;
    }

    private static int bloomWord(long[] bloom, long hash) {
        return bloomWord(bloom.length, hash);
    }

    private static int bloomWord(int words, long hash) {
        return (int) (((hash >>> 32) * words) >>> 32);
    }

    private static long bloomMask(long hash) {
        long mask = 0;
        for (int i = 0; i < BLOOM_PROBES; i++) {
            mask |= 1L << (hash >>> 6 * i);
        }
        return mask;
    }

    /** The last block whose first entry is at or before (hash, ts, offset), or -1; {@code d} is the descriptor. */
    int floorBlock(ByteBuffer d, long hash, long ts, long offset) {
        int lo = 0;
        int hi = blocks - 1;
        int found = -1;
        int fences = d.position() + HEADER;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int at = fences + mid * ENTRY;
            if (compare(d.getLong(at), d.getLong(at + 8), d.getLong(at + 16), hash, ts, offset) <= 0) {
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

    /** A view of a block LMDB handed back, valid while its transaction is. */
    static ByteBuffer blockView(ByteBuffer value) {
        return value.duplicate().order(ByteOrder.LITTLE_ENDIAN);
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
