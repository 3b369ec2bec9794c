package dev.sluice.broker.topic;

import dev.sluice.broker.config.BrokerConfig;
import java.util.Set;
import java.util.TreeSet;

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

    /** The names RocketMQ reserves on every broker (the rmq_sys_ prefix too). */
    public static boolean isSystem(String topic) {
        return SYSTEM.contains(topic) || topic.startsWith("rmq_sys_");
    }

    /**
     * Topics admin commands may neither create nor delete on this broker: the reserved names, and the cluster's, the
     * broker's and (when the broker creates it) the trace topic, as RocketMQ 4.9.7 reserves them.
     */
    public static boolean isReserved(String topic, BrokerConfig config) {
        return isSystem(topic) || topic.equals(config.brokerClusterName()) || topic.equals(config.brokerName())
                || (config.traceTopicEnable() && topic.equals(config.msgTraceTopicName()));
    }

    public static String retryTopic(String group) {
        return RETRY_PREFIX + group;
    }

    public static boolean isRetry(String topic) {
        return topic.startsWith(RETRY_PREFIX);
    }

    /** The topic request-reply messages of a cluster go to; every broker of the cluster serves it. */
    public static String replyTopic(String clusterName) {
        return clusterName + "_REPLY_TOPIC";
    }

    /**
     * The system topics a broker names when asked (GET_SYSTEM_TOPIC_LIST_FROM_BROKER), as RocketMQ 4.9.7's does: the
     * reserved names plus the cluster's, the broker's and the reply topic, whether or not the cluster and broker
     * topics are enabled, and the trace topic when the broker creates it. Tools drop these from a broker's topics to
     * tell the users' topics (mqadmin exportMetadata).
     */
    public static Set<String> listedBy(BrokerConfig config) {
        Set<String> listed = new TreeSet<>(SYSTEM);
        listed.add(config.brokerClusterName());
        listed.add(config.brokerName());
        listed.add(replyTopic(config.brokerClusterName()));
        if (config.traceTopicEnable()) {
            listed.add(config.msgTraceTopicName());
        }
        return listed;
    }
}
