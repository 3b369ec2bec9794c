package dev.sluice.broker.transaction;

import dev.sluice.store.AppendRequest;
import dev.sluice.store.DecodedMessage;
import dev.sluice.store.MessageProperties;
import dev.sluice.store.SysFlag;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The records of RocketMQ's transaction protocol: a half message parks a transactional send on
 * {@value #HALF_TOPIC} (queue 0) with its destination in REAL_TOPIC / REAL_QID, an op record on {@value #OP_TOPIC}
 * says a half message is finished, and the outcome is written to the real topic or, after too many unanswered
 * checks, to {@value #CHECK_MAX_TOPIC}.
 */
public final class HalfMessages {
    public static final String HALF_TOPIC = "RMQ_SYS_TRANS_HALF_TOPIC";
    public static final String OP_TOPIC = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
    public static final String CHECK_MAX_TOPIC = "TRANS_CHECK_MAX_TIME_TOPIC";
    /** The group the checker's progress through both queues is kept under (RocketMQ's CID_SYS_RMQ_TRANS). */
    static final String PROGRESS_GROUP = "CID_RMQ_SYS_TRANS";
    static final String TRAN_MSG = "TRAN_MSG";
    static final String PGROUP = "PGROUP";
    static final String REAL_TOPIC = "REAL_TOPIC";
    static final String REAL_QID = "REAL_QID";
    static final String CHECK_TIMES = "TRANSACTION_CHECK_TIMES";
    static final String CHECK_IMMUNITY_SECONDS = "CHECK_IMMUNITY_TIME_IN_SECONDS";
    /** On a re-written half message: the queue offset of the first half message of its transaction. */
    static final String FIRST_QUEUE_OFFSET = "TRAN_PREPARED_QUEUE_OFFSET";
    /** Tag of op records meaning "done". */
    static final String OP_DONE_TAG = "d";

    private HalfMessages() {
    }

    /** Whether a send's properties mark it as the first half of a transaction. */
    public static boolean isTransactional(String properties) {
        return properties != null && "true".equals(MessageProperties.get(properties, TRAN_MSG));
    }

    /** The half message a transactional send is stored as: parked on the half queue, transaction bits cleared. */
    public static AppendRequest toHalf(AppendRequest send) {
        Map<String, String> properties = MessageProperties.decode(new String(send.properties(), StandardCharsets.UTF_8));
        properties.put(REAL_TOPIC, send.topic());
        properties.put(REAL_QID, String.valueOf(send.queueId()));
        return new AppendRequest(HALF_TOPIC, 0, send.flag(), send.body(), bytes(properties),
                send.sysFlag() & ~SysFlag.TRANSACTION_ROLLBACK_TYPE, send.bornTimestamp(), send.bornHost(),
                send.bornPort(), send.reconsumeTimes(), 0);
    }

    /**
     * The committed message: the half message on its real topic and queue with the commit bits, pointing back at
     * the half message. Its properties are kept as stored (TRAN_MSG, PGROUP and REAL_* included), as RocketMQ 4.9.7
     * writes them.
     */
    static AppendRequest committed(DecodedMessage half) {
        return new AppendRequest(half.property(REAL_TOPIC), realQueueId(half), half.flag(), ByteBuffer.wrap(half.body()),
                half.properties().getBytes(StandardCharsets.UTF_8), transactionBits(half, SysFlag.TRANSACTION_COMMIT_TYPE),
                half.bornTimestamp(), half.bornHost(), half.bornPort(), half.reconsumeTimes(), half.physicalOffset());
    }

    /** A copy of an unfinished half message at the end of the half queue, counting one more check. */
    static AppendRequest putBack(DecodedMessage half, int checkTimes) {
        Map<String, String> properties = half.propertyMap();
        properties.put(CHECK_TIMES, String.valueOf(checkTimes));
        properties.putIfAbsent(FIRST_QUEUE_OFFSET, String.valueOf(half.queueOffset()));
        return new AppendRequest(HALF_TOPIC, 0, half.flag(), ByteBuffer.wrap(half.body()), bytes(properties),
                half.sysFlag(), half.bornTimestamp(), half.bornHost(), half.bornPort(), half.reconsumeTimes(), 0);
    }

    /** A half message given up after too many checks, kept on {@value #CHECK_MAX_TOPIC} for operators. */
    static AppendRequest checkMax(DecodedMessage half) {
        return new AppendRequest(CHECK_MAX_TOPIC, 0, half.flag(), ByteBuffer.wrap(half.body()),
                half.properties().getBytes(StandardCharsets.UTF_8), half.sysFlag(), half.bornTimestamp(), half.bornHost(),
                half.bornPort(), half.reconsumeTimes(), 0);
    }

    /** The op record finishing the half message at {@code halfQueueOffset}: tag "d", body the offset in decimal. */
    static AppendRequest op(long halfQueueOffset, long now, byte[] host, int port) {
        String properties = MessageProperties.TAGS + MessageProperties.NAME_VALUE_SEPARATOR + OP_DONE_TAG;
        return new AppendRequest(OP_TOPIC, 0, 0,
                ByteBuffer.wrap(String.valueOf(halfQueueOffset).getBytes(StandardCharsets.UTF_8)),
                properties.getBytes(StandardCharsets.UTF_8), 0, now, host, port, 0, 0);
    }

    /** The half queue offset an op record finishes, or -1 if it is not a well-formed "done" record. */
    static long opTarget(DecodedMessage op) {
        if (!OP_DONE_TAG.equals(op.property(MessageProperties.TAGS))) {
            return -1;
        }
        try {
            return Long.parseLong(new String(op.body(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * What ties the copies of one transaction's half message together: its UNIQ_KEY (the client's transaction id),
     * else the queue offset of the first copy.
     */
    static String transactionKey(DecodedMessage half) {
        String uniq = half.property(MessageProperties.UNIQ_KEY);
        if (uniq != null && !uniq.isEmpty()) {
            return uniq;
        }
        String first = half.property(FIRST_QUEUE_OFFSET);
        return "@" + (first != null ? first : String.valueOf(half.queueOffset()));
    }

    static int checkTimes(DecodedMessage half) {
        return intProperty(half, CHECK_TIMES, 0);
    }

    static int realQueueId(DecodedMessage half) {
        return intProperty(half, REAL_QID, 0);
    }

    /** Whether the half message names a destination to commit to. */
    static boolean hasDestination(DecodedMessage half) {
        return half.property(REAL_TOPIC) != null;
    }

    private static int transactionBits(DecodedMessage half, int type) {
        return (half.sysFlag() & ~SysFlag.TRANSACTION_ROLLBACK_TYPE) | type;
    }

    private static int intProperty(DecodedMessage m, String name, int fallback) {
        String v = m.property(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static byte[] bytes(Map<String, String> properties) {
        return MessageProperties.encode(properties).getBytes(StandardCharsets.UTF_8);
    }
}
