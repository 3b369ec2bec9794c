package dev.sluice.broker.client;

import dev.sluice.remoting.json.Json;
import dev.sluice.store.TagFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a consumer subscribed to on one topic: RocketMQ's SubscriptionData. Only TAG expressions are supported;
 * the broker filters by the tag hash codes, the client re-checks the tag strings.
 */
public record Subscription(String topic, String subString, Set<String> tagsSet, Set<Integer> codeSet, long subVersion,
                           String expressionType, boolean classFilterMode, TagFilter filter) {
    public static final String SUB_ALL = "*";
    public static final String TAG = "TAG";

    /** Parses a TAG expression ("*", "", or "TagA || TagB"); other expression types are refused. */
    public static Subscription parse(String topic, String subString, String expressionType, long subVersion) {
        String type = expressionType == null || expressionType.isEmpty() ? TAG : expressionType;
        if (!TAG.equals(type)) {
            throw new IllegalArgumentException("expression type " + type + " is not supported; use TAG");
        }
        String expression = subString == null ? "" : subString.trim();
        Set<String> tags = new LinkedHashSet<>();
        if (!expression.isEmpty() && !SUB_ALL.equals(expression)) {
            for (String tag : expression.split("\\|\\|")) {
                if (!tag.trim().isEmpty()) {
                    tags.add(tag.trim());
                }
            }
        }
        Set<Integer> codes = new LinkedHashSet<>();
        tags.forEach(t -> codes.add(t.hashCode()));
        return new Subscription(topic, expression.isEmpty() ? SUB_ALL : expression, tags, codes, subVersion, type, false,
                filterOf(tags.isEmpty() ? null : codes));
    }

    /** From a heartbeat's SubscriptionData. */
    static Subscription fromJson(Map<String, Object> json) {
        String topic = Json.asString(json.get("topic"), "subscription topic");
        String subString = json.get("subString") == null ? SUB_ALL : Json.asString(json.get("subString"), "subString");
        String type = json.get("expressionType") == null ? TAG : Json.asString(json.get("expressionType"), "expressionType");
        long version = json.get("subVersion") == null ? 0 : Json.asLong(json.get("subVersion"), "subVersion");
        boolean classFilter = Boolean.TRUE.equals(json.get("classFilterMode"));
        Set<String> tags = new LinkedHashSet<>();
        if (json.get("tagsSet") instanceof List<?> list) {
            list.forEach(t -> tags.add(Json.asString(t, "tag")));
        }
        Set<Integer> codes = new LinkedHashSet<>();
        if (json.get("codeSet") instanceof List<?> list) {
            list.forEach(c -> codes.add(Json.asInt(c, "tag code")));
        }
        if (!TAG.equals(type)) {
            // Kept so the group's view stays complete, but it filters nothing; pulls for it are refused.
            return new Subscription(topic, subString, tags, codes, version, type, classFilter, TagFilter.ALL);
        }
        boolean all = classFilter || SUB_ALL.equals(subString.trim()) || subString.isBlank();
        return new Subscription(topic, subString, tags, codes, version, type, classFilter, filterOf(all ? null : codes));
    }

    /** Fastjson's form of SubscriptionData, keys sorted. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("classFilterMode", classFilterMode);
        json.put("codeSet", new ArrayList<>(codeSet));
        json.put("expressionType", expressionType);
        json.put("subString", subString);
        json.put("subVersion", subVersion);
        json.put("tagsSet", new ArrayList<>(tagsSet));
        json.put("topic", topic);
        return json;
    }

    /** Accepts a ConsumeQueue tag code whose int value is one of {@code codes}; everything when codes is null. */
    private static TagFilter filterOf(Set<Integer> codes) {
        if (codes == null) {
            return TagFilter.ALL;
        }
        int[] sorted = codes.stream().mapToInt(Integer::intValue).sorted().toArray();
        return tagCode -> Arrays.binarySearch(sorted, (int) tagCode) >= 0;
    }
}
