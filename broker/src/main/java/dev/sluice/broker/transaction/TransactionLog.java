package dev.sluice.broker.transaction;

import dev.sluice.broker.offset.ConsumerOffsetTable;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageStore;
import dev.sluice.store.ReadResult;
import dev.sluice.store.TagFilter;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which half messages are still open, kept durable in the store itself: every finished half message gets an op
 * record, and the progress through both queues is saved as consumer offsets of {@value HalfMessages#PROGRESS_GROUP}.
 * A restart rebuilds the open set from the op records after the saved progress.
 *
 * <p>A half message checked back is re-written at the end of the half queue (counting the check) and the old copy
 * finished; the copies of one transaction share a {@linkplain HalfMessages#transactionKey key}, so a late end of
 * the transaction naming an old copy still finishes the newest one, exactly once. One lock orders ends and checks.
 */
final class TransactionLog {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionLog.class);
    private static final int READ_BATCH = 32;

    /** What ending a transaction did. */
    enum Outcome { ENDED, ALREADY_ENDED, STORE_FAILED }

    private final MessageStore store;
    private final ConsumerOffsetTable offsets;
    private final Clock clock;
    private final byte[] host;
    private final int port;
    /** Where a committed message is stored: its topic, or a delayed-delivery topic when it asks for a delay. */
    private final UnaryOperator<AppendRequest> committedRoute;
    /** Every half queue offset below this is finished. */
    private long halfProgress;
    /** Finished half queue offsets at or above {@link #halfProgress}, each with its op record's queue offset. */
    private final TreeMap<Long, Long> finished = new TreeMap<>();
    /** Open transactions that were re-written: key to the queue offset of the newest copy. */
    private final Map<String, Long> newestCopy = new HashMap<>();
    private String lastFailure;

    TransactionLog(MessageStore store, ConsumerOffsetTable offsets, Clock clock, byte[] host, int port,
                   UnaryOperator<AppendRequest> committedRoute) {
        this.store = store;
        this.committedRoute = committedRoute;
        this.offsets = offsets;
        this.clock = clock;
        this.host = host.clone();
        this.port = port;
    }

    /** Rebuilds the open set from the saved progress and the op records written after it. */
    synchronized void load() {
        halfProgress = Math.max(saved(HalfMessages.HALF_TOPIC), store.minQueueOffset(HalfMessages.HALF_TOPIC, 0));
        long opFrom = Math.max(saved(HalfMessages.OP_TOPIC), store.minQueueOffset(HalfMessages.OP_TOPIC, 0));
        scan(HalfMessages.OP_TOPIC, opFrom, store.maxQueueOffset(HalfMessages.OP_TOPIC, 0), op -> {
            long target = HalfMessages.opTarget(op);
            if (target >= halfProgress) {
                finished.put(target, op.queueOffset());
            }
            return true;
        });
        List<Long> superseded = new ArrayList<>();
        scan(HalfMessages.HALF_TOPIC, halfProgress, store.maxQueueOffset(HalfMessages.HALF_TOPIC, 0), half -> {
            if (!finished.containsKey(half.queueOffset()) && half.property(HalfMessages.FIRST_QUEUE_OFFSET) != null) {
                // A crash between re-writing a copy and finishing the old one leaves both open: the newest wins.
                Long older = newestCopy.put(HalfMessages.transactionKey(half), half.queueOffset());
                if (older != null) {
                    superseded.add(older);
                }
            }
            return true;
        });
        for (long older : superseded) {
            finish(older);
        }
        advance();
        LOG.info("transactions: half queue progress {}, {} finished above it, {} re-written open", halfProgress,
                finished.size(), newestCopy.size());
    }

    synchronized boolean isOpen(DecodedMessage half) {
        return isOpen(half.queueOffset());
    }

    /**
     * Ends the transaction of {@code half} (any copy of it): on commit its message goes to the real topic, then the
     * newest copy is finished; on rollback the copy is finished only.
     */
    synchronized Outcome end(DecodedMessage half, boolean commit) {
        long target = newestCopy.getOrDefault(HalfMessages.transactionKey(half), half.queueOffset());
        if (!isOpen(target)) {
            return Outcome.ALREADY_ENDED;
        }
        if (commit && !append(committedRoute.apply(HalfMessages.committed(half)))) {
            return Outcome.STORE_FAILED;
        }
        if (!finish(target)) {
            return Outcome.STORE_FAILED;
        }
        newestCopy.remove(HalfMessages.transactionKey(half));
        advance();
        return Outcome.ENDED;
    }

    /**
     * Re-writes an open half message at the end of the half queue counting {@code checkTimes} checks, and finishes
     * the old copy.
     *
     * @return the new copy, or null when the half message is no longer open or the store refused
     */
    synchronized DecodedMessage putBack(DecodedMessage half, int checkTimes) {
        if (!isOpen(half.queueOffset())) {
            return null;
        }
        AppendResult result = store.append(HalfMessages.putBack(half, checkTimes)).join();
        if (!result.status().stored()) {
            lastFailure = result.status() + " " + result.remark();
            return null;
        }
        ByteBuffer copy = store.lookup(result.commitLogOffset()).orElse(null);
        if (copy == null || !finish(half.queueOffset())) {
            return null;
        }
        newestCopy.put(HalfMessages.transactionKey(half), result.queueOffset());
        advance();
        return MessageCodec.decode(copy, copy.position());
    }

    /** Gives an open half message up: it goes to the check-max topic and is finished. */
    synchronized boolean discard(DecodedMessage half) {
        if (!isOpen(half.queueOffset())) {
            return false;
        }
        if (!append(HalfMessages.checkMax(half)) || !finish(half.queueOffset())) {
            return false;
        }
        newestCopy.remove(HalfMessages.transactionKey(half));
        advance();
        return true;
    }

    /** One past the last half message. */
    long halfEnd() {
        return store.maxQueueOffset(HalfMessages.HALF_TOPIC, 0);
    }

    /** Where the checker starts: the first half queue offset that may be open. */
    synchronized long halfProgress() {
        return halfProgress;
    }

    /** Saves the progress through both queues (as consumer offsets; they reach disk with the offsets file). */
    synchronized void saveProgress() {
        offsets.commit(HalfMessages.PROGRESS_GROUP, HalfMessages.HALF_TOPIC, 0, halfProgress);
        long opProgress = finished.isEmpty() ? store.maxQueueOffset(HalfMessages.OP_TOPIC, 0)
                : finished.values().stream().mapToLong(Long::longValue).min().getAsLong();
        offsets.commit(HalfMessages.PROGRESS_GROUP, HalfMessages.OP_TOPIC, 0, opProgress);
    }

    /** The store's reason for the last refused write, for logs. */
    synchronized String lastFailure() {
        return lastFailure;
    }

    /** Calls {@code visitor} with each record of a queue in [from, to) until it returns false. */
    void scan(String topic, long from, long to, Predicate<DecodedMessage> visitor) {
        long next = from;
        while (next < to) {
            try (ReadResult read = store.read(topic, 0, next, (int) Math.min(READ_BATCH, to - next), TagFilter.ALL)) {
                if (read.messages().isEmpty()) {
                    if (read.nextOffset() <= next) {
                        return;
                    }
                    next = read.nextOffset();
                    continue;
                }
                for (ByteBuffer record : read.messages()) {
                    DecodedMessage m = MessageCodec.decode(record, record.position());
                    if (m.queueOffset() >= to) {
                        return;
                    }
                    if (!visitor.test(m)) {
                        return;
                    }
                }
                next = read.nextOffset();
            }
        }
    }

    private boolean isOpen(long halfQueueOffset) {
        return halfQueueOffset >= halfProgress && !finished.containsKey(halfQueueOffset);
    }

    private boolean append(AppendRequest message) {
        AppendResult result = store.append(message).join();
        if (!result.status().stored()) {
            lastFailure = result.status() + " " + result.remark();
            return false;
        }
        return true;
    }

    private boolean finish(long halfQueueOffset) {
        AppendResult result = store.append(HalfMessages.op(halfQueueOffset, clock.millis(), host, port)).join();
        if (!result.status().stored()) {
            lastFailure = result.status() + " " + result.remark();
            return false;
        }
        finished.put(halfQueueOffset, result.queueOffset());
        return true;
    }

    private void advance() {
        while (finished.remove(halfProgress) != null) {
            halfProgress++;
        }
    }

    private long saved(String topic) {
        return offsets.query(HalfMessages.PROGRESS_GROUP, topic, 0);
    }
}
