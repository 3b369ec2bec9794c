package dev.sluice.client;

import java.util.LinkedHashMap;
import java.util.Map;

/** One queue of a topic on one broker group. Ordered by topic, broker name, then queue id. */
public record MessageQueue(String topic, String brokerName, int queueId) implements Comparable<MessageQueue> {
    @Override
    public int compareTo(MessageQueue other) {
        int c = topic.compareTo(other.topic);
        if (c != 0) {
            return c;
        }
        c = brokerName.compareTo(other.brokerName);
        return c != 0 ? c : Integer.compare(queueId, other.queueId);
    }

    /** The wire shape {@code {"brokerName":..,"queueId":..,"topic":..}} (keys sorted as fastjson writes them). */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("brokerName", brokerName);
        json.put("queueId", queueId);
        json.put("topic", topic);
        return json;
    }

    @Override
    public String toString() {
        return topic + "@" + brokerName + "#" + queueId;
    }
}
