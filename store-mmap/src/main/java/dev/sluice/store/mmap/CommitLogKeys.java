package dev.sluice.store.mmap;

import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.spi.IndexedKeys;

import java.nio.ByteBuffer;

/**
 * Confirms a key index's candidate by reading the message back: the same KEYS tokens and UNIQ_KEY the
 * {@link Dispatcher} indexes.
 */
final class CommitLogKeys implements IndexedKeys {
    private final CommitLog commitLog;

    CommitLogKeys(CommitLog commitLog) {
        this.commitLog = commitLog;
    }

    @Override
    public boolean holds(long commitLogOffset, long storeTimestamp, String topic, String key) {
        MappedSegment s = commitLog.segments().acquire(commitLogOffset);
        if (s == null) {
            return false;
        }
        try {
            ByteBuffer buf = s.buffer();
            int at = (int) (commitLogOffset - s.baseOffset());
            if (at < 0 || MessageCodec.wellFormedLength(buf, at, s.readable()) < 0
                    || MessageRecordDescriptor.storeTimestamp(buf, at) != storeTimestamp
                    || !topic.equals(MessageCodec.topic(buf, at))) {
                return false;
            }
            String properties = MessageCodec.properties(buf, at);
            if (key.equals(MessageProperties.get(properties, MessageProperties.UNIQ_KEY))) {
                return true;
            }
            String keys = MessageProperties.get(properties, MessageProperties.KEYS);
            if (keys != null) {
                for (String k : keys.split(" ")) {
                    if (k.equals(key)) {
                        return true;
                    }
                }
            }
            return false;
        } finally {
            s.release();
        }
    }
}
