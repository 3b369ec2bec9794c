package dev.sluice.broker.timer;

import dev.sluice.broker.schedule.DelayRouter;
import dev.sluice.broker.schedule.RealTopicMessage;
import dev.sluice.broker.topic.SystemTopics;
import dev.sluice.store.AppendRequest;
import dev.sluice.store.AppendResult;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageCodec;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.MessageRecordDescriptor;
import dev.sluice.store.MessageStore;
import dev.sluice.store.ReadResult;
import dev.sluice.store.ReadStatus;
import dev.sluice.store.SysFlag;
import dev.sluice.store.TagFilter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Arbitrary delivery times. A timer message is stored in the CommitLog under {@code rmq_sys_wheel_timer} queue 0 with
 * its due time in {@code TIMER_OUT_MS}; that queue is the durable list of what is pending. This service follows the
 * queue into an in-memory {@link TimingWheel} (due time, queue offset), and when an entry falls due appends the message
 * to its real topic and then sets the entry's bit in {@link DeliveredMarks}. After a crash it rescans the queue from
 * the oldest chunk of marks, skipping marked messages: a message is never lost, and is repeated only if the crash fell
 * between its redelivery and its mark.
 *
 * <p>A message due further ahead than the roll interval is "rolled" when the interval has passed: stored again in the
 * timer topic (a fresh record, same due time) and its old record marked, so that CommitLog retention, which goes by
 * file age, never removes a message still waiting.
 *
 * <p>Memory: the wheel holds 16 bytes per pending message. Not thread-safe: one thread calls {@link #tick()}.
 */
public final class TimerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimerService.class);
    private static final int SLOTS = 4096;
    private static final long TICK_MILLIS = 1000;
    private static final int BATCH = 64;
    private static final String[] DROPPED = {DelayRouter.TIMER_DELAY_SEC, DelayRouter.TIMER_DELAY_MS,
            DelayRouter.TIMER_DELIVER_MS};

    /** Default roll interval: a day, well inside RocketMQ's default 72 h fileReservedTime. */
    public static final long DEFAULT_ROLL_MILLIS = 24 * 3_600_000L;

    private final MessageStore store;
    private final Clock clock;
    private final long rollMillis;
    private final DeliveredMarks marks;
    private final TimingWheel wheel;
    /** Next timer-queue offset to put on the wheel. */
    private long enqueued;
    private long[] due = new long[64];
    private int dueCount;

    /**
     * @param dir        where the delivered marks live ({@code <storePathRootDir>/timer})
     * @param rollMillis how long a message waits in one record before it is stored again
     */
    public TimerService(MessageStore store, Path dir, Clock clock, long rollMillis) throws IOException {
        this.store = store;
        this.clock = clock;
        this.rollMillis = rollMillis;
        long min = store.minQueueOffset(SystemTopics.TIMER, 0);
        this.marks = new DeliveredMarks(dir, min);
        this.wheel = new TimingWheel(SLOTS, TICK_MILLIS, clock.millis());
        this.enqueued = Math.max(marks.scanStart(), min);
    }

    /** Puts newly stored timer messages on the wheel and delivers what is due; returns how many it delivered. */
    public int tick() {
        enqueueNew();
        dueCount = 0;
        wheel.advance(clock.millis(), (dueMillis, offset) -> {
            if (dueCount == due.length) {
                due = Arrays.copyOf(due, dueCount * 2);
            }
            due[dueCount++] = offset;
        });
        Arrays.sort(due, 0, dueCount);
        int delivered = 0;
        for (int i = 0; i < dueCount; i++) {
            if (deliver(due[i])) {
                delivered++;
            } else {
                // The store refused it for now: due again at the next tick.
                wheel.add(clock.millis(), due[i]);
            }
        }
        return delivered;
    }

    /** Messages on the wheel, waiting for their time. */
    public int pending() {
        return wheel.size();
    }

    private void enqueueNew() {
        long max = store.maxQueueOffset(SystemTopics.TIMER, 0);
        while (enqueued < max) {
            try (ReadResult read = store.read(SystemTopics.TIMER, 0, enqueued, BATCH, TagFilter.ALL)) {
                if (read.status() == ReadStatus.OFFSET_MOVED) {
                    LOG.warn("timer messages from queue offset {} to {} were removed by retention before delivery",
                            enqueued, read.minOffset());
                    enqueued = Math.max(enqueued, read.minOffset());
                    continue;
                }
                if (read.status() != ReadStatus.FOUND || read.messages().isEmpty()) {
                    return;
                }
                for (ByteBuffer record : read.messages()) {
                    int at = record.position();
                    long offset = MessageRecordDescriptor.queueOffset(record, at);
                    if (!marks.isMarked(offset)) {
                        long due = dueTime(record, at);
                        long rollAt = MessageRecordDescriptor.storeTimestamp(record, at) + rollMillis;
                        wheel.add(Math.min(due, rollAt), offset);
                    }
                    enqueued = offset + 1;
                }
            }
        }
    }

    /** The stored due time; a record without a readable one is due now (it cannot wait for a time it does not know). */
    private static long dueTime(ByteBuffer record, int at) {
        String out = MessageProperties.get(MessageCodec.properties(record, at), DelayRouter.TIMER_OUT_MS);
        try {
            return out == null ? 0 : Long.parseLong(out.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** False when it should be tried again later. */
    private boolean deliver(long offset) {
        try (ReadResult read = store.read(SystemTopics.TIMER, 0, offset, 1, TagFilter.ALL)) {
            if (read.status() != ReadStatus.FOUND || read.messages().isEmpty()) {
                LOG.error("timer message at queue offset {} is gone ({}); it cannot be delivered", offset, read.status());
                return mark(offset);
            }
            ByteBuffer record = read.messages().get(0);
            if (dueTime(record, record.position()) > clock.millis()) {
                return roll(offset, record);
            }
            AppendRequest real = RealTopicMessage.of(record, DROPPED);
            if (real == null) {
                LOG.error("timer message at queue offset {} has no REAL_TOPIC/REAL_QID; dropping it", offset);
                return mark(offset);
            }
            AppendResult result = store.append(real).join();
            switch (result.status()) {
                case PUT_OK, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE -> {
                    return mark(offset);
                }
                case MESSAGE_ILLEGAL, PROPERTIES_SIZE_EXCEEDED -> {
                    LOG.error("timer message for {} cannot be stored ({}); dropping it", real.topic(), result.status());
                    return mark(offset);
                }
                default -> {
                    LOG.warn("timer message for {} not delivered yet: {}", real.topic(), result.status());
                    return false;
                }
            }
        }
    }

    /** Stores the record again in the timer topic, then marks the old one: at worst both exist, never neither. */
    private boolean roll(long offset, ByteBuffer record) {
        DecodedMessage m = MessageCodec.decode(record, record.position());
        AppendRequest copy = new AppendRequest(SystemTopics.TIMER, 0, m.flag(), ByteBuffer.wrap(m.body()),
                MessageProperties.bytes(m.properties()), m.sysFlag() & ~(SysFlag.BORNHOST_V6 | SysFlag.STOREHOST_V6),
                m.bornTimestamp(), m.bornHost(), m.bornPort(), m.reconsumeTimes(), m.preparedTransactionOffset());
        AppendResult result = store.append(copy).join();
        return switch (result.status()) {
            case PUT_OK, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE -> mark(offset);
            default -> {
                LOG.warn("timer message at queue offset {} not rolled yet: {}", offset, result.status());
                yield false;
            }
        };
    }

    private boolean mark(long offset) {
        try {
            marks.mark(offset);
            return true;
        } catch (IOException e) {
            // Delivered but not marked: a restart would repeat it, which beats losing it.
            LOG.error("could not mark timer message {} delivered", offset, e);
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        marks.close();
    }
}
