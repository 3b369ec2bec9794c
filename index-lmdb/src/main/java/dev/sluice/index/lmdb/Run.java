package dev.sluice.index.lmdb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One immutable sorted run: its entries live in blocks of the {@code blocks} database, its descriptor in
 * {@code runs}. Runs are written once (by a dispatch batch or a merge) and deleted whole.
 *
 * <pre>
 * entry (24 bytes, in a block):   hash(8) ‖ storeTimestamp(8) ‖ commitLogOffset(8), little-endian (the
 *                                  machine's order: no byte swaps in merges), ordered by signed hash, then
 *                                  timestamp, then offset
 * blocks key (12 bytes):          runId(8) ‖ blockNumber(4)        → entries, in order
 * runs key (8 bytes):             runId                            → descriptor:
 *   +0  level      int    0 for a dispatch batch, one more than its inputs for a merge
 *   +4  blocks     int
 *   +8  count      long   entries
 *   +16 minOffset  long   +24 maxOffset  long   +32 minTs  long   +40 maxTs  long
 *   +48 bloomWords int    +52 reserved int
 *   +56 fences     blocks × 24: the first entry of every block
 *   then bloom     bloomWords × 8: a blocked Bloom filter of the run's hashes, {@value #BLOOM_BITS} bits an
 *                  entry: a hash sets {@value #BLOOM_PROBES} bits of one 64-bit word
 * </pre>
 * The descriptor is big-endian.
 *
 * Level-0 runs, built from the postings tail, live only in memory ({@code memory} holds their entries as one
 * block) until a merge writes them into LMDB as one run of level 1: their entries are written once instead of
 * twice, and a crash loses nothing the postings do not hold.
 *
 * <p>A query skips runs whose Bloom filter rules its hash out (most runs hold few keys), binary-searches the
 * fences of the others in memory and reads one block each. Entries carry no name: the
 * postings confirm every candidate, so a run may keep entries that truncation or retention made stale.
 */
record Run(long id, int level, long count, long minOffset, long maxOffset, long minTs, long maxTs,
           long[] fences, long[] bloom, ByteBuffer memory) {
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
                v.getLong(at + 32), v.getLong(at + 40), fences, bloom, null);
    }

    /**
     * A level-0 run of the (sorted) entries of {@code batch}, in memory as a single block: a query binary-searches
     * it whole, so it needs no fences but the first entry.
     */
    static Run inMemory(long id, SortedBatch batch) {
        int n = batch.size;
        ByteBuffer entries = ByteBuffer.allocate(n * ENTRY).order(ByteOrder.LITTLE_ENDIAN);
        long[] bloom = new long[bloomWords(n)];
        long minOffset = Long.MAX_VALUE;
        long maxOffset = Long.MIN_VALUE;
        long minTs = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            long hash = batch.hashes[i];
            long ts = batch.timestamps[i];
            long offset = batch.offsets[i];
            entries.putLong(hash).putLong(ts).putLong(offset);
            addToBloom(bloom, hash);
            minOffset = Math.min(minOffset, offset);
            maxOffset = Math.max(maxOffset, offset);
            minTs = Math.min(minTs, ts);
            maxTs = Math.max(maxTs, ts);
        }
        long[] fences = n == 0 ? new long[0] : new long[] {batch.hashes[0], batch.timestamps[0], batch.offsets[0]};
        return new Run(id, 0, n, minOffset, maxOffset, minTs, maxTs, fences, bloom, entries.flip());
    }

    /** The one block of a run in memory. */
    ByteBuffer memoryBlock() {
        return memory.duplicate().order(ByteOrder.LITTLE_ENDIAN);
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

    /**
     * One word per hash, picked by its top 32 bits (multiply-shift, no division), and bits in it by 6-bit slices
     * of the low ones: one memory access a probe. The double-hashed probes across the whole filter this replaced
     * (a division each) were a quarter of the merge thread's time.
     */
    static void addToBloom(long[] bloom, long hash) {
        bloom[bloomWord(bloom, hash)] |= bloomMask(hash);
    }

    boolean mightContain(long hash) {
        long mask = bloomMask(hash);
        return (bloom[bloomWord(bloom, hash)] & mask) == mask;
    }

    private static int bloomWord(long[] bloom, long hash) {
        return (int) (((hash >>> 32) * bloom.length) >>> 32);
    }

    private static long bloomMask(long hash) {
        long mask = 0;
        for (int i = 0; i < BLOOM_PROBES; i++) {
            mask |= 1L << (hash >>> 6 * i);
        }
        return mask;
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
