package dev.sluice.client.consumer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a subscription selects. A tag expression: {@code "*"} (or empty) matches every message, {@code "TagA || TagB"}
 * the listed tags; brokers filter by the tags' Java hash codes and the client filters again by the tags themselves
 * (hash collisions). Or an SQL92 selector over the messages' properties, which only the broker evaluates, and only
 * with its enablePropertyFilter on.
 */
public final class TagExpression {
    public static final String ALL = "*";
    static final String TAG = "TAG";
    static final String SQL92 = "SQL92";

    private final String type;
    private final String expression;
    private final Set<String> tags;

    private TagExpression(String type, String expression, Set<String> tags) {
        this.type = type;
        this.expression = expression;
        this.tags = tags;
    }

    /** An SQL92 selector, such as {@code "a BETWEEN 1 AND 5 AND TAGS IN ('TagA')"}; the broker checks its syntax. */
    public static TagExpression sql(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("an SQL92 selector cannot be empty");
        }
        return new TagExpression(SQL92, expression, Set.of());
    }

    /** Parses an expression; {@code null} means "*". A tag may not contain {@code ||} separators' pipes. */
    public static TagExpression parse(String expression) {
        String text = expression == null ? "" : expression.trim();
        if (text.isEmpty() || text.equals(ALL)) {
            return new TagExpression(TAG, ALL, Set.of());
        }
        Set<String> tags = new LinkedHashSet<>();
        for (String part : text.split("\\|\\|")) {
            String tag = part.trim();
            if (!tag.isEmpty()) {
                tags.add(tag);
            }
        }
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("tag expression \"" + expression + "\" names no tag");
        }
        return new TagExpression(TAG, text, Collections.unmodifiableSet(tags));
    }

    /** TAG or SQL92, as the wire's expressionType says. */
    public String type() {
        return type;
    }

    public boolean matchesAll() {
        return tags.isEmpty();
    }

    /** Whether a message with this tag (null when it has none) is wanted; always, for an SQL92 selector. */
    public boolean matches(String tag) {
        return tags.isEmpty() || (tag != null && tags.contains(tag));
    }

    public Set<String> tags() {
        return tags;
    }

    public String expression() {
        return expression;
    }

    /** SubscriptionData JSON as a heartbeat carries it (keys sorted as fastjson writes them). */
    public Map<String, Object> toSubscriptionData(String topic, long subVersion) {
        List<Object> codes = new ArrayList<>();
        tags.forEach(tag -> codes.add(tag.hashCode()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("classFilterMode", false);
        data.put("codeSet", codes);
        data.put("expressionType", type);
        data.put("subString", expression);
        data.put("subVersion", subVersion);
        data.put("tagsSet", new ArrayList<>(tags));
        data.put("topic", topic);
        return data;
    }

    @Override
    public String toString() {
        return expression;
    }
}
