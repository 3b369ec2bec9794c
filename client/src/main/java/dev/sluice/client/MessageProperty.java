package dev.sluice.client;

import java.util.Set;

/** Names of the message properties the broker and clients interpret. */
public final class MessageProperty {
    public static final String KEYS = "KEYS";
    public static final String TAGS = "TAGS";
    public static final String WAIT = "WAIT";
    public static final String DELAY = "DELAY";
    public static final String UNIQ_KEY = "UNIQ_KEY";
    public static final String RETRY_TOPIC = "RETRY_TOPIC";
    public static final String REAL_TOPIC = "REAL_TOPIC";
    public static final String REAL_QID = "REAL_QID";
    public static final String RECONSUME_TIME = "RECONSUME_TIME";
    public static final String MAX_RECONSUME_TIMES = "MAX_RECONSUME_TIMES";
    public static final String ORIGIN_MESSAGE_ID = "ORIGIN_MESSAGE_ID";
    public static final String TRAN_MSG = "TRAN_MSG";
    public static final String PRODUCER_GROUP = "PGROUP";
    public static final String MIN_OFFSET = "MIN_OFFSET";
    public static final String MAX_OFFSET = "MAX_OFFSET";
    public static final String CONSUME_START_TIME = "CONSUME_START_TIME";
    public static final String CLUSTER = "CLUSTER";
    /** Request-reply: pairs a reply with its request. */
    public static final String CORRELATION_ID = "CORRELATION_ID";
    /** Request-reply: the client id of the producer waiting for the reply. */
    public static final String REPLY_TO_CLIENT = "REPLY_TO_CLIENT";
    /** Request-reply: how long, in ms, the requester waits. */
    public static final String TTL = "TTL";
    /** Request-reply: "reply" on a reply, which is sent with SEND_REPLY_MESSAGE_V2. */
    public static final String MSG_TYPE = "MSG_TYPE";

    private static final Set<String> RESERVED = Set.of(KEYS, TAGS, WAIT, DELAY, UNIQ_KEY, RETRY_TOPIC, REAL_TOPIC,
            REAL_QID, RECONSUME_TIME, MAX_RECONSUME_TIMES, ORIGIN_MESSAGE_ID, TRAN_MSG, PRODUCER_GROUP, MIN_OFFSET,
            MAX_OFFSET, CONSUME_START_TIME, CLUSTER, "TRAN_PREPARED_QUEUE_OFFSET", "TRANSACTION_CHECK_TIMES",
            "CHECK_IMMUNITY_TIME_IN_SECONDS", "MSG_REGION", "TRACE_ON", "INSTANCE_ID", CORRELATION_ID,
            REPLY_TO_CLIENT, TTL, "ARRIVE_TIME", MSG_TYPE);

    private MessageProperty() {
    }

    public static boolean isReserved(String name) {
        return RESERVED.contains(name);
    }
}
