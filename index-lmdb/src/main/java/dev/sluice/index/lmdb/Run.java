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
 *   +48 fences     blocks × 24: the first entry of every block
 * </pre>
 *
 * A query binary-searches the fences in memory and reads one block per run. Entries carry no name: the
 * postings confirm every candidate, so a run may keep entries that truncation or retention made stale.
 */
record Run(long id, int level, long count, long minOffset, long maxOffset, long minTs, long maxTs,
           long[] fences) {
    static final int ENTRY = 24;
    private static final int HEADER = 48;

    int blocks() {
        return fences.length / 3;
    }

    static Run decode(long id, ByteBuffer v) {
        int at = v.position();
        int blocks = v.getInt(at + 4);
        long[] fences = new long[blocks * 3];
        for (int i = 0; i < fences.length; i++) {
            fences[i] = v.getLong(at + HEADER + i * 8);
        }
        return new Run(id, v.getInt(at), v.getLong(at + 8), v.getLong(at + 16), v.getLong(at + 24),
                v.getLong(at + 32), v.getLong(at + 40), fences);
    }

    int descriptorSize() {
        return HEADER + fences.length * 8;
    }

    ByteBuffer encode(ByteBuffer dst) {
        dst.clear();
        dst.putInt(level).putInt(blocks()).putLong(count).putLong(minOffset).putLong(maxOffset)
                .putLong(minTs).putLong(maxTs);
        for (long f : fences) {
            dst.putLong(f);
        }
        return dst.flip();
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
