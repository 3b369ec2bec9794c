package dev.sluice.client.consumer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tag subscription: {@code "*"} (or empty) matches every message, {@code "TagA || TagB"} the listed tags. Brokers
 * filter by the tags' Java hash codes; the client filters again by the tags themselves (hash collisions).
 */
public final class TagExpression {
    public static final String ALL = "*";

    private final String expression;
    private final Set<String> tags;

    private TagExpression(String expression, Set<String> tags) {
        this.expression = expression;
        this.tags = tags;
    }

    /** Parses an expression; {@code null} means "*". A tag may not contain {@code ||} separators' pipes. */
    public static TagExpression parse(String expression) {
        String text = expression == null ? "" : expression.trim();
        if (text.isEmpty() || text.equals(ALL)) {
            return new TagExpression(ALL, Set.of());
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
        return new TagExpression(text, Collections.unmodifiableSet(tags));
    }

    public boolean matchesAll() {
        return tags.isEmpty();
    }

    /** Whether a message with this tag (null when it has none) is wanted. */
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
        data.put("expressionType", "TAG");
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
