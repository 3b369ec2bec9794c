package dev.sluice.broker;

import dev.sluice.store.DispatchListener;
import java.nio.ByteBuffer;

/**
 * The store's dispatch listener, pointed at long polling once the pull side exists: the store must be open before
 * the processors that read it are built, yet it takes its listener when it opens.
 */
final class DispatchRelay implements DispatchListener {
    private volatile DispatchListener target = DispatchListener.NONE;

    void target(DispatchListener listener) {
        this.target = listener;
    }

    @Override
    public void onDispatched(String topic, int queueId, long maxOffset, long tagCode, ByteBuffer record) {
        target.onDispatched(topic, queueId, maxOffset, tagCode, record);
    }
}
