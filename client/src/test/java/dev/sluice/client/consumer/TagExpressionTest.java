package dev.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.apache.rocketmq.common.filter.FilterAPI;
import org.apache.rocketmq.common.protocol.heartbeat.SubscriptionData;
import org.junit.jupiter.api.Test;

/** Parsing against the official 4.9.7 FilterAPI: the same tags and hash codes go to the broker. */
class TagExpressionTest {
    @Property(tries = 200)
    void sameTagsAndCodesAsTheOfficialParser(@ForAll @Size(min = 1, max = 5) List<@AlphaChars @StringLength(min = 1, max = 6) String> tags,
            @ForAll boolean spaced) throws Exception {
        String expression = String.join(spaced ? " || " : "||", tags);
        SubscriptionData official = FilterAPI.buildSubscriptionData("T", expression);
        TagExpression ours = TagExpression.parse(expression);
        assertEquals(official.getTagsSet(), new HashSet<>(ours.tags()));
        Map<String, Object> data = ours.toSubscriptionData("T", 1);
        assertEquals(official.getCodeSet(), new HashSet<>((List<?>) data.get("codeSet")));
        assertEquals(official.getSubString(), data.get("subString"));
        for (String tag : tags) {
            assertTrue(ours.matches(tag));
        }
        assertFalse(ours.matches(null));
        assertFalse(ours.matches(String.join("", tags) + "-other"));
    }

    @Test
    void starAndEmptyMatchEverything() throws Exception {
        for (String all : new String[] {"*", "", " * ", null}) {
            TagExpression e = TagExpression.parse(all);
            assertTrue(e.matchesAll());
            assertTrue(e.matches(null));
            assertTrue(e.matches("X"));
            assertEquals("*", e.expression());
            assertEquals(new ArrayList<>(), e.toSubscriptionData("T", 1).get("tagsSet"));
        }
        assertEquals(FilterAPI.buildSubscriptionData("T", "*").getSubString(), TagExpression.parse("*").expression());
    }

    @Test
    void anExpressionOfOnlySeparatorsIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> TagExpression.parse("|| ||"));
        assertEquals("tag expression \"|| ||\" names no tag", e.getMessage());
    }

    /** As FilterAPI.build for SQL92: the expression as subString, no tags or codes; the client filters nothing. */
    @Test
    void anSqlSelectorGoesToTheBrokerAsTheOfficialClientSendsIt() throws Exception {
        String sql = "a BETWEEN 1 AND 5 AND TAGS IN ('TagA')";
        SubscriptionData official = FilterAPI.build("T", sql, "SQL92");
        Map<String, Object> data = TagExpression.sql(sql).toSubscriptionData("T", 1);
        assertEquals(official.getExpressionType(), data.get("expressionType"));
        assertEquals(official.getSubString(), data.get("subString"));
        assertEquals(official.getTagsSet(), new HashSet<>((List<?>) data.get("tagsSet")));
        assertEquals(official.getCodeSet(), new HashSet<>((List<?>) data.get("codeSet")));
        assertTrue(TagExpression.sql(sql).matches(null) && TagExpression.sql(sql).matches("TagB"));
        assertThrows(IllegalArgumentException.class, () -> TagExpression.sql(" "));
    }
}
