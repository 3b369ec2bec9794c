package dev.sluice.broker.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/** RocketMQ's MessageQueue as JSON, used as the key of offset tables (written as an object key, as fastjson does). */
final class MessageQueues {
    private MessageQueues() {
    }

    static Map<String, Object> of(String brokerName, int queueId, String topic) {
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("brokerName", brokerName);
        queue.put("queueId", queueId);
        queue.put("topic", topic);
        return queue;
    }
}
