package dev.sluice.broker.client;

import dev.sluice.broker.filter.SqlSelector;
import dev.sluice.remoting.json.Json;
import dev.sluice.store.TagFilter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a consumer subscribed to on one topic: RocketMQ's SubscriptionData. A TAG expression filters by the tag hash
 * codes in the ConsumeQueue (the client re-checks the tag strings); an SQL92 one by its {@link SqlSelector} over each
 * stored message's properties. An SQL92 expression that did not compile has no {@link #selector()}: RocketMQ then has
 * no filter data for the consumer, and refuses its pulls.
 */
public record Subscription(String topic, String subString, Set<String> tagsSet, Set<Integer> codeSet, long subVersion,
                           String expressionType, boolean classFilterMode, TagFilter filter) {
    public static final String SUB_ALL = "*";
    public static final String TAG = "TAG";

    /**
     * A pull's own subscription: a TAG expression ("*", "", or "TagA || TagB") or an SQL92 one.
     *
     * @throws IllegalArgumentException for an SQL92 expression that does not compile, or another expression type
     */
    public static Subscription parse(String topic, String subString, String expressionType, long subVersion) {
        String type = expressionType == null || expressionType.isEmpty() ? TAG : expressionType;
        if (SqlSelector.TYPE.equals(type)) {
            return new Subscription(topic, subString, Set.of(), Set.of(), subVersion, type, false,
                    new SelectorFilter(SqlSelector.compile(subString)));
        }
        if (!TAG.equals(type)) {
            throw new IllegalArgumentException("expression type " + type + " is not supported; use TAG or SQL92");
        }
        // As RocketMQ's FilterAPI reads it: only null, "" and "*" take everything; an expression whose parts are all
        // blank takes nothing, and one that splits into no part at all ("||||") is an error.
        if (subString == null || subString.isEmpty() || SUB_ALL.equals(subString)) {
            return new Subscription(topic, SUB_ALL, Set.of(), Set.of(), subVersion, type, false, TagFilter.ALL);
        }
        String[] parts = subString.split("\\|\\|");
        if (parts.length == 0) {
            throw new IllegalArgumentException("subString split error: " + subString);
        }
        Set<String> tags = new LinkedHashSet<>();
        for (String part : parts) {
            if (!part.trim().isEmpty()) {
                tags.add(part.trim());
            }
        }
        Set<Integer> codes = new LinkedHashSet<>();
        tags.forEach(t -> codes.add(t.hashCode()));
        return new Subscription(topic, subString, tags, codes, subVersion, type, false, filterOf(codes));
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
        if (SqlSelector.TYPE.equals(type)) {
            TagFilter filter;
            try {
                filter = new SelectorFilter(SqlSelector.compile(subString));
            } catch (IllegalArgumentException e) {
                filter = TagFilter.ALL;
            }
            return new Subscription(topic, subString, tags, codes, version, type, classFilter, filter);
        }
        if (!TAG.equals(type)) {
            // Kept so the group's view stays complete, but it filters nothing; pulls for it are refused.
            return new Subscription(topic, subString, tags, codes, version, type, classFilter, TagFilter.ALL);
        }
        // RocketMQ takes everything only for "*" (its client sends that for "" and null) or class filter mode.
        boolean all = classFilter || SUB_ALL.equals(subString);
        return new Subscription(topic, subString, tags, codes, version, type, classFilter, filterOf(all ? null : codes));
    }

    /** RocketMQ's words for a broker without enablePropertyFilter, which its client shows the user. */
    public static String unsupported(String expressionType) {
        return "The broker does not support consumer to filter message by " + expressionType;
    }

    public boolean isTag() {
        return TAG.equals(expressionType);
    }

    /** The compiled SQL92 expression, or null for a TAG subscription or one that did not compile. */
    public SqlSelector selector() {
        return filter instanceof SelectorFilter f ? f.selector() : null;
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

    /** Every tag code passes; the record's properties decide. */
    private record SelectorFilter(SqlSelector selector) implements TagFilter {
        @Override
        public boolean accept(long tagCode) {
            return true;
        }

        @Override
        public boolean acceptRecord(ByteBuffer record) {
            return selector.matches(record);
        }
    }
}
