package dev.sluice.store.mmap;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Off-heap write buffers, one CommitLog file each (transientStorePoolEnable): appends land in one of
 * these, and a commit step copies them into the file channel. When all are in use, new files are
 * written through their mapping instead.
 */
final class TransientStorePool {
    private final ConcurrentLinkedDeque<ByteBuffer> free = new ConcurrentLinkedDeque<>();
    private final ByteBuffer[] all;

    TransientStorePool(int buffers, int size) {
        all = new ByteBuffer[buffers];
        for (int i = 0; i < buffers; i++) {
            all[i] = ByteBuffer.allocateDirect(size);
            free.add(all[i]);
        }
    }

    /** A free buffer, or null when all are in use. */
    ByteBuffer borrow() {
        return free.pollFirst();
    }

    void giveBack(ByteBuffer buffer) {
        buffer.clear();
        free.addFirst(buffer);
    }

    int available() {
        return free.size();
    }

    void close() {
        for (ByteBuffer b : all) {
            Unmapper.unmap(b);
        }
        free.clear();
    }
}
