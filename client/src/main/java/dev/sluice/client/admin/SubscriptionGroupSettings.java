package dev.sluice.client.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/** A consumer group's configuration on a broker (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP; defaults as RocketMQ's). */
public record SubscriptionGroupSettings(String groupName, boolean consumeEnable, boolean consumeFromMinEnable,
                                        boolean consumeBroadcastEnable, int retryQueueNums, int retryMaxTimes,
                                        long brokerId, long whichBrokerWhenConsumeSlowly,
                                        boolean notifyConsumerIdsChangedEnable) {
    public static SubscriptionGroupSettings defaults(String groupName) {
        return new SubscriptionGroupSettings(groupName, true, true, true, 1, 16, 0, 1, true);
    }

    /** The request body: fastjson's key order (alphabetical). */
    Map<String, Object> toJson() {
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
}
