package dev.sluice.remoting.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class JsonTest {
    /** A number literal long enough to cost seconds of BigDecimal parsing is refused by its length alone. */
    @Test
    void aNumberLongerThanAnyLongOrDoubleNeedsIsRefused() {
        String longest = "-1." + "7".repeat(JsonReader.MAX_NUMBER_LENGTH - 3);
        assertEquals(new BigDecimal(longest), Json.asObject(Json.parse("{\"x\":" + longest + "}"), "doc").get("x"));
        for (String json : List.of("{\"x\":" + "9".repeat(2_000_000) + "}", "[1" + "0".repeat(64) + "]",
                "{" + "1".repeat(100) + ":1}")) {
            JsonException e = assertThrows(JsonException.class, () -> Json.parse(json));
            assertTrue(e.getMessage().contains("(at most 64)"), e.getMessage());
            assertTrue(e.getMessage().length() < 200, "the literal is not echoed");
        }
    }

    @Test
    void parsesUnquotedIntegerKeysAsTheirText() {
        Map<String, Object> addrs = Json.asObject(Json.parse("{0:\"10.0.0.1:10911\", 1 : \"10.0.0.2:10911\"}"), "x");
        assertEquals(Map.of("0", "10.0.0.1:10911", "1", "10.0.0.2:10911"), addrs);
    }

    @Test
    void parsesQuotedNumericKeysTheSameWay() {
        assertEquals(Json.parse("{0:\"a\"}"), Json.parse("{\"0\":\"a\"}"));
    }

    @Test
    void parsesScalarsArraysAndEscapes() {
        Object parsed = Json.parse(" {\"s\":\"a\\\"b\\\\c\\n\\u00e9\\/\",\"n\":-12,\"big\":9223372036854775807,"
                + "\"d\":1.5,\"t\":true,\"f\":false,\"z\":null,\"a\":[1,[],{}]} ");
        Map<String, Object> o = Json.asObject(parsed, "o");
        assertEquals("a\"b\\c\né/", o.get("s"));
        assertEquals(-12L, o.get("n"));
        assertEquals(Long.MAX_VALUE, Json.asLong(o.get("big"), "big"));
        assertEquals(new BigDecimal("1.5"), o.get("d"));
        assertEquals(true, o.get("t"));
        assertEquals(false, o.get("f"));
        assertEquals(true, o.containsKey("z"));
        assertEquals(List.of(1L, List.of(), Map.of()), o.get("a"));
    }

    @Test
    void writesNumericKeysUnquotedLikeFastjsonAndQuotedInStandardMode() {
        Map<Object, Object> addrs = new TreeMap<>();
        addrs.put(0L, "h:1");
        addrs.put(1L, "h:2");
        assertEquals("{0:\"h:1\",1:\"h:2\"}", Json.write(addrs));
        assertEquals("{\"0\":\"h:1\",\"1\":\"h:2\"}", Json.writeStandard(addrs));
    }

    @Test
    void writeThenParseGivesTheSameTree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("text", "tab\t quote\" backslash\\ control\u0001 unicode ü");
        tree.put("list", List.of(1L, "x", true, List.of()));
        tree.put("nested", Map.of("k", 5L));
        assertEquals(tree, Json.parse(Json.write(tree)));
    }

    @Test
    void rejectsMalformedText() {
        for (String bad : List.of("", "{", "{\"a\"}", "{\"a\":}", "[1,]", "{\"a\":1,}", "tru", "\"abc", "{a:1}",
                "\"\\x\"", "\"\\u12\"", "1 2", "--1", "{\"a\":1}}")) {
            assertThrows(JsonException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void rejectsNestingDeepEnoughToThreatenTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        JsonException e = assertThrows(JsonException.class, () -> Json.parse(deep));
        assertEquals(true, e.getMessage().contains("nesting"));
    }

    @Test
    void typedAccessorsNameTheFieldOnWrongShape() {
        JsonException e = assertThrows(JsonException.class, () -> Json.asInt("x", "readQueueNums"));
        assertEquals(true, e.getMessage().contains("readQueueNums"));
        assertThrows(JsonException.class, () -> Json.asInt(1L << 40, "perm"));
        assertThrows(JsonException.class, () -> Json.asObject(List.of(), "body"));
    }

    @Test
    void writesAMapKeyedByObjectsTheWayFastjsonWritesMessageQueueKeys() {
        Map<Object, Object> table = new LinkedHashMap<>();
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("brokerName", "broker-a");
        queue.put("queueId", 0);
        queue.put("topic", "T");
        table.put(queue, Map.of("brokerOffset", 10L));
        assertEquals("{{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"T\"}:{\"brokerOffset\":10}}", Json.write(table));
    }

    @Test
    void parsesAnObjectKeyAsItsStandardJsonText() {
        Map<String, Object> table = Json.asObject(Json.parse(
                "{\"offsetTable\":{{\"brokerName\":\"broker-a\",\"queueId\":3,\"topic\":\"T\"}:{\"brokerOffset\":10}}}"),
                "body");
        Map<String, Object> offsets = Json.asObject(table.get("offsetTable"), "offsetTable");
        String key = offsets.keySet().iterator().next();
        Map<String, Object> queue = Json.asObject(Json.parse(key), "key");
        assertEquals("broker-a", queue.get("brokerName"));
        assertEquals(3L, queue.get("queueId"));
        assertEquals("T", queue.get("topic"));
        assertEquals(Map.of("brokerOffset", 10L), offsets.get(key));
    }
}
