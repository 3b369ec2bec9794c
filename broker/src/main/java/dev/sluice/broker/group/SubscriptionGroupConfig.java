package dev.sluice.broker.group;

import dev.sluice.remoting.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** One consumer group's settings, as RocketMQ's SubscriptionGroupConfig; defaults are RocketMQ's. */
public record SubscriptionGroupConfig(String groupName, boolean consumeEnable, boolean consumeFromMinEnable,
                                      boolean consumeBroadcastEnable, int retryQueueNums, int retryMaxTimes,
                                      long brokerId, long whichBrokerWhenConsumeSlowly,
                                      boolean notifyConsumerIdsChangedEnable) {

    public static SubscriptionGroupConfig defaults(String group) {
        return new SubscriptionGroupConfig(group, true, true, true, 1, 16, 0, 1, true);
    }

    public SubscriptionGroupConfig withConsumeEnable(boolean enable) {
        return new SubscriptionGroupConfig(groupName, enable, consumeFromMinEnable, consumeBroadcastEnable, retryQueueNums,
                retryMaxTimes, brokerId, whichBrokerWhenConsumeSlowly, notifyConsumerIdsChangedEnable);
    }

    /** Fastjson's form: keys sorted alphabetically. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("brokerId", brokerId);
        json.put("consumeBroadcastEnable", consumeBroadcastEnable);
        json.put("consumeEnable", consumeEnable);
        json.put("consumeFromMinEnable", consumeFromMinEnable);
        json.put("groupName", groupName);
        json.put("notifyConsumerIdsChangedEnable", notifyConsumerIdsChangedEnable);
        json.put("retryMaxTimes", retryMaxTimes);
        json.put("retryQueueNums", retryQueueNums);
        json.put("whichBrokerWhenConsumeSlowly", whichBrokerWhenConsumeSlowly);
        return json;
    }

    /** Missing keys take the defaults, as fastjson leaves bean defaults in place. */
    public static SubscriptionGroupConfig fromJson(Map<String, Object> json) {
        Object name = json.get("groupName");
        if (name == null) {
            throw new IllegalArgumentException("subscription group config has no groupName");
        }
        SubscriptionGroupConfig d = defaults(Json.asString(name, "groupName"));
        return new SubscriptionGroupConfig(d.groupName,
                bool(json, "consumeEnable", d.consumeEnable), bool(json, "consumeFromMinEnable", d.consumeFromMinEnable),
                bool(json, "consumeBroadcastEnable", d.consumeBroadcastEnable),
                json.get("retryQueueNums") == null ? d.retryQueueNums : Json.asInt(json.get("retryQueueNums"), "retryQueueNums"),
                json.get("retryMaxTimes") == null ? d.retryMaxTimes : Json.asInt(json.get("retryMaxTimes"), "retryMaxTimes"),
                json.get("brokerId") == null ? d.brokerId : Json.asLong(json.get("brokerId"), "brokerId"),
                json.get("whichBrokerWhenConsumeSlowly") == null ? d.whichBrokerWhenConsumeSlowly
                        : Json.asLong(json.get("whichBrokerWhenConsumeSlowly"), "whichBrokerWhenConsumeSlowly"),
                bool(json, "notifyConsumerIdsChangedEnable", d.notifyConsumerIdsChangedEnable));
    }

    private static boolean bool(Map<String, Object> json, String key, boolean fallback) {
        Object v = json.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(key + " is not a boolean");
    }
}
