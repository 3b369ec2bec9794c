package dev.sluice.broker.filter;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.rocketmq.filter.FilterFactory;
import org.apache.rocketmq.filter.expression.MQFilterException;
import org.junit.jupiter.api.Test;

/** What the random comparison with RocketMQ does not generate: comments, layout, bad tokens, and the two differences. */
class SqlSelectorTest {
    private static final Map<String, String> MESSAGE = Map.of("a", "5", "b", "it's", "TAGS", "TagA");

    @Test
    void commentsLayoutAndKeywordCaseAreRocketMqs() throws Exception {
        String expression = "a = 5 -- the price\r\n\tand /* a note, with * and / */ b = 'it''s'\fOR TAGS is null";
        assertTrue(SqlSelector.compile(expression).matches(MESSAGE::get));
        assertTrue(rocketMqSelects(expression));
        assertFalse(SqlSelector.compile("A = 5").matches(MESSAGE::get), "property names are case-sensitive");
        assertTrue(SqlSelector.compile("a BETWEEN 4 AND 6e0 AND TAGS NOT IN ('TagB')").matches(MESSAGE::get));
    }

    @Test
    void badTokensAreRefusedSayingWhere() {
        for (String bad : new String[] {"a = \"x\"", "a = 'x", "a # 1", "a = 1 /* open", "a IN (1)", "a =", "",
                "a = 9223372036854775808", "a > 1e400", "(a = 1", "a NOT LIKE 'x'"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SqlSelector.compile(bad), bad);
            assertFalse(e.getMessage().isBlank());
            assertThrows(MQFilterException.class, () -> FilterFactory.INSTANCE.get("SQL92").compile(bad),
                    "RocketMQ refuses it too: " + bad);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SqlSelector.compile("a = 1 AND b # 2"))
                .getMessage().contains("at 13"));
    }

    /** RocketMQ stops reading after one complete expression; "a LIKE 'x'" is then just "a", which selects nothing. */
    @Test
    void inputAfterACompleteExpressionIsRefusedWhereRocketMqIgnoresIt() {
        for (String trailing : new String[] {"a = 5 garbage", "a LIKE 'x'", "a = 5 )", "a = 010"}) {
            assertDoesNotThrow(() -> FilterFactory.INSTANCE.get("SQL92").compile(trailing), trailing);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> SqlSelector.compile(trailing))
                    .getMessage().contains("after a complete expression"), trailing);
        }
    }

    /** RocketMQ refuses floats below Double.MIN_VALUE, zero among them. */
    @Test
    void zeroIsAFloat() {
        assertThrows(MQFilterException.class, () -> FilterFactory.INSTANCE.get("SQL92").compile("a > 0.0"));
        assertTrue(SqlSelector.compile("a > 0.0").matches(MESSAGE::get));
        assertFalse(SqlSelector.compile("a < 0.0").matches(MESSAGE::get));
    }

    /** A hostile expression gets an error, not a StackOverflowError in the thread that compiles or evaluates it. */
    @Test
    void nestingAndDepthAreBounded() {
        String chain = "a = 1" + " OR a = 1".repeat(400) + " OR a = 5";
        assertTrue(SqlSelector.compile(chain).matches(MESSAGE::get), "a long generated OR chain is fine");
        for (String deep : new String[] {"(".repeat(100_000) + "a" + ")".repeat(100_000), "NOT ".repeat(100_000) + "a",
                "- ".repeat(50_000) + "a > 1", "a = 1" + " OR a = 1".repeat(5_000)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SqlSelector.compile(deep));
            assertTrue(e.getMessage().contains("deep"), e.getMessage().substring(0, 120));
            assertTrue(e.getMessage().length() < 500, "the error carries the expression's start, not all of it");
        }
    }

    private static boolean rocketMqSelects(String expression) throws Exception {
        return FilterFactory.INSTANCE.get("SQL92").compile(expression).evaluate(new org.apache.rocketmq.filter.expression.EvaluationContext() {
            @Override
            public Object get(String name) {
                return MESSAGE.get(name);
            }

            @Override
            public Map<String, Object> keyValues() {
                return Map.copyOf(MESSAGE);
            }
        }) == Boolean.TRUE;
    }
}
