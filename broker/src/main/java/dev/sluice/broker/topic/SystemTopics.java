package dev.sluice.broker.topic;

import java.util.Set;

/** Names RocketMQ reserves: the auto-create template, internal topics, retry and dead-letter prefixes. */
public final class SystemTopics {
    public static final String AUTO_CREATE_TEMPLATE = "TBW102";
    public static final String SELF_TEST = "SELF_TEST_TOPIC";
    public static final String OFFSET_MOVED_EVENT = "OFFSET_MOVED_EVENT";
    public static final String SCHEDULE = "SCHEDULE_TOPIC_XXXX";
    /** RocketMQ 5's timing-wheel topic: messages with a delivery time, until it comes. */
    public static final String TIMER = "rmq_sys_wheel_timer";
    public static final String BENCHMARK = "BenchmarkTest";
    public static final String RETRY_PREFIX = "%RETRY%";
    public static final String DLQ_PREFIX = "%DLQ%";

    /** Clients may not send to these. */
    private static final Set<String> NOT_SENDABLE = Set.of(SCHEDULE, "RMQ_SYS_TRANS_HALF_TOPIC",
            "RMQ_SYS_TRANS_OP_HALF_TOPIC", "TRANS_CHECK_MAX_TIME_TOPIC", SELF_TEST, OFFSET_MOVED_EVENT, TIMER);

    private static final Set<String> SYSTEM = Set.of(AUTO_CREATE_TEMPLATE, SCHEDULE, "RMQ_SYS_TRANS_HALF_TOPIC",
            "RMQ_SYS_TRANS_OP_HALF_TOPIC", "TRANS_CHECK_MAX_TIME_TOPIC", SELF_TEST, OFFSET_MOVED_EVENT, BENCHMARK,
            "RMQ_SYS_TRACE_TOPIC");

    private SystemTopics() {
    }

    public static boolean sendForbidden(String topic) {
        return NOT_SENDABLE.contains(topic);
    }

    /** Topics admin commands may neither create nor delete. */
    public static boolean isSystem(String topic) {
        return SYSTEM.contains(topic) || topic.startsWith("rmq_sys_");
    }

    public static String retryTopic(String group) {
        return RETRY_PREFIX + group;
    }

    public static boolean isRetry(String topic) {
        return topic.startsWith(RETRY_PREFIX);
    }
}
