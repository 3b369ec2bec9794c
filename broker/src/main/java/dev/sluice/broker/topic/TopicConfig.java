package dev.sluice.broker.topic;

import dev.sluice.remoting.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** One topic on this broker: queue counts, permission and filter type, as RocketMQ's TopicConfig. */
public record TopicConfig(String topicName, int readQueueNums, int writeQueueNums, int perm, String topicFilterType,
                          int topicSysFlag, boolean order) {
    public static final String SINGLE_TAG = "SINGLE_TAG";

    public static TopicConfig of(String name, int queues, int perm) {
        return new TopicConfig(name, queues, queues, perm, SINGLE_TAG, 0, false);
    }

    public TopicConfig withPerm(int newPerm) {
        return new TopicConfig(topicName, readQueueNums, writeQueueNums, newPerm, topicFilterType, topicSysFlag, order);
    }

    /** Fastjson's form: keys sorted alphabetically. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("order", order);
        json.put("perm", perm);
        json.put("readQueueNums", readQueueNums);
        json.put("topicFilterType", topicFilterType);
        json.put("topicName", topicName);
        json.put("topicSysFlag", topicSysFlag);
        json.put("writeQueueNums", writeQueueNums);
        return json;
    }

    static TopicConfig fromJson(String key, Map<String, Object> json) {
        Object name = json.get("topicName");
        return new TopicConfig(name == null ? key : Json.asString(name, "topicName"),
                intOr(json, "readQueueNums", 16), intOr(json, "writeQueueNums", 16), intOr(json, "perm", 6),
                json.get("topicFilterType") == null ? SINGLE_TAG : Json.asString(json.get("topicFilterType"), "topicFilterType"),
                intOr(json, "topicSysFlag", 0), Boolean.TRUE.equals(json.get("order")));
    }

    private static int intOr(Map<String, Object> json, String key, int fallback) {
        Object v = json.get(key);
        return v == null ? fallback : Json.asInt(v, key);
    }
}
